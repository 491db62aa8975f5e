import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadModel, silentLogger, type TensorV1 } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { tfjsFlavor } from '@jsfunc/tfjs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline, fixtures } from './build-pipeline.js';
import { toClassifierInput } from './pipeline-model.js';
import { syntheticTextLine } from './synthetic-text-line.js';

let root: string;
let target: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ocr-pipeline-test-'));
  target = path.join(root, 'pipeline');
  await buildPipeline(target);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rawChain(image: Float32Array): Promise<Float32Array> {
  // The same two models called directly: tfjs (same backend) then onnxruntime-node.
  const modelJson = JSON.parse(await readFile(path.join(fixtures.upscaler, 'model.json'), 'utf8'));
  const weights = await readFile(path.join(fixtures.upscaler, 'group1-shard1of1.bin'));
  const upscaler = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group: { weights: unknown[] }) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const input = tf.tensor4d(image, [1, 24, 160, 3]);
  const output = upscaler.predict(input) as tf.Tensor;
  const upscaled: TensorV1 = { dtype: 'float32', shape: output.shape, data: (await output.data()) as Float32Array };
  tf.dispose([input, output]);
  upscaler.dispose();
  const classifierInput = toClassifierInput(upscaled);
  const session = await ort.InferenceSession.create(fixtures.classifier);
  const result = await session.run({ x: new ort.Tensor('float32', classifierInput.data as Float32Array, [...classifierInput.shape]) });
  await session.release();
  return result[session.outputNames[0]!]!.data as Float32Array;
}

describe('the mixed-flavor OCR pipeline (TF.js then ONNX in one custom model)', () => {
  it('loads with both flavors side by side and gets the orientation of synthetic text lines right', async () => {
    const model = await loadModel(target, { flavors: [onnxFlavor(), tfjsFlavor({ backend: 'wasm' })], logger: silentLogger });
    expect(model.flavor).toBe('js_model');
    expect(model.methods).toEqual(['predict', 'upscale']);
    const batch: TensorV1 = {
      dtype: 'float32',
      shape: [2, 24, 160, 3],
      data: new Float32Array([...syntheticTextLine(false), ...syntheticTextLine(true)]),
    };
    const output = (await model.predict(batch)) as { angle: number[]; probabilities: number[][] };
    expect(output.angle).toEqual([0, 180]);
    const upscaled = (await model.invoke('upscale', batch)) as TensorV1;
    expect(upscaled.shape).toEqual([2, 48, 320, 3]);
    await model.dispose();
  }, 120_000);

  it('gives the same numbers as calling raw tfjs and raw onnxruntime-node in sequence', async () => {
    await tf.setBackend('wasm').catch(() => undefined);
    const model = await loadModel(target, { flavors: [onnxFlavor(), tfjsFlavor({ backend: 'wasm' })], logger: silentLogger });
    const image = syntheticTextLine(true, 11);
    const output = (await model.predict({ dtype: 'float32', shape: [1, 24, 160, 3], data: image })) as { probabilities: number[][] };
    const expected = await rawChain(image);
    expect(output.probabilities[0]![0]).toBeCloseTo(expected[0]!, 4);
    expect(output.probabilities[0]![1]).toBeCloseTo(expected[1]!, 4);
    await model.dispose();
  }, 120_000);
});
