import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { fromModelData, toModelData } from './model-data.js';
import { tensorFromNestedArray, tensorToNestedArray } from './tensor.js';

describe('input forms', () => {
  it('a tensor object stays a tensor', () => {
    const tensor = { dtype: 'float32' as const, shape: [2], data: new Float32Array([1, 2]) };
    expect(toModelData(tensor)).toEqual({ data: { kind: 'tensor', tensor }, form: 'tensor' });
  });

  it('a typed array becomes a 1-D tensor of its dtype', () => {
    const { data } = toModelData(new BigInt64Array([1n, 2n]));
    expect(data).toMatchObject({ kind: 'tensor', tensor: { dtype: 'int64', shape: [2] } });
  });

  it('records, split and columns become the same table and come back in their own form', () => {
    const records = toModelData([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
    const split = toModelData({ columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] });
    const columns = toModelData({ a: [1, 2], b: ['x', 'y'] });
    for (const parsed of [records, split, columns]) {
      expect(parsed.data.kind).toBe('table');
      if (parsed.data.kind !== 'table') continue;
      expect(parsed.data.table.columns).toEqual(['a', 'b']);
      expect(Array.from(parsed.data.table.data.a!)).toEqual([1, 2]);
      expect(parsed.data.table.rowCount).toBe(2);
    }
    expect(fromModelData(records.data, records.form)).toEqual([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
    expect(fromModelData(split.data, split.form)).toEqual({ columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] });
    expect(fromModelData(columns.data, columns.form)).toEqual({ a: [1, 2], b: ['x', 'y'] });
  });

  it('records with missing keys get null in that column', () => {
    const { data } = toModelData([{ a: 1 }, { b: 2 }]);
    expect(data).toMatchObject({ kind: 'table', table: { columns: ['a', 'b'], data: { a: [1, null], b: [null, 2] } } });
  });

  it('a nested array is an ndarray tensor; the signature\'s dtype is used when it has one', () => {
    expect(toModelData([[1, 2], [3, 4]]).data).toMatchObject({ kind: 'tensor', tensor: { dtype: 'float64', shape: [2, 2] } });
    const typed = toModelData([[1, 2]], [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1, 2] } }]);
    expect(typed.data).toMatchObject({ kind: 'tensor', tensor: { dtype: 'int64', data: new BigInt64Array([1n, 2n]) } });
  });

  it('with a column signature a 2-D array is a table named by the signature', () => {
    const { data } = toModelData([[1, 'x']], [{ type: 'long', name: 'a', required: true }, { type: 'string', name: 'b', required: true }]);
    expect(data).toMatchObject({ kind: 'table', table: { columns: ['a', 'b'], rowCount: 1 } });
  });

  it('with a tensor signature an object of arrays is named tensors', () => {
    const { data, form } = toModelData({ x: [[1, 2]] }, [{ type: 'tensor', name: 'x', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]);
    expect(form).toBe('tensors');
    expect(data).toMatchObject({ kind: 'tensors', tensors: { x: { dtype: 'float32', shape: [1, 2] } } });
  });

  it('one tensor in, one tensor out: a single named output is unwrapped; several stay named', () => {
    const one = { kind: 'tensors' as const, tensors: { y: { dtype: 'float32' as const, shape: [1], data: new Float32Array([5]) } } };
    expect(fromModelData(one, 'tensor')).toEqual(one.tensors.y);
    expect(fromModelData(one, 'ndarray')).toEqual([5]);
    expect(fromModelData(one, 'tensors')).toEqual(one.tensors);
    const two = { kind: 'tensors' as const, tensors: { ...one.tensors, z: one.tensors.y } };
    expect(fromModelData(two, 'tensor')).toEqual(two.tensors);
  });

  it('anything else is a value', () => {
    expect(toModelData('hello')).toEqual({ data: { kind: 'value', value: 'hello' }, form: 'value' });
    expect(toModelData({ messages: [{ role: 'user', content: 'hi' }] }).form).toBe('value');
  });

  it('ragged arrays and mixed element types are refused with ERR_INPUT_INVALID', () => {
    for (const bad of [[[1, 2], [3]], [[1, 'x']]]) {
      let error: unknown;
      try {
        toModelData(bad);
      } catch (caught) {
        error = caught;
      }
      expect(JsfuncError.isInstance(error, 'ERR_INPUT_INVALID')).toBe(true);
    }
    let error: unknown;
    try {
      tensorFromNestedArray([[1, 'x']], 'float32');
    } catch (caught) {
      error = caught;
    }
    expect(JsfuncError.isInstance(error, 'ERR_INPUT_INVALID')).toBe(true);
  });

  it('tensors round-trip through nested arrays (int64 as safe numbers, bool as booleans, scalars)', () => {
    expect(tensorToNestedArray({ dtype: 'int64', shape: [2], data: new BigInt64Array([1n, 2n ** 62n]) })).toEqual([1, (2n ** 62n).toString()]);
    expect(tensorToNestedArray({ dtype: 'bool', shape: [1, 2], data: new Uint8Array([1, 0]) })).toEqual([[true, false]]);
    expect(tensorToNestedArray({ dtype: 'float32', shape: [], data: new Float32Array([3]) })).toBe(3);
  });
});
