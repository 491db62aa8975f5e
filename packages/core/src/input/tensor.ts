import { jsfuncError } from '../errors/jsfunc-error.js';
import type { TensorDTypeV1, TensorDataByTypeV1, TensorV1 } from '../spec/v1/tensor.js';

const dtypes: ReadonlySet<string> = new Set([
  'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
]);

/** True when `value` is one of the tensor dtype names. */
export function isTensorDType(value: unknown): value is TensorDTypeV1 {
  return typeof value === 'string' && dtypes.has(value);
}

/** True when `value` has the shape of a {@link TensorV1}: `{ dtype, shape, data }`. */
export function isTensor(value: unknown): value is TensorV1 {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TensorV1>;
  return (
    isTensorDType(candidate.dtype) &&
    Array.isArray(candidate.shape) &&
    (ArrayBuffer.isView(candidate.data) || Array.isArray(candidate.data))
  );
}

/** Number of elements a shape holds. */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

/** The dtype a typed array stores. */
export function dtypeOfTypedArray(data: unknown): TensorDTypeV1 | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  return undefined;
}

/** Allocates zeroed storage for `length` elements of `dtype`. */
export function allocateTensorData<D extends TensorDTypeV1>(dtype: D, length: number): TensorDataByTypeV1[D] {
  const storage: Record<TensorDTypeV1, () => unknown> = {
    float16: () => new Uint16Array(length),
    float32: () => new Float32Array(length),
    float64: () => new Float64Array(length),
    int8: () => new Int8Array(length),
    int16: () => new Int16Array(length),
    int32: () => new Int32Array(length),
    int64: () => new BigInt64Array(length),
    uint8: () => new Uint8Array(length),
    uint16: () => new Uint16Array(length),
    uint32: () => new Uint32Array(length),
    uint64: () => new BigUint64Array(length),
    bool: () => new Uint8Array(length),
    string: () => new Array<string>(length).fill(''),
  };
  return storage[dtype]() as TensorDataByTypeV1[D];
}

/**
 * Builds a tensor, checking that the data length matches the shape.
 * @throws JsfuncError `ERR_INPUT_INVALID`
 */
export function createTensor<D extends TensorDTypeV1>(dtype: D, shape: readonly number[], data: TensorDataByTypeV1[D]): TensorV1<D> {
  const expected = shapeSize(shape);
  if (data.length !== expected) {
    throw jsfuncError(
      'ERR_INPUT_INVALID',
      `Tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${expected}. Fix the shape or the data.`,
      { dtype, shape: [...shape], length: data.length },
    );
  }
  return { dtype, shape: [...shape], data };
}

/** Fills tensor storage of `dtype` from plain JS values (numbers, bigints, booleans, strings). */
export function tensorDataFromValues<D extends TensorDTypeV1>(dtype: D, values: ArrayLike<unknown>): TensorDataByTypeV1[D] {
  const out = allocateTensorData(dtype, values.length);
  if (dtype === 'string') {
    const strings = out as string[];
    for (let index = 0; index < values.length; index++) strings[index] = String(values[index]);
  } else if (dtype === 'int64' || dtype === 'uint64') {
    const big = out as BigInt64Array | BigUint64Array;
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      big[index] = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
    }
  } else {
    const numeric = out as Exclude<TensorDataByTypeV1[TensorDTypeV1], string[] | BigInt64Array | BigUint64Array>;
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      numeric[index] = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    }
  }
  return out;
}

/**
 * Turns a nested JS array (ndarray-like, rectangular) into a tensor; numbers become float64 unless
 * `dtype` is given, booleans bool, strings string, bigints int64.
 * @throws JsfuncError `ERR_INPUT_INVALID` when the array is ragged or mixes kinds.
 */
export function tensorFromNestedArray(value: unknown[], dtype?: TensorDTypeV1): TensorV1 {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: unknown[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw ragged();
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw ragged();
    for (const child of node) walk(child, depth + 1);
  };
  const ragged = () =>
    jsfuncError(
      'ERR_INPUT_INVALID',
      `Expected a rectangular nested array (every row the same length), found a ragged one with leading shape [${shape.join(', ')}]. Pad the rows or send a table instead.`,
      { shape },
    );
  walk(value, 0);
  let resolved: TensorDTypeV1 | undefined = dtype;
  const given = dtype !== undefined;
  if (resolved === undefined) {
    const first = flat[0];
    resolved =
      typeof first === 'boolean' ? 'bool' : typeof first === 'string' ? 'string' : typeof first === 'bigint' ? 'int64' : 'float64';
  }
  {
    for (const element of flat) {
      const kind = typeof element;
      const ok = given
        ? resolved === 'string'
          ? kind === 'string'
          : resolved === 'bool'
            ? kind === 'boolean' || element === 0 || element === 1
            : kind === 'number' || kind === 'bigint' || element === null
        : resolved === 'bool'
          ? kind === 'boolean'
          : resolved === 'string'
            ? kind === 'string'
            : resolved === 'int64'
              ? kind === 'bigint'
              : kind === 'number' || element === null;
      if (!ok) {
        throw jsfuncError(
          'ERR_INPUT_INVALID',
          `Expected every element of the array to be a ${resolved === 'float64' ? 'number' : resolved}, found ${element === null ? 'null' : kind}. Send one element type per tensor.`,
          { expected: resolved, found: kind },
        );
      }
    }
  }
  const data = tensorDataFromValues(resolved, flat.map((element) => (element === null ? Number.NaN : element)));
  return { dtype: resolved, shape, data };
}

/** Turns a tensor back into a nested JS array (bigints become numbers when they are safe integers). */
export function tensorToNestedArray(tensor: TensorV1): unknown {
  const values: unknown[] = [];
  const data = tensor.data as ArrayLike<unknown>;
  for (let index = 0; index < data.length; index++) {
    const value = data[index];
    if (typeof value === 'bigint') {
      values.push(value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString());
    } else if (tensor.dtype === 'bool') values.push(value !== 0);
    else values.push(value);
  }
  if (tensor.shape.length === 0) return values[0];
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const size = tensor.shape[depth] ?? 0;
    const out: unknown[] = new Array(size);
    for (let index = 0; index < size; index++) {
      out[index] = depth === tensor.shape.length - 1 ? values[offset++] : build(depth + 1);
    }
    return out;
  };
  return build(0);
}
