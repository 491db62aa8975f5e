/**
 * Element types of a jsfunc tensor. Names follow numpy (and so MLflow's TensorSpec), except
 * `string` (numpy `str`/`object`).
 */
export type TensorDTypeV1 =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/**
 * The storage of each dtype: float16 is raw IEEE half bits in a Uint16Array, bool is a Uint8Array
 * of 0/1, int64/uint64 are BigInt arrays, string is a plain string array.
 */
export interface TensorDataByTypeV1 {
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
}

/** Any tensor storage. */
export type TensorDataV1 = TensorDataByTypeV1[TensorDTypeV1];

/** A dense, row-major tensor: the exchange type between jsfunc, flavors and the server. */
export interface TensorV1<D extends TensorDTypeV1 = TensorDTypeV1> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: TensorDataByTypeV1[D];
}

/** Several tensors by input or output name. */
export type NamedTensorsV1 = Readonly<Record<string, TensorV1>>;

/**
 * A table held by column: `columns` gives the order, `data[column]` the values (a plain array or a
 * typed array), each of `rowCount` entries.
 */
export interface TableV1 {
  readonly columns: readonly string[];
  readonly data: Readonly<Record<string, ArrayLike<unknown>>>;
  readonly rowCount: number;
}

/**
 * The canonical input a flavor receives (and output it returns), after jsfunc has parsed the user's
 * input and enforced the signature.
 * - `tensor`: one unnamed tensor.
 * - `tensors`: named tensors.
 * - `table`: a column table.
 * - `value`: anything else (a JSON document, chat messages, a string) for custom models.
 */
export type ModelDataV1 =
  | { readonly kind: 'tensor'; readonly tensor: TensorV1 }
  | { readonly kind: 'tensors'; readonly tensors: NamedTensorsV1 }
  | { readonly kind: 'table'; readonly table: TableV1 }
  | { readonly kind: 'value'; readonly value: unknown };

/** Inference parameters (after defaults from the signature's params schema were filled in). */
export type ParamsV1 = Readonly<Record<string, unknown>>;
