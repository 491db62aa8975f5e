import type { ModelDataV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { flatValues, inferDType, tensorFromNested, typedDataFrom } from '../data/tensor-data.js';
import type { SignatureView } from '../mlflow-protocol/signature-view.js';
import { stringifyJson } from '../json/stringify-json.js';
import { encodeBinaryTensor } from './binary-data.js';
import { oipFromDtype } from './datatype.js';
import type { OipInferRequest, OipParameters } from './infer-request.js';

/** A serialised inference response: JSON, or JSON header + binary tensors. */
export interface OipHttpResponse {
  readonly body: string | Buffer;
  readonly contentType: string;
  /** Set when the body carries binary tensors: the byte length of the JSON header. */
  readonly headerLength: number | undefined;
}

function valueToTensor(value: unknown): TensorV1 {
  if (typeof value === 'string') return { dtype: 'string', shape: [1], data: [value] };
  if (Array.isArray(value)) {
    try {
      return tensorFromNested(value);
    } catch {
      // not rectangular: fall through to JSON text
    }
  }
  return { dtype: 'string', shape: [1], data: [stringifyJson(value)] };
}

function columnToTensor(values: ArrayLike<unknown>): TensorV1 {
  if (ArrayBuffer.isView(values)) {
    const ctor = (values as object).constructor.name;
    const dtype = ({
      Float32Array: 'float32', Float64Array: 'float64', Int8Array: 'int8', Int16Array: 'int16', Int32Array: 'int32',
      BigInt64Array: 'int64', Uint8Array: 'uint8', Uint16Array: 'uint16', Uint32Array: 'uint32', BigUint64Array: 'uint64',
    } as const)[ctor as 'Float32Array'];
    if (dtype !== undefined) return { dtype, shape: [values.length], data: values as Float32Array };
  }
  const list = Array.from(values, (v) => (v instanceof Date ? v.toISOString() : v));
  const dtype = inferDType(list);
  return { dtype, shape: [list.length], data: typedDataFrom(list, dtype) };
}

/** Names and tensors of a model output, named from the signature's outputs where unnamed. */
export function outputTensors(data: ModelDataV1, signature: SignatureView | undefined): Array<[string, TensorV1]> {
  const outputs = signature?.outputs;
  const firstName = outputs?.kind === 'tensors' ? outputs.tensors[0]?.name : outputs?.columns[0]?.name;
  switch (data.kind) {
    case 'tensor':
      return [[firstName ?? 'output-0', data.tensor]];
    case 'tensors':
      return Object.entries(data.tensors);
    case 'table':
      return data.table.columns.map((column) => [column, columnToTensor(data.table.data[column] ?? [])]);
    default:
      return [[firstName ?? 'output-0', valueToTensor(data.value)]];
  }
}

/**
 * Serialises an `$inference_response`: requested outputs only (an unknown name is a 400), JSON data
 * flat in row-major order, or binary tensors after the JSON header where `binary_data` (per output)
 * or `binary_data_output` (request) asks for it.
 */
export function serializeInferResponse(options: {
  modelName: string;
  modelVersion: string | undefined;
  request: OipInferRequest;
  id: string;
  output: ModelDataV1;
  signature: SignatureView | undefined;
}): OipHttpResponse {
  const { request } = options;
  let tensors = outputTensors(options.output, options.signature);
  const requested = request.outputs;
  if (requested !== undefined && requested.length > 0) {
    const byName = new Map(tensors);
    tensors = requested.map((output) => {
      const tensor = byName.get(output.name);
      if (tensor === undefined) {
        throw serverError(
          'ERR_SERVER_OIP_REQUEST',
          `Requested output '${output.name}' is not an output of model '${options.modelName}'. Outputs: ${JSON.stringify([...byName.keys()])}.`,
        );
      }
      return [output.name, tensor] as [string, TensorV1];
    });
  }
  const binaryDefault = request.parameters?.binary_data_output === true;
  const chunks: Uint8Array[] = [];
  const outputs = tensors.map(([name, tensor]) => {
    const parameters = requested?.find((o) => o.name === name)?.parameters;
    const binary = parameters?.binary_data !== undefined ? parameters.binary_data === true : binaryDefault;
    const datatype = oipFromDtype(tensor.dtype);
    const shape = [...tensor.shape];
    if (binary) {
      const bytes = encodeBinaryTensor(tensor);
      chunks.push(bytes);
      return { name, shape, datatype, parameters: { binary_data_size: bytes.byteLength } as OipParameters };
    }
    if (datatype === 'FP16') {
      throw serverError(
        'ERR_SERVER_OIP_REQUEST',
        `Output '${name}' is FP16, which cannot be sent as JSON numbers. Request it with "parameters": {"binary_data": true}.`,
      );
    }
    return { name, shape, datatype, data: flatValues(tensor) };
  });
  const document: Record<string, unknown> = { model_name: options.modelName };
  if (options.modelVersion !== undefined) document.model_version = options.modelVersion;
  document.id = options.id;
  if (request.parameters !== undefined) {
    const { binary_data_output: _ignored, ...rest } = request.parameters;
    if (Object.keys(rest).length > 0) document.parameters = rest;
  }
  document.outputs = outputs;
  const json = stringifyJson(document);
  if (chunks.length === 0) return { body: json, contentType: 'application/json', headerLength: undefined };
  const header = Buffer.from(json, 'utf8');
  return {
    body: Buffer.concat([header, ...chunks]),
    contentType: 'application/octet-stream',
    headerLength: header.byteLength,
  };
}
