import type { TensorDTypeV1 } from '@jsfunc/core';

/** Open Inference Protocol tensor datatypes. */
export type OipDatatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

const TO_DTYPE: Record<OipDatatype, TensorDTypeV1> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const FROM_DTYPE: Record<TensorDTypeV1, OipDatatype> = Object.fromEntries(
  Object.entries(TO_DTYPE).map(([k, v]) => [v, k]),
) as Record<TensorDTypeV1, OipDatatype>;

/** Bytes per element of fixed-size datatypes (BYTES is variable). */
export const OIP_ELEMENT_SIZE: Record<Exclude<OipDatatype, 'BYTES'>, number> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FP16: 2, FP32: 4, FP64: 8,
};

/** True when `value` is an OIP datatype name. */
export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && value in TO_DTYPE;
}

/** The jsfunc dtype of an OIP datatype. */
export function dtypeFromOip(datatype: OipDatatype): TensorDTypeV1 {
  return TO_DTYPE[datatype];
}

/** The OIP datatype of a jsfunc dtype. */
export function oipFromDtype(dtype: TensorDTypeV1): OipDatatype {
  return FROM_DTYPE[dtype];
}

/** OIP datatype for an MLflow column type (`string`, `binary`, `datetime` → BYTES). */
export function oipFromColumnType(type: unknown): OipDatatype {
  switch (type) {
    case 'boolean': return 'BOOL';
    case 'integer': return 'INT32';
    case 'long': return 'INT64';
    case 'float': return 'FP32';
    case 'double': return 'FP64';
    default: return 'BYTES';
  }
}
