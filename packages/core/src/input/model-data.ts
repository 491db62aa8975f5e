import { jsfuncError } from '../errors/jsfunc-error.js';
import type { ModelDataV1, NamedTensorsV1, TableV1, TensorDTypeV1, TensorV1 } from '../spec/v1/tensor.js';
import { dtypeOfTypedArray, isTensor, tensorFromNestedArray, tensorToNestedArray } from './tensor.js';

/**
 * The family of a user's input, kept so the output comes back in the same family.
 * - `tensor`: a `{dtype, shape, data}` object or a typed array.
 * - `ndarray`: a nested JS array of numbers, booleans or strings.
 * - `tensors`: an object of tensors (or, for a tensor signature, of nested arrays) by name.
 * - `records`: an array of row objects, `[{a: 1, b: 'x'}]`.
 * - `split`: MLflow's split form, `{columns: [...], data: [[...]]}`.
 * - `columns`: an object of columns, `{a: [...], b: [...]}`.
 * - `value`: anything else (a string, a JSON document, chat messages).
 */
export type InputForm = 'tensor' | 'ndarray' | 'tensors' | 'records' | 'split' | 'columns' | 'value';

/** One entry of a signature's input schema, in MLflow's JSON form (as written in MLmodel). */
export interface InputSpecJson {
  type: string;
  name?: string;
  'tensor-spec'?: { dtype: string; shape: number[] };
  required?: boolean;
  [key: string]: unknown;
}

const numpyToTensorDType: Record<string, TensorDTypeV1> = {
  float16: 'float16', float32: 'float32', float64: 'float64', int8: 'int8', int16: 'int16', int32: 'int32',
  int64: 'int64', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64', bool: 'bool',
  str: 'string', object: 'string', bytes: 'string',
};

/** The tensor dtype for a numpy dtype name from a TensorSpec (`str` and `object` become `string`). */
export function tensorDTypeFromNumpy(name: string): TensorDTypeV1 | undefined {
  return numpyToTensorDType[name];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isColumnLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** True when an object has at least one key and every value is a tensor (the predict hot path: no arrays built). */
function allTensors(input: Record<string, unknown>): boolean {
  let count = 0;
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    if (!isTensor(input[key])) return false;
    count++;
  }
  return count > 0;
}

/** MLflow's chat-style payloads (`{messages: [...]}`, with optional sampling keys) pass through as values. */
function isChatRequest(input: Record<string, unknown>): boolean {
  return Array.isArray(input.messages) && input.messages.every(isPlainObject);
}

function tableFromRecords(records: Record<string, unknown>[]): TableV1 {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const data: Record<string, unknown[]> = {};
  for (const column of columns) data[column] = records.map((record) => (column in record ? record[column] : null));
  return { columns, data, rowCount: records.length };
}

function tableFromSplit(split: { columns: unknown; data: unknown }): TableV1 {
  if (!Array.isArray(split.columns) || !Array.isArray(split.data)) {
    throw jsfuncError('ERR_INPUT_INVALID', 'A split table needs `columns` (an array of names) and `data` (an array of rows). Fix the input.', {});
  }
  const columns = split.columns.map(String);
  const data: Record<string, unknown[]> = {};
  for (const column of columns) data[column] = [];
  split.data.forEach((row, rowIndex) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw jsfuncError(
        'ERR_INPUT_INVALID',
        `Row ${rowIndex} of the split table has ${Array.isArray(row) ? row.length : 'no'} values but there are ${columns.length} columns. Give every row one value per column.`,
        { row: rowIndex },
      );
    }
    row.forEach((value, index) => (data[columns[index]!] as unknown[]).push(value));
  });
  return { columns, data, rowCount: split.data.length };
}

function tableFromColumns(columns: Record<string, ArrayLike<unknown>>): TableV1 {
  const names = Object.keys(columns);
  const rowCount = names.length === 0 ? 0 : columns[names[0]!]!.length;
  for (const name of names) {
    if (columns[name]!.length !== rowCount) {
      throw jsfuncError(
        'ERR_INPUT_INVALID',
        `Column "${name}" has ${columns[name]!.length} values but column "${names[0]}" has ${rowCount}. Give every column the same number of rows.`,
        { column: name },
      );
    }
  }
  return { columns: names, data: columns, rowCount };
}

function toTensor(value: unknown, dtype?: TensorDTypeV1): TensorV1 {
  if (isTensor(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const found = dtypeOfTypedArray(value);
    if (found) return { dtype: found, shape: [(value as unknown as ArrayLike<unknown>).length], data: value as never };
  }
  if (Array.isArray(value)) return tensorFromNestedArray(value, dtype);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') {
    const tensor = tensorFromNestedArray([value], dtype);
    return { ...tensor, shape: [] };
  }
  throw jsfuncError('ERR_INPUT_INVALID', `Expected a tensor, a typed array or a nested array, found ${typeof value}.`, {});
}

/**
 * Parses a user's input into jsfunc's canonical {@link ModelDataV1}, and reports its family.
 * `inputSpecs` (the signature's inputs in MLflow JSON form) guides ambiguous forms: with a tensor
 * signature, an object of arrays is named tensors and a nested array uses the spec's dtype; with a
 * column signature, a nested 2-D array becomes a table whose columns are the signature's names.
 */
export function toModelData(input: unknown, inputSpecs?: readonly InputSpecJson[]): { data: ModelDataV1; form: InputForm } {
  const tensorSignature = inputSpecs !== undefined && inputSpecs.length > 0 && inputSpecs.every((spec) => spec.type === 'tensor');
  const columnSignature = inputSpecs !== undefined && inputSpecs.length > 0 && !tensorSignature;
  const specDType = (name?: string): TensorDTypeV1 | undefined => {
    if (!tensorSignature) return undefined;
    const spec = name === undefined ? inputSpecs![0] : inputSpecs!.find((candidate) => candidate.name === name);
    const numpy = spec?.['tensor-spec']?.dtype;
    return numpy === undefined ? undefined : tensorDTypeFromNumpy(numpy);
  };

  if (isTensor(input)) return { data: { kind: 'tensor', tensor: input }, form: 'tensor' };
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    return { data: { kind: 'tensor', tensor: toTensor(input) }, form: 'tensor' };
  }
  if (Array.isArray(input)) {
    if (input.length > 0 && input.every(isPlainObject)) {
      return { data: { kind: 'table', table: tableFromRecords(input as Record<string, unknown>[]) }, form: 'records' };
    }
    if (columnSignature && input.length > 0 && input.every(Array.isArray)) {
      const names = inputSpecs!.map((spec, index) => spec.name ?? String(index));
      const rows = input as unknown[][];
      if (rows.every((row) => row.length === names.length)) {
        return { data: { kind: 'table', table: tableFromSplit({ columns: names, data: rows }) }, form: 'ndarray' };
      }
    }
    if (columnSignature && input.length === 0) {
      return { data: { kind: 'table', table: tableFromRecords([]) }, form: 'records' };
    }
    return { data: { kind: 'tensor', tensor: toTensor(input, specDType()) }, form: 'ndarray' };
  }
  if (isPlainObject(input)) {
    if (allTensors(input)) return { data: { kind: 'tensors', tensors: input as NamedTensorsV1 }, form: 'tensors' };
    const keys = Object.keys(input);
    if (keys.length === 2 && 'columns' in input && 'data' in input && Array.isArray(input.columns) && Array.isArray(input.data)) {
      return { data: { kind: 'table', table: tableFromSplit(input as { columns: unknown; data: unknown }) }, form: 'split' };
    }
    const values = Object.values(input);
    if (isChatRequest(input)) return { data: { kind: 'value', value: input }, form: 'value' };
    if (values.length > 0 && values.every(isTensor)) {
      return { data: { kind: 'tensors', tensors: input as NamedTensorsV1 }, form: 'tensors' };
    }
    if (values.length > 0 && values.every(isColumnLike)) {
      if (tensorSignature || values.some((value) => isTensor(value))) {
        const tensors: Record<string, TensorV1> = {};
        for (const key of keys) tensors[key] = toTensor(input[key], specDType(key));
        return { data: { kind: 'tensors', tensors }, form: 'tensors' };
      }
      return { data: { kind: 'table', table: tableFromColumns(input as Record<string, ArrayLike<unknown>>) }, form: 'columns' };
    }
  }
  return { data: { kind: 'value', value: input }, form: 'value' };
}

/** Rows of a table as plain objects (typed-array cells become numbers; bigints numbers when safe). */
export function tableToRecords(table: TableV1): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let row = 0; row < table.rowCount; row++) {
    const record: Record<string, unknown> = {};
    for (const column of table.columns) record[column] = plainCell(table.data[column]![row]);
    rows.push(record);
  }
  return rows;
}

function plainCell(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (isTensor(value)) return tensorToNestedArray(value);
  return value;
}

/**
 * Turns canonical model output back into the family of the user's input: a table comes back as
 * records, split or columns (whichever the input was); tensors stay tensors; a value stays a value.
 */
export function fromModelData(data: ModelDataV1, form: InputForm): unknown {
  switch (data.kind) {
    case 'tensor':
      return form === 'ndarray' ? tensorToNestedArray(data.tensor) : data.tensor;
    case 'tensors': {
      if (form !== 'tensor' && form !== 'ndarray') return data.tensors;
      const entries = Object.values(data.tensors);
      // One tensor in, one tensor out: a single named output is unwrapped for tensor-form input.
      if ((form === 'tensor' || form === 'ndarray') && entries.length === 1) {
        return form === 'ndarray' ? tensorToNestedArray(entries[0]!) : entries[0];
      }
      if (form === 'ndarray') {
        return Object.fromEntries(Object.entries(data.tensors).map(([name, tensor]) => [name, tensorToNestedArray(tensor)]));
      }
      return data.tensors;
    }
    case 'table':
      if (form === 'records' || form === 'ndarray') return tableToRecords(data.table);
      if (form === 'split') {
        const rows = tableToRecords(data.table).map((record) => data.table.columns.map((column) => record[column]));
        return { columns: [...data.table.columns], data: rows };
      }
      return Object.fromEntries(data.table.columns.map((column) => [column, data.table.data[column]]));
    case 'value':
      return data.value;
  }
}
