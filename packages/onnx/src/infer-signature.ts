import { ModelSignature, type TensorDTypeV1 } from '@jsfunc/core';
import type { OnnxValueInfo } from './create-ort-session.js';

const NUMPY_NAMES: Readonly<Record<TensorDTypeV1, string>> = {
  float16: 'float16',
  float32: 'float32',
  float64: 'float64',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
  // MLflow's TensorSpec for numpy string/object arrays.
  string: 'object',
};

function tensorSpecs(values: readonly OnnxValueInfo[]): Record<string, unknown>[] | undefined {
  const specs: Record<string, unknown>[] = [];
  for (const value of values) {
    if (!value.isTensor) continue;
    if (value.dtype === undefined || value.shape === undefined) return undefined;
    specs.push({
      type: 'tensor',
      'tensor-spec': {
        dtype: NUMPY_NAMES[value.dtype],
        shape: value.shape.map((dimension) => (typeof dimension === 'number' && dimension >= 0 ? dimension : -1)),
      },
      name: value.name,
    });
  }
  return specs;
}

/**
 * A tensor-based signature from a session's input and output metadata: one named TensorSpec per
 * tensor input and output, numpy dtype names, symbolic or unnamed dimensions as -1. Returns
 * undefined when the runtime does not report types and shapes (onnxruntime-node before 1.22).
 */
export function inferOnnxSignature(inputs: readonly OnnxValueInfo[], outputs: readonly OnnxValueInfo[]): ModelSignature | undefined {
  const inputSpecs = tensorSpecs(inputs);
  const outputSpecs = tensorSpecs(outputs);
  if (inputSpecs === undefined || inputSpecs.length === 0) return undefined;
  return ModelSignature.fromDict({
    inputs: JSON.stringify(inputSpecs),
    outputs: outputSpecs === undefined || outputSpecs.length === 0 ? null : JSON.stringify(outputSpecs),
  } as never);
}
