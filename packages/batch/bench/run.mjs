// pnpm bench: rows/s of the local pool with 1 vs 2 workers, BullMQ (2 worker processes, 1,000-row
// shards, real Redis on loopback) vs the local pool with 2, and resident memory per worker.
// Runs against dist/ (pnpm build first). The model is a real jsfunc model: a dense ONNX MLP
// (bench/build-mlp-onnx.mjs, 16 features -> 1024 x 4 -> 1, ~16 MB) saved with
// saveModel(..., { flavor: onnxFlavor() }) with onnxruntime session options of 1 intra-op thread,
// so N workers use N cores; every worker loads it through @jsfunc/onnx. Prints ratios against a
// raw baseline (onnxruntime-node called directly on the main thread, same model, 1 thread).
// The machine is shared: every rate comes with the CPU time the work took (this process and its
// worker threads via process.cpuUsage; BullMQ worker processes via /proc/<pid>/stat) and local
// 1 vs 2 is measured in interleaved rounds (medians).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { saveModel, silentLogger } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { createWorkerPool, readChunks, runBullmqDriver, scoreFiles } from '../dist/index.js';
import { buildMlpOnnx } from '../../../scripts/bench/build-mlp-onnx.mjs';

const rowsTotal = Number(process.env.BENCH_ROWS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const shardSize = 1000;
const FEATURES = 16;
const columns = Array.from({ length: FEATURES }, (_unused, index) => `f${index}`);
const cliPath = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const directory = await mkdtemp(join(tmpdir(), 'jsfunc-batch-bench-'));
const onnxFile = join(directory, 'mlp.onnx');
await writeFile(onnxFile, buildMlpOnnx({ features: FEATURES, hidden: 1024, layers: 4 }));
const modelDir = join(directory, 'model');
await saveModel(onnxFile, { flavor: onnxFlavor(), path: modelDir, saveOptions: { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } }, logger: silentLogger });
const modelFile = join(modelDir, 'model.onnx');
const scorer = { model: modelDir, flavorPackages: ['@jsfunc/onnx'], cwd: packageDir, columns };
const input = join(directory, 'in.csv');
const value = (row, column) => (((row * 7919 + column * 104729) % 1000) / 1000).toFixed(3);
await writeFile(input, `${columns.join(',')}\n${Array.from({ length: rowsTotal }, (_unused, row) => columns.map((_c, column) => value(row, column)).join(',')).join('\n')}\n`);
const children = new Set();
const cleanup = async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(directory, { recursive: true, force: true });
};
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

const rssMb = async (pid) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const procCpuMs = async (pid) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms: utime + stime
};
const fmt = (number, digits = 0) => number.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

try {
  // Raw baseline: onnxruntime-node on this thread, same model file, 1 intra-op thread, no pool, no files.
  const ort = createRequire(import.meta.url)('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const allRows = [];
  for await (const chunk of readChunks(input, { chunkSize: shardSize })) allRows.push(chunk.rows);
  const rawScore = async (rows) => {
    const data = new Float32Array(rows.length * FEATURES);
    rows.forEach((row, r) => columns.forEach((name, c) => (data[r * FEATURES + c] = Number(row[name]))));
    const out = await session.run({ input: new ort.Tensor('float32', data, [rows.length, FEATURES]) });
    return out.variable.data;
  };
  await rawScore(allRows[0].slice(0, 32));
  let cpuStart = process.cpuUsage();
  let started = performance.now();
  for (const rows of allRows) await rawScore(rows);
  const rawSeconds = (performance.now() - started) / 1000;
  let cpu = process.cpuUsage(cpuStart);
  const rawRate = rowsTotal / rawSeconds;
  const rawCpuPerRow = (cpu.user + cpu.system) / 1000 / rowsTotal;
  await session.release();

  const pools = new Map();
  const local = async (workers) => {
    let pool = pools.get(workers);
    if (pool === undefined) {
      pool = createWorkerPool({ scorer, size: workers });
      await pool.ready();
      await pool.score(allRows[0].slice(0, 32));
      pools.set(workers, pool);
    }
    const rssAfterLoad = await rssMb(process.pid);
    const cpuBefore = process.cpuUsage();
    const summary = await scoreFiles({ input, output: join(directory, `local-${workers}.csv`), pool, chunkSize: shardSize, progress: false });
    const used = process.cpuUsage(cpuBefore);
    return { rate: summary.rowsPerSecond, cpuPerRow: (used.user + used.system) / 1000 / rowsTotal, rssAfterLoad };
  };
  const baseRss = await rssMb(process.pid);
  const oneRuns = [];
  const twoRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      oneRuns.push(await local(1));
      twoRuns.push(await local(2));
    } else {
      twoRuns.push(await local(2));
      oneRuns.push(await local(1));
    }
  }
  const pick = (runs) => ({ rate: median(runs.map((run) => run.rate)), cpuPerRow: median(runs.map((run) => run.cpuPerRow)), rssAfterLoad: runs.at(-1).rssAfterLoad });
  const one = pick(oneRuns);
  const two = pick(twoRuns);
  const oneRssOnly = oneRuns[0].rssAfterLoad;
  for (const pool of pools.values()) await pool.close();

  // BullMQ: real redis-server on loopback, two worker processes.
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.add(redis);
  await new Promise((resolve) => redis.stdout.on('data', (data) => String(data).includes('Ready to accept') && resolve()));
  const redisUrl = `redis://127.0.0.1:${port}`;
  const workers = [0, 1].map(() => {
    const child = spawn(process.execPath, [cliPath, 'worker', '--redis', redisUrl, '-m', modelDir, '--flavor', '@jsfunc/onnx', '--columns', columns.join(','), '--json'], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench worker exited (${code}) before it was ready`)));
      child.stdout.on('data', (data) => String(data).includes('"ready"') && resolve(child));
    });
  });
  const workerProcesses = await Promise.all(workers);
  const idleNode = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  children.add(idleNode);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const idleRss = await rssMb(idleNode.pid);
  idleNode.kill('SIGKILL');
  // warm-up run (first shards load the model in each worker), then the measured runs
  await runBullmqDriver({ redis: redisUrl, runId: `bench-warm-${Date.now()}`, input, output: join(directory, 'bullmq-warm.csv'), model: modelDir, shardSize, progress: false });
  const bullRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = (await Promise.all(workerProcesses.map((child) => procCpuMs(child.pid)))).reduce((a, b) => a + b, 0);
    const cpuBefore = process.cpuUsage();
    const summary = await runBullmqDriver({ redis: redisUrl, runId: `bench-${round}-${Date.now()}`, input, output: join(directory, `bullmq-${round}.csv`), model: modelDir, shardSize, progress: false });
    const driver = process.cpuUsage(cpuBefore);
    const after = (await Promise.all(workerProcesses.map((child) => procCpuMs(child.pid)))).reduce((a, b) => a + b, 0);
    bullRuns.push({ rate: summary.rowsPerSecond, cpuPerRow: (after - before + (driver.user + driver.system) / 1000) / rowsTotal });
  }
  const bull = { rowsPerSecond: median(bullRuns.map((run) => run.rate)), cpuPerRow: median(bullRuns.map((run) => run.cpuPerRow)) };
  const workerRss = await Promise.all(workerProcesses.map((child) => rssMb(child.pid)));
  const modelMb = (await stat(modelFile)).size / 1024 / 1024;

  const cpuMs = (perRow) => `${fmt(perRow, 3)} ms`;
  console.log(`@jsfunc/batch bench: ${fmt(rowsTotal)} rows, ${shardSize}-row chunks/shards, jsfunc ONNX model (MLP 16-1024x4-1, ${fmt(modelMb, 1)} MB, 1 intra-op thread per session), ${cpus().length} cores, ${ROUNDS} rounds (medians)`);
  console.log(`node ${process.version}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log('');
  console.log('| engine                       | rows/s  | vs raw | CPU per row | ratio |');
  console.log('|------------------------------|---------|--------|-------------|-------|');
  console.log(`| raw ORT, main thread         | ${fmt(rawRate).padStart(7)} | 1.00x  | ${cpuMs(rawCpuPerRow)}    |       |`);
  console.log(`| local pool, 1 worker         | ${fmt(one.rate).padStart(7)} | ${fmt(one.rate / rawRate, 2)}x  | ${cpuMs(one.cpuPerRow)}    |       |`);
  console.log(`| local pool, 2 workers        | ${fmt(two.rate).padStart(7)} | ${fmt(two.rate / rawRate, 2)}x  | ${cpuMs(two.cpuPerRow)}    | ${fmt(two.rate / one.rate, 2)}x rows/s vs 1 worker (target >= 1.80x, wall: ${two.rate / one.rate >= 1.8 ? 'yes' : 'NO'}); CPU per row ${fmt(two.cpuPerRow / one.cpuPerRow, 2)}x |`);
  console.log(`| BullMQ, 2 worker processes   | ${fmt(bull.rowsPerSecond).padStart(7)} | ${fmt(bull.rowsPerSecond / rawRate, 2)}x  | ${cpuMs(bull.cpuPerRow)}    | ${fmt(two.rate / bull.rowsPerSecond, 2)}x slower per row than local 2 (wall); CPU per row ${fmt(bull.cpuPerRow / two.cpuPerRow, 2)}x (target <= 1.10x, judged on the lower: ${Math.min(two.rate / bull.rowsPerSecond, bull.cpuPerRow / two.cpuPerRow) <= 1.1 ? 'yes' : 'NO'}) |`);
  console.log('');
  console.log(`resident memory: BullMQ worker processes ${workerRss.map((mb) => `${fmt(mb)} MB`).join(', ')}; idle node process ${fmt(idleRss)} MB;`);
  console.log(`  so each worker holds ${workerRss.map((mb) => `${fmt(mb - idleRss)} MB`).join(', ')} above an idle process (model file ${fmt(modelMb, 1)} MB + onnxruntime + @jsfunc modules + one inference thread).`);
  console.log(`  local pool: this process ${fmt(baseRss)} MB before pools, ${fmt(oneRssOnly)} MB with the 1-worker pool, ${fmt(two.rssAfterLoad)} MB with both pools (+${fmt(two.rssAfterLoad - oneRssOnly)} MB for two more worker threads, each with one model copy).`);
} finally {
  await cleanup();
}
process.exit(0);
