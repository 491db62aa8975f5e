/**
 * Signature inference from example values: MLflow's `infer_signature` rules mapped to JavaScript.
 *
 * | JavaScript value                          | inferred                                   |
 * |-------------------------------------------|--------------------------------------------|
 * | integer number / bigint                   | `long`                                     |
 * | other number                              | `double`                                   |
 * | boolean / string / Uint8Array / Date      | `boolean` / `string` / `binary` / `datetime` |
 * | array of values                           | `Array(<merged item type>)`                |
 * | plain object (inside a column)            | `Object` with one property per key         |
 * | null / undefined                          | makes the column or property optional      |
 * | typed array, jsfunc tensor                | `TensorSpec` (dtype of the array, first dim -1) |
 *
 * Top-level shapes: a plain object -> one named column per key (a row); an array of plain
 * objects -> records (one column per key, missing keys optional); an array of scalars -> one
 * unnamed column; a scalar -> one unnamed column; an object of typed arrays/tensors -> named
 * TensorSpecs; a `ModelDataV1` (`{kind: ...}`) -> by kind.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { ModelDataV1, TensorDTypeV1, TensorV1 } from '../spec/v1/tensor.js';
import { ColSpec } from './col-spec.js';
import {
  type ColumnType,
  type DataTypeName,
  anyType,
  arrayType,
  columnTypesEqual,
  formatColumnType,
  objectType,
  property,
} from './data-type.js';
import { ModelSignature } from './model-signature.js';
import { ParamSchema } from './param-schema.js';
import { ParamSpec } from './param-spec.js';
import { Schema } from './schema.js';
import { TensorSpec, numpyDtypeOf } from './tensor-spec.js';

function inferenceError(message: string, details: Record<string, unknown> = {}): never {
  throw jsfuncError('ERR_SIGNATURE_INFERENCE', message, details);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isTypedArray(value: unknown): value is ArrayLike<unknown> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function isTensor(value: unknown): value is TensorV1 {
  return (
    isPlainObject(value) &&
    typeof value.dtype === 'string' &&
    Array.isArray(value.shape) &&
    'data' in value &&
    Object.keys(value).length === 3
  );
}

function isModelData(value: unknown): value is ModelDataV1 {
  return isPlainObject(value) && ['tensor', 'tensors', 'table', 'value'].includes(value.kind as string) && Object.keys(value).length === 2;
}

/** The dtype of a typed array as a jsfunc tensor dtype. */
function typedArrayTensorDtype(values: ArrayLike<unknown>): TensorDTypeV1 {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof BigInt64Array) return 'int64';
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Uint16Array) return 'uint16';
  if (values instanceof Uint32Array) return 'uint32';
  if (values instanceof BigUint64Array) return 'uint64';
  return inferenceError('Unsupported typed array for signature inference.');
}

const COLUMN_TYPE_OF_DTYPE: Record<string, DataTypeName> = {
  int8: 'integer',
  int16: 'integer',
  int32: 'integer',
  uint8: 'integer',
  uint16: 'integer',
  uint32: 'long',
  int64: 'long',
  float32: 'float',
  float64: 'double',
};

/** An inferred type, or undefined for "only nulls seen". */
interface Inferred {
  type: ColumnType | undefined;
  optional: boolean;
}

function merge(a: ColumnType | undefined, b: ColumnType | undefined): ColumnType | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (columnTypesEqual(a, b)) return a;
  if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
  if (typeof a === 'object' && typeof b === 'object') {
    if (a.type === 'any') return b;
    if (b.type === 'any') return a;
    if (a.type === 'array' && b.type === 'array') return arrayType(merge(a.items, b.items) ?? anyType());
    if (a.type === 'object' && b.type === 'object') {
      const names = [...new Set([...a.properties, ...b.properties].map((item) => item.name))];
      return objectType(
        names.map((name) => {
          const left = a.properties.find((item) => item.name === name);
          const right = b.properties.find((item) => item.name === name);
          return property(
            name,
            merge(left?.dtype, right?.dtype) ?? anyType(),
            Boolean(left?.required && right?.required),
          );
        }),
      );
    }
  }
  return inferenceError(
    `Cannot infer one type from values of types ${formatColumnType(a)} and ${formatColumnType(b)}. Use values of one type per column, or declare the signature by hand.`,
    { types: [formatColumnType(a), formatColumnType(b)] },
  );
}

/** Infers the column type of one value (MLflow `_infer_colspec_type` for JS values). */
export function inferValueType(value: unknown): Inferred {
  if (value === null || value === undefined) return { type: undefined, optional: true };
  if (typeof value === 'boolean') return { type: 'boolean', optional: false };
  if (typeof value === 'string') return { type: 'string', optional: false };
  if (typeof value === 'bigint') return { type: 'long', optional: false };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'long' : 'double', optional: false };
  if (value instanceof Uint8Array) return { type: 'binary', optional: false };
  if (value instanceof Date) return { type: 'datetime', optional: false };
  if (isTypedArray(value)) {
    return { type: arrayType(COLUMN_TYPE_OF_DTYPE[typedArrayTensorDtype(value)] ?? 'double'), optional: false };
  }
  if (Array.isArray(value)) {
    const items = mergeValues(value);
    return { type: arrayType(items.type ?? anyType()), optional: items.optional };
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return { type: anyType(), optional: true };
    return {
      type: objectType(
        entries.map(([key, item]) => {
          const inferred = inferValueType(item);
          return property(key, inferred.type ?? anyType(), !inferred.optional);
        }),
      ),
      optional: false,
    };
  }
  return inferenceError(`Cannot infer a type for a value of type ${typeof value}.`, { found: typeof value });
}

function mergeValues(values: readonly unknown[]): Inferred {
  let type: ColumnType | undefined;
  let optional = false;
  for (const value of values) {
    const inferred = inferValueType(value);
    optional ||= inferred.optional;
    type = merge(type, inferred.type);
  }
  return { type, optional };
}

function columnSpec(name: string | null, values: ArrayLike<unknown>): ColSpec {
  if (isTypedArray(values)) {
    return new ColSpec(COLUMN_TYPE_OF_DTYPE[typedArrayTensorDtype(values)] ?? 'double', { name });
  }
  const inferred = mergeValues(Array.from(values));
  const type = inferred.type ?? anyType();
  return new ColSpec(type, { name, required: name === null ? true : !inferred.optional });
}

function tensorSpec(name: string | null, tensor: TensorV1): TensorSpec {
  const shape = tensor.shape.length === 0 ? [] : [-1, ...tensor.shape.slice(1)];
  return new TensorSpec(numpyDtypeOf(tensor.dtype), shape, name);
}

function typedArrayTensor(values: ArrayLike<unknown>): TensorV1 {
  return { dtype: typedArrayTensorDtype(values), shape: [values.length], data: values } as unknown as TensorV1;
}

/**
 * Infers a schema from an example value (see the module comment for the rules).
 * @throws JsfuncError `ERR_SIGNATURE_INFERENCE` when values of one column have incompatible types
 *   or a value has no MLflow type.
 */
export function inferSchema(example: unknown): Schema {
  if (isModelData(example)) {
    switch (example.kind) {
      case 'tensor':
        return new Schema([tensorSpec(null, example.tensor)]);
      case 'tensors':
        return new Schema(Object.entries(example.tensors).map(([name, tensor]) => tensorSpec(name, tensor)));
      case 'table':
        return new Schema(example.table.columns.map((name) => columnSpec(name, example.table.data[name] as ArrayLike<unknown>)));
      case 'value':
        return inferSchema(example.value);
    }
  }
  if (isTensor(example)) return new Schema([tensorSpec(null, example)]);
  if (isTypedArray(example)) return new Schema([tensorSpec(null, typedArrayTensor(example))]);
  if (isPlainObject(example)) {
    const entries = Object.entries(example);
    if (entries.length === 0) inferenceError('Cannot infer a schema from an empty object.');
    if (entries.every(([, value]) => isTensor(value) || isTypedArray(value))) {
      return new Schema(
        entries.map(([name, value]) => tensorSpec(name, isTensor(value) ? value : typedArrayTensor(value as ArrayLike<unknown>))),
      );
    }
    return new Schema(entries.map(([name, value]) => columnSpec(name, [value])));
  }
  if (Array.isArray(example)) {
    if (example.length === 0) inferenceError('Cannot infer a schema from an empty list.');
    if (example.every(isPlainObject)) {
      const names: string[] = [];
      for (const row of example as Array<Record<string, unknown>>) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
      return new Schema(
        names.map((name) => columnSpec(name, (example as Array<Record<string, unknown>>).map((row) => (name in row ? row[name] : undefined)))),
      );
    }
    const spec = columnSpec(null, example);
    return new Schema([spec]);
  }
  return new Schema([columnSpec(null, [example])]);
}

/**
 * Infers a params schema from example params: each value gives the type (as {@link inferSchema})
 * and is the default; scalars get shape null, arrays shape `[-1]`.
 * @throws JsfuncError `ERR_SIGNATURE_INFERENCE` for values with no param type.
 */
export function inferParamSchema(params: Record<string, unknown>): ParamSchema {
  return new ParamSchema(
    Object.entries(params).map(([name, value]) => {
      const isList = Array.isArray(value);
      const inferred = isList ? mergeValues(value) : inferValueType(value);
      const type = inferred.type;
      if (type === undefined || (typeof type === 'object' && type.type !== 'object') || type === 'binary') {
        return inferenceError(
          `Cannot infer a type for param '${name}': expected a string, number, boolean, Date, plain object, or a list of one of those.`,
          { name },
        );
      }
      return new ParamSpec({ name, type, default: value, shape: isList ? [-1] : null });
    }),
  );
}

/**
 * Infers a {@link ModelSignature} from example input, output and params, as MLflow's
 * `infer_signature` does for Python values.
 * @throws JsfuncError `ERR_SIGNATURE_INFERENCE` when a value cannot be described, or
 *   `ERR_SCHEMA_INVALID` when nothing was given.
 */
export function inferSignature(input: unknown, output?: unknown, params?: Record<string, unknown>): ModelSignature {
  return new ModelSignature({
    inputs: input === undefined ? undefined : inferSchema(input),
    outputs: output === undefined ? undefined : inferSchema(output),
    params: params === undefined || Object.keys(params).length === 0 ? undefined : inferParamSchema(params),
  });
}
