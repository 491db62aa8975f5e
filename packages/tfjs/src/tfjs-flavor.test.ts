import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModelLoader, JsfuncError, loadModel, ModelSignature, saveModel, type TensorV1 } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emotionGraphDirectory,
  maxAbsDifference,
  seededFloats,
  temporaryDirectory,
  upscalerLayersDirectory,
} from '../test/helpers.js';
import { initializeTfjsBackend } from './tfjs-backend.js';
import { tfjsFlavor } from './tfjs-flavor.js';

// This file runs on the wasm backend (the default without tfjs-node): the fixtures must give the
// same numbers through jsfunc as through raw tfjs on the same backend.
let work: Awaited<ReturnType<typeof temporaryDirectory>>;
const flavor = tfjsFlavor({ backend: 'wasm' });
const loader = createModelLoader({ flavors: [flavor] });
const quiet = { warn: () => undefined };

beforeAll(async () => {
  await initializeTfjsBackend('wasm');
  work = await temporaryDirectory();
});
afterAll(() => work.remove());

function rawHandler(directory: string, file: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(path.join(directory, file), 'utf8'));
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) {
            const bytes = await readFile(path.join(directory, shard));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [manifest.flatMap((group) => group.weights), buffers];
      });
    },
  };
}

async function rawPredict(model: tf.LayersModel | tf.GraphModel, data: Float32Array, shape: number[]): Promise<Float32Array> {
  const x = tf.tensor(data, shape);
  const y = model.predict(x) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return values;
}

describe('tfjsFlavor with saveModel / loadModel', () => {
  it('declares the flavor contract: name tfjs, process isolation, this package', () => {
    expect(flavor).toMatchObject({ specificationVersion: 'v1', name: 'tfjs', packageName: '@jsfunc/tfjs', runtime: { isolation: 'process' } });
  });

  it('saves a tf.LayersModel as model/model.json + weights.bin, infers the signature and loads a LayersModel back', async () => {
    const input = tf.input({ shape: [3], name: 'features' });
    const hidden = tf.layers.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2, activation: 'softmax', name: 'probabilities' }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const target = path.join(work.path, 'layers');
    const saved = await saveModel(model, { flavor, path: target, logger: quiet });

    expect((await readdir(path.join(target, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const block = saved.mlmodel.flavors.tfjs as Record<string, unknown>;
    expect(block).toEqual({ data: 'model', model_format: 'layers-model', tfjs_version: tf.version.tfjs });
    const signature = saved.mlmodel.signature as { inputs: string; outputs: string };
    expect(JSON.parse(signature.inputs)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] }, name: 'features' }]);
    expect(JSON.parse(signature.outputs)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] }, name: 'probabilities' }]);
    const environment = JSON.parse(await readFile(path.join(target, 'package.json'), 'utf8'));
    expect(JSON.stringify(environment)).toContain('@tensorflow/tfjs');

    const loaded = await loader.load<tf.LayersModel>(target);
    expect(loaded.flavor).toBe('tfjs');
    expect(Array.isArray(loaded.unwrap().inputNames)).toBe(true);
    const data = Float32Array.from([0.5, -1, 2, 3, 0, 1]);
    const expected = await rawPredict(model, data, [2, 3]);
    // With a named signature, core maps a single tensor to the named input (MLflow's rule), so the
    // answer is keyed by output name.
    // One tensor in, one tensor out (the single named output is unwrapped).
    const result = (await loaded.predict({ dtype: 'float32', shape: [2, 3], data })) as TensorV1;
    expect(result.shape).toEqual([2, 2]);
    expect(result.data).toBeInstanceOf(Float32Array);
    expect(maxAbsDifference(result.data as Float32Array, expected)).toBeLessThanOrEqual(1e-6);
    const named = (await loaded.predict({ features: { dtype: 'float32', shape: [2, 3], data } })) as Record<string, TensorV1>;
    expect(Object.keys(named)).toEqual(['probabilities']);
    // Nested arrays come back as nested arrays.
    const nested = (await loaded.predict([[0.5, -1, 2]])) as number[][];
    expect(nested[0]![0]).toBeCloseTo(expected[0]!, 5);
    await loaded.dispose();
    await loaded.dispose();
    model.dispose();
  });

  it('answers a bare tensor when saved with an unnamed single-input signature', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, inputShape: [2], weights: [tf.tensor2d([[2], [3]]), tf.tensor1d([1])] }));
    const signature = ModelSignature.fromDict({
      inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]),
      outputs: null,
    } as never);
    const target = path.join(work.path, 'unnamed');
    await saveModel(model, { flavor, path: target, signature, logger: quiet });
    const loaded = await loader.load(target);
    const result = (await loaded.predict({ dtype: 'float32', shape: [1, 2], data: Float32Array.from([1, 1]) })) as TensorV1;
    expect(result.shape).toEqual([1, 1]);
    expect(Array.from(result.data as Float32Array)).toEqual([6]);
    await loaded.dispose();
    model.dispose();
  });

  it('keeps an int32 input int32 in the inferred signature and accepts JSON numbers for it', async () => {
    const ids = tf.input({ shape: [2], dtype: 'int32', name: 'ids' });
    const embedded = tf.layers.embedding({ inputDim: 5, outputDim: 1, embeddingsInitializer: 'ones', name: 'embedding' }).apply(ids) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: tf.layers.flatten({ name: 'flat' }).apply(embedded) as tf.SymbolicTensor });
    const target = path.join(work.path, 'int32');
    const saved = await saveModel(model, { flavor, path: target, logger: quiet });
    expect(JSON.parse((saved.mlmodel.signature as { inputs: string }).inputs)[0]['tensor-spec'].dtype).toBe('int32');
    const loaded = await loader.load(target);
    const result = (await loaded.predict({ ids: { dtype: 'int32', shape: [1, 2], data: Int32Array.from([1, 4]) } })) as Record<string, TensorV1>;
    expect(Array.from(result.flat!.data as Float32Array)).toEqual([1, 1]);
    await loaded.dispose();
    model.dispose();
  });

  it('saves the GraphModel fixture from its folder and predicts the same numbers as raw tfjs (wasm, 1e-5)', async () => {
    const target = path.join(work.path, 'emotion');
    const saved = await saveModel(emotionGraphDirectory, { flavor, path: target, logger: quiet });
    expect(saved.mlmodel.flavors.tfjs).toMatchObject({ model_format: 'graph-model' });
    // Copied as it is: model.json is the fixture's emotion.json byte for byte, the shard keeps its name.
    expect(await readFile(path.join(target, 'model', 'model.json'))).toEqual(await readFile(path.join(emotionGraphDirectory, 'emotion.json')));
    expect((await readdir(path.join(target, 'model'))).sort()).toEqual(['emotion.bin', 'model.json']);
    expect(JSON.parse((saved.mlmodel.signature as { inputs: string }).inputs)).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 64, 64, 1] }, name: 'input_1' },
    ]);

    const raw = await tf.loadGraphModel(rawHandler(emotionGraphDirectory, 'emotion.json'));
    const data = seededFloats(2 * 64 * 64, 7);
    const expected = await rawPredict(raw, data, [2, 64, 64, 1]);

    const loaded = await loadModel<tf.GraphModel>(target, { flavors: [flavor], logger: quiet });
    expect(typeof loaded.unwrap().executeAsync).toBe('function');
    const result = (await loaded.predict({ dtype: 'float32', shape: [2, 64, 64, 1], data })) as TensorV1;
    expect(result.shape).toEqual([2, 7]);
    expect(maxAbsDifference(result.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    // Seven emotion probabilities per image.
    expect((result.data as Float32Array).slice(0, 7).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 4);

    // A few hundred predictions on the real model leave no tensor behind.
    const before = tf.memory().numTensors;
    for (let index = 0; index < 300; index++) await loaded.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data: data.subarray(0, 4096) });
    expect(tf.memory().numTensors).toBe(before);
    await loaded.dispose();
    raw.dispose();
  });

  it('saves a loaded tf.GraphModel object and reloads it with the same outputs', async () => {
    const raw = await tf.loadGraphModel(rawHandler(emotionGraphDirectory, 'emotion.json'));
    const target = path.join(work.path, 'emotion-object');
    await saveModel(raw, { flavor, path: target, logger: quiet });
    expect((await readdir(path.join(target, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loader.load(target);
    const data = seededFloats(64 * 64, 3);
    const expected = await rawPredict(raw, data, [1, 64, 64, 1]);
    const result = (await loaded.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data })) as TensorV1;
    expect(maxAbsDifference(result.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    await loaded.dispose();
    raw.dispose();
  });

  it('saves the LayersModel fixture from its folder and predicts the same numbers as raw tfjs (wasm, 1e-5)', async () => {
    const target = path.join(work.path, 'upscaler');
    const saved = await saveModel(upscalerLayersDirectory, { flavor, path: target, logger: quiet });
    expect(saved.mlmodel.flavors.tfjs).toMatchObject({ model_format: 'layers-model' });
    expect((await readdir(path.join(target, 'model'))).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(JSON.parse((saved.mlmodel.signature as { inputs: string }).inputs)).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, -1, -1, 3] }, name: 'LR' },
    ]);

    const raw = await tf.loadLayersModel(rawHandler(upscalerLayersDirectory, 'model.json'));
    const data = seededFloats(12 * 10 * 3, 11);
    const expected = await rawPredict(raw, data, [1, 12, 10, 3]);
    const loaded = await loader.load(target);
    const result = (await loaded.predict({ LR: { dtype: 'float32', shape: [1, 12, 10, 3], data } })) as Record<string, TensorV1>;
    expect(Object.keys(result)).toEqual(['SR']);
    expect(result.SR!.shape).toEqual([1, 24, 20, 3]);
    expect(maxAbsDifference(result.SR!.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    await loaded.dispose();
    raw.dispose();
  });

  it('loads two models concurrently on one backend', async () => {
    const [a, b] = await Promise.all([loader.load(path.join(work.path, 'emotion')), loader.load(path.join(work.path, 'upscaler'))]);
    const [x, y] = await Promise.all([
      a.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data: new Float32Array(4096) }),
      b.predict({ dtype: 'float32', shape: [1, 4, 4, 3], data: new Float32Array(48) }),
    ]);
    expect((x as TensorV1).shape).toEqual([1, 7]);
    expect((y as TensorV1).shape).toEqual([1, 8, 8, 3]);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('rejects a bad tfjs block and a source it cannot save, with codes', async () => {
    const error = await flavor
      .load({
        reader: undefined as never,
        mlmodel: { flavors: {} } as never,
        flavorConfig: { data: 'model', model_format: 'saved-model' },
        flavorKey: 'tfjs',
        options: {},
        logger: quiet,
        loadModel: async () => undefined,
      })
      .catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_CONFIG_INVALID')).toBe(true);

    const notAModel = await saveModel({ predict: 1 } as never, { flavor, path: path.join(work.path, 'bad'), logger: quiet }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(notAModel, 'ERR_TFJS_SOURCE_INVALID')).toBe(true);
    const missing = await saveModel(path.join(work.path, 'nowhere'), { flavor, path: path.join(work.path, 'bad2'), logger: quiet }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(missing, 'ERR_TFJS_SOURCE_INVALID')).toBe(true);
    expect(() => tfjsFlavor({ backend: 'gpu' as never })).toThrow(/ERR_TFJS_BACKEND_INVALID|one of/);
  });
});
