export { onnxFlavor, ONNX_MODEL_FILE, type OnnxFlavor, type OnnxLoadOptions, type OnnxModelSource, type OnnxNativeModel, type OnnxSaveOptions } from './onnx-flavor.js';
export type { OnnxValueInfo } from './create-ort-session.js';
export type { OnnxRunIn } from './session-handle.js';
export type { OnnxGraphOptimizationLevel, OnnxSessionOptions } from './session-options.js';
export type { OnnxPythonEnvironment } from './python-environment.js';
export type { OnnxZipMap } from './onnx-model-proto.js';
export { inspectOnnxModel, removeZipMaps, type OnnxModelInfo, type OnnxOpset } from './onnx-model-proto.js';
export { decodeTensorProto, type DecodedTensorProto } from './tensor-proto.js';
