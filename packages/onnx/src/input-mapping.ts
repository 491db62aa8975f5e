import { jsfuncError, type ModelDataV1, type TableV1, type TensorDTypeV1, type TensorV1 } from '@jsfunc/core';
import type { OnnxValueInfo } from './create-ort-session.js';
import type { OnnxZipMap } from './onnx-model-proto.js';
import { dtypeOfTypedArray } from '@jsfunc/core';
import { coerceToDtype } from './tensor-conversion.js';

function tensorFor(info: OnnxValueInfo, tensor: TensorV1): TensorV1 {
  if (info.dtype === undefined || tensor.dtype === info.dtype) return tensor;
  return { dtype: info.dtype, shape: tensor.shape, data: coerceToDtype(info.name, tensor.data, tensor.dtype, info.dtype) } as TensorV1;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** A table column as a tensor: scalars give `[rows]`, per-row arrays of one length give `[rows, ...]`. */
function columnTensor(info: OnnxValueInfo, column: ArrayLike<unknown>, rows: number): TensorV1 {
  const target = info.dtype ?? dtypeOfTypedArray(column) ?? 'float64';
  const first = column.length > 0 ? column[0] : undefined;
  if (isArrayLike(first) && typeof first !== 'string') {
    const cells = Array.from(column as ArrayLike<ArrayLike<unknown>>);
    const inner = tensorShapeOf(first);
    const flat: unknown[] = [];
    for (const cell of cells) flattenInto(cell, flat);
    const size = inner.reduce((product, dimension) => product * dimension, 1);
    if (flat.length !== size * rows) {
      throw jsfuncError(
        'ERR_ONNX_INPUT_SHAPE',
        `Column '${info.name}' holds arrays of different shapes; every row must have the shape [${inner.join(', ')}]. Give rows of one shape.`,
        { input: info.name },
      );
    }
    return { dtype: target, shape: [rows, ...inner], data: coerceToDtype(info.name, flat, undefined, target) } as TensorV1;
  }
  return { dtype: target, shape: [rows], data: coerceToDtype(info.name, column, undefined, target) } as TensorV1;
}

function tensorShapeOf(value: ArrayLike<unknown>): number[] {
  const shape = [value.length];
  const first = value.length > 0 ? value[0] : undefined;
  if (isArrayLike(first) && typeof first !== 'string') shape.push(...tensorShapeOf(first));
  return shape;
}

function flattenInto(value: unknown, into: unknown[]): void {
  if (isArrayLike(value) && typeof value !== 'string') {
    for (let index = 0; index < value.length; index++) flattenInto(value[index], into);
  } else into.push(value);
}

/** MLflow's `df.values` for a single-input model: a `[rows, columns]` tensor in column order. */
function tableAsMatrix(info: OnnxValueInfo, table: TableV1): TensorV1 {
  const { columns, rowCount } = table;
  const target: TensorDTypeV1 =
    info.dtype ??
    (columns.every((column) => dtypeOfTypedArray(table.data[column]) === 'float32') ? 'float32' : 'float64');
  if (columns.length === 1) {
    const only = columnTensor(info, table.data[columns[0]!]!, rowCount);
    if (only.shape.length === 1) return { ...only, shape: [rowCount, 1] } as TensorV1;
    return only;
  }
  const interleaved: unknown[] = new Array(rowCount * columns.length);
  columns.forEach((column, columnIndex) => {
    const values = table.data[column]!;
    const castable = coerceToDtype(column, values, undefined, target) as ArrayLike<unknown>;
    for (let row = 0; row < rowCount; row++) interleaved[row * columns.length + columnIndex] = castable[row];
  });
  return { dtype: target, shape: [rowCount, columns.length], data: coerceToDtype(info.name, interleaved, undefined, target) } as TensorV1;
}

/** The model's input names, for error messages only (not built on the hot path). */
function inputNames(inputs: readonly OnnxValueInfo[]): string[] {
  return inputs.map((info) => info.name);
}

/**
 * Maps canonical model input to the session's feeds, as MLflow's `_OnnxModelWrapper.predict`
 * does: named tensors by name; one tensor to the only input; a table's columns to inputs of the
 * same name, or the whole table as a `[rows, columns]` matrix when the model has one input.
 */
export function toFeeds(input: ModelDataV1, inputs: readonly OnnxValueInfo[]): Record<string, TensorV1> {
  const feeds: Record<string, TensorV1> = {};
  switch (input.kind) {
    case 'tensors': {
      for (const info of inputs) {
        const tensor = input.tensors[info.name];
        if (tensor === undefined) {
          throw jsfuncError(
            'ERR_ONNX_INPUT_MISSING',
            `The ONNX model requires input '${info.name}', which is missing. Inputs given: ${Object.keys(input.tensors).join(', ') || 'none'}; inputs required: ${inputNames(inputs).join(', ')}.`,
            { missing: info.name, expected: inputNames(inputs), found: Object.keys(input.tensors) },
          );
        }
        feeds[info.name] = tensorFor(info, tensor);
      }
      return feeds;
    }
    case 'tensor': {
      if (inputs.length !== 1) {
        throw jsfuncError(
          'ERR_ONNX_INPUT_MAPPING',
          `Unable to map numpy array input to the expected model input. Numpy arrays can only be used as input for MLflow ONNX models that have a single input. This model requires ${inputs.length} inputs. Please pass in data as either a dictionary or a DataFrame with the following tensors: ${inputNames(inputs).join(', ')}.`,
          { expected: inputNames(inputs) },
        );
      }
      feeds[inputs[0]!.name] = tensorFor(inputs[0]!, input.tensor);
      return feeds;
    }
    case 'table': {
      const { table } = input;
      if (inputs.length === 1 && !(table.columns.length === 1 && table.columns[0] === inputs[0]!.name && isArrayLike(table.data[table.columns[0]!]?.[0]))) {
        feeds[inputs[0]!.name] = tableAsMatrix(inputs[0]!, table);
        return feeds;
      }
      for (const info of inputs) {
        const column = table.data[info.name];
        if (column === undefined) {
          throw jsfuncError(
            'ERR_ONNX_INPUT_MISSING',
            `The ONNX model requires input '${info.name}', which is not a column of the input table. Columns given: ${table.columns.join(', ')}; inputs required: ${inputNames(inputs).join(', ')}.`,
            { missing: info.name, expected: inputNames(inputs), found: [...table.columns] },
          );
        }
        feeds[info.name] = columnTensor(info, column, table.rowCount);
      }
      return feeds;
    }
    default:
      throw jsfuncError(
        'ERR_ONNX_INPUT_TYPE',
        `Input should be a dictionary or a numpy array or a pandas.DataFrame, got '${input.kind}'. Give the ONNX model a tensor, named tensors or a table.`,
        { found: input.kind },
      );
  }
}

function rowsOf(tensor: TensorV1, rows: number): unknown[] {
  const size = tensor.data.length / rows;
  const column: unknown[] = new Array(rows);
  for (let row = 0; row < rows; row++) {
    const slice = (tensor.data as ArrayLike<unknown> & { slice(start: number, end: number): ArrayLike<unknown> }).slice(row * size, (row + 1) * size);
    column[row] = Array.from(slice);
  }
  return column;
}

/**
 * Maps session outputs back: named tensors for tensor input; for table input a table with one
 * column per output (MLflow's rule: outputs with one value per row are flattened; outputs with
 * several values per row give one array per row; ZipMap outputs give one `{label: probability}`
 * object per row, as MLflow returns them).
 */
export function fromOutputs(
  input: ModelDataV1,
  outputs: Readonly<Record<string, TensorV1>>,
  order: readonly string[],
  zipMaps: readonly OnnxZipMap[],
): ModelDataV1 {
  if (input.kind !== 'table') return { kind: 'tensors', tensors: outputs };
  const rows = input.table.rowCount;
  const data: Record<string, ArrayLike<unknown>> = {};
  let rowCount = rows;
  for (const name of order) {
    const tensor = outputs[name]!;
    const zipMap = zipMaps.find((candidate) => candidate.output === name);
    if (zipMap && tensor.shape.length === 2 && tensor.shape[0] === rows) {
      const perRow = rowsOf(tensor, rows) as number[][];
      data[name] = perRow.map((probabilities) =>
        Object.fromEntries(probabilities.map((probability, index) => [String(zipMap.classLabels[index] ?? index), probability])),
      );
    } else if (tensor.data.length === rows) {
      data[name] = tensor.data;
    } else if (tensor.shape.length > 1 && tensor.shape[0] === rows) {
      data[name] = rowsOf(tensor, rows);
    } else if (order.length === 1) {
      data[name] = tensor.data;
      rowCount = tensor.data.length;
    } else {
      throw jsfuncError(
        'ERR_ONNX_OUTPUT_SHAPE',
        `Output '${name}' of the ONNX model has shape [${tensor.shape.join(', ')}], which does not fit a table of ${rows} rows. Pass named tensors instead of a table to get the raw outputs.`,
        { output: name, shape: [...tensor.shape], rows },
      );
    }
  }
  return { kind: 'table', table: { columns: [...order], data, rowCount } };
}
