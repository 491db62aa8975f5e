/**
 * `TensorSpec`: the name, numpy dtype and shape of one tensor of a tensor-based schema.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { TensorDTypeV1 } from '../spec/v1/tensor.js';
import { pythonTuple } from './python-format.js';

/** Numpy dtype names MLflow writes in `tensor-spec.dtype` and jsfunc accepts. */
export const TENSOR_SPEC_DTYPES: readonly string[] = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'float128',
  'complex64',
  'complex128',
  'str',
  'bytes',
  'object',
];

const DATETIME_DTYPE = /^(datetime64|timedelta64)(\[(Y|M|W|D|h|m|s|ms|us|ns|ps|fs|as)\])?$/;

/** True when `dtype` is a numpy dtype name a TensorSpec may carry. */
export function isTensorSpecDtype(dtype: string): boolean {
  return TENSOR_SPEC_DTYPES.includes(dtype) || DATETIME_DTYPE.test(dtype);
}

/**
 * The numpy dtype name of a jsfunc tensor dtype (`string` -> `str`; the rest are the same), as
 * written in a TensorSpec and compared by schema enforcement.
 */
export function numpyDtypeOf(dtype: TensorDTypeV1): string {
  return dtype === 'string' ? 'str' : dtype;
}

/**
 * True when a tensor of jsfunc dtype `tensorDtype` satisfies a spec dtype: the names must be equal,
 * except that jsfunc `string` tensors satisfy `str` and `object` specs.
 */
export function tensorDtypeMatches(specDtype: string, tensorDtype: TensorDTypeV1): boolean {
  if (tensorDtype === 'string') return specDtype === 'str' || specDtype === 'object';
  return specDtype === tensorDtype;
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw jsfuncError('ERR_SCHEMA_INVALID', message, details);
}

/** A tensor of a tensor-based schema (MLflow `TensorSpec`). `-1` marks a variable dimension. */
export class TensorSpec {
  /** Discriminant shared with {@link ColSpec}. */
  readonly kind = 'tensor' as const;
  /** Numpy dtype name (`float32`, `int64`, `str`, `object`, `datetime64[ns]`, ...). */
  readonly type: string;
  /** The shape; -1 for a variable dimension. */
  readonly shape: readonly number[];
  /** The tensor name, or null when unnamed. */
  readonly name: string | null;
  /** Tensors are always required. */
  readonly required = true;

  /**
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for an unknown dtype, a sized flexible dtype (`str32`)
   *   or a shape that is not a list of integers >= -1.
   */
  constructor(type: string, shape: readonly number[], name: string | null = null) {
    const sized = /^(str|bytes)(\d+)$/.exec(type);
    if (sized) {
      invalid(
        `MLflow does not support size information in flexible numpy data types. Use np.dtype("${sized[1]}") instead`,
        { dtype: type },
      );
    }
    if (!isTensorSpecDtype(type)) {
      invalid(`Unsupported tensor dtype '${type}': expected a numpy dtype name such as float32, int64 or str.`, {
        dtype: type,
      });
    }
    if (!Array.isArray(shape) || shape.some((dim) => !Number.isInteger(dim) || dim < -1)) {
      invalid(`Expected the shape of a TensorSpec to be a list of integers (-1 for variable), got ${JSON.stringify(shape)}.`, {
        shape,
      });
    }
    this.type = type;
    this.shape = [...shape];
    this.name = name;
  }

  /** The JSON dict MLflow writes: `{"name", "type": "tensor", "tensor-spec": {"dtype", "shape"}}`. */
  toDict(): Record<string, unknown> {
    const tensorSpec = { dtype: this.type, shape: [...this.shape] };
    return this.name === null
      ? { type: 'tensor', 'tensor-spec': tensorSpec }
      : { name: this.name, type: 'tensor', 'tensor-spec': tensorSpec };
  }

  /** Same as {@link toDict}: the plain object view. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }

  /**
   * Reads a TensorSpec from its JSON dict.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for missing keys or bad values.
   */
  static fromDict(dict: Record<string, unknown>): TensorSpec {
    const inner = dict['tensor-spec'];
    if (dict.type !== 'tensor' || typeof inner !== 'object' || inner === null) {
      invalid('Missing keys in TensorSpec JSON. Expected to find keys `tensor-spec` and `type`', { dict });
    }
    const { dtype, shape } = inner as { dtype?: unknown; shape?: unknown };
    if (typeof dtype !== 'string' || !Array.isArray(shape)) {
      invalid('Missing keys in TensorSpec JSON. Expected to find keys `dtype` and `shape`', { dict });
    }
    return new TensorSpec(dtype, shape as number[], typeof dict.name === 'string' ? dict.name : null);
  }

  /** True when `other` is a TensorSpec with the same name, dtype and shape. */
  equals(other: unknown): boolean {
    return (
      other instanceof TensorSpec &&
      other.name === this.name &&
      other.type === this.type &&
      other.shape.length === this.shape.length &&
      other.shape.every((dim, index) => dim === this.shape[index])
    );
  }

  /** MLflow's repr: `'x': Tensor('float32', (-1, 3))`. */
  toString(): string {
    const tensor = `Tensor('${this.type}', ${pythonTuple(this.shape)})`;
    return this.name === null ? tensor : `'${this.name}': ${tensor}`;
  }
}
