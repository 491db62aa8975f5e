import { JsfuncError } from '@jsfunc/core';
import { describe, expect, it } from 'vitest';
import type { OnnxValueInfo } from './create-ort-session.js';
import { fromOutputs, toFeeds } from './input-mapping.js';

const twoInputs: OnnxValueInfo[] = [
  { name: 'first_input:0', isTensor: true, dtype: 'float32', shape: [10] },
  { name: 'second_input:0', isTensor: true, dtype: 'float32', shape: [10] },
];
const oneInput: OnnxValueInfo[] = [{ name: 'float_input', isTensor: true, dtype: 'float32', shape: ['', 4] }];

function thrown(run: () => unknown): JsfuncError {
  try {
    run();
  } catch (error) {
    if (JsfuncError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('toFeeds', () => {
  it('maps table columns to inputs of the same name (MLflow: df[name].values)', () => {
    const feeds = toFeeds({ kind: 'table', table: { columns: ['second_input:0', 'first_input:0'], data: { 'first_input:0': [1, 2], 'second_input:0': new Float64Array([3, 4]) }, rowCount: 2 } }, twoInputs);
    expect(feeds['first_input:0']).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) });
    expect(feeds['second_input:0']).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.of(3, 4) });
  });

  it('turns a table into a [rows, columns] matrix for a single-input model (MLflow: df.values)', () => {
    const feeds = toFeeds({ kind: 'table', table: { columns: ['a', 'b', 'c', 'd'], data: { a: [1, 5], b: [2, 6], c: [3, 7], d: [4, 8] }, rowCount: 2 } }, oneInput);
    expect(feeds['float_input']).toEqual({ dtype: 'float32', shape: [2, 4], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  });

  it('stacks a column of per-row arrays named like the input', () => {
    const feeds = toFeeds({ kind: 'table', table: { columns: ['float_input'], data: { float_input: [[1, 2, 3, 4], [5, 6, 7, 8]] }, rowCount: 2 } }, oneInput);
    expect(feeds['float_input']!.shape).toEqual([2, 4]);
  });

  it('feeds one tensor to the only input and refuses it for several inputs with MLflow\'s message (G7)', () => {
    const tensor = { dtype: 'float32' as const, shape: [1, 4], data: new Float32Array(4) };
    expect(toFeeds({ kind: 'tensor', tensor }, oneInput)['float_input']).toBe(tensor);
    const error = thrown(() => toFeeds({ kind: 'tensor', tensor }, twoInputs));
    expect(error.code).toBe('ERR_ONNX_INPUT_MAPPING');
    expect(error.message).toContain('Unable to map numpy array input to the expected model input');
    expect(error.message).toContain('This model requires 2 inputs');
  });

  it('refuses a value with MLflow\'s message (G7) and a missing input by name', () => {
    const error = thrown(() => toFeeds({ kind: 'value', value: 'hello' }, oneInput));
    expect(error.code).toBe('ERR_ONNX_INPUT_TYPE');
    expect(error.message).toContain('Input should be a dictionary or a numpy array or a pandas.DataFrame');
    const missing = thrown(() => toFeeds({ kind: 'tensors', tensors: { 'first_input:0': { dtype: 'float32', shape: [10], data: new Float32Array(10) } } }, twoInputs));
    expect(missing.code).toBe('ERR_ONNX_INPUT_MISSING');
    expect(missing.message).toContain("'second_input:0'");
  });
});

describe('fromOutputs', () => {
  const table = { kind: 'table' as const, table: { columns: ['x'], data: { x: [1, 2] }, rowCount: 2 } };
  it('gives a table with one flattened column per output for table input', () => {
    const result = fromOutputs(table, { y: { dtype: 'float32', shape: [2, 1], data: Float32Array.of(3, 4) } }, ['y'], []);
    expect(result).toEqual({ kind: 'table', table: { columns: ['y'], data: { y: Float32Array.of(3, 4) }, rowCount: 2 } });
  });

  it('gives ZipMap probabilities as one {label: probability} object per row, like MLflow', () => {
    const result = fromOutputs(
      table,
      { label: { dtype: 'int64', shape: [2], data: BigInt64Array.of(0n, 1n) }, probability: { dtype: 'float32', shape: [2, 2], data: Float32Array.of(0.75, 0.25, 0.5, 0.5) } },
      ['label', 'probability'],
      [{ input: 'p', output: 'probability', classLabels: [0n, 1n] }],
    );
    expect(result.kind === 'table' && result.table.data['probability']).toEqual([{ '0': 0.75, '1': 0.25 }, { '0': 0.5, '1': 0.5 }]);
  });

  it('keeps named tensors for tensor input', () => {
    const outputs = { y: { dtype: 'float32' as const, shape: [1], data: Float32Array.of(1) } };
    expect(fromOutputs({ kind: 'tensors', tensors: {} }, outputs, ['y'], [])).toEqual({ kind: 'tensors', tensors: outputs });
  });
});
