import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import type { ModelDataV1, TableV1, TensorV1 } from '../spec/v1/tensor.js';
import { ColSpec } from './col-spec.js';
import { anyType, arrayType } from './data-type.js';
import { type WarningLogger, enforceSchema } from './enforce-schema.js';
import { Schema } from './schema.js';
import { TensorSpec } from './tensor-spec.js';
import { thrownJsfuncError as failure, recordingLogger as recorder } from '../__tests__/test-helpers.js';



const table = (data: Record<string, ArrayLike<unknown>>, rowCount?: number): ModelDataV1 => ({
  kind: 'table',
  table: { columns: Object.keys(data), data, rowCount: rowCount ?? (Object.values(data)[0]?.length ?? 0) },
});
const value = (v: unknown): ModelDataV1 => ({ kind: 'value', value: v });
const tableOf = (result: ModelDataV1): TableV1 => {
  if (result.kind !== 'table') throw new Error(`expected a table, got ${result.kind}`);
  return result.table;
};

const c1Schema = new Schema([
  new ColSpec('integer', { name: 'a' }),
  new ColSpec('long', { name: 'b' }),
  new ColSpec('float', { name: 'c' }),
  new ColSpec('double', { name: 'd' }),
  new ColSpec('boolean', { name: 'e' }),
  new ColSpec('string', { name: 'g' }),
  new ColSpec('binary', { name: 'f' }),
  new ColSpec('datetime', { name: 'h' }),
]);
const c1Data = (): Record<string, ArrayLike<unknown>> => ({
  h: [new Date(0), '2020-01-02'],
  a: Int32Array.from([1, 2]),
  b: BigInt64Array.from([1n, 2n]),
  c: Float32Array.from([1.5, 2]),
  d: Float64Array.from([1.5, 2]),
  e: [true, false],
  g: ['x', 'y'],
  f: [new Uint8Array([1]), new Uint8Array([2])],
});

describe('column schema enforcement', () => {
  it('C1: missing column is an error, extra column dropped, schema order restored', () => {
    const { c: _c, ...withoutC } = c1Data();
    const error = failure(() => enforceSchema(table(withoutC), c1Schema));
    expect(error.code).toBe('ERR_SCHEMA_ENFORCEMENT');
    expect(error.message).toContain("Model is missing inputs ['c'].");
    expect(error.details.missing).toEqual(['c']);

    const logger = recorder();
    const result = tableOf(enforceSchema(table({ ...c1Data(), x: [1, 2] }), c1Schema, logger));
    expect(result.columns).toEqual(['a', 'b', 'c', 'd', 'e', 'g', 'f', 'h']);
    expect(result.data.x).toBeUndefined();
    expect(logger.messages[0]).toContain("`['x']`");
    expect((result.data.h as Date[])[1]).toEqual(new Date(Date.UTC(2020, 0, 2)));
  });

  it('C2: conversion table (typed arrays follow numpy widening rules)', () => {
    const ok = (column: string, values: ArrayLike<unknown>) =>
      expect(() => enforceSchema(table({ ...c1Data(), [column]: values }), c1Schema)).not.toThrow();
    const bad = (column: string, values: ArrayLike<unknown>) =>
      expect(() => enforceSchema(table({ ...c1Data(), [column]: values }), c1Schema)).toThrow('Incompatible input types');
    bad('a', BigInt64Array.from([1n, 2n])); // a <- int64
    ok('b', Int32Array.from([1, 2])); // b <- int32
    ok('b', Uint32Array.from([1, 2])); // b <- uint32
    bad('a', Uint32Array.from([1, 2])); // a <- uint32
    bad('c', Float64Array.from([1, 2])); // c <- float64
    ok('d', Float32Array.from([1, 2])); // d <- float32
    bad('c', Int32Array.from([1, 2])); // c <- int32
    ok('d', Int32Array.from([1, 2])); // d <- int32
    bad('d', BigInt64Array.from([5n, 7n])); // d <- int64
    bad('a', Float32Array.from([1, 2])); // a <- float32
    bad('a', Float64Array.from([1, 2])); // a <- float64
    bad('b', Float64Array.from([1, 2])); // b <- float64
    // "object"-typed columns: JS plain arrays, checked by value.
    ok('b', [1, 2]);
    ok('d', [1.5, 2]);
    ok('e', [true, null]);
    ok('f', [new Uint8Array([1]), null]);
    ok('g', ['s', null]);
    // h <- datetime64[D]: JS dates and ISO date strings become Date.
    ok('h', ['2020-01-01', new Date(0)]);
    // d <- Decimal: no JS decimal; bigints are accepted for double.
    ok('d', [1n, 2]);
    const result = tableOf(enforceSchema(table({ ...c1Data(), b: Int32Array.from([1, 2]) }), c1Schema));
    expect(result.data.b).toEqual(BigInt64Array.from([1n, 2n]));
    expect(result.data.d).toBeInstanceOf(Float64Array);
  });

  it('C3: dict of columns accepted with extras dropped; ragged columns rejected', () => {
    const schema = new Schema([new ColSpec('integer', { name: 'a' }), new ColSpec('long', { name: 'b' })]);
    const result = tableOf(enforceSchema(value({ a: [1, 2, 3], b: [4, 5, 6], i: [[1], [2], [3]] }), schema));
    expect(result.columns).toEqual(['a', 'b']);
    expect(result.rowCount).toBe(3);
    expect(() => enforceSchema(value({ a: [[1, 2]], b: [[3]] }), schema)).toThrow('Incompatible input types');
    expect(() => enforceSchema(value({ a: [1], b: [1, 2] }), schema)).toThrow(
      'This model contains a column-based signature, which suggests a DataFrame input.',
    );
  });

  it('C4: the missing-value hint appears only for integral values with nulls', () => {
    const schema = new Schema([new ColSpec('integer', { name: 'a' })]);
    expect(failure(() => enforceSchema(table({ a: [1, null] }), schema)).message).toContain(
      'Hint: the type mismatch is likely caused by missing values.',
    );
    expect(failure(() => enforceSchema(table({ a: Float64Array.from([1, Number.NaN]) }), schema)).message).toContain('Hint:');
    expect(failure(() => enforceSchema(table({ a: [1.5, null] }), schema)).message).not.toContain('Hint:');
    expect(failure(() => enforceSchema(table({ a: Float64Array.from([1, 2]) }), schema)).message).not.toContain('Hint:');
  });

  it('C5: unnamed schema checks the column count and enforces positionally', () => {
    const schema = new Schema([new ColSpec('double'), new ColSpec('double'), new ColSpec('double')]);
    expect(tableOf(enforceSchema(value([[1.5, 2.5, 3.5]]), schema)).columns).toEqual(['0', '1', '2']);
    expect(tableOf(enforceSchema(table({ a: [1.5], b: [2.5], c: [3.5] }), schema)).columns).toEqual(['a', 'b', 'c']);
    expect(tableOf(enforceSchema(value({ a: [1.5], b: [2.5], c: [3.5] }), schema)).rowCount).toBe(1);
    expect(failure(() => enforceSchema(value([[1.5, 2.5]]), schema)).message).toContain('the provided value only has 2 inputs.');
    // numpy int64 -> float64 is refused; in JS that is a BigInt64Array column (plain JS numbers
    // carry no width and are accepted as doubles).
    expect(
      failure(() => enforceSchema(table({ a: BigInt64Array.from([1n]), b: BigInt64Array.from([2n]), c: BigInt64Array.from([3n]) }), schema))
        .message,
    ).toContain('Can not safely convert int64 to float64');
    expect(failure(() => enforceSchema(value(new Set([1, 2, 3])), schema)).message).toContain(
      'Expected input to be DataFrame. Found: set',
    );
  });

  it('C6: optional columns may be absent but are type-checked when present', () => {
    const schema = new Schema([
      new ColSpec('double', { name: 'a' }),
      new ColSpec('double', { name: 'b' }),
      new ColSpec('string', { name: 'c', required: false }),
      new ColSpec('long', { name: 'd', required: false }),
    ]);
    expect(tableOf(enforceSchema(value({ a: 1.5, b: 2.5, c: 'x', d: 3 }), schema)).columns).toEqual(['a', 'b', 'c', 'd']);
    expect(tableOf(enforceSchema(value({ a: 1.5, b: 2.5 }), schema)).columns).toEqual(['a', 'b']);
    expect(tableOf(enforceSchema(value({ a: 1.5, b: 2.5, d: 3 }), schema)).columns).toEqual(['a', 'b', 'd']);
    expect(failure(() => enforceSchema(value({ a: 1.5, b: 2.5, d: ['not the right type'] }), schema)).message).toContain(
      'Incompatible input types for column d.',
    );
    expect(failure(() => enforceSchema(value({ b: 2.5, c: 'x' }), schema)).message).toContain('Model is missing inputs');
  });

  it('C7: the extra-input warning text is exact', () => {
    const logger = recorder();
    enforceSchema(value({ a: 'hi', b: 'bye' }), new Schema([new ColSpec('string', { name: 'a' })]), logger);
    expect(logger.messages).toEqual([
      "Found extra inputs in the model input that are not defined in the model signature: `['b']`. These inputs will be ignored.",
    ]);
  });

  it('C8: an optional double column with 0, 0.9, 1 and a missing row gives [0, 0.9, 1, NaN]', () => {
    const schema = new Schema([new ColSpec('double', { name: 'a', required: false })]);
    const result = tableOf(enforceSchema(value([{ a: 0 }, { a: 0.9 }, { a: 1 }, {}]), new Schema([...schema.inputs])));
    expect(Array.from(result.data.a as Float64Array)).toEqual([0, 0.9, 1, Number.NaN]);
    // Longs of only 0/1 may become doubles even from an int64 column.
    expect(tableOf(enforceSchema(table({ a: BigInt64Array.from([0n, 1n]) }), schema)).data.a).toEqual(Float64Array.from([0, 1]));
  });

  it('C9: a dict is one row and a list of dicts is records', () => {
    const schema = new Schema([new ColSpec('string', { name: 'query' })]);
    expect(tableOf(enforceSchema(value({ query: 'sentence' }), schema)).data.query).toEqual(['sentence']);
    const records = tableOf(enforceSchema(value([{ query: 'a' }, { query: 'b' }]), schema));
    expect(records.rowCount).toBe(2);
    expect(records.data.query).toEqual(['a', 'b']);
  });

  it('C10: Any columns accept anything; Array(string) checks items', () => {
    const anySchema = new Schema([new ColSpec(anyType(), { name: 'a', required: false })]);
    expect(tableOf(enforceSchema(value({ a: 'string' }), anySchema)).data.a).toEqual(['string']);
    const arraySchema = new Schema([new ColSpec(arrayType('string'), { name: 'a', required: false })]);
    expect(tableOf(enforceSchema(value({ a: ['x', 'y'] }), arraySchema)).data.a).toEqual([['x', 'y']]);
    expect(() => enforceSchema(value({ a: [1] }), arraySchema)).toThrow(/Failed to enforce schema of data in column a/);
    expect(() => enforceSchema(value({ a: 'x' }), arraySchema)).toThrow(/Expected data to be list or numpy array, got str/);
  });
});

const tensor = (dtype: TensorV1['dtype'], shape: number[], data: TensorV1['data']): TensorV1 => ({ dtype, shape, data }) as TensorV1;
const uint64 = (n: number) => new BigUint64Array(n);

describe('tensor schema enforcement', () => {
  const d1Schema = new Schema([
    new TensorSpec('uint64', [-1, 5], 'a'),
    new TensorSpec('int16', [-1, 2], 'b'),
    new TensorSpec('float32', [2, -1, 2], 'c'),
  ]);
  const d1Input = () => ({
    a: tensor('uint64', [2, 5], uint64(10)),
    b: tensor('int16', [2, 2], new Int16Array(4)),
    c: tensor('float32', [2, 3, 2], new Float32Array(12)),
  });

  it('D1: named tensors: dtype and shape checked, extras dropped', () => {
    const logger = recorder();
    const result = enforceSchema({ kind: 'tensors', tensors: { ...d1Input(), x: tensor('int8', [1], new Int8Array(1)) } }, d1Schema, logger);
    expect(result.kind === 'tensors' && Object.keys(result.tensors)).toEqual(['a', 'b', 'c']);
    expect(logger.messages).toHaveLength(1);
    expect(() => enforceSchema({ kind: 'tensors', tensors: { ...d1Input(), c: tensor('float32', [2, 7, 2], new Float32Array(28)) } }, d1Schema)).not.toThrow();
    expect(failure(() => enforceSchema({ kind: 'tensors', tensors: { ...d1Input(), a: tensor('int32', [2, 5], new Int32Array(10)) } }, d1Schema)).message).toContain(
      'dtype of input int32 does not match expected dtype uint64',
    );
    expect(failure(() => enforceSchema({ kind: 'tensors', tensors: { ...d1Input(), a: tensor('uint64', [1, 4], uint64(4)) } }, d1Schema)).message).toContain(
      'Shape of input (1, 4) does not match expected shape (-1, 5)',
    );
    expect(failure(() => enforceSchema(value([[1], [2]]), d1Schema)).message).toContain("Model is missing inputs ['a', 'b', 'c'].");
    expect(failure(() => enforceSchema({ kind: 'tensors', tensors: { ...d1Input(), a: tensor('uint64', [0], uint64(0)) } }, d1Schema)).message).toContain(
      'Shape of input (0,) does not match expected shape',
    );
    // JS meaning of "dict of plain lists": a plain object of arrays handed over as a value.
    expect(failure(() => enforceSchema(value({ a: [1], b: [2], c: [3] }), d1Schema)).message).toContain(
      "suggests a dictionary input mapping input name to a numpy array, but a dict with value type <class 'list'> was found",
    );
    expect(failure(() => enforceSchema(table({ a: [1], b: [2], c: [3] }), d1Schema)).message).toContain(
      "The input pandas dataframe column 'a' contains scalar values, which requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of (-1, 5)",
    );
  });

  it('D2: a single named spec wraps a bare tensor; a nested list is missing inputs', () => {
    const schema = new Schema([new TensorSpec('uint64', [-1, 2, 3], 'a')]);
    const result = enforceSchema({ kind: 'tensor', tensor: tensor('uint64', [1, 2, 3], uint64(6)) }, schema);
    expect(result.kind === 'tensors' && Object.keys(result.tensors)).toEqual(['a']);
    expect(failure(() => enforceSchema(value([[[1, 2, 3], [4, 5, 6]]]), schema)).message).toContain('Model is missing inputs');
  });

  it('D3: unnamed uint64(-1, 3): tensor or 3-column table accepted, 2 columns rejected', () => {
    const schema = new Schema([new TensorSpec('uint64', [-1, 3])]);
    expect(enforceSchema({ kind: 'tensor', tensor: tensor('uint64', [2, 3], uint64(6)) }, schema).kind).toBe('tensor');
    const fromTable = enforceSchema(table({ a: BigUint64Array.from([1n, 4n]), b: BigUint64Array.from([2n, 5n]), c: BigUint64Array.from([3n, 6n]) }), schema);
    expect(fromTable.kind === 'tensor' && fromTable.tensor.shape).toEqual([2, 3]);
    expect(fromTable.kind === 'tensor' && Array.from(fromTable.tensor.data as BigUint64Array)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(failure(() => enforceSchema(table({ a: [1], b: [2] }), schema)).message).toContain(
      'the input shape must be of the structure (-1, number_of_dataframe_columns). Instead, the input DataFrame passed had 2 columns and an input shape of (-1, 3)',
    );
  });

  it('D4: unnamed float32(-1, 3): lists/dicts rejected, shape and dtype checked', () => {
    const schema = new Schema([new TensorSpec('float32', [-1, 3])]);
    expect(failure(() => enforceSchema(value([1, 2, 3]), schema)).message).toContain('tensor-based model signature with no input names');
    expect(failure(() => enforceSchema(value({ a: 1 }), schema)).message).toContain('tensor-based model signature with no input names');
    expect(failure(() => enforceSchema({ kind: 'tensor', tensor: tensor('float32', [2, 2], new Float32Array(4)) }, schema)).message).toContain(
      'Shape of input (2, 2) does not match expected shape (-1, 3)',
    );
    expect(failure(() => enforceSchema({ kind: 'tensor', tensor: tensor('uint32', [3, 3], new Uint32Array(9)) }, schema)).message).toContain(
      'dtype of input uint32 does not match expected dtype float32',
    );
    expect(enforceSchema({ kind: 'tensor', tensor: tensor('float32', [3, 3], new Float32Array(9)) }, schema).kind).toBe('tensor');
    expect(failure(() => enforceSchema({ kind: 'tensor', tensor: tensor('float32', [], new Float32Array(1)) }, schema)).message).toContain(
      'Shape of input () does not match expected shape (-1, 3)',
    );
  });

  it('D5: a table becomes named 1-D tensors; bad spec shapes rejected', () => {
    const schema = new Schema([new TensorSpec('uint64', [-1], 'a'), new TensorSpec('float32', [-1], 'b')]);
    const result = enforceSchema(table({ a: [1, 2], b: [0.5, 1.5] }), schema);
    if (result.kind !== 'tensors') throw new Error('expected tensors');
    expect(result.tensors.a).toEqual({ dtype: 'uint64', shape: [2], data: BigUint64Array.from([1n, 2n]) });
    expect(result.tensors.b).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.from([0.5, 1.5]) });
    expect(() => enforceSchema(table({ a: [1] }), new Schema([new TensorSpec('uint64', [-1, 2], 'a')]))).toThrow(
      "contains scalar values, which requires the shape to be (-1,) or (-1, 1)",
    );
    expect(failure(() => enforceSchema(table({ a: [1] }), new Schema([new TensorSpec('uint64', [2, -1], 'a')]))).message).toContain(
      'For pandas dataframe input, the first dimension of shape must be a variable dimension and other dimensions must be fixed, but in model signature the shape of input a is (2, -1).',
    );
  });

  it('D6: list cells are reshaped to the spec shape; wrong lengths rejected', () => {
    const schema = new Schema([new TensorSpec('uint64', [-1, 2, 3], 'a'), new TensorSpec('float32', [-1, 3, 4], 'b')]);
    const row = (n: number) => Array.from({ length: n }, (_, index) => index);
    const result = enforceSchema(table({ a: [row(6), row(6)], b: [row(12), row(12)] }), schema);
    if (result.kind !== 'tensors') throw new Error('expected tensors');
    expect(result.tensors.a?.shape).toEqual([2, 2, 3]);
    expect(result.tensors.b?.shape).toEqual([2, 3, 4]);
    expect(failure(() => enforceSchema(table({ a: [row(8)], b: [row(12)] }), schema)).message).toContain(
      "could not be converted to the expected shape of: '(-1, 2, 3)'",
    );
  });
});
