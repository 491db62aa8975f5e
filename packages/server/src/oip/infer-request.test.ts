import { describe, expect, it } from 'vitest';
import { parseSignatureView } from '../mlflow-protocol/signature-view.js';
import { inferRequestToModelData, parseInferRequest } from './infer-request.js';

const json = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseInferRequest', () => {
  it('OIP example 1 as printed in the spec (missing comma) is a 400 JSON error', () => {
    const text = '{"id":"42" "inputs":[{"name":"input0","shape":[2,2],"datatype":"UINT32","data":[1,2,3,4]}]}';
    expect(() => parseInferRequest(json(text), undefined)).toThrow(/not valid JSON/);
  });

  it('OIP example 1 with the comma fixed: input1 shape [3] with one element is reported strictly', () => {
    const body = {
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] },
      ],
      outputs: [{ name: 'output0' }],
    };
    expect(() => parseInferRequest(json(body), undefined)).toThrow("Input 'input1' has shape [3] (3 element(s)) but 1 data element(s) were given.");
    body.inputs[1]!.shape = [1];
    const parsed = parseInferRequest(json(body), undefined);
    expect(parsed.id).toBe('42');
    expect(parsed.inputs[0]!.tensor).toEqual({ dtype: 'uint32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) });
    expect(parsed.inputs[1]!.tensor).toEqual({ dtype: 'bool', shape: [1], data: new Uint8Array([1]) });
    expect(parsed.outputs).toEqual([{ name: 'output0', parameters: undefined }]);
  });

  it('accepts nested data (KServe test_infer_v2)', () => {
    const parsed = parseInferRequest(json({ inputs: [{ name: 'input-0', shape: [1, 2], datatype: 'INT32', data: [[1, 2]] }] }), undefined);
    expect(parsed.inputs[0]!.tensor.data).toEqual(new Int32Array([1, 2]));
  });

  it.each([
    [{}, 'non-empty "inputs" list'],
    [{ inputs: [{ name: 'a', shape: [1], datatype: 'FLOAT', data: [1] }] }, 'expected one of BOOL'],
    [{ inputs: [{ name: 'a', shape: [-1], datatype: 'FP32', data: [1] }] }, "'shape' must be a list of non-negative integers"],
    [{ inputs: [{ name: 'a', shape: [1], datatype: 'FP16', data: [1] }] }, 'FP16 cannot be sent as JSON'],
    [{ inputs: [{ name: 'a', shape: [1], datatype: 'INT32', data: ['x'] }] }, "Input 'a' is INT32 but holds \"x\""],
    [{ inputs: [{ name: 'a', shape: [1], datatype: 'INT32', data: [1.5] }] }, 'non-integer'],
    [{ inputs: [{ name: 'a', shape: [1], datatype: 'INT32' }] }, "has no 'data'"],
    [{ inputs: [{ name: 'a', shape: [2], datatype: 'INT32', data: [[1], [2, 3]] }] }, 'ragged'],
    [[1], 'JSON object'],
  ])('refuses %j', (body, message) => {
    expect(() => parseInferRequest(json(body), undefined)).toThrow(message);
  });

  it('reads binary tensors after the JSON header (binary tensor extension)', () => {
    const header = json({
      inputs: [
        { name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } },
        { name: 's', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 11 } },
      ],
    });
    const floats = Buffer.from(new Float32Array([1.5, -2]).buffer);
    const strings = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('hi'), Buffer.from([1, 0, 0, 0]), Buffer.from('!')]);
    const parsed = parseInferRequest(Buffer.concat([header, floats, strings]), header.byteLength);
    expect(parsed.inputs[0]!.tensor.data).toEqual(new Float32Array([1.5, -2]));
    expect(parsed.inputs[1]!.tensor.data).toEqual(['hi', '!']);
  });

  it('refuses binary sizes that do not fit', () => {
    const header = json({ inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 4 } }] });
    expect(() => parseInferRequest(Buffer.concat([header, Buffer.alloc(4)]), header.byteLength)).toThrow('need 8 bytes');
    expect(() => parseInferRequest(header, header.byteLength + 10)).toThrow('Inference-Header-Content-Length');
  });

  it('raw body mode (header length 0) uses the single input of the signature', () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', name: 'x', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]) });
    const parsed = parseInferRequest(Buffer.from(new Float32Array([1, 2, 3, 4]).buffer), 0, signature);
    expect(parsed.inputs[0]!.tensor).toEqual({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
  });
});

describe('inferRequestToModelData', () => {
  it('named tensors by default, a table for content_type pd or a column signature', () => {
    const request = parseInferRequest(
      json({ parameters: { content_type: 'pd', extra: 1 }, inputs: [{ name: 'a', shape: [2], datatype: 'FP64', data: [1, 2] }, { name: 'b', shape: [2], datatype: 'BYTES', data: ['x', 'y'] }] }),
      undefined,
    );
    const { data, params } = inferRequestToModelData(request, undefined);
    expect(data).toEqual({ kind: 'table', table: { columns: ['a', 'b'], data: { a: new Float64Array([1, 2]), b: ['x', 'y'] }, rowCount: 2 } });
    expect(params).toEqual({ extra: 1 });
  });
});
