import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../test/onnx-builder.js';
import { inspectOnnxModel, onnxVersionForOpset, removeZipMaps } from './onnx-model-proto.js';

const fixtures = new URL('../../../../shared/fixtures/', import.meta.url);
const sklearn = new URL('onnx/sklearn_model.onnx', fixtures);

describe('inspectOnnxModel', () => {
  it('finds the ZipMap of the skl2onnx classifier, with its class labels', async () => {
    const info = inspectOnnxModel(await readFile(sklearn));
    expect(info.zipMaps).toEqual([{ input: 'probabilities', output: 'output_probability', classLabels: [0n, 1n, 2n] }]);
    expect(info.opsets.find((opset) => opset.domain === '')?.version).toBeGreaterThan(0);
    expect(info.externalDataLocations).toEqual([]);
  });

  it('reads the opsets of a real model and derives the onnx release that knows them', async () => {
    const info = inspectOnnxModel(await readFile(new URL('onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx', fixtures)));
    expect(info.zipMaps).toEqual([]);
    const version = onnxVersionForOpset(info.opsets);
    expect(version).toMatch(/^1\.\d+\.0$/);
    expect(onnxVersionForOpset([{ domain: '', version: 20 }])).toBe('1.15.0');
    expect(onnxVersionForOpset([{ domain: '', version: 9 }])).toBe('1.4.0');
  });

  it('lists the external data files a model references', () => {
    const { model } = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [{ name: 'w', type: 'float32', dims: [4], raw: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer), external: 'weights.bin' }],
    });
    expect(inspectOnnxModel(model).externalDataLocations).toEqual(['weights.bin']);
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => inspectOnnxModel(new TextEncoder().encode('not a model at all'))).toThrow(RangeError);
  });
});

describe('removeZipMaps', () => {
  it('turns the ZipMap output into the probability tensor that onnxruntime-node can return', async () => {
    const bytes = await readFile(sklearn);
    const original = await ort.InferenceSession.create(bytes);
    await expect(original.run({ float_input: new ort.Tensor('float32', new Float32Array(4), [1, 4]) })).rejects.toThrow(/Non tensor type/);
    const session = await ort.InferenceSession.create(removeZipMaps(bytes));
    expect(session.outputNames).toEqual(['output_label', 'output_probability']);
    const rows = [5.1, 3.5, 1.4, 0.2, 7.0, 3.2, 4.7, 1.4, 6.3, 3.3, 6.0, 2.5];
    const result = await session.run({ float_input: new ort.Tensor('float32', Float32Array.from(rows), [3, 4]) });
    expect(Array.from(result['output_label']!.data as BigInt64Array)).toEqual([0n, 1n, 2n]);
    expect(result['output_probability']!.dims).toEqual([3, 3]);
    const expected = [0.9818, 0.0182, 0.0, 0.0021, 0.8743, 0.1235, 0.0, 0.0039, 0.9961];
    Array.from(result['output_probability']!.data as Float32Array).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
  });

  it('leaves a model without ZipMap byte for byte unchanged', async () => {
    const bytes = new Uint8Array(await readFile(new URL('mlflow-onnx-model-2.8.1/model.onnx', fixtures)));
    expect(removeZipMaps(bytes)).toBe(bytes);
  });
});
