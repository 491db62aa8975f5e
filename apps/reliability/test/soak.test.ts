/**
 * Soak: SOAK_REQUESTS (default 200 000) requests per model at 64 concurrent keep-alive clients
 * against `jsfunc models serve` serving the MLflow 2.8.1 ONNX model (worker thread) and a tiny
 * TF.js model built and saved here with @jsfunc/tfjs (worker process). After a warm-up we read
 * the resident memory (VmRSS) of the server and of the TF.js worker process, their open file
 * descriptors (/proc/<pid>/fd), and the TF.js engine's live tensor count in the worker (through a
 * test-only preload, probe/worker-probe.mjs, that answers SIGUSR2); at the end they must be flat:
 * RSS within 10 %, no more fds, no more tensors, every answer a 200 with the right numbers.
 *
 * The server and its workers run with V8's semi-space capped at SOAK_SEMI_SPACE_MIB (default 16,
 * what Node.js 20 uses by default on a machine with more than 2 GiB). Node.js 24 (V8 13.6) raises
 * that default to 64 MiB and grows the young generation under load, 16 -> 32 -> 64 -> 128 MiB per
 * isolate, each step taking longer than the one before; after a full
 * collection those semi-spaces are empty, but their pages stay resident. Without the cap the
 * server's RSS climbs ~95 MiB (young generation 32 -> 128 MiB) and the TF.js worker's ~33 MiB
 * (32 -> 64 MiB) in the first tens of thousands of requests, then stays flat: a bounded collector
 * setting, not retained memory, traced in docs/reliability.md. The cap makes both Node.js lines
 * measure the same heap configuration, so a leak shows and the nursery's sizing does not.
 * SOAK_SEMI_SPACE_MIB=default runs V8's own sizing (then expect the climb above on Node.js 24).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLFLOW_ONNX, jsonOf, keepAliveAgent, openFds, probeProcess, saveTinyTfjsModel, send, startServe, temporaryDirectory, workerPids, type ProbeReport, type ServeProcess } from '../src/index.js';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 200_000);
/**
 * Warm-up: SOAK_WARM_UP requests (default 10 000), then steps of SOAK_WARM_UP_STEP (10 000) until
 * the settled RSS (after a full collection) of the server and of every worker process rose by at
 * most SOAK_WARM_UP_RISE (1 %) over the last step, at most SOAK_WARM_UP_MAX requests in all
 * (100 000). The first requests make memory resident that the process had reserved but never
 * written (V8's young generation and page pool, malloc arenas of new threads); how many requests
 * that takes varies from run to run (docs/reliability.md), so warm-up ends when that ramp has, not
 * after a fixed count. The 10 % bound then applies to the soak's own requests.
 */
const WARM_UP = Number(process.env.SOAK_WARM_UP ?? 10_000);
const WARM_UP_STEP = Number(process.env.SOAK_WARM_UP_STEP ?? 10_000);
const WARM_UP_RISE = Number(process.env.SOAK_WARM_UP_RISE ?? 0.01);
const WARM_UP_MAX = Number(process.env.SOAK_WARM_UP_MAX ?? 100_000);
const CONCURRENCY = 64;
/** The RSS bounds (server and worker process) are asserted unless SOAK_RSS_CHECK=report-only (for investigations). */
const RSS_CHECK = process.env.SOAK_RSS_CHECK !== 'report-only';
const SEMI_SPACE_MIB = process.env.SOAK_SEMI_SPACE_MIB ?? '16';
const V8_FLAGS = SEMI_SPACE_MIB === 'default' ? '' : `--max-semi-space-size=${Number(SEMI_SPACE_MIB)}`;
const PROBE = fileURLToPath(new URL('../probe/worker-probe.mjs', import.meta.url));

let work: Awaited<ReturnType<typeof temporaryDirectory>>;
let server: ServeProcess;
let probeDirectory: string;

beforeAll(async () => {
  work = await temporaryDirectory('jsfunc-soak-');
  const tiny = await saveTinyTfjsModel(path.join(work.path, 'tiny'));
  probeDirectory = path.join(work.path, 'probe');
  await mkdir(probeDirectory);
  server = await startServe(['-m', `lin=${MLFLOW_ONNX}`, '-m', `tiny=${tiny}`], {
    // NODE_OPTIONS reaches the worker processes the server forks, and its flags every isolate
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${V8_FLAGS} --import ${PROBE}`.trim(), JSFUNC_PROBE_DIR: probeDirectory },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await work?.remove();
});

/** Committed young generation (new space) of every isolate of a process, MiB: main thread first. */
function youngGeneration(report: ProbeReport): number[] {
  return [report.heap, ...report.threads.map((thread) => thread.heap)].map((heap) => heap.spaces.new?.[1] ?? NaN);
}

/** The probe's report for a process (resident memory, heaps and TF.js tensors after a full collection). */
function probe(pid: number): Promise<ProbeReport> {
  return probeProcess(pid, probeDirectory);
}

interface Snapshot {
  serverRssKib: number;
  serverFds: number;
  /** Committed young generation of the server's isolates (main thread, then worker threads), MiB. */
  serverYoungMiB: number[];
  workers: Array<{ pid: number; rssKib: number; fds: number; tensors: number; youngMiB: number[] }>;
}

async function snapshot(): Promise<Snapshot> {
  await new Promise((r) => setTimeout(r, 500)); // let in-flight work settle
  const workers = [];
  for (const pid of workerPids(server.pid)) {
    const report = await probe(pid);
    if (!report.tfjs) throw new Error(`worker ${pid} has no TF.js engine`);
    workers.push({ pid, rssKib: Math.round(report.rss / 1024), fds: openFds(pid), tensors: report.tfjs.numTensors, youngMiB: youngGeneration(report) });
  }
  // Resident memory after a full collection: compared between two settled heaps, not at whatever
  // point the collector happened to be (RSS sampled mid-load swings by 30 MB either way).
  const main = await probe(server.pid);
  return { serverRssKib: Math.round(main.rss / 1024), serverFds: openFds(server.pid), serverYoungMiB: youngGeneration(main), workers };
}

const BODIES = {
  lin: { path: '/models/lin/invocations', body: JSON.stringify({ inputs: [Array(10).fill(1)] }), check: (json: any) => Math.abs(json.predictions.variable[0][0] - 1373.035) < 1e-2 },
  tiny: { path: '/models/tiny/invocations', body: JSON.stringify({ inputs: [[0.1, 0.2, 0.3, 0.4]] }), check: (json: any) => json.predictions.dense_Dense2?.[0]?.length === 3 },
};

/** Sends `count` requests with 64 in flight over one keep-alive agent; returns failures and the rate. */
async function hammer(model: keyof typeof BODIES, count: number): Promise<{ failures: string[]; seconds: number }> {
  const { path: route, body, check } = BODIES[model];
  const agent = keepAliveAgent(CONCURRENCY);
  const failures: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        try {
          const answer = await send({ port: server.port }, agent, { method: 'POST', path: route, headers: { 'content-type': 'application/json' }, body });
          if (answer.status !== 200 || (index % 997 === 0 && !check(jsonOf(answer)))) failures.push(`${answer.status} ${answer.body.toString().slice(0, 200)}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }),
  );
  agent.destroy();
  return { failures, seconds: (performance.now() - started) / 1000 };
}

/** Settled RSS of the server and of each worker process, KiB. */
const residents = (s: Snapshot): number[] => [s.serverRssKib, ...s.workers.map((w) => w.rssKib)];

/**
 * Sends WARM_UP requests, then WARM_UP_STEP more at a time until no process's settled RSS rose by
 * more than WARM_UP_RISE over the last step (or WARM_UP_MAX requests were sent). Returns the last
 * snapshot (the soak's "before") and the settled server RSS after each step, MiB.
 */
async function warmUp(model: keyof typeof BODIES): Promise<{ settled: Snapshot; requests: number; serverRssMiB: number[] }> {
  const first = await hammer(model, WARM_UP);
  expect(first.failures).toEqual([]);
  let requests = WARM_UP;
  let settled = await snapshot();
  const serverRssMiB = [Number((settled.serverRssKib / 1024).toFixed(1))];
  while (requests + WARM_UP_STEP <= WARM_UP_MAX) {
    const step = await hammer(model, WARM_UP_STEP);
    expect(step.failures).toEqual([]);
    requests += WARM_UP_STEP;
    const next = await snapshot();
    serverRssMiB.push(Number((next.serverRssKib / 1024).toFixed(1)));
    const [was, now] = [residents(settled), residents(next)];
    settled = next;
    if (now.length === was.length && now.every((kib, i) => kib <= was[i]! * (1 + WARM_UP_RISE))) break;
  }
  return { settled, requests, serverRssMiB };
}

describe(`soak: ${REQUESTS} requests per model at ${CONCURRENCY} concurrent clients`, () => {
  for (const model of ['lin', 'tiny'] as const) {
    it(`${model === 'lin' ? 'ONNX (MLflow 2.8.1 model, worker thread)' : 'TF.js (tiny LayersModel, worker process)'}: RSS flat within 10 %, no fd or tensor growth`, async () => {
      const warm = await warmUp(model);
      const before = warm.settled;
      const run = await hammer(model, REQUESTS);
      const after = await snapshot();
      const summary = {
        model,
        requests: REQUESTS,
        warmUp: { requests: warm.requests, serverRssMiB: warm.serverRssMiB },
        seconds: Number(run.seconds.toFixed(1)),
        perSecond: Math.round(REQUESTS / run.seconds),
        serverRssMiB: [before.serverRssKib, after.serverRssKib].map((k) => Number((k / 1024).toFixed(1))),
        serverFds: [before.serverFds, after.serverFds],
        serverYoungMiB: [before.serverYoungMiB, after.serverYoungMiB],
        semiSpace: SEMI_SPACE_MIB,
        workers: before.workers.map((w, i) => ({ pid: w.pid, rssMiB: [w.rssKib, after.workers[i]?.rssKib ?? NaN].map((k) => Number((k / 1024).toFixed(1))), youngMiB: [w.youngMiB, after.workers[i]?.youngMiB], fds: [w.fds, after.workers[i]?.fds], tensors: [w.tensors, after.workers[i]?.tensors] })),
      };
      console.log(`[soak] ${JSON.stringify(summary)}`);
      expect(run.failures.slice(0, 5)).toEqual([]);
      expect(run.failures.length).toBe(0);
      if (RSS_CHECK) expect(after.serverRssKib).toBeLessThanOrEqual(before.serverRssKib * 1.1);
      else console.warn(`[soak] SOAK_RSS_CHECK=report-only: server and worker RSS not asserted (see docs/reliability.md): ${JSON.stringify(summary)}`);
      expect(after.serverFds).toBeLessThanOrEqual(before.serverFds);
      expect(after.workers.map((w) => w.pid)).toEqual(before.workers.map((w) => w.pid)); // no worker died and was replaced
      for (const [i, worker] of after.workers.entries()) {
        if (RSS_CHECK) expect(worker.rssKib).toBeLessThanOrEqual(before.workers[i]!.rssKib * 1.1);
        expect(worker.fds).toBeLessThanOrEqual(before.workers[i]!.fds);
        expect(worker.tensors).toBe(before.workers[i]!.tensors);
      }
    }, 600_000);
  }
});
