import { JsfuncError, jsfuncError } from '@jsfunc/core';

/**
 * An error onnxruntime raised while running, as a named jsfunc error. Wrong dimensions (which
 * onnxruntime checks itself on models without a signature) get `ERR_ONNX_INPUT_SHAPE`, other
 * failures `ERR_ONNX_RUN_FAILED`; onnxruntime's own text is kept in the message.
 */
export function runError(error: unknown): Error {
  if (JsfuncError.isInstance(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/invalid (dimensions|rank)|shape mismatch/i.test(text)) {
    return jsfuncError('ERR_ONNX_INPUT_SHAPE', `${text.trim()} Give inputs of the shape the model declares (see model.unwrap().inputs).`, { runtime: text }, error);
  }
  return jsfuncError('ERR_ONNX_RUN_FAILED', `onnxruntime failed to run the model: ${text.trim()} Check the inputs against the model's inputs (model.unwrap().inputs).`, { runtime: text }, error);
}
