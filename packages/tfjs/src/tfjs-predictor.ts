import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs';
import {
  JsfuncError,
  jsfuncError,
  type ModelDataV1,
  type NamedTensorsV1,
  type TableV1,
  type TensorV1,
} from '@jsfunc/core';
import type { TfjsModule } from './load-tfjs.js';
import { isLayersModel, type TfjsDType, type TfjsModel, type TfjsModelInfo, type TfjsTensorInfo } from './tfjs-model-info.js';

/** Runs a loaded TensorFlow.js model on canonical jsfunc input. */
export type TfjsPredictor = (input: ModelDataV1) => Promise<ModelDataV1>;

type TfjsData = Float32Array | Int32Array | Uint8Array | string[];

function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function naturalDType(tensor: TensorV1): TfjsDType {
  switch (tensor.dtype) {
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return 'int32';
    default:
      return 'float32';
  }
}

function numbersOf(tensor: TensorV1): ArrayLike<number> {
  const data = tensor.data;
  if (tensor.dtype === 'float16') return Float32Array.from(data as Uint16Array, float16ToFloat32);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data as ArrayLike<bigint>, (value) => Number(value));
  if (Array.isArray(data)) {
    throw jsfuncError(
      'ERR_TFJS_INPUT_INVALID',
      'Expected a numeric tensor for a numeric model input, found a string tensor. Send numbers for this input.',
      { dtype: tensor.dtype },
    );
  }
  return data as ArrayLike<number>;
}

/** Converts jsfunc tensor storage to the storage TensorFlow.js takes for `dtype`, copying only when needed. */
function toTfjsData(tensor: TensorV1, dtype: TfjsDType): TfjsData {
  const data = tensor.data;
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(numbersOf(tensor));
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(numbersOf(tensor));
    case 'bool':
      return data instanceof Uint8Array && tensor.dtype === 'bool' ? data : Uint8Array.from(numbersOf(tensor), (value) => (value ? 1 : 0));
    case 'string':
      if (!Array.isArray(data)) {
        throw jsfuncError(
          'ERR_TFJS_INPUT_INVALID',
          `Expected a string tensor for a string model input, found ${tensor.dtype}. Send strings for this input.`,
          { dtype: tensor.dtype },
        );
      }
      return data as string[];
    default:
      throw jsfuncError(
        'ERR_TFJS_DTYPE_UNSUPPORTED',
        `Expected a model input of dtype float32, int32, bool or string, found ${dtype}. jsfunc cannot feed ${dtype} tensors; wrap the model so it takes real-valued inputs.`,
        { dtype },
      );
  }
}

/** A column table becomes one tensor per input (columns named like the inputs) or one [rows, columns] matrix. */
function tableToTensors(table: TableV1, inputs: readonly TfjsTensorInfo[]): Map<string, TensorV1> {
  const result = new Map<string, TensorV1>();
  if (inputs.length > 0 && inputs.every((input) => table.columns.includes(input.name))) {
    for (const input of inputs) {
      const column = table.data[input.name] as ArrayLike<unknown>;
      const rank = input.shape?.length ?? 1;
      const shape = rank >= 2 ? [table.rowCount, ...Array<number>(rank - 1).fill(1)] : [table.rowCount];
      const values = Array.from(column);
      const data = values.every((value) => typeof value === 'string')
        ? { dtype: 'string' as const, data: values as string[] }
        : { dtype: 'float64' as const, data: Float64Array.from(values, (value) => Number(value)) };
      result.set(input.name, { ...data, shape } as TensorV1);
    }
    return result;
  }
  if (inputs.length === 1) {
    const input = inputs[0] as TfjsTensorInfo;
    const width = table.columns.length;
    const data = new Float64Array(table.rowCount * width);
    table.columns.forEach((name, columnIndex) => {
      const column = table.data[name] as ArrayLike<unknown>;
      for (let row = 0; row < table.rowCount; row++) data[row * width + columnIndex] = Number(column[row]);
    });
    result.set(input.name, { dtype: 'float64', shape: [table.rowCount, width], data });
    return result;
  }
  throw jsfuncError(
    'ERR_TFJS_INPUT_INVALID',
    `Expected a table whose columns name every model input (${inputs.map((input) => input.name).join(', ')}), found columns ${table.columns.join(', ')}. Send named tensors, or a table with one column per input.`,
    { inputs: inputs.map((input) => input.name), columns: [...table.columns] },
  );
}

function collectInputs(input: ModelDataV1, info: TfjsModelInfo): Map<string, TensorV1> {
  const inputs = info.inputs;
  if (input.kind === 'tensor') {
    if (inputs.length !== 1) {
      throw jsfuncError(
        'ERR_TFJS_INPUT_INVALID',
        `Expected named tensors for the ${inputs.length} model inputs (${inputs.map((entry) => entry.name).join(', ')}), found one unnamed tensor. Send an object keyed by input name.`,
        { inputs: inputs.map((entry) => entry.name) },
      );
    }
    return new Map([[(inputs[0] as TfjsTensorInfo).name, input.tensor]]);
  }
  if (input.kind === 'tensors') {
    const named: NamedTensorsV1 = input.tensors;
    const keys = Object.keys(named);
    if (inputs.length === 1 && keys.length === 1 && named[(inputs[0] as TfjsTensorInfo).name] === undefined) {
      // One input under another name (a signature written by hand): feed it anyway.
      return new Map([[(inputs[0] as TfjsTensorInfo).name, named[keys[0] as string] as TensorV1]]);
    }
    const missing = inputs.filter((entry) => named[entry.name] === undefined).map((entry) => entry.name);
    if (missing.length > 0) {
      throw jsfuncError(
        'ERR_TFJS_INPUT_INVALID',
        `Expected a tensor for every model input (${inputs.map((entry) => entry.name).join(', ')}), found no tensor for ${missing.join(', ')} (received ${keys.join(', ') || 'none'}). Key the input tensors by the model's input names.`,
        { missing, received: keys },
      );
    }
    return new Map(inputs.map((entry) => [entry.name, named[entry.name] as TensorV1]));
  }
  if (input.kind === 'table') return tableToTensors(input.table, inputs);
  throw jsfuncError(
    'ERR_TFJS_INPUT_INVALID',
    'Expected tensors, named tensors or a table for a TensorFlow.js model, found a plain value. Send a tensor ({ dtype, shape, data }), named tensors or records.',
    { kind: input.kind },
  );
}

function fromTfjsData(dtype: string, shape: readonly number[], data: unknown): TensorV1 {
  switch (dtype) {
    case 'float32':
      return { dtype: 'float32', shape, data: data as Float32Array };
    case 'int32':
      return { dtype: 'int32', shape, data: data as Int32Array };
    case 'bool':
      return { dtype: 'bool', shape, data: data as Uint8Array };
    case 'string':
      return { dtype: 'string', shape, data: data as string[] };
    default:
      throw jsfuncError(
        'ERR_TFJS_DTYPE_UNSUPPORTED',
        `Expected model outputs of dtype float32, int32, bool or string, found ${dtype}. Wrap the model so it returns real-valued outputs.`,
        { dtype },
      );
  }
}

function isExecuteAsyncError(error: unknown): boolean {
  return error instanceof Error && /executeAsync/.test(error.message);
}

/**
 * Builds the predict function of a loaded model. Input tensors are created and the model run
 * inside `tf.tidy`, output values are read with the asynchronous `data()`, and every tensor is
 * released before the function returns, so `tf.memory().numTensors` does not grow.
 */
export function createTfjsPredictor(tf: TfjsModule, model: TfjsModel, info: TfjsModelInfo): TfjsPredictor {
  const layers = isLayersModel(model);
  let needsAsync = false;

  const makeTensors = (feeds: Map<string, TensorV1>): Tensor[] =>
    info.inputs.map((entry) => {
      const tensor = feeds.get(entry.name) as TensorV1;
      const dtype = entry.dtype ?? naturalDType(tensor);
      return tf.tensor(toTfjsData(tensor, dtype), [...tensor.shape], dtype === 'complex64' ? 'float32' : dtype);
    });

  const feedMap = (tensors: Tensor[]): NamedTensorMap =>
    Object.fromEntries(info.inputs.map((entry, index) => [entry.name, tensors[index] as Tensor]));

  const asList = (result: Tensor | Tensor[] | NamedTensorMap): Tensor[] => {
    if (Array.isArray(result)) return result;
    if (result instanceof tf.Tensor || (result as unknown as Tensor).dataId !== undefined) return [result as Tensor];
    const map = result as NamedTensorMap;
    return info.outputs.map((output) => map[output.name] as Tensor);
  };

  const runSync = (feeds: Map<string, TensorV1>): Tensor[] =>
    tf.tidy(() => {
      const tensors = makeTensors(feeds);
      const result = layers
        ? model.predict(tensors.length === 1 ? (tensors[0] as Tensor) : tensors)
        : model.predict(info.inputs.length === 1 ? (tensors[0] as Tensor) : feedMap(tensors));
      return asList(result as Tensor | Tensor[] | NamedTensorMap);
    });

  const runAsync = async (feeds: Map<string, TensorV1>): Promise<Tensor[]> => {
    const tensors = makeTensors(feeds);
    try {
      const result = await (model as import('@tensorflow/tfjs').GraphModel).executeAsync(feedMap(tensors));
      return asList(result);
    } finally {
      tf.dispose(tensors);
    }
  };

  return async (input) => {
    const feeds = collectInputs(input, info);
    let outputs: Tensor[];
    try {
      if (needsAsync) outputs = await runAsync(feeds);
      else {
        try {
          outputs = runSync(feeds);
        } catch (error) {
          if (layers || !isExecuteAsyncError(error)) throw error;
          needsAsync = true;
          outputs = await runAsync(feeds);
        }
      }
    } catch (error) {
      if (JsfuncError.isInstance(error)) throw error;
      throw jsfuncError(
        'ERR_TFJS_PREDICT_FAILED',
        `TensorFlow.js could not run the model: ${error instanceof Error ? error.message : String(error)}. Expected inputs: ${info.inputs
          .map((entry) => `${entry.name} ${entry.dtype ?? '?'}[${entry.shape?.join(',') ?? '?'}]`)
          .join(', ')}; check the shapes and dtypes you sent.`,
        { inputs: info.inputs.map((entry) => ({ name: entry.name, dtype: entry.dtype, shape: entry.shape })) },
        error,
      );
    }
    try {
      const values = await Promise.all(outputs.map((tensor) => tensor.data()));
      const tensors = outputs.map((tensor, index) => fromTfjsData(tensor.dtype, tensor.shape, values[index]));
      if (input.kind === 'tensor' && tensors.length === 1) return { kind: 'tensor', tensor: tensors[0] as TensorV1 };
      const named: Record<string, TensorV1> = {};
      tensors.forEach((tensor, index) => {
        named[info.outputs[index]?.name ?? `output_${index}`] = tensor;
      });
      return { kind: 'tensors', tensors: named };
    } finally {
      tf.dispose(outputs);
    }
  };
}
