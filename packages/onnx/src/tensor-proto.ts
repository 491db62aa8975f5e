import type { TensorDTypeV1, TensorV1 } from '@jsfunc/core';
import { fieldText, firstField, readFields, readRepeatedVarint } from './protobuf.js';
import { dtypeFromOnnxElementType } from './dtypes.js';

/** A decoded ONNX `TensorProto` (the `.pb` files of ONNX's backend test data). */
export interface DecodedTensorProto {
  readonly name: string;
  readonly tensor: TensorV1;
}

const TYPED: Partial<Record<TensorDTypeV1, { new (buffer: ArrayBuffer): ArrayLike<unknown>; BYTES_PER_ELEMENT: number }>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  float16: Uint16Array,
} as never;

function fromRaw(dtype: TensorDTypeV1, raw: Uint8Array): TensorV1['data'] {
  const Constructor = TYPED[dtype];
  if (!Constructor) throw new RangeError(`raw_data for ${dtype}`);
  const copy = raw.slice().buffer;
  return new Constructor(copy) as TensorV1['data'];
}

/**
 * Decodes a serialized ONNX `TensorProto` (little-endian `raw_data` or the typed repeated fields).
 * Supports every dtype jsfunc has; throws a RangeError for others.
 */
export function decodeTensorProto(bytes: Uint8Array): DecodedTensorProto {
  const fields = readFields(bytes);
  const shape = readRepeatedVarint(fields, 1).map((value) => Number(BigInt.asIntN(64, value)));
  const dtype = dtypeFromOnnxElementType(Number(firstField(fields, 2)?.varint ?? 0n));
  if (dtype === undefined) throw new RangeError('unsupported TensorProto data_type');
  const nameField = firstField(fields, 8);
  const name = nameField ? fieldText(nameField) : '';
  const raw = firstField(fields, 9);
  let data: TensorV1['data'];
  if (dtype === 'string') {
    data = fields.filter((entry) => entry.field === 6).map(fieldText);
  } else if (raw) {
    data = fromRaw(dtype, raw.bytes);
  } else {
    const packed = (field: number, size: number, read: (view: DataView, offset: number) => number): number[] => {
      const values: number[] = [];
      for (const entry of fields) {
        if (entry.field !== field) continue;
        const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
        for (let offset = 0; offset + size <= entry.bytes.byteLength; offset += size) values.push(read(view, offset));
      }
      return values;
    };
    switch (dtype) {
      case 'float32':
        data = Float32Array.from(packed(4, 4, (view, offset) => view.getFloat32(offset, true)));
        break;
      case 'float64':
        data = Float64Array.from(packed(10, 8, (view, offset) => view.getFloat64(offset, true)));
        break;
      case 'int64':
        data = BigInt64Array.from(readRepeatedVarint(fields, 7).map((value) => BigInt.asIntN(64, value)));
        break;
      case 'uint32':
        data = Uint32Array.from(readRepeatedVarint(fields, 11).map(Number));
        break;
      case 'uint64':
        data = BigUint64Array.from(readRepeatedVarint(fields, 11));
        break;
      default: {
        // int32_data carries int8/16/32, uint8/16, bool and float16 bits.
        const values = readRepeatedVarint(fields, 5).map((value) => Number(BigInt.asIntN(32, value)));
        const Constructor = TYPED[dtype] as unknown as { from(values: number[]): TensorV1['data'] };
        data = Constructor.from(values);
      }
    }
  }
  return { name, tensor: { dtype, shape, data } as TensorV1 };
}
