import { batchError } from './batch-error.js';
import type { Row } from './row.js';

/** A dense tensor in jsfunc's exchange form (`TensorV1` of `@jsfunc/core`). */
export interface DenseTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<unknown>;
}

/** Options of {@link rowsToTensor}. */
export interface RowsToTensorOptions {
  /** The columns packed, in order, into the second tensor dimension. */
  columns: readonly string[];
  /** Element type (default `float32`); `float64` and `int32` are also supported. */
  dtype?: 'float32' | 'float64' | 'int32';
}

/**
 * Packs the named columns of `rows` into one `[rows, columns]` tensor: how a table feeds a model
 * whose signature (or graph) takes a single tensor, such as an ONNX export of an sklearn model.
 * Throws `ERR_BATCH_COLUMN_MISSING` when a row lacks a column or holds a non-number there.
 */
export function rowsToTensor(rows: readonly Row[], options: RowsToTensorOptions): DenseTensor {
  const { columns } = options;
  const dtype = options.dtype ?? 'float32';
  const width = columns.length;
  const data =
    dtype === 'float64'
      ? new Float64Array(rows.length * width)
      : dtype === 'int32'
        ? new Int32Array(rows.length * width)
        : new Float32Array(rows.length * width);
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex += 1) {
    const row = rows[rowIndex]!;
    for (let columnIndex = 0; columnIndex < width; columnIndex += 1) {
      const name = columns[columnIndex]!;
      const value = row[name];
      const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
      if (Number.isNaN(number) && !(typeof value === 'number')) {
        throw batchError(
          'ERR_BATCH_COLUMN_MISSING',
          `Expected a number in column "${name}" of every row; row ${rowIndex} of the chunk holds ${value === undefined ? 'no such column' : JSON.stringify(value)}. Check the input's header against --columns (found columns: ${Object.keys(row).join(', ')}).`,
          { column: name, row: rowIndex, found: Object.keys(row) },
        );
      }
      data[rowIndex * width + columnIndex] = number;
    }
  }
  return { dtype, shape: [rows.length, width], data };
}

/**
 * Keeps only `columns` of each row, in that order: how a table feeds a model with a column
 * signature. Throws `ERR_BATCH_COLUMN_MISSING` naming the missing columns.
 */
export function selectColumns(rows: readonly Row[], columns: readonly string[]): Row[] {
  const first = rows[0];
  if (first !== undefined) {
    const missing = columns.filter((name) => !(name in first));
    if (missing.length > 0) {
      throw batchError(
        'ERR_BATCH_COLUMN_MISSING',
        `Expected the input to have the model's columns ${columns.join(', ')}; missing ${missing.join(', ')} (found ${Object.keys(first).join(', ')}). Rename the input columns or pass --columns.`,
        { missing, found: Object.keys(first) },
      );
    }
  }
  return rows.map((row) => {
    const out: Row = {};
    for (const name of columns) out[name] = row[name];
    return out;
  });
}

function isTensorLike(value: unknown): value is DenseTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DenseTensor).dtype === 'string' &&
    Array.isArray((value as DenseTensor).shape) &&
    typeof (value as DenseTensor).data === 'object'
  );
}

function shapeError(expected: number, found: string): never {
  throw batchError(
    'ERR_BATCH_PREDICTION_SHAPE',
    `Expected the model to return one prediction per input row (${expected}); found ${found}. Score with a model whose output's first dimension is the batch.`,
    { expected, found },
  );
}

function tensorColumns(tensor: DenseTensor, rowCount: number, base: string, into: Row[]): void {
  const [batch, ...rest] = tensor.shape;
  if (batch !== rowCount) shapeError(rowCount, `shape [${tensor.shape.join(', ')}]`);
  const width = rest.reduce((product, size) => product * size, 1);
  for (let row = 0; row < rowCount; row += 1) {
    const target = into[row]!;
    if (rest.length === 0 || width === 1) target[base] = tensor.data[row * width];
    else if (rest.length === 1) {
      for (let column = 0; column < width; column += 1) target[`${base}_${column}`] = tensor.data[row * width + column];
    } else target[base] = Array.from({ length: width }, (_unused, offset) => tensor.data[row * width + offset]);
  }
}

/**
 * Turns a model's output for `rowCount` rows into one prediction row per input row, the columns
 * that get appended to the input:
 * - a tensor `[N]` or `[N,1]` becomes column `prediction`; `[N,k]` becomes `prediction_0..k-1`;
 * - named tensors become columns named after each output (same rules);
 * - an array of records is taken as is; an array of scalars becomes `prediction`;
 * - a column object `{name: [N values]}` or split `{columns, data}` becomes those columns.
 * Throws `ERR_BATCH_PREDICTION_SHAPE` when the output does not hold one entry per row.
 */
export function predictionsToRows(output: unknown, rowCount: number, predictionColumn = 'prediction'): Row[] {
  const rows: Row[] = Array.from({ length: rowCount }, () => ({}));
  if (isTensorLike(output)) {
    tensorColumns(output, rowCount, predictionColumn, rows);
    return rows;
  }
  if (Array.isArray(output) || ArrayBuffer.isView(output)) {
    const list = Array.from(output as ArrayLike<unknown>);
    if (list.length !== rowCount) shapeError(rowCount, `${list.length} entries`);
    return list.map((item) => {
      if (typeof item === 'object' && item !== null && !Array.isArray(item) && !ArrayBuffer.isView(item)) {
        return { ...(item as Row) };
      }
      if (Array.isArray(item) || ArrayBuffer.isView(item)) {
        const values = Array.from(item as ArrayLike<unknown>);
        if (values.length === 1) return { [predictionColumn]: values[0] };
        return Object.fromEntries(values.map((value, index) => [`${predictionColumn}_${index}`, value]));
      }
      return { [predictionColumn]: item };
    });
  }
  if (typeof output === 'object' && output !== null) {
    const record = output as Record<string, unknown>;
    if (Array.isArray(record.columns) && Array.isArray(record.data)) {
      const names = record.columns as string[];
      const data = record.data as unknown[][];
      if (data.length !== rowCount) shapeError(rowCount, `${data.length} rows`);
      return data.map((values) => Object.fromEntries(names.map((name, index) => [name, values[index]])));
    }
    for (const [name, value] of Object.entries(record)) {
      if (isTensorLike(value)) tensorColumns(value, rowCount, name, rows);
      else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        const values = Array.from(value as ArrayLike<unknown>);
        if (values.length !== rowCount) shapeError(rowCount, `${values.length} values in "${name}"`);
        values.forEach((item, index) => {
          rows[index]![name] = item;
        });
      } else shapeError(rowCount, `a ${typeof value} under "${name}"`);
    }
    return rows;
  }
  return shapeError(rowCount, typeof output);
}

/**
 * Appends prediction columns to input rows. A prediction column whose name an input column
 * already uses is written as `<name>_prediction` so no input value is overwritten.
 */
export function appendPredictions(rows: readonly Row[], predictions: readonly Row[]): Row[] {
  if (predictions.length !== rows.length) shapeError(rows.length, `${predictions.length} prediction rows`);
  return rows.map((row, index) => {
    const out: Row = { ...row };
    for (const [name, value] of Object.entries(predictions[index]!)) {
      out[name in row ? `${name}_prediction` : name] = value;
    }
    return out;
  });
}
