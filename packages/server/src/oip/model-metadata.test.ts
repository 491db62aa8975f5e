import { describe, expect, it } from 'vitest';
import { parseSignatureView } from '../mlflow-protocol/signature-view.js';
import { modelMetadata } from './model-metadata.js';

describe('modelMetadata', () => {
  it('maps tensor specs to OIP tensors and column specs to shape [-1]', () => {
    const signature = parseSignatureView({
      inputs: JSON.stringify([{ type: 'tensor', name: 'input', 'tensor-spec': { dtype: 'float32', shape: [-1, 10] } }]),
      outputs: JSON.stringify([{ type: 'long', name: 'label' }]),
    });
    expect(modelMetadata({ name: 'm', version: '1', flavor: 'onnx', signature })).toEqual({
      name: 'm',
      versions: ['1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
    });
  });
});
