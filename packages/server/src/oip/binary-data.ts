import type { TensorDTypeV1, TensorDataV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';

function copyAligned(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/** Decodes little-endian row-major bytes (binary tensor extension) into tensor storage. */
export function decodeBinaryTensor(bytes: Uint8Array, dtype: TensorDTypeV1, count: number, name: string): TensorDataV1 {
  if (dtype === 'string') {
    const out: string[] = [];
    let offset = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (offset < bytes.byteLength) {
      if (offset + 4 > bytes.byteLength) break;
      const length = view.getUint32(offset, true);
      offset += 4;
      if (offset + length > bytes.byteLength) break;
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('utf8'));
      offset += length;
    }
    if (out.length !== count || offset !== bytes.byteLength) {
      throw serverError(
        'ERR_SERVER_OIP_REQUEST',
        `Binary data of input '${name}' does not hold ${count} BYTES element(s) (each a 4-byte little-endian length, then the bytes). Check binary_data_size and the shape.`,
      );
    }
    return out;
  }
  const size = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1 }[dtype];
  if (bytes.byteLength !== size * count) {
    throw serverError(
      'ERR_SERVER_OIP_REQUEST',
      `Binary data of input '${name}' has ${bytes.byteLength} bytes; its shape and datatype need ${size * count} bytes (${count} element(s) of ${size}). Fix binary_data_size or the shape.`,
    );
  }
  const buffer = copyAligned(bytes);
  switch (dtype) {
    case 'float16': return new Uint16Array(buffer);
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'uint8': return new Uint8Array(buffer);
    case 'uint16': return new Uint16Array(buffer);
    case 'uint32': return new Uint32Array(buffer);
    case 'uint64': return new BigUint64Array(buffer);
    default: return new Uint8Array(buffer).map((v) => (v ? 1 : 0));
  }
}

/** Encodes tensor storage as little-endian row-major bytes (BYTES: 4-byte length + bytes per element). */
export function encodeBinaryTensor(tensor: TensorV1): Uint8Array {
  if (tensor.dtype === 'string') {
    const parts = (tensor.data as string[]).map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      out.writeUInt32LE(part.byteLength, offset);
      part.copy(out, offset + 4);
      offset += 4 + part.byteLength;
    }
    return out;
  }
  const view = tensor.data as Exclude<TensorDataV1, string[]>;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
