import type { ModelDataV1, TableV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { elementCount, flattenNested, truthy, typedDataFrom } from '../data/tensor-data.js';
import type { ColumnSpecView, SchemaView, TensorSpecView } from './signature-view.js';

/** A frame as parsed from JSON or CSV, before casting: plain JS values per column. */
export interface RawFrame {
  readonly columns: readonly string[];
  readonly data: Record<string, unknown[]>;
  readonly rowCount: number;
}

/** Builds a raw frame from `dataframe_records` rows (a missing key becomes null, like pandas NaN). */
export function frameFromRecords(records: readonly Record<string, unknown>[]): RawFrame {
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

/** Builds a raw frame from rows and optional column names (`dataframe_split`, CSV). */
export function frameFromRows(rows: readonly unknown[], columnNames?: readonly unknown[]): RawFrame {
  const width = columnNames?.length ?? (Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 1);
  const columns = columnNames ? columnNames.map(String) : Array.from({ length: width }, (_, i) => String(i));
  const data: Record<string, unknown[]> = {};
  for (const column of columns) data[column] = [];
  rows.forEach((row, index) => {
    const cells = Array.isArray(row) ? row : [row];
    if (cells.length !== columns.length) {
      const reason = `${columns.length} columns passed, passed data had ${cells.length} columns`;
      throw serverError(
        'ERR_SERVER_INPUT_FORMAT',
        `Invalid input. Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '${reason} (row ${index})'`,
        { reason },
      );
    }
    columns.forEach((column, i) => data[column]!.push(cells[i]));
  });
  return { columns, data, rowCount: rows.length };
}

/** Builds a raw frame from `{column: values}` (all columns must have the same length). */
export function frameFromColumns(columns: Readonly<Record<string, unknown>>): RawFrame {
  const names = Object.keys(columns);
  const data: Record<string, unknown[]> = {};
  let rowCount: number | undefined;
  for (const name of names) {
    const value = columns[name];
    const list = Array.isArray(value) ? value : [value];
    if (rowCount !== undefined && list.length !== rowCount) {
      throw serverError(
        'ERR_SERVER_INPUT_FORMAT',
        'Invalid input. The length of values for each input/column name are not the same',
      );
    }
    rowCount = list.length;
    data[name] = list;
  }
  return { columns: names, data, rowCount: rowCount ?? 0 };
}

const COLUMN_DTYPE = {
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
} as const;

/**
 * Casts one column to an MLflow column type the way MLflow casts JSON to the schema before
 * enforcement (`astype`; booleans by truthiness; binary from base64; datetime from ISO-8601).
 */
export function castColumn(name: string, values: readonly unknown[], spec: ColumnSpecView): ArrayLike<unknown> {
  const type = spec.type;
  if (typeof type !== 'string') return values; // Array / Object / Map cells are enforced by core
  try {
    switch (type) {
      case 'integer':
      case 'long':
      case 'float':
      case 'double':
        return typedDataFrom(values, COLUMN_DTYPE[type]) as ArrayLike<unknown>;
      case 'boolean':
        return values.map((v) => truthy(v));
      case 'string':
        return values.map((v) => (v === null || v === undefined ? v : typeof v === 'string' ? v : String(v)));
      case 'binary':
        return values.map((v) => {
          if (typeof v !== 'string') throw new TypeError(`expected a base64 string, got ${JSON.stringify(v)}`);
          return new Uint8Array(Buffer.from(v, 'base64'));
        });
      case 'datetime':
        return values.map((v) => {
          const date = new Date(v as string);
          if (v === null || Number.isNaN(date.getTime())) throw new TypeError(`expected an ISO-8601 date, got ${JSON.stringify(v)}`);
          return date;
        });
      default:
        return values;
    }
  } catch (error) {
    throw serverError(
      'ERR_SERVER_SCHEMA_CAST',
      `Invalid input. Data is not compatible with model signature. Failed to convert column ${name} to type '${type}'. Error: '${(error as Error).message}'`,
      {},
      error,
    );
  }
}

/** Casts a raw frame to a column schema (columns not in the schema stay as they are). */
export function castFrame(frame: RawFrame, columns: readonly ColumnSpecView[]): TableV1 {
  const data: Record<string, ArrayLike<unknown>> = { ...frame.data };
  // an unnamed column schema applies by position
  columns.forEach((spec, index) => {
    const name = spec.name ?? frame.columns[index];
    if (name === undefined || !(name in frame.data)) return;
    data[name] = castColumn(name, frame.data[name]!, spec);
  });
  return { columns: frame.columns, data, rowCount: frame.rowCount };
}

function resolveShape(spec: TensorSpecView, count: number, rows: number): number[] {
  const shape = [...spec.shape];
  if (shape.length === 0) return [];
  if (shape[0] === -1) shape[0] = rows;
  const known = shape.reduce((product, dim) => (dim === -1 ? product : product * dim), 1);
  const unknown = shape.filter((dim) => dim === -1).length;
  if (unknown === 1) return shape.map((dim) => (dim === -1 ? count / known : dim));
  return shape.map((dim) => (dim === -1 ? 1 : dim));
}

function tensorFromColumnCells(cells: readonly unknown[], spec: TensorSpecView): TensorV1 {
  const { shape, values } = flattenNested(cells as unknown[]);
  const target = resolveShape(spec, values.length, cells.length);
  const finalShape = elementCount(target) === values.length && Number.isInteger(elementCount(target)) ? target : shape;
  return { dtype: spec.dtype, shape: finalShape, data: typedDataFrom(values, spec.dtype) };
}

/**
 * Turns a frame into the model's input: a cast table for a column schema, tensors for a tensor
 * schema (one tensor from all columns row-major, or one tensor per named column), or the plain table
 * when the model has no signature.
 */
export function frameToModelData(frame: RawFrame, schema: SchemaView | undefined): ModelDataV1 {
  if (schema === undefined) return { kind: 'table', table: { columns: frame.columns, data: frame.data, rowCount: frame.rowCount } };
  if (schema.kind === 'columns') return { kind: 'table', table: castFrame(frame, schema.columns) };
  const named = schema.tensors.filter((t) => t.name !== undefined && frame.columns.includes(t.name));
  if (schema.tensors.length > 1 || (named.length === 1 && frame.columns.length === 1 && schema.tensors[0]!.shape.length <= 1)) {
    const tensors: Record<string, TensorV1> = {};
    for (const spec of schema.tensors) {
      if (spec.name === undefined || !(spec.name in frame.data)) continue;
      tensors[spec.name] = tensorFromColumnCells(frame.data[spec.name]!, spec);
    }
    return { kind: 'tensors', tensors };
  }
  const spec = schema.tensors[0]!;
  const rows: unknown[][] = [];
  for (let r = 0; r < frame.rowCount; r += 1) rows.push(frame.columns.map((c) => frame.data[c]![r]));
  const { values } = flattenNested(rows);
  const target = resolveShape(spec, values.length, frame.rowCount);
  const shape = Number.isInteger(elementCount(target)) && elementCount(target) === values.length ? target : [frame.rowCount, frame.columns.length];
  const tensor: TensorV1 = { dtype: spec.dtype, shape, data: typedDataFrom(values, spec.dtype) };
  return spec.name !== undefined ? { kind: 'tensors', tensors: { [spec.name]: tensor } } : { kind: 'tensor', tensor };
}
