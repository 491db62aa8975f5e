import { JsfuncError } from '@jsfunc/core';
import { describe, expect, it } from 'vitest';
import { coerceToDtype, toFloat16Bits } from './tensor-conversion.js';

describe('coerceToDtype', () => {
  it('passes data of the input dtype through without a copy', () => {
    const data = new Float32Array([1, 2]);
    expect(coerceToDtype('x', data, 'float32', 'float32')).toBe(data);
  });

  it('casts float64 data to a float32 input, as MLflow does', () => {
    expect(coerceToDtype('x', new Float64Array([0.5, 1.25]), 'float64', 'float32')).toEqual(new Float32Array([0.5, 1.25]));
  });

  it('refuses other typed data with ERR_ONNX_INPUT_DTYPE, naming the input and the dtypes', () => {
    const error = (() => {
      try {
        coerceToDtype('first_input:0', new Int32Array([1]), 'int32', 'float32');
      } catch (caught) {
        return caught;
      }
    })();
    expect(JsfuncError.isInstance(error, 'ERR_ONNX_INPUT_DTYPE')).toBe(true);
    expect((error as Error).message).toContain("Input 'first_input:0'");
    expect((error as Error).message).toContain('float32 (tensor(float))');
    expect((error as Error).message).toContain('int32');
    expect(() => coerceToDtype('x', new Float64Array([1]), 'float64', 'int64')).toThrow(/int64/);
  });

  it('converts plain JavaScript values that fit the input dtype exactly', () => {
    expect(coerceToDtype('x', [1, 2, 3], undefined, 'int64')).toEqual(BigInt64Array.of(1n, 2n, 3n));
    expect(coerceToDtype('x', [true, false], undefined, 'bool')).toEqual(Uint8Array.of(1, 0));
    expect(coerceToDtype('x', ['a', 'b'], undefined, 'string')).toEqual(['a', 'b']);
    expect(coerceToDtype('x', [1.5], undefined, 'float32')).toEqual(Float32Array.of(1.5));
    expect(coerceToDtype('x', [1, 2], undefined, 'float16')).toEqual(Uint16Array.of(0x3c00, 0x4000));
    expect(() => coerceToDtype('x', [1.5], undefined, 'int32')).toThrow(/index 0/);
    expect(() => coerceToDtype('x', [300], undefined, 'uint8')).toThrow(JsfuncError);
    expect(() => coerceToDtype('x', ['1'], undefined, 'float32')).toThrow(JsfuncError);
  });
});

describe('toFloat16Bits', () => {
  it('rounds to the nearest half and saturates to infinity', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(5.960464477539063e-8)).toBe(0x0001);
    expect(toFloat16Bits(0)).toBe(0);
    expect(toFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});
