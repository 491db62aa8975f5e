import type { GraphModel, LayersModel } from '@tensorflow/tfjs';
import type { TfjsModelFormat } from './model-json.js';

/** The element types TensorFlow.js tensors have. */
export type TfjsDType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/** One input or output of a TensorFlow.js model, as far as the model tells. */
export interface TfjsTensorInfo {
  /** The name used to feed (inputs) or key (outputs) the tensor. */
  readonly name: string;
  /** Element type; `undefined` when the model does not record it (some GraphModel outputs). */
  readonly dtype: TfjsDType | undefined;
  /** Shape with `-1` for unknown dimensions; `undefined` when the rank is unknown. */
  readonly shape: readonly number[] | undefined;
}

/** The inputs and outputs of a loaded model. */
export interface TfjsModelInfo {
  readonly format: TfjsModelFormat;
  readonly inputs: readonly TfjsTensorInfo[];
  readonly outputs: readonly TfjsTensorInfo[];
}

/** A `tf.LayersModel` or a `tf.GraphModel`. */
export type TfjsModel = LayersModel | GraphModel;

/** True for a `tf.LayersModel` (duck-typed, so it also holds for a model from another copy of tfjs). */
export function isLayersModel(value: unknown): value is LayersModel {
  const candidate = value as Partial<LayersModel> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.predict === 'function' &&
    typeof candidate.save === 'function' &&
    Array.isArray(candidate.inputNames) &&
    Array.isArray(candidate.outputNames)
  );
}

/** True for a `tf.GraphModel` (duck-typed). */
export function isGraphModel(value: unknown): value is GraphModel {
  const candidate = value as Partial<GraphModel> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.predict === 'function' &&
    typeof candidate.executeAsync === 'function' &&
    typeof candidate.save === 'function' &&
    !Array.isArray((candidate as Partial<LayersModel>).inputNames)
  );
}

const tensorflowDTypes: Readonly<Record<string, TfjsDType>> = {
  DT_FLOAT: 'float32',
  DT_HALF: 'float32',
  DT_DOUBLE: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int32',
  DT_INT16: 'int32',
  DT_INT8: 'int32',
  DT_UINT8: 'int32',
  DT_UINT16: 'int32',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64',
};

function normaliseShape(shape: readonly (number | null | undefined)[] | undefined): number[] | undefined {
  if (!Array.isArray(shape)) return undefined;
  return shape.map((dimension) => (typeof dimension === 'number' && dimension >= 0 ? dimension : -1));
}

function normaliseDType(dtype: unknown): TfjsDType | undefined {
  if (dtype === 'float32' || dtype === 'int32' || dtype === 'bool' || dtype === 'complex64' || dtype === 'string') return dtype;
  if (typeof dtype === 'string') return tensorflowDTypes[dtype];
  return undefined;
}

interface SignatureTensorJson {
  readonly name?: string;
  readonly dtype?: string;
  readonly tensorShape?: { readonly dim?: readonly { readonly size?: string | number }[]; readonly unknownRank?: boolean };
}

function stripPort(name: string): string {
  return name.replace(/:0$/, '');
}

/** Shape and dtype of a GraphModel tensor from the SavedModel signature recorded in model.json. */
function fromSignature(signature: Record<string, SignatureTensorJson> | undefined, name: string): Partial<TfjsTensorInfo> {
  if (signature === undefined) return {};
  const entry = Object.entries(signature).find(
    ([key, value]) => stripPort(key) === name || stripPort(value.name ?? '') === name,
  )?.[1];
  if (entry === undefined) return {};
  const dims = entry.tensorShape?.unknownRank === true ? undefined : entry.tensorShape?.dim;
  return {
    dtype: normaliseDType(entry.dtype),
    shape: dims === undefined ? undefined : dims.map((dim) => Number(dim.size ?? -1)).map((size) => (size >= 0 ? size : -1)),
  };
}

/** Names, dtypes and shapes of the inputs and outputs of a loaded LayersModel or GraphModel. */
export function describeTfjsModel(model: TfjsModel): TfjsModelInfo {
  if (isLayersModel(model)) {
    // A functional model names inputs and outputs after its input and output layers; a Sequential
    // model leaves inputNames/outputNames empty, so the layer behind each tensor gives the name.
    const layerName = (tensor: { name: string; sourceLayer?: { name?: string } }, names: readonly string[], index: number) =>
      names[index] ?? tensor.sourceLayer?.name ?? tensor.name;
    return {
      format: 'layers-model',
      inputs: uniqueNames(
        model.inputs.map((input, index) => ({
          name: layerName(input, model.inputNames, index),
          dtype: normaliseDType(input.dtype),
          shape: normaliseShape(input.shape),
        })),
      ),
      outputs: uniqueNames(
        model.outputs.map((output, index) => ({
          name: layerName(output, model.outputNames, index),
          dtype: normaliseDType(output.dtype),
          shape: normaliseShape(output.shape),
        })),
      ),
    };
  }
  const graph = model;
  const signature = graph.modelSignature as
    | { inputs?: Record<string, SignatureTensorJson>; outputs?: Record<string, SignatureTensorJson> }
    | undefined;
  const describe = (info: { name: string; dtype?: unknown; shape?: readonly number[] }, side?: Record<string, SignatureTensorJson>) => {
    const known = fromSignature(side, info.name);
    return {
      name: info.name,
      dtype: normaliseDType(info.dtype) ?? known.dtype,
      shape: normaliseShape(info.shape) ?? known.shape,
    };
  };
  return {
    format: 'graph-model',
    inputs: graph.inputs.map((input) => describe(input, signature?.inputs)),
    outputs: graph.outputs.map((output) => describe(output, signature?.outputs)),
  };
}

/** Keeps names unique (a layer with several outputs): later duplicates get `_<index>`. */
function uniqueNames(infos: TfjsTensorInfo[]): TfjsTensorInfo[] {
  const seen = new Set<string>();
  return infos.map((info, index) => {
    const name = seen.has(info.name) ? `${info.name}_${index}` : info.name;
    seen.add(name);
    return { ...info, name };
  });
}
