import type { TensorDTypeV1, TensorDataV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';

/** All tensor element types jsfunc knows. */
export const TENSOR_DTYPES: readonly TensorDTypeV1[] = [
  'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
];

/** True when `value` names a jsfunc tensor dtype. */
export function isTensorDType(value: unknown): value is TensorDTypeV1 {
  return typeof value === 'string' && (TENSOR_DTYPES as readonly string[]).includes(value);
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Converts IEEE half bits to a JS number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Converts a JS number to IEEE half bits (round to nearest). */
export function numberToHalf(value: number): number {
  const floats = new Float32Array([value]);
  const ints = new Uint32Array(floats.buffer);
  const x = ints[0]!;
  const sign = (x >> 16) & 0x8000;
  let mantissa = x & 0x7fffff;
  const exponent = ((x >> 23) & 0xff) - 127 + 15;
  if (((x >> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    return sign | ((mantissa >> (14 - exponent)) + ((mantissa >> (13 - exponent)) & 1));
  }
  return (sign | (exponent << 10) | (mantissa >> 13)) + ((mantissa >> 12) & 1);
}

/**
 * Casts one JSON value to a number. A value that cannot be cast is ERR_SERVER_SCHEMA_CAST with
 * `details.value` and `details.dtype`, so a protocol can word the error its own way.
 */
function toNumber(value: unknown, dtype: TensorDTypeV1): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (value === null && (dtype === 'float32' || dtype === 'float64' || dtype === 'float16')) return Number.NaN;
  throw serverError('ERR_SERVER_SCHEMA_CAST', `Cannot convert ${JSON.stringify(value)} to ${dtype}: expected a number.`, { value, dtype });
}

function toBigInt(value: unknown, dtype: TensorDTypeV1): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  const number = toNumber(value, dtype);
  if (!Number.isFinite(number)) {
    throw serverError('ERR_SERVER_SCHEMA_CAST', `Cannot convert ${JSON.stringify(value)} to ${dtype}: expected a finite integer.`, { value, dtype });
  }
  return BigInt(Math.trunc(number));
}

/** Python truthiness as numpy/pandas applies it when casting to bool (0, "", null, false are false). */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value !== '' && value.toLowerCase() !== 'false';
  return Boolean(value);
}

/** Builds typed storage for `dtype` from a flat list of JSON values, casting like `np.array(v, dtype)`. */
export function typedDataFrom(values: ArrayLike<unknown>, dtype: TensorDTypeV1): TensorDataV1 {
  const length = values.length;
  switch (dtype) {
    case 'string': {
      const out = new Array<string>(length);
      for (let i = 0; i < length; i += 1) {
        const v = values[i];
        out[i] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      return out;
    }
    case 'bool': {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) out[i] = truthy(values[i]) ? 1 : 0;
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(length);
      for (let i = 0; i < length; i += 1) out[i] = toBigInt(values[i], dtype);
      return out;
    }
    case 'uint64': {
      const out = new BigUint64Array(length);
      for (let i = 0; i < length; i += 1) out[i] = BigInt.asUintN(64, toBigInt(values[i], dtype));
      return out;
    }
    case 'float16': {
      const out = new Uint16Array(length);
      for (let i = 0; i < length; i += 1) out[i] = numberToHalf(toNumber(values[i], dtype));
      return out;
    }
    default: {
      const Constructor = {
        float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
        uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
      }[dtype];
      const out = new Constructor(length);
      const isInteger = !dtype.startsWith('float');
      for (let i = 0; i < length; i += 1) {
        const n = toNumber(values[i], dtype);
        out[i] = isInteger ? Math.trunc(n) : n;
      }
      return out;
    }
  }
}

/** Deepest nested list read as a tensor (NumPy's limit); deeper input is refused, not recursed into. */
export const MAX_TENSOR_RANK = 64;

/**
 * Infers the shape of a nested JSON list (`[[1,2],[3,4]]` → `[2,2]`) and flattens it row-major.
 * Throws ERR_SERVER_INPUT_FORMAT for ragged lists.
 */
export function flattenNested(value: unknown): { shape: number[]; values: unknown[] } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
    if (shape.length > MAX_TENSOR_RANK) {
      throw serverError('ERR_SERVER_INPUT_FORMAT', `Invalid input. The nested list is more than ${MAX_TENSOR_RANK} levels deep; a tensor has at most ${MAX_TENSOR_RANK} dimensions. Send a shallower nested list.`);
    }
  }
  const values: unknown[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw ragged();
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw ragged();
    for (const child of node) walk(child, depth + 1);
  };
  walk(value, 0);
  return { shape, values };
}

function ragged(): Error {
  return serverError(
    'ERR_SERVER_INPUT_FORMAT',
    'Invalid input. The nested list is ragged: every row of a tensor must have the same length. Send a rectangular nested list.',
  );
}

/** Picks a dtype for JSON values when no signature says one (numbers → float64, like JSON itself). */
export function inferDType(values: readonly unknown[]): TensorDTypeV1 {
  if (values.length === 0) return 'float64';
  if (values.every((v) => typeof v === 'boolean')) return 'bool';
  if (values.every((v) => typeof v === 'number' || v === null)) return 'float64';
  return 'string';
}

/** Builds a tensor from a nested JSON list, cast to `dtype` (inferred when absent). */
export function tensorFromNested(value: unknown, dtype?: TensorDTypeV1): TensorV1 {
  const { shape, values } = flattenNested(value);
  const type = dtype ?? inferDType(values);
  return { dtype: type, shape, data: typedDataFrom(values, type) };
}

/** A JSON-friendly scalar for one tensor element (bigints inside the safe range become numbers). */
export function jsonScalar(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** Flat JSON values of a tensor's storage (float16 decoded, bool as true/false). */
export function flatValues(tensor: TensorV1): unknown[] {
  const { dtype, data } = tensor;
  if (dtype === 'float16') return Array.from(data as Uint16Array, halfToNumber);
  if (dtype === 'bool') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (dtype === 'string') return Array.from(data as string[]);
  if (dtype === 'int64' || dtype === 'uint64') return Array.from(data as BigInt64Array, jsonScalar);
  return Array.from(data as Float64Array, (v) => (Number.isFinite(v) ? v : null));
}

/** A tensor as a nested JSON list following its shape (a scalar for rank 0). */
export function nestedFromTensor(tensor: TensorV1): unknown {
  const flat = flatValues(tensor);
  const { shape } = tensor;
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const size = shape[depth]!;
    const out = new Array<unknown>(size);
    if (depth === shape.length - 1) {
      for (let i = 0; i < size; i += 1) out[i] = flat[offset++];
    } else {
      for (let i = 0; i < size; i += 1) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}
