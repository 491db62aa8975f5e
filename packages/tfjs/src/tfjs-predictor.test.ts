import * as tf from '@tensorflow/tfjs';
import { JsfuncError, type TensorV1 } from '@jsfunc/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializeTfjsBackend } from './tfjs-backend.js';
import { describeTfjsModel } from './tfjs-model-info.js';
import { createTfjsPredictor } from './tfjs-predictor.js';

beforeAll(async () => {
  await initializeTfjsBackend('cpu');
});

function float32(shape: number[], values: number[]): TensorV1 {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}

function denseModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: 'ones', biasInitializer: 'zeros' }));
  return model;
}

function twoInTwoOut() {
  const a = tf.input({ shape: [2], name: 'a' });
  const b = tf.input({ shape: [2], name: 'b' });
  const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const product = tf.layers.multiply({ name: 'product' }).apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: [sum, product] });
}

describe('createTfjsPredictor', () => {
  it('returns a plain Float32Array with its shape for a single tensor input', async () => {
    const model = denseModel();
    const predict = createTfjsPredictor(tf, model, describeTfjsModel(model));
    const result = await predict({ kind: 'tensor', tensor: float32([2, 4], [1, 2, 3, 4, 0, 0, 0, 1]) });
    expect(result.kind).toBe('tensor');
    const tensor = (result as { tensor: TensorV1 }).tensor;
    expect(tensor.dtype).toBe('float32');
    expect(tensor.shape).toEqual([2, 3]);
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect(Array.from(tensor.data as Float32Array)).toEqual([10, 10, 10, 1, 1, 1]);
    model.dispose();
  });

  it('feeds several named inputs and returns every output by name', async () => {
    const model = twoInTwoOut();
    const info = describeTfjsModel(model);
    expect(info.inputs.map((input) => input.name)).toEqual(['a', 'b']);
    expect(info.outputs.map((output) => output.name)).toEqual(['sum', 'product']);
    const predict = createTfjsPredictor(tf, model, info);
    const result = await predict({ kind: 'tensors', tensors: { b: float32([1, 2], [3, 4]), a: float32([1, 2], [2, 5]) } });
    expect(result.kind).toBe('tensors');
    const tensors = (result as { tensors: Record<string, TensorV1> }).tensors;
    expect(Array.from(tensors.sum!.data as Float32Array)).toEqual([5, 9]);
    expect(Array.from(tensors.product!.data as Float32Array)).toEqual([6, 20]);
    model.dispose();
  });

  it('maps table columns to inputs of the same name', async () => {
    const model = twoInTwoOut();
    const a = tf.input({ shape: [1], name: 'x' });
    const b = tf.input({ shape: [1], name: 'y' });
    const sum = tf.layers.add({ name: 'total' }).apply([a, b]) as tf.SymbolicTensor;
    const columns = tf.model({ inputs: [a, b], outputs: sum });
    const predict = createTfjsPredictor(tf, columns, describeTfjsModel(columns));
    const result = await predict({ kind: 'table', table: { columns: ['y', 'x'], data: { x: [1, 2, 3], y: [10, 20, 30] }, rowCount: 3 } });
    const total = (result as { tensors: Record<string, TensorV1> }).tensors.total!;
    expect(total.shape).toEqual([3, 1]);
    expect(Array.from(total.data as Float32Array)).toEqual([11, 22, 33]);
    model.dispose();
    columns.dispose();
  });

  it('stacks a table into a [rows, columns] matrix for a single-input model', async () => {
    const model = denseModel();
    const predict = createTfjsPredictor(tf, model, describeTfjsModel(model));
    const result = await predict({
      kind: 'table',
      table: { columns: ['a', 'b', 'c', 'd'], data: { a: [1, 0], b: [2, 0], c: [3, 0], d: [4, 2] }, rowCount: 2 },
    });
    const tensor = Object.values((result as { tensors: Record<string, TensorV1> }).tensors)[0]!;
    expect(Array.from(tensor.data as Float32Array)).toEqual([10, 10, 10, 2, 2, 2]);
    model.dispose();
  });

  it('keeps int32 inputs int32 (an embedding lookup) and converts int64 and float64 input storage', async () => {
    const ids = tf.input({ shape: [3], dtype: 'int32', name: 'ids' });
    const embedded = tf.layers.embedding({ inputDim: 10, outputDim: 2, embeddingsInitializer: 'ones' }).apply(ids) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: tf.layers.flatten().apply(embedded) as tf.SymbolicTensor });
    const info = describeTfjsModel(model);
    expect(info.inputs[0]).toMatchObject({ name: 'ids', dtype: 'int32', shape: [-1, 3] });
    const predict = createTfjsPredictor(tf, model, info);
    const fromInt32 = await predict({ kind: 'tensor', tensor: { dtype: 'int32', shape: [1, 3], data: Int32Array.from([1, 2, 9]) } });
    const fromInt64 = await predict({ kind: 'tensor', tensor: { dtype: 'int64', shape: [1, 3], data: BigInt64Array.from([1n, 2n, 9n]) } });
    const fromFloat64 = await predict({ kind: 'tensor', tensor: { dtype: 'float64', shape: [1, 3], data: Float64Array.from([1, 2, 9]) } });
    for (const result of [fromInt32, fromInt64, fromFloat64]) {
      expect(Array.from((result as { tensor: TensorV1 }).tensor.data as Float32Array)).toEqual([1, 1, 1, 1, 1, 1]);
    }
    model.dispose();
  });

  it('says which inputs are missing', async () => {
    const model = twoInTwoOut();
    const predict = createTfjsPredictor(tf, model, describeTfjsModel(model));
    const error = await predict({ kind: 'tensors', tensors: { a: float32([1, 2], [1, 2]) } }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_INPUT_INVALID')).toBe(true);
    expect((error as JsfuncError).details).toMatchObject({ missing: ['b'] });
    const single = await predict({ kind: 'tensor', tensor: float32([1, 2], [1, 2]) }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(single, 'ERR_TFJS_INPUT_INVALID')).toBe(true);
    model.dispose();
  });

  it('wraps a TensorFlow.js shape error with the expected input specs and leaks no tensor', async () => {
    const model = denseModel();
    const predict = createTfjsPredictor(tf, model, describeTfjsModel(model));
    const before = tf.memory().numTensors;
    const error = await predict({ kind: 'tensor', tensor: float32([1, 5], [1, 2, 3, 4, 5]) }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_PREDICT_FAILED')).toBe(true);
    expect((error as Error).message).toContain('[-1,4]');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('releases every intermediate tensor: after 10,000 predictions numTensors is where it started', async () => {
    const model = denseModel();
    const predict = createTfjsPredictor(tf, model, describeTfjsModel(model));
    const input = { kind: 'tensor', tensor: float32([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]) } as const;
    await predict(input);
    const before = tf.memory().numTensors;
    let last: TensorV1 | undefined;
    for (let index = 0; index < 10_000; index++) last = ((await predict(input)) as { tensor: TensorV1 }).tensor;
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(last!.data as Float32Array)).toEqual([10, 10, 10, 26, 26, 26]);
    model.dispose();
  });
});
