import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadModel, saveModel, type TensorV1 } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emotionGraphDirectory, maxAbsDifference, seededFloats, temporaryDirectory } from '../test/helpers.js';
import { tfjsFlavor } from './tfjs-flavor.js';

const run = promisify(execFile);
const childScript = fileURLToPath(new URL('../test/predict-in-child.mjs', import.meta.url));
const quiet = { warn: () => undefined };
let work: Awaited<ReturnType<typeof temporaryDirectory>>;
let modelDirectory: string;

beforeAll(async () => {
  work = await temporaryDirectory();
  modelDirectory = path.join(work.path, 'emotion');
  await saveModel(emotionGraphDirectory, { flavor: tfjsFlavor({ backend: 'wasm' }), path: modelDirectory, logger: quiet });
});
afterAll(() => work.remove());

describe('parallel TF.js predictions (the isolation: process decision)', () => {
  it('runs one model in two child processes at once, each with its own backend, with the same numbers as in-process', async () => {
    const children = await Promise.all(
      [5, 6].map((seed) => run(process.execPath, [childScript, modelDirectory, 'wasm', String(seed)], { cwd: path.dirname(childScript) })),
    );
    const outputs = children.map((child) => JSON.parse(child.stdout) as { pid: number; shape: number[]; data: number[] });
    expect(outputs[0]!.pid).not.toBe(outputs[1]!.pid);

    const model = await loadModel(modelDirectory, { flavors: [tfjsFlavor({ backend: 'wasm' })], logger: quiet });
    for (const [index, seed] of [5, 6].entries()) {
      const local = (await model.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data: seededFloats(4096, seed) })) as TensorV1;
      expect(outputs[index]!.shape).toEqual([1, 7]);
      expect(maxAbsDifference(outputs[index]!.data, local.data as Float32Array)).toBeLessThanOrEqual(1e-6);
    }
    await model.dispose();
  }, 60_000);
});
