// Memory trace of the soak's set-up, for characterising resident-memory growth (docs/reliability.md).
// Starts `jsfunc models serve -m lin=<ONNX> -m tiny=<TF.js>` with the SIGUSR2 probe, then for each
// model sends TRACE_REQUESTS requests at 64 clients and, every TRACE_MARK requests, prints one JSON
// line: server RSS / anonymous memory after a full collection, the main isolate's heap, every
// worker thread's isolate (collected too) and the TF.js worker process.
//   node scripts/soak-trace.mjs                       (after `pnpm build`)
//   TRACE_MODELS=lin TRACE_REQUESTS=150000 TRACE_MARK=25000 node scripts/soak-trace.mjs
// TRACE_SMAPS_DIR=<dir>: also copy the server's /proc/<pid>/smaps at every mark (compare two with
// scripts/smaps-diff.mjs). Extra serve arguments: TRACE_SERVE_ARGS (space separated). V8 flags for the server and its worker
// processes: NODE_OPTIONS (e.g. NODE_OPTIONS=--max-semi-space-size=16). Unlike the soak test, the
// trace runs the server with V8's default young generation unless NODE_OPTIONS says otherwise.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW_ONNX, keepAliveAgent, probeProcess, saveTinyTfjsModel, send, startServe, temporaryDirectory, workerPids } from '../dist/index.js';

const REQUESTS = Number(process.env.TRACE_REQUESTS ?? 150_000);
const MARK = Number(process.env.TRACE_MARK ?? 25_000);
const MODELS = (process.env.TRACE_MODELS ?? 'lin,tiny').split(',');
const CONCURRENCY = 64;
const PROBE = fileURLToPath(new URL('../probe/worker-probe.mjs', import.meta.url));

const work = await temporaryDirectory('jsfunc-soak-trace-');
const probeDirectory = path.join(work.path, 'probe');
await mkdir(probeDirectory);
const tiny = await saveTinyTfjsModel(path.join(work.path, 'tiny'));
const extra = (process.env.TRACE_SERVE_ARGS ?? '').split(' ').filter(Boolean);
const server = await startServe([...extra, '-m', `lin=${MLFLOW_ONNX}`, '-m', `tiny=${tiny}`], {
  env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PROBE}`.trim(), JSFUNC_PROBE_DIR: probeDirectory },
});

const probe = (pid) => probeProcess(pid, probeDirectory);

const BODIES = {
  lin: { path: '/models/lin/invocations', body: JSON.stringify({ inputs: [Array(10).fill(1)] }) },
  tiny: { path: '/models/tiny/invocations', body: JSON.stringify({ inputs: [[0.1, 0.2, 0.3, 0.4]] }) },
};

async function hammer(model, count) {
  const { path: route, body } = BODIES[model];
  const agent = keepAliveAgent(CONCURRENCY);
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const answer = await send({ port: server.port }, agent, { method: 'POST', path: route, headers: { 'content-type': 'application/json' }, body }).catch(() => ({ status: 0 }));
        if (answer.status !== 200) failures++;
      }
    }),
  );
  agent.destroy();
  return failures;
}

const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
/**
 * The server's resident memory by kind of mapping, MiB, from /proc/<pid>/smaps: V8's heap pages
 * (anonymous rw 256 KiB mappings; V8 maps every regular page on its own, at a random address),
 * glibc's main arena ([heap]), the thread arenas (anonymous rw mappings of at most 64 MiB at 64 MiB-aligned
 * addresses),
 * other anonymous memory, and files (node's binary, onnxruntime's .so, ...). For V8 pages and
 * arenas: [mappings, mapped MiB, resident MiB].
 */
async function mappings(pid) {
  const text = await readFile(`/proc/${pid}/smaps`, 'utf8');
  const kinds = { v8Pages: [0, 0, 0], mallocMain: [0, 0, 0], threadArenas: [0, 0, 0], otherAnon: [0, 0, 0], files: [0, 0, 0] };
  let current;
  for (const row of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(row);
    if (head) {
      const [start, end] = [BigInt(`0x${head[1]}`), BigInt(`0x${head[2]}`)];
      const size = Number(end - start);
      const name = head[4];
      const kind = name === '[heap]' ? 'mallocMain'
        : name.startsWith('/') ? 'files'
        : name !== '' ? 'otherAnon'
        : size === 262144 && head[3].startsWith('rw') ? 'v8Pages'
        : start % 67108864n === 0n && size <= 67108864 && head[3].startsWith('rw') ? 'threadArenas'
        : 'otherAnon';
      current = kinds[kind];
      current[0]++;
      current[1] += size / 1048576;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(row);
    if (rss && current) current[2] += Number(rss[1]) / 1024;
  }
  for (const value of Object.values(kinds)) for (const i of [1, 2]) value[i] = Math.round(value[i] * 10) / 10;
  return kinds;
}

const SMAPS_DIR = process.env.TRACE_SMAPS_DIR;
if (SMAPS_DIR) await mkdir(SMAPS_DIR, { recursive: true });
async function line(model, done) {
  await new Promise((r) => setTimeout(r, 500));
  const main = await probe(server.pid);
  // the server's mappings after the collection, for scripts/smaps-diff.mjs
  if (SMAPS_DIR) await writeFile(path.join(SMAPS_DIR, `server-${model}-${String(done).padStart(7, '0')}.smaps`), await readFile(`/proc/${server.pid}/smaps`)); // copyFile reads /proc files as empty
  const workers = [];
  for (const pid of workerPids(server.pid)) {
    const w = await probe(pid);
    workers.push({ pid, rssMiB: mib(w.rss), heapUsedMiB: mib(w.heapUsed), heapTotalMiB: w.heap.totalMiB, externalMiB: mib(w.external), anonMiB: w.smaps ? mib(w.smaps.anonymousKib * 1024) : null, tensors: w.tfjs?.numTensors, spaces: w.heap.spaces });
  }
  console.log(
    JSON.stringify({
      node: process.version,
      model,
      done,
      server: { rssMiB: mib(main.rss), anonMiB: main.smaps ? mib(main.smaps.anonymousKib * 1024) : null, mappings: await mappings(server.pid), heapUsedMiB: mib(main.heapUsed), heapTotalMiB: main.heap.totalMiB, mallocedMiB: main.heap.mallocedMiB, peakMallocedMiB: main.heap.peakMallocedMiB, externalMiB: mib(main.external), arrayBuffersMiB: mib(main.arrayBuffers), spaces: main.heap.spaces },
      threads: main.threads.map((t) => ({ id: t.threadId, usedMiB: t.heap.usedMiB, totalMiB: t.heap.totalMiB, physicalMiB: t.heap.physicalMiB, mallocedMiB: t.heap.mallocedMiB, peakMallocedMiB: t.heap.peakMallocedMiB, externalMiB: t.heap.externalMiB, spaces: t.heap.spaces })),
      workers,
    }),
  );
}

try {
  for (const model of MODELS) {
    await line(model, 0);
    for (let done = 0; done < REQUESTS; done += MARK) {
      const failures = await hammer(model, MARK);
      if (failures) console.log(`failures: ${failures}`);
      await line(model, done + MARK);
    }
  }
} finally {
  await server.stop();
  await work.remove();
}
