import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../json/stringify-json.js';
import { serializePredictions } from './serialize-predictions.js';

describe('serializePredictions (F15)', () => {
  it('a table becomes a list of row objects', () => {
    const body = serializePredictions(
      { kind: 'table', table: { columns: ['a', 'b'], data: { a: new Float64Array([1, 2]), b: ['x', 'y'] }, rowCount: 2 } },
      false,
    );
    expect(body).toEqual({ predictions: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
  });

  it('a tensor becomes nested lists, named tensors a dictionary of nested lists', () => {
    expect(serializePredictions({ kind: 'tensor', tensor: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } }, false)).toEqual({
      predictions: [[1, 2], [3, 4]],
    });
    expect(serializePredictions({ kind: 'tensors', tensors: { y: { dtype: 'int64', shape: [2], data: new BigInt64Array([1n, 2n]) } } }, false)).toEqual({
      predictions: { y: [1, 2] },
    });
  });

  it('chat answers are not wrapped', () => {
    expect(serializePredictions({ kind: 'value', value: { choices: [] } }, true)).toEqual({ choices: [] });
  });

  it('int64 beyond 2^53 keeps every digit in the JSON text', () => {
    const body = serializePredictions({ kind: 'tensor', tensor: { dtype: 'int64', shape: [1], data: new BigInt64Array([9007199254740993n]) } }, false);
    expect(stringifyJson(body)).toBe('{"predictions":[9007199254740993]}');
  });
});
