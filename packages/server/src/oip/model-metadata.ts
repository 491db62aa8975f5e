import type { SchemaView, SignatureView } from '../mlflow-protocol/signature-view.js';
import { oipFromColumnType, oipFromDtype } from './datatype.js';

/** OIP `$metadata_tensor`. */
export interface OipTensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
}

/** OIP `$metadata_model_response`. */
export interface OipModelMetadata {
  readonly name: string;
  readonly versions?: string[];
  readonly platform: string;
  readonly inputs?: OipTensorMetadata[];
  readonly outputs?: OipTensorMetadata[];
  readonly properties?: Record<string, string>;
}

function tensorsOf(schema: SchemaView | undefined, prefix: string): OipTensorMetadata[] | undefined {
  if (schema === undefined) return undefined;
  if (schema.kind === 'tensors') {
    return schema.tensors.map((t, i) => ({ name: t.name ?? `${prefix}-${i}`, datatype: oipFromDtype(t.dtype), shape: [...t.shape] }));
  }
  return schema.columns.map((c, i) => ({ name: c.name ?? `${prefix}-${i}`, datatype: oipFromColumnType(c.type), shape: [-1] }));
}

/** OIP platform string for a flavor (`onnx` → `onnx_onnxv1`, others `jsfunc_<flavor>`). */
export function platformFor(flavor: string): string {
  if (flavor === 'onnx') return 'onnx_onnxv1';
  if (flavor === 'tfjs') return 'tensorflow_js';
  return `jsfunc_${flavor}`;
}

/** Builds the OIP model metadata from the model's signature (column schemas map to shape [-1]). */
export function modelMetadata(options: {
  name: string;
  version: string | undefined;
  flavor: string;
  signature: SignatureView | undefined;
  properties?: Record<string, string>;
}): OipModelMetadata {
  const inputs = tensorsOf(options.signature?.inputs, 'input');
  const outputs = tensorsOf(options.signature?.outputs, 'output');
  return {
    name: options.name,
    ...(options.version !== undefined ? { versions: [options.version] } : {}),
    platform: platformFor(options.flavor),
    ...(inputs ? { inputs } : {}),
    ...(outputs ? { outputs } : {}),
    ...(options.properties ? { properties: options.properties } : {}),
  };
}
