// pnpm bench: autocannon against (1) a bare fastify handler calling onnxruntime-node directly and
// (2) jsfunc's server, on the same model; then jsfunc with dynamic batching on vs off at 64
// concurrent clients, same model. The model is a dense MLP built here (bench/build-mlp-onnx.mjs,
// 16 -> 2048 -> 2048 -> 2048 -> 1, ~50 MB) and saved as a jsfunc model: its inference (~3 ms a
// call at batch 1, ~0.45 ms a row at batch 64) dominates the per-request HTTP cost, which is what
// batching is for. The tiny MLflow linear model is kept as a second jsfunc-vs-bare case.
//
// The machine is shared, so every configuration is run in interleaved rounds (order alternating)
// and medians are printed; next to throughput each run records the server process's CPU time per
// request (from /proc/<pid>/stat), and p95 is computed exactly from every response time
// (autocannon's own summary stops at p90/p97.5).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel, silentLogger } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { buildMlpOnnx } from '../../../scripts/bench/build-mlp-onnx.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const LINEAR = fileURLToPath(new URL('../../../../shared/fixtures/mlflow-onnx-model-2.8.1', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLK_TCK = 100;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const freePort = () =>
  new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const cpuMs = async (pid) => {
  // utime + stime of the whole process (all threads, workers included), in ms
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
};

async function start(script, args) {
  const port = await freePort();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here(script), args[0], String(port), ...args.slice(1)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('ready')) resolve({ child, port });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

async function load({ child, port }, body, connections, duration) {
  const times = [];
  const cpuBefore = await cpuMs(child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/invocations`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
    setupClient: (client) => client.on('response', (_status, _bytes, responseTime) => times.push(responseTime)),
  });
  const cpu = (await cpuMs(child.pid)) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`errors: ${result.non2xx} non-2xx, ${result.errors} errors`);
  times.sort((a, b) => a - b);
  const quantile = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { rps: result.requests.average, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99), cpuPerRequest: cpu / Math.max(1, result.requests.total) };
}

/** Runs the configurations in interleaved rounds; returns the median of each statistic per configuration. */
async function compareConfigs(title, configs, body, connections) {
  const servers = [];
  try {
    for (const config of configs) servers.push(await start(config.script, config.args));
    for (const server of servers) await load(server, body, connections, 2); // warm-up, discarded
    const runs = configs.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = configs.map((_c, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const index of order) runs[index].push(await load(servers[index], body, connections, DURATION));
    }
    console.log(`\n${title} (${connections} clients, ${ROUNDS} interleaved rounds of ${DURATION}s, medians)`);
    const stats = runs.map((list) => Object.fromEntries(['rps', 'p50', 'p95', 'p99', 'cpuPerRequest'].map((key) => [key, median(list.map((run) => run[key]))])));
    configs.forEach((config, index) => {
      const s = stats[index];
      console.log(
        `  ${config.label.padEnd(30)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  server CPU ${s.cpuPerRequest.toFixed(3)} ms/req`,
      );
    });
    return stats;
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
  }
}

const work = await mkdtemp(path.join(tmpdir(), 'jsfunc-server-bench-'));
try {
  const onnxFile = path.join(work, 'mlp.onnx');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(onnxFile, buildMlpOnnx({ features: 16, hidden: 2048, layers: 3 }));
  const MLP = path.join(work, 'mlp');
  await saveModel(onnxFile, { flavor: onnxFlavor(), path: MLP, logger: silentLogger });
  const mlpBody = JSON.stringify({ inputs: { input: [Array.from({ length: 16 }, (_, i) => i / 16)] } });
  const linearBody = JSON.stringify({ inputs: { input: [Array.from({ length: 10 }, (_, i) => i / 10)] } });

  console.log(`node ${process.version}; ${cpus().length} cores; load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const [bareMlp, jsfuncMlp] = await compareConfigs(
    'MLP 16-2048x3-1, bare vs jsfunc',
    [
      { label: 'bare fastify + ORT', script: 'bare-server.mjs', args: [MLP] },
      { label: 'jsfunc server (batching off)', script: 'jsfunc-server.mjs', args: [MLP, '0'] },
    ],
    mlpBody,
    16,
  );
  const [bareLinear, jsfuncLinear] = await compareConfigs(
    'MLflow linear (10 features), bare vs jsfunc',
    [
      { label: 'bare fastify + ORT', script: 'bare-server.mjs', args: [LINEAR] },
      { label: 'jsfunc server (batching off)', script: 'jsfunc-server.mjs', args: [LINEAR, '0'] },
    ],
    linearBody,
    16,
  );
  const [off, on] = await compareConfigs(
    'MLP 16-2048x3-1, jsfunc batching off vs on',
    [
      { label: 'jsfunc batching off', script: 'jsfunc-server.mjs', args: [MLP, '0'] },
      { label: 'jsfunc batching on (max 64)', script: 'jsfunc-server.mjs', args: [MLP, '64'] },
    ],
    mlpBody,
    64,
  );
  const verdict = (ok) => (ok ? 'yes' : 'NO');
  console.log(`\nratios (load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')})`);
  const t1 = jsfuncMlp.rps / bareMlp.rps;
  console.log(`  MLP    jsfunc / bare throughput:        ${t1.toFixed(2)}x  (target >= 0.9x: ${verdict(t1 >= 0.9)}); server CPU per request ${(jsfuncMlp.cpuPerRequest / bareMlp.cpuPerRequest).toFixed(2)}x`);
  const t2 = jsfuncLinear.rps / bareLinear.rps;
  console.log(`  linear jsfunc / bare throughput:        ${t2.toFixed(2)}x  (target >= 0.9x: ${verdict(t2 >= 0.9)}); server CPU per request ${(jsfuncLinear.cpuPerRequest / bareLinear.cpuPerRequest).toFixed(2)}x`);
  const t3 = on.rps / off.rps;
  const t4 = on.p95 / off.p95;
  console.log(`  MLP    batching on / off throughput:    ${t3.toFixed(2)}x  (target >= 3x: ${verdict(t3 >= 3)}); server CPU per request ${(on.cpuPerRequest / off.cpuPerRequest).toFixed(2)}x`);
  console.log(`  MLP    batching on / off p95 latency:   ${t4.toFixed(2)}x  (target <= 1x: ${verdict(t4 <= 1)})`);
} finally {
  await rm(work, { recursive: true, force: true });
}
