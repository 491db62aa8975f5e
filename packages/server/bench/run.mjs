// pnpm bench: autocannon against (1) a bare fastify + onnxruntime-node handler and (2) jsfunc's
// server on the same real model, side by side; then jsfunc with dynamic batching on vs off at 64
// concurrent clients. Prints throughput, p50/p95/p99 and the ratios.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const MODEL = fileURLToPath(new URL('../../../../shared/fixtures/mlflow-onnx-model-2.8.1', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const body = JSON.stringify({ inputs: { input: [Array.from({ length: 10 }, (_, i) => i / 10)] } });

function start(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

async function load(port, connections) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/invocations`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: DURATION,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`errors: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p95: result.latency.p97_5 ?? result.latency.p90, p99: result.latency.p99 };
}

async function measure(label, script, args, port, connections) {
  const child = await start(script, [MODEL, String(port), ...args]);
  try {
    await load(port, connections); // warm-up pass, discarded
    const stats = await load(port, connections);
    console.log(`${label.padEnd(34)} ${stats.rps.toFixed(0).padStart(7)} req/s  p50 ${stats.p50} ms  p97.5 ${stats.p95} ms  p99 ${stats.p99} ms`);
    return stats;
  } finally {
    child.kill('SIGTERM');
  }
}

console.log(`model: ${MODEL} (skl2onnx linear regression, 1x10 float input), ${DURATION}s per run\n`);
const bare16 = await measure('bare fastify + ORT (16 clients)', 'bare-server.mjs', [], 4101, 16);
const jsfunc16 = await measure('jsfunc server     (16 clients)', 'jsfunc-server.mjs', ['0'], 4102, 16);
const off64 = await measure('jsfunc batching off (64 clients)', 'jsfunc-server.mjs', ['0'], 4103, 64);
const on64 = await measure('jsfunc batching on  (64 clients)', 'jsfunc-server.mjs', ['64'], 4104, 64);
console.log('\nratios');
console.log(`jsfunc / bare throughput:        ${(jsfunc16.rps / bare16.rps).toFixed(2)}x  (target >= 0.9x)`);
console.log(`jsfunc / bare p50 latency:       ${(jsfunc16.p50 / bare16.p50).toFixed(2)}x`);
console.log(`batching on / off throughput:    ${(on64.rps / off64.rps).toFixed(2)}x  (target >= 3x)`);
console.log(`batching on / off p97.5 latency: ${(on64.p95 / off64.p95).toFixed(2)}x  (target <= 1x)`);
