import { fileURLToPath } from 'node:url';
import { runFlavorConformance } from '@jsfunc/testkit';
import { expect } from 'vitest';
import { onnxFlavor } from './index.js';

const model = fileURLToPath(new URL('../../../../shared/fixtures/mlflow-onnx-model-2.8.1/model.onnx', import.meta.url));

runFlavorConformance({
  flavor: onnxFlavor(),
  createSource: () => model,
  input: { input: { dtype: 'float32', shape: [1, 10], data: new Float32Array(10) } },
  checkOutput(output) {
    expect((output as Record<string, { data: Float32Array }>)['variable']!.data[0]).toBeCloseTo(150.434, 3);
  },
  invalidFlavorConfigs: [
    { data: 'model.onnx', onnx_session_options: { execution_mode: 'fastest' } },
    { data: 'MLmodel' },
    { data: 'missing.onnx' },
  ],
});
