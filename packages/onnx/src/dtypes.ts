import type { TensorDTypeV1 } from '@jsfunc/core';

const ELEMENT_TYPES: Readonly<Record<number, TensorDTypeV1>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

const ONNX_TYPE_NAMES: Readonly<Record<TensorDTypeV1, string>> = {
  float32: 'tensor(float)',
  uint8: 'tensor(uint8)',
  int8: 'tensor(int8)',
  uint16: 'tensor(uint16)',
  int16: 'tensor(int16)',
  int32: 'tensor(int32)',
  int64: 'tensor(int64)',
  string: 'tensor(string)',
  bool: 'tensor(bool)',
  float16: 'tensor(float16)',
  float64: 'tensor(double)',
  uint32: 'tensor(uint32)',
  uint64: 'tensor(uint64)',
};

/** The jsfunc dtype of an ONNX `TensorProto.DataType` number, or undefined (complex, bfloat16, ...). */
export function dtypeFromOnnxElementType(elementType: number): TensorDTypeV1 | undefined {
  return ELEMENT_TYPES[elementType];
}

/** ONNX's own name for a dtype, as error messages show it (`tensor(float)`). */
export function onnxTypeName(dtype: TensorDTypeV1): string {
  return ONNX_TYPE_NAMES[dtype];
}

/**
 * The jsfunc dtype of an onnxruntime-node tensor type. onnxruntime-node names its types as jsfunc
 * does (`float32`, `int64`, `bool`, `string`, `float16`, ...); types jsfunc has no storage for
 * (`int4`, `uint4`, `bfloat16`) give undefined.
 */
export function dtypeFromOrtType(type: string): TensorDTypeV1 | undefined {
  return ORT_TYPES.get(type);
}

/** Lookup table for {@link dtypeFromOrtType} (it runs once per output per prediction). */
const ORT_TYPES: ReadonlyMap<string, TensorDTypeV1> = new Map(Object.keys(ONNX_TYPE_NAMES).map((name) => [name, name as TensorDTypeV1]));
