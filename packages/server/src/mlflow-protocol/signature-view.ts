import type { TensorDTypeV1 } from '@jsfunc/core';
import { isTensorDType } from '../data/tensor-data.js';

/** One column of a column-based schema (MLflow `ColSpec`). */
export interface ColumnSpecView {
  readonly name: string | undefined;
  /** `boolean | integer | long | float | double | string | binary | datetime`, or a complex type object. */
  readonly type: string | Record<string, unknown>;
  readonly required: boolean;
}

/** One tensor of a tensor-based schema (MLflow `TensorSpec`). */
export interface TensorSpecView {
  readonly name: string | undefined;
  readonly dtype: TensorDTypeV1;
  /** -1 marks a variable dimension. */
  readonly shape: readonly number[];
}

/** A schema: columns or tensors. */
export type SchemaView =
  | { readonly kind: 'columns'; readonly columns: readonly ColumnSpecView[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly TensorSpecView[] };

/** One inference parameter (MLflow `ParamSpec`). */
export interface ParamSpecView {
  readonly name: string;
  readonly type: string;
  readonly default: unknown;
  readonly shape: readonly number[] | null;
}

/** What the server needs to know of a model signature, in MLflow's own vocabulary. */
export interface SignatureView {
  readonly inputs: SchemaView | undefined;
  readonly outputs: SchemaView | undefined;
  readonly params: readonly ParamSpecView[] | undefined;
}

const NUMPY_TO_DTYPE: Record<string, TensorDTypeV1> = {
  bool: 'bool', bool_: 'bool', str: 'string', str_: 'string', object: 'string', bytes: 'string', bytes_: 'string',
  float: 'float64', int: 'int64',
};

function dtypeOf(value: unknown): TensorDTypeV1 {
  if (isTensorDType(value)) return value;
  const mapped = typeof value === 'string' ? NUMPY_TO_DTYPE[value] : undefined;
  return mapped ?? 'float64';
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function parseSchema(value: unknown): SchemaView | undefined {
  const list = parseMaybeJson(value);
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const entries = list as Array<Record<string, unknown>>;
  if (entries.every((entry) => entry?.type === 'tensor')) {
    return {
      kind: 'tensors',
      tensors: entries.map((entry) => {
        const spec = (entry['tensor-spec'] ?? entry.tensorSpec ?? {}) as Record<string, unknown>;
        return {
          name: typeof entry.name === 'string' ? entry.name : undefined,
          dtype: dtypeOf(spec.dtype),
          shape: Array.isArray(spec.shape) ? (spec.shape as number[]) : [-1],
        };
      }),
    };
  }
  return {
    kind: 'columns',
    columns: entries.map((entry) => ({
      name: typeof entry.name === 'string' ? entry.name : undefined,
      type: (typeof entry.type === 'string' ? entry.type : (entry as Record<string, unknown>)) as ColumnSpecView['type'],
      required: entry.required !== false,
    })),
  };
}

/**
 * Reads a signature in MLflow's dictionary form (`{inputs, outputs, params}`, each a JSON string or
 * an already-parsed list), as found under `signature:` in MLmodel or returned by a signature's
 * `toDict()`.
 */
export function parseSignatureView(signature: unknown): SignatureView | undefined {
  if (signature === null || typeof signature !== 'object') return undefined;
  const record = signature as Record<string, unknown>;
  const params = parseMaybeJson(record.params);
  return {
    inputs: parseSchema(record.inputs),
    outputs: parseSchema(record.outputs),
    params: Array.isArray(params)
      ? (params as Array<Record<string, unknown>>)
          .filter((p) => typeof p?.name === 'string')
          .map((p) => ({
            name: p.name as string,
            type: String(p.type ?? 'string'),
            default: p.default,
            shape: Array.isArray(p.shape) ? (p.shape as number[]) : null,
          }))
      : undefined,
  };
}

/** Names of the inputs of a tensor schema, or of the columns of a column schema. */
export function inputNames(schema: SchemaView | undefined): string[] {
  if (schema === undefined) return [];
  const names = schema.kind === 'tensors' ? schema.tensors.map((t) => t.name) : schema.columns.map((c) => c.name);
  return names.filter((n): n is string => n !== undefined);
}
