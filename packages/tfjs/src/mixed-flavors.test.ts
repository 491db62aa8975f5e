import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModelLoader, saveModel, type TensorV1 } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emotionGraphDirectory, fixturesDirectory, temporaryDirectory } from '../test/helpers.js';
import { tfjsFlavor } from './tfjs-flavor.js';

const quiet = { warn: () => undefined };
let work: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  work = await temporaryDirectory();
});
afterAll(() => work.remove());

describe('an ONNX model and a TF.js model in one process', () => {
  it('loads both through one loader and predicts with both, side by side', async () => {
    const onnxTarget = path.join(work.path, 'linear-onnx');
    const tfjsTarget = path.join(work.path, 'emotion-tfjs');
    await saveModel(path.join(fixturesDirectory, 'mlflow-onnx-model-2.8.1', 'model.onnx'), { flavor: onnxFlavor(), path: onnxTarget, logger: quiet });
    await saveModel(emotionGraphDirectory, { flavor: tfjsFlavor({ backend: 'wasm' }), path: tfjsTarget, logger: quiet });

    const loader = createModelLoader({ flavors: [onnxFlavor(), tfjsFlavor({ backend: 'wasm' })], logger: quiet });
    const [linear, emotion] = await Promise.all([loader.load(onnxTarget), loader.load(tfjsTarget)]);
    expect(linear.flavor).toBe('onnx');
    expect(emotion.flavor).toBe('tfjs');
    expect(tf.getBackend()).toBe('wasm');

    const [regression, classes] = await Promise.all([
      linear.predict({ input: { dtype: 'float32', shape: [2, 10], data: Float32Array.from([...Array(10).fill(0), ...Array(10).fill(1)]) } }),
      emotion.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data: new Float32Array(4096).fill(0.5) }),
    ]);
    // The fixture's documented values: 10 zeros -> 150.4340, 10 ones -> 1373.0350.
    const variable = (regression as Record<string, TensorV1>).variable!;
    expect(Array.from(variable.data as Float32Array).map((value) => Number(value.toFixed(3)))).toEqual([150.434, 1373.035]);
    const probabilities = (classes as TensorV1).data as Float32Array;
    expect(probabilities).toHaveLength(7);
    expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 4);

    await Promise.all([linear.dispose(), emotion.dispose()]);
  }, 60_000);
});
