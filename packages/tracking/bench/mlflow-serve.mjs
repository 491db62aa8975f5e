// pnpm bench:mlflow — `mlflow models serve` (local environment) vs `jsfunc models serve` on the
// same ONNX model (scikit-learn Ridge -> skl2onnx -> mlflow.onnx.save_model), same load
// generator, same concurrency, one after the other in one run. Prints throughput, p50/p99 and the
// ratio. Env: BENCH_SECONDS (default 10), BENCH_CONCURRENCY (default 16), BENCH_ROWS (rows per
// request, default 1), BENCH_JSFUNC_ARGS / BENCH_MLFLOW_ARGS (extra serve arguments).
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureVenv, runPython, startJsfuncModelsServe, startMlflowModelsServe } from '../interop/mlflow-processes.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rowsPerRequest = Number(process.env.BENCH_ROWS ?? 1);
const warmUpSeconds = 2;
const splitArgs = (value) => (value ? value.split(' ').filter(Boolean) : []);

const row = (seed) => Array.from({ length: 10 }, (_, column) => Math.round(Math.sin(seed * 10 + column) * 800) / 10_000);
const body = JSON.stringify({ inputs: Array.from({ length: rowsPerRequest }, (_, index) => row(index)) });

function post(agent, url) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Closed-loop load: `concurrency` clients, each sending the next request when the last answered. */
async function load(url, durationSeconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let errors = 0;
  const end = performance.now() + durationSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const { status } = await post(agent, url);
          if (status === 200) latencies.push(performance.now() - t0);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return { requests: latencies.length, errors, throughput: latencies.length / elapsed, p50: pick(0.5), p99: pick(0.99) };
}

async function measure(name, start) {
  const server = await start();
  try {
    const check = await post(undefined, `${server.url}/invocations`);
    if (check.status !== 200) throw new Error(`${name} answered ${check.status}: ${check.text}`);
    await load(`${server.url}/invocations`, warmUpSeconds);
    const result = await load(`${server.url}/invocations`, seconds);
    return { name, ...result, sample: check.text };
  } finally {
    await server.stop();
  }
}

await ensureVenv();
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-bench-mlflow-'));
try {
  const modelDirectory = path.join(tmp, 'ridge');
  const inputs = path.join(tmp, 'inputs.json');
  await fs.writeFile(inputs, JSON.stringify([row(0)]));
  await runPython('train_sklearn_onnx.py', [modelDirectory, inputs]);

  console.log(`bench:mlflow  model: sklearn Ridge via skl2onnx (10 float features), ${rowsPerRequest} row(s)/request`);
  console.log(`load: closed loop, ${concurrency} concurrent keep-alive clients, ${warmUpSeconds}s warm-up + ${seconds}s measured, one server at a time on ${os.cpus().length} CPUs\n`);
  const mlflow = await measure('mlflow models serve (--env-manager local)', () => startMlflowModelsServe(modelDirectory, splitArgs(process.env.BENCH_MLFLOW_ARGS)));
  const jsfunc = await measure('jsfunc models serve', () => startJsfuncModelsServe(modelDirectory, splitArgs(process.env.BENCH_JSFUNC_ARGS)));

  const sameAnswer = JSON.stringify(JSON.parse(mlflow.sample)) === JSON.stringify(JSON.parse(jsfunc.sample));
  const pad = (value, width) => String(value).padStart(width);
  console.log(`${'server'.padEnd(44)}${pad('requests', 10)}${pad('errors', 8)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}`);
  for (const result of [mlflow, jsfunc]) {
    console.log(
      `${result.name.padEnd(44)}${pad(result.requests, 10)}${pad(result.errors, 8)}${pad(result.throughput.toFixed(0), 10)}${pad(result.p50.toFixed(2), 9)}${pad(result.p99.toFixed(2), 9)}`,
    );
  }
  const ratio = jsfunc.throughput / mlflow.throughput;
  console.log(`\nthroughput ratio jsfunc / mlflow: ${ratio.toFixed(2)}x  (target >= 5x: ${ratio >= 5 ? 'met' : 'NOT met'})`);
  console.log(`p50 ratio mlflow / jsfunc: ${(mlflow.p50 / jsfunc.p50).toFixed(2)}x, p99 ratio: ${(mlflow.p99 / jsfunc.p99).toFixed(2)}x`);
  console.log(`same answer to the bench request: ${sameAnswer ? 'yes' : `NO\n  mlflow: ${mlflow.sample}\n  jsfunc: ${jsfunc.sample}`}`);
} finally {
  await fs.rm(tmp, { recursive: true, force: true });
}
