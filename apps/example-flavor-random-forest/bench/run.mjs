// pnpm bench: the cost of jsfunc's generic wrapper over calling ml-random-forest directly.
// Runs against dist/ (build first). Prints load time and predict time side by side with the native
// baseline, and their ratio. No assertions: numbers depend on the machine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createTensor, loadModel, saveModel, silentLogger } from '@jsfunc/core';
import { RandomForestClassifier } from 'ml-random-forest';
import { randomForestFlavor } from '../dist/index.js';

const FEATURES = 4;
const TREES = 50;

/** Deterministic pseudo-random numbers (mulberry32) so every run trains the same forest. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three noisy clusters in FEATURES dimensions, labelled 0, 1, 2. */
function dataset(rows, seed) {
  const next = random(seed);
  const features = [];
  const labels = [];
  for (let row = 0; row < rows; row++) {
    const label = row % 3;
    features.push(Array.from({ length: FEATURES }, (_, column) => label * 1.5 + column * 0.1 + (next() - 0.5) * 2));
    labels.push(label);
  }
  return { features, labels };
}

async function timeAsync(run, iterations) {
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) await run();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ROUNDS = Number(process.env.JSFUNC_BENCH_ROUNDS ?? 15);

/**
 * Runs baseline and wrapper back to back, `ROUNDS` times, alternating which goes first, so load
 * from other processes and GC hit both alike. Reports the median time of each and the median of
 * the per-round ratios (more stable than a ratio of medians on a busy machine).
 */
async function compare(name, baseline, wrapper, iterations) {
  await timeAsync(baseline, iterations);
  await timeAsync(wrapper, iterations);
  const native = [];
  const jsfunc = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    let a;
    let b;
    if (round % 2 === 0) {
      a = await timeAsync(baseline, iterations);
      b = await timeAsync(wrapper, iterations);
    } else {
      b = await timeAsync(wrapper, iterations);
      a = await timeAsync(baseline, iterations);
    }
    native.push(a);
    jsfunc.push(b);
    ratios.push(b / a);
  }
  return { name, iterations: iterations * ROUNDS, native: median(native), jsfunc: median(jsfunc), ratio: median(ratios) };
}

const { features, labels } = dataset(600, 1);
const forest = new RandomForestClassifier({ nEstimators: TREES, seed: 3, noOOB: true });
forest.train(features, labels);

const root = mkdtempSync(path.join(tmpdir(), 'jsfunc-rf-bench-'));
const directory = path.join(root, 'model');
const flavor = randomForestFlavor();
await saveModel(forest, { flavor, path: directory, logger: silentLogger });
const forestFile = path.join(directory, 'forest.json');

const results = [];
try {
  results.push(
    await compare(
      'load (integrity on, default)',
      () => RandomForestClassifier.load(JSON.parse(readFileSync(forestFile, 'utf8'))),
      async () => (await loadModel(directory, { flavors: [flavor], logger: silentLogger })).dispose(),
      10,
    ),
  );
  results.push(
    await compare(
      'load (verifyIntegrity: false)',
      () => RandomForestClassifier.load(JSON.parse(readFileSync(forestFile, 'utf8'))),
      async () => (await loadModel(directory, { flavors: [flavor], logger: silentLogger, verifyIntegrity: false })).dispose(),
      10,
    ),
  );

  const model = await loadModel(directory, { flavors: [flavor], logger: silentLogger });
  const native = model.unwrap();
  for (const batch of [1, 1000]) {
    const rows = dataset(batch, 100 + batch).features;
    const tensor = createTensor('float64', [batch, FEATURES], Float64Array.from(rows.flat()));
    const check = await model.predict(tensor);
    if (Array.from(check.data, Number).join() !== native.predict(rows).join()) throw new Error(`wrapper and native disagree at batch ${batch}`);
    results.push(
      await compare(
        `predict, batch ${batch} (tensor)`,
        () => native.predict(rows),
        () => model.predict(tensor),
        batch === 1 ? 500 : 5,
      ),
    );
    results.push(
      await compare(
        `predict, batch ${batch} (nested array)`,
        () => native.predict(rows),
        () => model.predict(rows),
        batch === 1 ? 500 : 5,
      ),
    );
  }
  await model.dispose();
} finally {
  rmSync(root, { recursive: true, force: true });
}

const format = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
console.log(`jsfunc generic wrapper vs ml-random-forest called directly`);
console.log(`model: RandomForestClassifier, ${TREES} trees, ${FEATURES} features, 3 classes; Node ${process.version}; median of ${ROUNDS} interleaved rounds; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
const header = ['case', 'iterations', 'native', 'jsfunc', 'ratio', 'overhead/call'];
// ratio: median of per-round jsfunc/native; overhead: difference of the medians.
const lines = results.map((result) => [
  result.name,
  String(result.iterations),
  format(result.native),
  format(result.jsfunc),
  `${result.ratio.toFixed(2)}x`,
  format(Math.max(0, result.jsfunc - result.native)),
]);
const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
const print = (line) => console.log(line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
print(header);
print(widths.map((width) => '-'.repeat(width)));
lines.forEach(print);
