import { ModelSignature, type LoggerV1 } from '@jsfunc/core';
import type { TfjsModelInfo, TfjsTensorInfo } from './tfjs-model-info.js';

const NUMPY_NAMES: Readonly<Record<string, string>> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
  // MLflow's TensorSpec name for numpy string/object arrays.
  string: 'object',
};

function tensorSpecs(values: readonly TfjsTensorInfo[]): Record<string, unknown>[] | undefined {
  const specs: Record<string, unknown>[] = [];
  for (const value of values) {
    const dtype = value.dtype === undefined ? undefined : NUMPY_NAMES[value.dtype];
    if (dtype === undefined || value.shape === undefined) return undefined;
    specs.push({ type: 'tensor', 'tensor-spec': { dtype, shape: [...value.shape] }, name: value.name });
  }
  return specs;
}

/**
 * A tensor-based signature from a TF.js model's inputs and outputs: one named TensorSpec each,
 * with the model's own dtype (an int32 input stays int32) and `-1` for unknown dimensions. Outputs
 * whose dtype or shape the model does not record (some GraphModels) leave the output schema out;
 * inputs of a type jsfunc cannot describe (complex64) leave the whole signature out.
 */
export function inferTfjsSignature(info: TfjsModelInfo, logger?: LoggerV1): ModelSignature | undefined {
  const inputs = tensorSpecs(info.inputs);
  if (inputs === undefined || inputs.length === 0) {
    logger?.debug?.('The TF.js model does not record the dtype and shape of every input; no signature was inferred.');
    return undefined;
  }
  const outputs = tensorSpecs(info.outputs);
  return ModelSignature.fromDict({
    inputs: JSON.stringify(inputs),
    outputs: outputs === undefined || outputs.length === 0 ? null : JSON.stringify(outputs),
  } as never);
}
