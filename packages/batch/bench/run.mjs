// pnpm bench: rows/s of the local pool with 1 vs 2 workers, BullMQ (2 worker processes, 1,000-row
// shards, real Redis on loopback) vs the local pool with 2, and resident memory per worker.
// Runs against dist/ (pnpm build first). Prints ratios against a raw baseline (the scorer called
// directly on the main thread).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkerPool, readChunks, runBullmqDriver, scoreFiles } from '../dist/index.js';

const rowsTotal = Number(process.env.BENCH_ROWS ?? 4000);
const shardSize = 1000;
const scorerPath = fileURLToPath(new URL('./ppocr-scorer.mjs', import.meta.url));
const cliPath = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const modelFile = fileURLToPath(new URL('../../../../shared/fixtures/onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));
const directory = await mkdtemp(join(tmpdir(), 'jsfunc-batch-bench-'));
const input = join(directory, 'in.csv');
await writeFile(input, `id,seed\n${Array.from({ length: rowsTotal }, (_unused, id) => `${id},${id * 7 + 1}`).join('\n')}\n`);
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
const fmt = (number, digits = 0) => number.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

try {
  // Raw baseline: the scorer on this thread, no pool, no files.
  const { createScorer } = await import(scorerPath);
  const raw = await createScorer();
  const allRows = [];
  for await (const chunk of readChunks(input, { chunkSize: shardSize })) allRows.push(chunk.rows);
  await raw(allRows[0].slice(0, 32));
  let started = performance.now();
  for (const rows of allRows) await raw(rows);
  const rawRate = rowsTotal / ((performance.now() - started) / 1000);

  const local = async (workers) => {
    const pool = createWorkerPool({ scorer: { module: scorerPath }, size: workers });
    await pool.ready();
    await pool.score(allRows[0].slice(0, 32));
    const rssAfterLoad = (await rssMb(process.pid));
    const summary = await scoreFiles({ input, output: join(directory, `local-${workers}.csv`), pool, chunkSize: shardSize, progress: false });
    await pool.close();
    return { rate: summary.rowsPerSecond, rssAfterLoad };
  };
  const baseRss = await rssMb(process.pid);
  const one = await local(1);
  const two = await local(2);

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
    const child = spawn(process.execPath, [cliPath, 'worker', '--redis', redisUrl, '--scorer-module', scorerPath, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const bull = await runBullmqDriver({ redis: redisUrl, runId: `bench-${Date.now()}`, input, output: join(directory, 'bullmq.csv'), model: scorerPath, shardSize, progress: false });
  const workerRss = await Promise.all(workerProcesses.map((child) => rssMb(child.pid)));
  const modelMb = (await stat(modelFile)).size / 1024 / 1024;

  console.log(`@jsfunc/batch bench: ${fmt(rowsTotal)} rows, ${shardSize}-row chunks/shards, PaddleOCR cls ONNX (onnxruntime-node, 1 thread per session), 2 cores`);
  console.log('');
  console.log('| engine                       | rows/s  | vs raw | ratio |');
  console.log('|------------------------------|---------|--------|-------|');
  console.log(`| raw scorer, main thread      | ${fmt(rawRate).padStart(7)} | 1.00x  |       |`);
  console.log(`| local pool, 1 worker         | ${fmt(one.rate).padStart(7)} | ${fmt(one.rate / rawRate, 2)}x  |       |`);
  console.log(`| local pool, 2 workers        | ${fmt(two.rate).padStart(7)} | ${fmt(two.rate / rawRate, 2)}x  | ${fmt(two.rate / one.rate, 2)}x vs 1 worker (target >= 1.80x) |`);
  console.log(`| BullMQ, 2 worker processes   | ${fmt(bull.rowsPerSecond).padStart(7)} | ${fmt(bull.rowsPerSecond / rawRate, 2)}x  | ${fmt(two.rate / bull.rowsPerSecond, 2)}x slower per row than local 2 (target <= 1.10x) |`);
  console.log('');
  console.log(`resident memory: BullMQ worker processes ${workerRss.map((mb) => `${fmt(mb)} MB`).join(', ')}; idle node process ${fmt(idleRss)} MB;`);
  console.log(`  so each worker holds ${workerRss.map((mb) => `${fmt(mb - idleRss)} MB`).join(', ')} above an idle process (model file ${fmt(modelMb, 1)} MB + onnxruntime + one inference thread).`);
  console.log(`  local pool: this process ${fmt(baseRss)} MB before pools, ${fmt(one.rssAfterLoad)} MB with 1 worker, ${fmt(two.rssAfterLoad)} MB with 2 workers (+${fmt(two.rssAfterLoad - one.rssAfterLoad)} MB for the second model copy).`);
} finally {
  await cleanup();
}
process.exit(0);
