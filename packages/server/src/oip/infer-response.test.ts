import { describe, expect, it } from 'vitest';
import { parseInferRequest } from './infer-request.js';
import { serializeInferResponse } from './infer-response.js';

const request = (body: unknown) => parseInferRequest(Buffer.from(JSON.stringify(body)), undefined);

describe('serializeInferResponse', () => {
  it('KServe test_requested_output: FP32 output as float64 text of the float32 values', () => {
    const parsed = request({
      model_name: 'FP16OutputModel',
      id: '123',
      inputs: [{ name: 'fp32_input', shape: [2, 4], datatype: 'FP32', data: [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]] }],
      outputs: [{ name: 'fp32_output', parameters: { binary_data: false } }],
    });
    const output = { kind: 'tensors' as const, tensors: { fp32_output: { ...parsed.inputs[0]!.tensor, shape: [8] } } };
    const response = serializeInferResponse({ modelName: 'FP16OutputModel', modelVersion: undefined, request: parsed, id: '123', output, signature: undefined });
    expect(JSON.parse(response.body as string)).toEqual({
      model_name: 'FP16OutputModel',
      id: '123',
      outputs: [
        {
          name: 'fp32_output',
          shape: [8],
          datatype: 'FP32',
          data: [6.800000190734863, 2.799999952316284, 4.800000190734863, 1.399999976158142, 6.0, 3.4000000953674316, 4.5, 1.600000023841858],
        },
      ],
    });
  });

  it('binary output: JSON header with binary_data_size, then the raw bytes', () => {
    const parsed = request({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'fp16_output', parameters: { binary_data: true } }] });
    const output = { kind: 'tensors' as const, tensors: { fp16_output: { dtype: 'float16' as const, shape: [2, 4], data: new Uint16Array(8).fill(0x3c00) } } };
    const response = serializeInferResponse({ modelName: 'm', modelVersion: undefined, request: parsed, id: '1', output, signature: undefined });
    const body = response.body as Buffer;
    const header = JSON.parse(body.subarray(0, response.headerLength).toString());
    expect(header.outputs[0]).toEqual({ name: 'fp16_output', shape: [2, 4], datatype: 'FP16', parameters: { binary_data_size: 16 } });
    expect(body.byteLength - response.headerLength!).toBe(16);
  });

  it('FP16 as JSON and unknown requested outputs are 400 errors', () => {
    const fp16 = { kind: 'tensor' as const, tensor: { dtype: 'float16' as const, shape: [1], data: new Uint16Array(1) } };
    const plain = request({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
    expect(() => serializeInferResponse({ modelName: 'm', modelVersion: undefined, request: plain, id: '1', output: fp16, signature: undefined })).toThrow('binary_data');
    const asking = request({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'nope' }] });
    expect(() => serializeInferResponse({ modelName: 'm', modelVersion: undefined, request: asking, id: '1', output: fp16, signature: undefined })).toThrow(
      "Requested output 'nope' is not an output of model 'm'",
    );
  });
});
