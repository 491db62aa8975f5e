// pnpm bench: jsfunc predict vs raw model.predict on the wasm backend, side by side.
// Runs against dist/ (pnpm build first). Prints per-call medians and the jsfunc/raw ratio.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '@jsfunc/core';
import { initializeTfjsBackend, tfjsFlavor } from '../dist/index.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/tfjs/', import.meta.url));
const quiet = { warn: () => undefined };
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);

function rawHandler(directory, file) {
  return {
    async load() {
      const json = JSON.parse(await readFile(path.join(directory, file), 'utf8'));
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = [];
        for (const group of manifest) for (const shard of group.paths) {
          const bytes = await readFile(path.join(directory, shard));
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
        return [manifest.flatMap((group) => group.weights), buffers];
      });
    },
  };
}

function seeded(length, seed) {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[index] = state / 2 ** 32;
  }
  return out;
}

/** The jsfunc answer must equal raw tfjs on an independently loaded copy of the fixture (1e-5). */
async function checkSameNumbers(reference, model, data, shape) {
  const x = tf.tensor(data, shape);
  const y = reference.predict(x);
  const expected = await y.data();
  tf.dispose([x, y]);
  const [output] = Object.values(await model.predict({ dtype: 'float32', shape, data }));
  let max = 0;
  for (let index = 0; index < expected.length; index++) max = Math.max(max, Math.abs(expected[index] - output.data[index]));
  if (!(max <= 1e-5) || output.data.length !== expected.length) throw new Error(`jsfunc and raw tfjs differ by ${max}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Wall-clock and CPU (user + system) milliseconds per call over one batch. */
async function time(iterations, body) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) await body();
  const wall = Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  const cpuUsed = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpuUsed.user + cpuUsed.system) / 1e3 / iterations };
}

/**
 * Runs raw and jsfunc batches in pairs, swapping which goes first each round (ABBA), so drift (GC,
 * CPU frequency, other processes) hits both alike. The ratio is the median of the per-round
 * jsfunc/raw ratios; the ms columns are the medians of each side.
 */
async function compare(name, iterations, raw, jsfunc) {
  for (let index = 0; index < 30; index++) {
    await raw();
    await jsfunc();
  }
  const rawTimes = [];
  const jsfuncTimes = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      rawTimes.push(await time(iterations, raw));
      jsfuncTimes.push(await time(iterations, jsfunc));
    } else {
      jsfuncTimes.push(await time(iterations, jsfunc));
      rawTimes.push(await time(iterations, raw));
    }
  }
  const ratio = (field) => median(jsfuncTimes.map((entry, index) => entry[field] / rawTimes[index][field]));
  return {
    name,
    rawMs: median(rawTimes.map((entry) => entry.wall)),
    jsfuncMs: median(jsfuncTimes.map((entry) => entry.wall)),
    ratio: ratio('wall'),
    rawCpu: median(rawTimes.map((entry) => entry.cpu)),
    jsfuncCpu: median(jsfuncTimes.map((entry) => entry.cpu)),
    cpuRatio: ratio('cpu'),
  };
}

await initializeTfjsBackend('wasm');
const flavor = tfjsFlavor({ backend: 'wasm' });
const work = await mkdtemp(path.join(os.tmpdir(), 'jsfunc-tfjs-bench-'));
const results = [];
try {
  // 1. The real GraphModel fixture (emotion classifier, 64x64x1 -> 7).
  {
    const directory = path.join(fixtures, 'emotion-graph');
    await saveModel(directory, { flavor, path: path.join(work, 'emotion'), logger: quiet });
    const model = await loadModel(path.join(work, 'emotion'), { flavors: [flavor], logger: quiet });
    // The raw baseline runs the very same model object, so only jsfunc's own work differs.
    const raw = model.unwrap();
    const reference = await tf.loadGraphModel(rawHandler(directory, 'emotion.json'));
    const data = seeded(64 * 64, 1);
    const shape = [1, 64, 64, 1];
    results.push(
      await compare(
        'emotion GraphModel [1,64,64,1]',
        10,
        async () => {
          const x = tf.tensor(data, shape);
          const y = raw.predict(x);
          await y.data();
          tf.dispose([x, y]);
        },
        () => model.predict({ dtype: 'float32', shape, data }),
      ),
    );
    await checkSameNumbers(reference, model, data, shape);
    await model.dispose();
    reference.dispose();
  }
  // 2. The real LayersModel fixture (upscaler, 16x16x3 -> 32x32x3).
  {
    const directory = path.join(fixtures, 'upscaler-layers');
    await saveModel(directory, { flavor, path: path.join(work, 'upscaler'), logger: quiet });
    const model = await loadModel(path.join(work, 'upscaler'), { flavors: [flavor], logger: quiet });
    const raw = model.unwrap();
    const reference = await tf.loadLayersModel(rawHandler(directory, 'model.json'));
    const data = seeded(16 * 16 * 3, 2);
    const shape = [1, 16, 16, 3];
    results.push(
      await compare(
        'upscaler LayersModel [1,16,16,3]',
        4,
        async () => {
          const x = tf.tensor(data, shape);
          const y = raw.predict(x);
          await y.data();
          tf.dispose([x, y]);
        },
        () => model.predict({ dtype: 'float32', shape, data }),
      ),
    );
    await checkSameNumbers(reference, model, data, shape);
    await model.dispose();
    reference.dispose();
  }
  // 3. A tiny dense model: almost no compute, so this shows jsfunc's fixed cost per call.
  {
    const tiny = tf.sequential();
    tiny.add(tf.layers.dense({ units: 8, inputShape: [16], activation: 'relu' }));
    tiny.add(tf.layers.dense({ units: 2 }));
    await saveModel(tiny, { flavor, path: path.join(work, 'tiny'), logger: quiet });
    const model = await loadModel(path.join(work, 'tiny'), { flavors: [flavor], logger: quiet });
    const data = seeded(16, 3);
    const shape = [1, 16];
    results.push(
      await compare(
        'tiny dense [1,16] (overhead only)',
        200,
        async () => {
          const x = tf.tensor(data, shape);
          const y = tiny.predict(x);
          await y.data();
          tf.dispose([x, y]);
        },
        () => model.predict({ dtype: 'float32', shape, data }),
      ),
    );
    await model.dispose();
    tiny.dispose();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

console.log(
  `@jsfunc/tfjs bench: backend ${tf.getBackend()}, @tensorflow/tfjs ${tf.version.tfjs}, node ${process.version}, ` +
    `ratios = median of ${rounds} paired rounds, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`,
);
console.log('Wall time suffers from other processes on a busy machine; CPU time (user + system of this process) much less.');
console.log('model | raw wall ms/call | jsfunc wall ms/call | wall ratio | raw CPU ms/call | jsfunc CPU ms/call | CPU ratio');
for (const result of results) {
  console.log(
    `${result.name} | ${result.rawMs.toFixed(3)} | ${result.jsfuncMs.toFixed(3)} | ${result.ratio.toFixed(3)}x | ` +
      `${result.rawCpu.toFixed(3)} | ${result.jsfuncCpu.toFixed(3)} | ${result.cpuRatio.toFixed(3)}x`,
  );
}
console.log('Target: at most 1.05x on the real models (the tiny model shows the fixed cost per call, about tens of microseconds).');
