import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadConformanceCases } from '../test/conformance-cases.js';
import { concatBytes, encodeBytesField, encodeVarintField } from './protobuf.js';
import { decodeTensorProto } from './tensor-proto.js';

describe('decodeTensorProto', () => {
  it('decodes the conformance data so that raw onnxruntime-node reproduces the expected outputs', async () => {
    const cases = await loadConformanceCases();
    expect(cases.map((entry) => entry.name)).toHaveLength(6);
    for (const entry of cases) {
      const session = await ort.InferenceSession.create(entry.modelPath);
      const feeds: Record<string, ort.Tensor> = {};
      entry.inputs.forEach((input, index) => {
        feeds[input.name || session.inputNames[index]!] = new ort.Tensor(input.tensor.dtype as never, input.tensor.data as never, [...input.tensor.shape]);
      });
      const result = await session.run(feeds);
      entry.outputs.forEach((expected, index) => {
        const actual = result[expected.name || session.outputNames[index]!]!;
        expect(actual.dims, entry.name).toEqual(expected.tensor.shape);
        const values = Array.from(actual.data as ArrayLike<number>);
        Array.from(expected.tensor.data as ArrayLike<number>).forEach((value, position) =>
          Number.isNaN(value) ? expect(values[position]).toBeNaN() : expect(values[position], entry.name).toBeCloseTo(value, 4),
        );
      });
      await session.release();
    }
  });

  it('decodes the typed repeated fields as well as raw_data', () => {
    const bytes = concatBytes([
      encodeVarintField(1, 2),
      encodeVarintField(2, 7),
      encodeBytesField(7, concatBytes([0x05, 0x7f].map((value) => Uint8Array.of(value)))),
      encodeBytesField(8, 'ids'),
    ]);
    const decoded = decodeTensorProto(bytes);
    expect(decoded).toEqual({ name: 'ids', tensor: { dtype: 'int64', shape: [2], data: BigInt64Array.of(5n, 127n) } });
  });
});
