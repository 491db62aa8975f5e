import { jsfuncError, type TensorDTypeV1, type TensorV1, dtypeOfTypedArray } from '@jsfunc/core';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { dtypeFromOrtType, onnxTypeName } from './dtypes.js';

type OrtModule = typeof import('onnxruntime-node');

const INTEGER_RANGES: Partial<Record<TensorDTypeV1, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

const float32Scratch = new Float32Array(1);
const uint32Scratch = new Uint32Array(float32Scratch.buffer);

/** IEEE half bits of a number (round to nearest even). */
export function toFloat16Bits(value: number): number {
  float32Scratch[0] = value;
  const bits = uint32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1))) half++;
  return sign | half;
}

function dtypeError(input: string, target: TensorDTypeV1, found: string, hint: string): Error {
  return jsfuncError(
    'ERR_ONNX_INPUT_DTYPE',
    `Input '${input}' of the ONNX model expects ${target} (${onnxTypeName(target)}), found ${found}. ${hint}`,
    { input, expected: target, found },
  );
}

function convertPlain(input: string, values: ArrayLike<unknown>, target: TensorDTypeV1): TensorV1['data'] {
  const length = values.length;
  const bad = (index: number): Error =>
    dtypeError(
      input,
      target,
      `${typeof values[index]} ${String(values[index])} at index ${index}`,
      `Give values that fit ${target} without loss, or convert them before predicting.`,
    );
  switch (target) {
    case 'float32':
    case 'float64':
    case 'float16': {
      const out = target === 'float32' ? new Float32Array(length) : target === 'float64' ? new Float64Array(length) : new Uint16Array(length);
      for (let index = 0; index < length; index++) {
        const value = values[index];
        const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value === null ? Number.NaN : undefined;
        if (number === undefined) throw bad(index);
        out[index] = target === 'float16' ? toFloat16Bits(number) : number;
      }
      return out;
    }
    case 'int64':
    case 'uint64': {
      const out = target === 'int64' ? new BigInt64Array(length) : new BigUint64Array(length);
      for (let index = 0; index < length; index++) {
        const value = values[index];
        let big: bigint;
        if (typeof value === 'bigint') big = value;
        else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
        else if (typeof value === 'boolean') big = value ? 1n : 0n;
        else throw bad(index);
        if (target === 'uint64' ? big < 0n || BigInt.asUintN(64, big) !== big : BigInt.asIntN(64, big) !== big) throw bad(index);
        out[index] = big;
      }
      return out;
    }
    case 'bool': {
      const out = new Uint8Array(length);
      for (let index = 0; index < length; index++) {
        const value = values[index];
        if (typeof value === 'boolean') out[index] = value ? 1 : 0;
        else if (value === 0 || value === 1) out[index] = value;
        else throw bad(index);
      }
      return out;
    }
    case 'string': {
      const out: string[] = new Array(length);
      for (let index = 0; index < length; index++) {
        const value = values[index];
        if (typeof value !== 'string') throw bad(index);
        out[index] = value;
      }
      return out;
    }
    default: {
      const [minimum, maximum] = INTEGER_RANGES[target]!;
      const Constructor = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[target];
      const out = new Constructor(length);
      for (let index = 0; index < length; index++) {
        const value = values[index];
        const number = typeof value === 'bigint' ? Number(value) : typeof value === 'boolean' ? Number(value) : value;
        if (typeof number !== 'number' || !Number.isInteger(number) || number < minimum || number > maximum) throw bad(index);
        out[index] = number;
      }
      return out;
    }
  }
}

/**
 * Brings input data to the dtype of an ONNX model input, following MLflow's rule: data of the
 * right dtype passes untouched; float64 data for a float32 input is cast (MLflow issue #1286);
 * any other typed data is refused (`ERR_ONNX_INPUT_DTYPE`), as onnxruntime refuses it. Plain
 * JavaScript values (JSON numbers, booleans, strings, BigInts) carry no dtype and are converted
 * when every value fits the input's dtype exactly.
 */
export function coerceToDtype(input: string, values: ArrayLike<unknown>, sourceDtype: TensorDTypeV1 | undefined, target: TensorDTypeV1): TensorV1['data'] {
  const typedDtype = sourceDtype ?? dtypeOfTypedArray(values);
  if (typedDtype === undefined) return convertPlain(input, values, target);
  if (typedDtype === target) return values as TensorV1['data'];
  // Storage that two dtypes share.
  if ((typedDtype === 'uint8' && target === 'bool') || (typedDtype === 'uint16' && target === 'float16')) {
    if (sourceDtype === undefined) return values as TensorV1['data'];
  }
  if (typedDtype === 'float64' && target === 'float32') return Float32Array.from(values as Float64Array);
  throw dtypeError(
    input,
    target,
    `${typedDtype} data`,
    target === 'float32'
      ? 'jsfunc casts float64 to float32 only (MLflow\'s rule); convert the data to float32 before predicting.'
      : `jsfunc does not narrow or reinterpret typed data; give ${target} data (or plain numbers that fit ${target}).`,
  );
}

/** A jsfunc tensor as an onnxruntime-node tensor (no copy). */
export function toOrtTensor(ort: OrtModule, tensor: TensorV1): OrtTensor {
  const created = new ort.Tensor(tensor.dtype as never, tensor.data as never, tensor.shape as number[]);
  if (tensor.dtype === 'float16') {
    // Where the runtime has Float16Array (Node 24+), onnxruntime-common re-views float16 data as a
    // Float16Array, which the onnxruntime-node 1.30 binding cannot read ("not enough space:
    // expected N, got 0"). Hand the binding the raw half bits it reads (same buffer, no copy).
    const held = created as unknown as { cpuData?: ArrayBufferView & { length: number } };
    if (held.cpuData !== undefined && !(held.cpuData instanceof Uint16Array)) {
      held.cpuData = new Uint16Array(held.cpuData.buffer, held.cpuData.byteOffset, held.cpuData.length);
    }
  }
  return created;
}

/** An onnxruntime-node tensor as a jsfunc tensor (no copy; float16 becomes raw half bits). */
export function fromOrtTensor(name: string, tensor: { type: string; dims: readonly number[]; data: unknown }): TensorV1 {
  const dtype = dtypeFromOrtType(tensor.type);
  if (dtype === undefined) {
    throw jsfuncError(
      'ERR_ONNX_OUTPUT_TYPE',
      `Output '${name}' of the ONNX model has element type ${tensor.type}, which jsfunc tensors cannot hold. Add a Cast node to a supported type (float32, int64, ...) in the model.`,
      { output: name, found: tensor.type },
    );
  }
  let data = tensor.data as TensorV1['data'];
  if (dtype === 'float16' && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView & { length: number };
    data = new Uint16Array(view.buffer, view.byteOffset, view.length);
  }
  // onnxruntime-node gives each output tensor its own dims array, so it is not copied.
  return { dtype, shape: tensor.dims as number[], data } as TensorV1;
}
