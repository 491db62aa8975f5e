/**
 * A minimal protocol-buffers wire-format reader and writer: just what the flavor needs to inspect
 * an ONNX `ModelProto` (opsets, graph inputs and outputs, external data, ZipMap nodes), rewrite a
 * few messages, and decode a `TensorProto`. Unknown fields are kept byte for byte.
 */

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** One field of a message as it sits on the wire. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** Offsets of the whole field (tag included) in the buffer. */
  readonly start: number;
  readonly end: number;
  /** For wire type 0 (varint): the value. */
  readonly varint: bigint;
  /** For wire types 1, 2, 5: the payload. */
  readonly bytes: Uint8Array;
}

function readVarint(buffer: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw new RangeError('truncated varint');
    const byte = buffer[position++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, position];
    shift += 7n;
    if (shift > 70n) throw new RangeError('varint too long');
  }
}

/** Splits a message into its fields (throws a RangeError on malformed input). */
export function readFields(buffer: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let position = 0;
  while (position < buffer.length) {
    const start = position;
    const [tag, afterTag] = readVarint(buffer, position);
    position = afterTag;
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    let varint = 0n;
    let bytes: Uint8Array = new Uint8Array(0);
    switch (wireType) {
      case 0: {
        [varint, position] = readVarint(buffer, position);
        break;
      }
      case 1: {
        bytes = buffer.subarray(position, position + 8);
        position += 8;
        break;
      }
      case 2: {
        const [length, afterLength] = readVarint(buffer, position);
        position = afterLength + Number(length);
        bytes = buffer.subarray(afterLength, position);
        break;
      }
      case 5: {
        bytes = buffer.subarray(position, position + 4);
        position += 4;
        break;
      }
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
    if (position > buffer.length) throw new RangeError('truncated field');
    fields.push({ field, wireType, start, end: position, varint, bytes });
  }
  return fields;
}

/** Decodes a length-delimited field as UTF-8 text. */
export function fieldText(field: WireField): string {
  return textDecoder.decode(field.bytes);
}

/** The first field with this number, if any. */
export function firstField(fields: readonly WireField[], field: number): WireField | undefined {
  return fields.find((candidate) => candidate.field === field);
}

/** Decodes a repeated varint field written packed or unpacked. */
export function readRepeatedVarint(fields: readonly WireField[], field: number): bigint[] {
  const values: bigint[] = [];
  for (const entry of fields) {
    if (entry.field !== field) continue;
    if (entry.wireType === 0) {
      values.push(entry.varint);
    } else if (entry.wireType === 2) {
      let position = 0;
      while (position < entry.bytes.length) {
        const [value, next] = readVarint(entry.bytes, position);
        values.push(value);
        position = next;
      }
    }
  }
  return values;
}

function encodeVarint(value: bigint | number): Uint8Array {
  let remaining = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (remaining !== 0n);
  return Uint8Array.from(bytes);
}

/** Concatenates byte chunks. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const result = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

/** Encodes a length-delimited field (a string, bytes or an embedded message). */
export function encodeBytesField(field: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? textEncoder.encode(payload) : payload;
  return concatBytes([encodeVarint((field << 3) | 2), encodeVarint(bytes.length), bytes]);
}

/** Encodes a varint field. */
export function encodeVarintField(field: number, value: bigint | number): Uint8Array {
  return concatBytes([encodeVarint(field << 3), encodeVarint(value)]);
}
