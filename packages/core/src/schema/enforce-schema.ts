/**
 * Input schema enforcement: MLflow's `_enforce_schema` rules applied to jsfunc's canonical
 * {@link ModelDataV1}.
 *
 * ## JavaScript representation of MLflow types
 *
 * Typed arrays carry a width, like numpy arrays, and follow MLflow's numpy rules exactly (only
 * widening). Plain JavaScript arrays are what JSON gives: a number has no width, so plain numbers
 * are checked by value (an integer column accepts integer numbers in int32 range; a float column
 * accepts any number). The enforced table holds these representations:
 *
 * | MLflow type | accepted column                                                   | enforced column            |
 * |-------------|-------------------------------------------------------------------|----------------------------|
 * | `integer`   | Int32Array, Int16Array, Int8Array, Uint16Array, Uint8Array; plain integer numbers in int32 range | Int32Array |
 * | `long`      | BigInt64Array, Int32/16/8Array, Uint32/16/8Array; plain integer numbers or bigints | BigInt64Array |
 * | `float`     | Float32Array; plain numbers (null -> NaN); BigInt64Array of only 0/1 | Float32Array        |
 * | `double`    | Float64Array, Float32Array, Int32/16/8Array, Uint32/16/8Array; plain numbers or bigints (null -> NaN); BigInt64Array of only 0/1 | Float64Array |
 * | `boolean`   | plain booleans (null kept)                                         | boolean[]                  |
 * | `string`    | plain strings (null kept)                                          | string[]                   |
 * | `binary`    | Uint8Array cells (null kept)                                       | Uint8Array[]               |
 * | `datetime`  | Date cells or ISO-8601 strings (null kept)                         | Date[]                     |
 * | array/object/map/any | plain arrays of cells, each checked by value              | plain array                |
 *
 * Refused, as in MLflow: narrowing (long -> integer, double -> float), int64 -> double (except
 * 0/1 values), uint32 -> integer, any typed integer -> float, floats -> integers.
 *
 * Tensor specs compare jsfunc tensor dtypes with the spec's numpy dtype exactly (jsfunc `string`
 * satisfies `str`/`object`); there is no casting of tensors, as in MLflow.
 * @module
 */
import { dtypeOfTypedArray } from '../input/tensor.js';
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { ModelDataV1, TableV1, TensorDTypeV1, TensorDataV1, TensorV1 } from '../spec/v1/tensor.js';
import { ColSpec } from './col-spec.js';
import { type ColumnType, type DataTypeName, formatColumnType } from './data-type.js';
import { enforceValue, parseIsoDatetime } from './enforce-value.js';
import { pythonRepr, pythonTuple, pythonTypeName } from './python-format.js';
import type { Schema } from './schema.js';
import { TensorSpec, tensorDtypeMatches } from './tensor-spec.js';

/** Where enforcement reports warnings (dropped extra inputs, ignored params). */
export interface WarningLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

const silentLogger: WarningLogger = { warn: () => undefined };

function enforcementError(message: string, details: Record<string, unknown> = {}): never {
  throw jsfuncError('ERR_SCHEMA_ENFORCEMENT', message, details);
}

function pyList(values: ReadonlyArray<string | number>): string {
  return `[${values.map((value) => (typeof value === 'string' ? pythonRepr(value) : String(value))).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// Column types

type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** MLflow's rule: a missing required input is an error naming it; extra inputs are dropped with a warning. */
function reportMissingAndExtra(missing: readonly string[], extra: readonly string[], logger: WarningLogger): void {
  if (missing.length > 0) {
    const note = extra.length > 0 ? ` Note that there were extra inputs: ${pyList(extra)}.` : '';
    enforcementError(`Model is missing inputs ${pyList(missing)}.${note}`, { missing, extra });
  }
  if (extra.length > 0) {
    logger.warn(
      `Found extra inputs in the model input that are not defined in the model signature: \`${pyList(extra)}\`. These inputs will be ignored.`,
      { extra },
    );
  }
}

/** The numpy-style dtype name pandas would give a plain JS column. */
function plainColumnDtype(values: ArrayLike<unknown>): string {
  const present = Array.from(values).filter((value) => value !== null && value !== undefined);
  const hasMissing = present.length !== values.length;
  if (present.length > 0 && present.every((value) => typeof value === 'number' || typeof value === 'bigint')) {
    const integral = present.every((value) => typeof value === 'bigint' || Number.isInteger(value));
    return integral && !hasMissing ? 'int64' : 'float64';
  }
  if (present.length > 0 && present.every((value) => typeof value === 'boolean') && !hasMissing) return 'bool';
  if (present.length > 0 && present.every((value) => value instanceof Date)) return 'datetime64[ns]';
  return 'object';
}

const NUMPY_NAME: Record<DataTypeName, string> = {
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  boolean: 'bool',
  string: 'str',
  binary: 'bytes',
  datetime: 'datetime64[ns]',
};

const MISSING_VALUE_HINT =
  ' Hint: the type mismatch is likely caused by missing values. Integer columns in python can not represent missing values and are therefore encoded as floats. The best way to avoid this problem is to infer the model schema based on a realistic data sample (training dataset) that includes missing values. Alternatively, you can declare integer columns as doubles (float64) whenever these columns may have missing values. See `Handling Integers With Missing Values <https://www.mlflow.org/docs/latest/models.html#handling-integers-with-missing-values>`_ for more details.';

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

function zeroOrOne(values: ArrayLike<unknown>): boolean {
  return Array.from(values).every((value) => isMissing(value) || value === 0 || value === 1 || value === 0n || value === 1n);
}

/** MLflow `_enforce_mlflow_datatype` for one column of a primitive type. */
function enforcePrimitiveColumn(name: string, values: ArrayLike<unknown>, type: DataTypeName): ArrayLike<unknown> {
  const typed = dtypeOfTypedArray(values);
  const found = typed ?? plainColumnDtype(values);
  const incompatible = (hint = ''): never =>
    enforcementError(
      `Incompatible input types for column ${name}. Can not safely convert ${found} to ${NUMPY_NAME[type]}.${hint}`,
      { input: name, expected: type, found },
    );
  const integerHint = (): string => {
    const items = Array.from(values);
    const hasMissing = items.some(isMissing);
    const integral = items.every((value) => isMissing(value) || typeof value === 'bigint' || Number.isInteger(value));
    return hasMissing && integral ? MISSING_VALUE_HINT : '';
  };
  const items = (): unknown[] => Array.from(values);

  if (typed !== undefined) {
    const typedValues = values as TypedArray;
    switch (type) {
      case 'integer':
        if (['int8', 'int16', 'int32', 'uint8', 'uint16'].includes(typed)) return Int32Array.from(typedValues as ArrayLike<number>);
        return incompatible(typed.startsWith('float') ? integerHint() : '');
      case 'long':
        if (typed === 'int64') return typedValues;
        if (['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'].includes(typed)) {
          return BigInt64Array.from(typedValues as ArrayLike<number>, (value) => BigInt(value));
        }
        return incompatible(typed.startsWith('float') ? integerHint() : '');
      case 'float':
        if (typed === 'float32') return typedValues;
        if ((typed === 'int64' || typed === 'uint64') && zeroOrOne(typedValues)) {
          return Float32Array.from(typedValues as ArrayLike<bigint>, (value) => Number(value));
        }
        return incompatible();
      case 'double':
        if (typed === 'float64') return typedValues;
        if (['float32', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'].includes(typed)) {
          return Float64Array.from(typedValues as ArrayLike<number>);
        }
        if ((typed === 'int64' || typed === 'uint64') && zeroOrOne(typedValues)) {
          return Float64Array.from(typedValues as ArrayLike<bigint>, (value) => Number(value));
        }
        return incompatible();
      default:
        return incompatible();
    }
  }

  switch (type) {
    case 'integer': {
      const list = items();
      if (list.some(isMissing)) return incompatible(integerHint());
      const ok = list.every(
        (value) =>
          (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) ||
          (typeof value === 'bigint' && value >= -(2n ** 31n) && value < 2n ** 31n),
      );
      return ok ? Int32Array.from(list, (value) => Number(value)) : incompatible();
    }
    case 'long': {
      const list = items();
      if (list.some(isMissing)) return incompatible(integerHint());
      const ok = list.every(
        (value) =>
          (typeof value === 'number' && Number.isSafeInteger(value)) ||
          (typeof value === 'bigint' && BigInt.asIntN(64, value) === value),
      );
      return ok ? BigInt64Array.from(list, (value) => BigInt(value as number | bigint)) : incompatible();
    }
    case 'float':
    case 'double': {
      const list = items();
      const ok = list.every((value) => isMissing(value) || typeof value === 'number' || typeof value === 'bigint');
      if (!ok) return incompatible();
      const convert = (value: unknown): number => (isMissing(value) ? Number.NaN : Number(value));
      return type === 'float' ? Float32Array.from(list, convert) : Float64Array.from(list, convert);
    }
    case 'boolean':
    case 'string':
    case 'binary': {
      const check =
        type === 'boolean'
          ? (value: unknown) => typeof value === 'boolean'
          : type === 'string'
            ? (value: unknown) => typeof value === 'string'
            : (value: unknown) => value instanceof Uint8Array;
      const list = items();
      return list.every((value) => value === null || value === undefined || check(value))
        ? list.map((value) => (value === undefined ? null : value))
        : incompatible();
    }
    case 'datetime':
      return items().map((value) => {
        if (value === null || value === undefined || value instanceof Date) return value ?? null;
        const parsed = typeof value === 'string' ? parseIsoDatetime(value) : undefined;
        if (!parsed) {
          enforcementError(`Failed to convert column ${name} from type ${found} to datetime.`, {
            input: name,
            expected: type,
            found,
          });
        }
        return parsed;
      });
  }
}

function enforceColumn(name: string, values: ArrayLike<unknown>, spec: ColSpec): ArrayLike<unknown> {
  if (typeof spec.type === 'string') return enforcePrimitiveColumn(name, values, spec.type);
  const type: ColumnType = spec.type;
  return Array.from(values, (value) => {
    try {
      return enforceValue(value, type, spec.required);
    } catch (error) {
      return enforcementError(
        `Failed to enforce schema of data in column ${name} with schema ${formatColumnType(type)}. Error: ${(error as Error).message}`,
        { input: name, expected: formatColumnType(type), found: pythonTypeName(value) },
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Input normalisation to a table (column schemas)

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isScalarValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    ['string', 'number', 'boolean', 'bigint'].includes(typeof value) ||
    value instanceof Date ||
    value instanceof Uint8Array
  );
}

function isArrayLikeValue(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function castingError(reason: string): never {
  return enforcementError(
    `This model contains a column-based signature, which suggests a DataFrame input. There was an error casting the input data to a DataFrame: ${reason}`,
  );
}

function tableFromColumns(columns: Record<string, ArrayLike<unknown>>): TableV1 {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((name) => (columns[name] as ArrayLike<unknown>).length));
  if (lengths.size > 1) castingError('All arrays must be of the same length');
  return { columns: names, data: columns, rowCount: lengths.values().next().value ?? 0 };
}

function tensorColumns(tensor: TensorV1): Record<string, ArrayLike<unknown>> {
  const data = tensor.data as ArrayLike<unknown> & { slice?: unknown };
  if (tensor.shape.length <= 1) return { '0': data };
  if (tensor.shape.length > 2) castingError(`Must pass 2-d input. shape=${pythonTuple(tensor.shape)}`);
  const [rows, width] = tensor.shape as [number, number];
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (let column = 0; column < width; column++) {
    const values: unknown[] = [];
    for (let row = 0; row < rows; row++) values.push(data[row * width + column]);
    const Constructor = (data as object).constructor as { from?: (items: unknown[]) => ArrayLike<unknown> };
    columns[String(column)] = Array.isArray(data) || !Constructor.from ? values : Constructor.from(values);
  }
  return columns;
}

function toTable(input: ModelDataV1, schema: Schema): TableV1 {
  switch (input.kind) {
    case 'table':
      return input.table;
    case 'tensor':
      return tableFromColumns(tensorColumns(input.tensor));
    case 'tensors': {
      const columns: Record<string, ArrayLike<unknown>> = {};
      for (const [name, tensor] of Object.entries(input.tensors)) {
        if (tensor.shape.length > 1) castingError(`Per-column arrays must each be 1-dimensional (column ${name})`);
        columns[name] = tensor.data as ArrayLike<unknown>;
      }
      return tableFromColumns(columns);
    }
    case 'value':
      break;
  }
  const value = input.value;
  if (isScalarValue(value)) return { columns: ['0'], data: { '0': [value] }, rowCount: 1 };
  if (isPlainObject(value)) {
    const hasComposite = schema.inputs.some(
      (spec) => spec instanceof ColSpec && typeof spec.type !== 'string' && (spec.type.type === 'array' || spec.type.type === 'object'),
    );
    const values = Object.values(value);
    const rowLike =
      hasComposite ||
      values.every((item) => isScalarValue(item) || (Array.isArray(item) && item.every((entry) => typeof entry === 'string')));
    if (rowLike) {
      return { columns: Object.keys(value), data: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, [item]])), rowCount: 1 };
    }
    const columns: Record<string, ArrayLike<unknown>> = {};
    for (const [key, item] of Object.entries(value)) columns[key] = isArrayLikeValue(item) ? item : [item];
    return tableFromColumns(columns);
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isPlainObject)) {
      const names: string[] = [];
      for (const row of value as Array<Record<string, unknown>>) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
      const data = Object.fromEntries(names.map((name) => [name, value.map((row: Record<string, unknown>) => (name in row ? row[name] : null))]));
      return { columns: names, data, rowCount: value.length };
    }
    if (value.length > 0 && value.every((row) => Array.isArray(row))) {
      const width = Math.max(...value.map((row: unknown[]) => row.length));
      const names = Array.from({ length: width }, (_, index) => String(index));
      const data = Object.fromEntries(names.map((name, index) => [name, value.map((row: unknown[]) => row[index] ?? null)]));
      return { columns: names, data, rowCount: value.length };
    }
    return { columns: ['0'], data: { '0': value }, rowCount: value.length };
  }
  return enforcementError(`Expected input to be DataFrame. Found: ${pythonTypeName(value)}`, {
    expected: 'DataFrame',
    found: pythonTypeName(value),
  });
}

function enforceColumnSchema(input: ModelDataV1, schema: Schema, logger: WarningLogger): ModelDataV1 {
  const table = toTable(input, schema);
  const specs = schema.inputs as readonly ColSpec[];
  const data: Record<string, ArrayLike<unknown>> = {};
  const columns: string[] = [];
  if (schema.hasInputNames()) {
    const names = specs.map((spec) => spec.name as string);
    const present = new Set(table.columns);
    const missing = specs.filter((spec) => spec.required && !present.has(spec.name as string)).map((spec) => spec.name as string);
    const extra = table.columns.filter((column) => !names.includes(column));
    reportMissingAndExtra(missing, extra, logger);
    for (const spec of specs) {
      const name = spec.name as string;
      if (!present.has(name)) continue;
      data[name] = enforceColumn(name, table.data[name] as ArrayLike<unknown>, spec);
      columns.push(name);
    }
  } else {
    if (table.columns.length < specs.length) {
      enforcementError(
        `Model inference is missing inputs. The model signature declares ${specs.length} inputs  but the provided value only has ${table.columns.length} inputs. Note: the inputs were not named in the signature so we can only verify their count.`,
        { expected: specs.length, found: table.columns.length },
      );
    }
    specs.forEach((spec, index) => {
      const name = table.columns[index] as string;
      data[name] = enforceColumn(name, table.data[name] as ArrayLike<unknown>, spec);
      columns.push(name);
    });
  }
  return { kind: 'table', table: { columns, data, rowCount: table.rowCount } };
}

// ---------------------------------------------------------------------------------------------
// Tensor schemas

function enforceTensorSpec(tensor: TensorV1, spec: TensorSpec): TensorV1 {
  const shape = tensor.shape;
  const expected = spec.shape;
  let shapeOk = shape.length === expected.length;
  for (let index = 0; shapeOk && index < expected.length; index++) shapeOk = expected[index] === -1 || expected[index] === shape[index];
  if (!shapeOk) {
    enforcementError(`Shape of input ${pythonTuple(shape)} does not match expected shape ${pythonTuple(expected)}.`, {
      input: spec.name,
      expected: expected,
      found: shape,
    });
  }
  if (!tensorDtypeMatches(spec.type, tensor.dtype)) {
    enforcementError(`dtype of input ${tensor.dtype} does not match expected dtype ${spec.type}`, {
      input: spec.name,
      expected: spec.type,
      found: tensor.dtype,
    });
  }
  return tensor;
}

const JS_DTYPES: readonly TensorDTypeV1[] = [
  'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
];

/** Casts plain values to the storage of a tensor dtype, or returns undefined when a value cannot be cast. */
function castTensorData(values: unknown[], dtype: string): { dtype: TensorDTypeV1; data: TensorDataV1 } | undefined {
  const jsDtype = (dtype === 'str' || dtype === 'object' ? 'string' : dtype) as TensorDTypeV1;
  if (!JS_DTYPES.includes(jsDtype)) return undefined;
  if (jsDtype === 'string') {
    return values.every((value) => typeof value === 'string') ? { dtype: jsDtype, data: values as string[] } : undefined;
  }
  const numbers: number[] = [];
  for (const value of values) {
    if (typeof value === 'number' && Number.isFinite(value)) numbers.push(value);
    else if (typeof value === 'bigint') numbers.push(Number(value));
    else if (typeof value === 'boolean') numbers.push(value ? 1 : 0);
    else if (typeof value === 'number' && jsDtype.startsWith('float')) numbers.push(value);
    else return undefined;
  }
  switch (jsDtype) {
    case 'float32': return { dtype: jsDtype, data: Float32Array.from(numbers) };
    case 'float64': return { dtype: jsDtype, data: Float64Array.from(numbers) };
    case 'int8': return { dtype: jsDtype, data: Int8Array.from(numbers, Math.trunc) };
    case 'int16': return { dtype: jsDtype, data: Int16Array.from(numbers, Math.trunc) };
    case 'int32': return { dtype: jsDtype, data: Int32Array.from(numbers, Math.trunc) };
    case 'uint8': return { dtype: jsDtype, data: Uint8Array.from(numbers, Math.trunc) };
    case 'uint16': return { dtype: jsDtype, data: Uint16Array.from(numbers, Math.trunc) };
    case 'uint32': return { dtype: jsDtype, data: Uint32Array.from(numbers, Math.trunc) };
    case 'int64': return { dtype: jsDtype, data: BigInt64Array.from(numbers, (value) => BigInt(Math.trunc(value))) };
    case 'uint64': return { dtype: jsDtype, data: BigUint64Array.from(numbers, (value) => BigInt.asUintN(64, BigInt(Math.trunc(value)))) };
    case 'bool': return { dtype: jsDtype, data: Uint8Array.from(numbers, (value) => (value ? 1 : 0)) };
    default: return undefined;
  }
}

function flattenDeep(value: unknown): unknown[] {
  if (!isArrayLikeValue(value)) return [value];
  return Array.from(value).flatMap(flattenDeep);
}

/** MLflow `_reshape_and_cast_pandas_column_values`: one table column to one tensor. */
function columnToTensor(name: string | null, values: ArrayLike<unknown>, rowCount: number, spec: TensorSpec): TensorV1 {
  const shape = spec.shape;
  if (shape[0] !== -1 || shape.slice(1).includes(-1)) {
    enforcementError(
      `For pandas dataframe input, the first dimension of shape must be a variable dimension and other dimensions must be fixed, but in model signature the shape of ${name === null ? 'the unnamed input' : `input ${name}`} is ${pythonTuple(shape)}.`,
      { input: name, expected: shape },
    );
  }
  const first = values[0];
  if (!isArrayLikeValue(first)) {
    const scalarShapeOk = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
    if (!scalarShapeOk) {
      enforcementError(
        `The input pandas dataframe column '${name}' contains scalar values, which requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of ${pythonTuple(shape)}.`,
        { input: name, expected: shape },
      );
    }
    const cast = castTensorData(Array.from(values), spec.type);
    if (!cast) {
      enforcementError(`The input pandas dataframe column '${name}' could not be converted to the tensor type '${spec.type}'.`, {
        input: name,
        expected: spec.type,
      });
    }
    return enforceTensorSpec({ ...cast, shape: shape.length === 1 ? [rowCount] : [rowCount, 1] } as TensorV1, spec);
  }
  const reshapeError = (): never =>
    enforcementError(
      `The value in the Input DataFrame column '${name}' could not be converted to the expected shape of: '${pythonTuple(shape)}'. Ensure that each of the input list elements are of uniform length and that the data can be coerced to the tensor type '${spec.type}'`,
      { input: name, expected: shape },
    );
  const perRow = shape.slice(1).reduce((product, dim) => product * dim, 1);
  const rows = Array.from(values, flattenDeep);
  if (rows.some((row) => row.length !== perRow)) reshapeError();
  const cast = castTensorData(rows.flat(), spec.type);
  if (!cast) return reshapeError();
  return { ...cast, shape: [rowCount, ...shape.slice(1)] } as TensorV1;
}

function enforceTensorSchema(input: ModelDataV1, schema: Schema, logger: WarningLogger): ModelDataV1 {
  const specs = schema.inputs as readonly TensorSpec[];
  if (schema.hasInputNames()) {
    // Fast path (the common case on the predict hot path): named tensors that are exactly the
    // signature's inputs, nothing missing and nothing extra. Every tensor is still checked.
    if (input.kind === 'tensors') {
      const given = input.tensors;
      // Exactly the signature's names in its order: checked in place, the input is returned as is.
      let index = 0;
      let inOrder = true;
      for (const name in given) {
        if (!Object.hasOwn(given, name)) continue;
        const spec = specs[index++];
        if (spec === undefined || spec.name !== name) {
          inOrder = false;
          break;
        }
        enforceTensorSpec(given[name] as TensorV1, spec);
      }
      if (inOrder && index === specs.length) return input;
      let count = 0;
      for (const name in given) if (Object.hasOwn(given, name)) count++;
      if (count === specs.length && specs.every((spec) => Object.hasOwn(given, spec.name as string))) {
        const result: Record<string, TensorV1> = {};
        for (const spec of specs) result[spec.name as string] = enforceTensorSpec(given[spec.name as string] as TensorV1, spec);
        return { kind: 'tensors', tensors: result };
      }
    }
    const names = specs.map((spec) => spec.name as string);
    let tensors: Record<string, TensorV1>;
    if (input.kind === 'tensors') tensors = { ...input.tensors };
    else if (input.kind === 'tensor') {
      if (specs.length !== 1) enforcementError(`Model is missing inputs ${pyList(names)}.`, { missing: names });
      tensors = { [names[0] as string]: input.tensor };
    } else if (input.kind === 'table') {
      const table = input.table;
      const missing = names.filter((name) => !table.columns.includes(name));
      if (missing.length > 0) enforcementError(`Model is missing inputs ${pyList(missing)}.`, { missing });
      const result: Record<string, TensorV1> = {};
      for (const spec of specs) {
        const name = spec.name as string;
        result[name] = columnToTensor(name, table.data[name] as ArrayLike<unknown>, table.rowCount, spec);
      }
      return { kind: 'tensors', tensors: result };
    } else if (isPlainObject(input.value)) {
      const entry = Object.values(input.value)[0];
      return enforcementError(
        `This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to a numpy array, but a dict with value type <class '${pythonTypeName(entry)}'> was found.`,
        { found: pythonTypeName(entry) },
      );
    } else if (Array.isArray(input.value)) {
      return enforcementError(`Model is missing inputs ${pyList(names)}.`, { missing: names });
    } else {
      return enforcementError(
        `This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to tensor, or a pandas DataFrame input containing columns mapping input name to flattened list value from tensor, but an input of type <class '${pythonTypeName(input.value)}'> was found.`,
        { found: pythonTypeName(input.value) },
      );
    }
    const missing = names.filter((name) => !(name in tensors));
    const extra = Object.keys(tensors).filter((name) => !names.includes(name));
    reportMissingAndExtra(missing, extra, logger);
    const result: Record<string, TensorV1> = {};
    for (const spec of specs) result[spec.name as string] = enforceTensorSpec(tensors[spec.name as string] as TensorV1, spec);
    return { kind: 'tensors', tensors: result };
  }

  const spec = specs[0] as TensorSpec;
  if (input.kind === 'tensor') return { kind: 'tensor', tensor: enforceTensorSpec(input.tensor, spec) };
  if (input.kind === 'table') {
    const table = input.table;
    if (table.rowCount === 0 || table.columns.length === 0) enforcementError('Input DataFrame is empty.');
    if (table.columns.length === 1) {
      const column = table.columns[0] as string;
      return { kind: 'tensor', tensor: columnToTensor(null, table.data[column] as ArrayLike<unknown>, table.rowCount, spec) };
    }
    const width = table.columns.length;
    if (spec.shape.length !== 2 || spec.shape[0] !== -1 || spec.shape[1] !== width) {
      enforcementError(
        `This model contains a model signature with an unnamed input. Since the input data is a pandas DataFrame containing multiple columns, the input shape must be of the structure (-1, number_of_dataframe_columns). Instead, the input DataFrame passed had ${width} columns and an input shape of ${pythonTuple(spec.shape)} with all values within the DataFrame of scalar type. Please adjust the passed in DataFrame to match the expected structure`,
        { expected: spec.shape, found: width },
      );
    }
    const columnData = table.columns.map((column) => table.data[column] as ArrayLike<unknown>);
    const typedDtypes = new Set(columnData.map((values) => dtypeOfTypedArray(values) ?? 'plain'));
    const values: unknown[] = [];
    for (let row = 0; row < table.rowCount; row++) for (const column of columnData) values.push(column[row]);
    const onlyDtype = typedDtypes.size === 1 ? [...typedDtypes][0] : 'plain';
    const targetDtype = onlyDtype !== 'plain' && onlyDtype !== undefined ? onlyDtype : spec.type;
    const cast = castTensorData(values, targetDtype);
    if (!cast) {
      enforcementError(`The input DataFrame could not be converted to the tensor type '${spec.type}'.`, { expected: spec.type });
    }
    return { kind: 'tensor', tensor: enforceTensorSpec({ ...cast, shape: [table.rowCount, width] } as TensorV1, spec) };
  }
  const found = input.kind === 'tensors' ? 'dict' : pythonTypeName(input.value);
  return enforcementError(
    `This model contains a tensor-based model signature with no input names, which suggests a numpy array input or a pandas dataframe input with proper column values, but an input of type <class '${found}'> was found.`,
    { found },
  );
}

/**
 * Checks and converts a model input against the signature's input schema, following MLflow's
 * rules (spec section 4): for column schemas, missing required inputs are an error, extra columns
 * are dropped with a warning, columns are returned in schema order, optional columns may be
 * absent, and values are converted only by widening (see the module comment for the JavaScript
 * mapping of each type); for tensor schemas, dtype must match exactly and each non -1 dimension
 * must match.
 * @param input The canonical model input.
 * @param schema The signature's input schema.
 * @param logger Receives warnings (dropped extra inputs); default: silent.
 * @returns The enforced input: a `table` for column schemas, `tensors` (named) or `tensor`
 *   (unnamed) for tensor schemas.
 * @throws JsfuncError `ERR_SCHEMA_ENFORCEMENT` with MLflow's message and `details` (`input`,
 *   `expected`, `found`, or `missing`/`extra`).
 */
export function enforceSchema(input: ModelDataV1, schema: Schema, logger: WarningLogger = silentLogger): ModelDataV1 {
  return schema.isTensorSpec() ? enforceTensorSchema(input, schema, logger) : enforceColumnSchema(input, schema, logger);
}
