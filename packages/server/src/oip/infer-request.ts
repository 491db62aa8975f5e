import type { ModelDataV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { elementCount, flattenNested, typedDataFrom } from '../data/tensor-data.js';
import type { SignatureView } from '../mlflow-protocol/signature-view.js';
import { decodeBinaryTensor } from './binary-data.js';
import { dtypeFromOip, isOipDatatype, type OipDatatype } from './datatype.js';

/** OIP `$parameters`. */
export type OipParameters = Record<string, string | number | boolean>;

/** One parsed request input. */
export interface OipInput {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: number[];
  readonly tensor: TensorV1;
  readonly parameters: OipParameters | undefined;
}

/** One requested output. */
export interface OipRequestedOutput {
  readonly name: string;
  readonly parameters: OipParameters | undefined;
}

/** A parsed `$inference_request`. */
export interface OipInferRequest {
  readonly id: string | undefined;
  readonly parameters: OipParameters | undefined;
  readonly inputs: OipInput[];
  readonly outputs: OipRequestedOutput[] | undefined;
}

function invalid(message: string): Error {
  return serverError('ERR_SERVER_OIP_REQUEST', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseParameters(value: unknown, where: string): OipParameters | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(`${where} 'parameters' must be an object of string, number or boolean values.`);
  return value as OipParameters;
}

function parseShape(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || !value.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalid(`Input '${name}': 'shape' must be a list of non-negative integers, got ${JSON.stringify(value)}.`);
  }
  return value as number[];
}

/**
 * Parses an OIP inference request. `body` is the raw HTTP body; with the binary tensor extension
 * `jsonLength` is the value of `Inference-Header-Content-Length` (the JSON header's byte length; 0
 * means the whole body is the model's single input, described by `signature`).
 */
export function parseInferRequest(body: Uint8Array, jsonLength: number | undefined, signature?: SignatureView): OipInferRequest {
  if (jsonLength !== undefined && (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.byteLength)) {
    throw invalid(
      `Inference-Header-Content-Length is ${jsonLength}, but the body has ${body.byteLength} bytes. Send the byte length of the JSON header.`,
    );
  }
  if (jsonLength === 0) return rawBodyRequest(body, signature);
  const jsonBytes = jsonLength === undefined ? body : body.subarray(0, jsonLength);
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(jsonBytes.buffer, jsonBytes.byteOffset, jsonBytes.byteLength).toString('utf8'));
  } catch (error) {
    throw invalid(`The request body is not valid JSON: ${(error as Error).message}. Send an OIP inference request.`);
  }
  if (!isRecord(document)) throw invalid('An inference request must be a JSON object with an "inputs" list.');
  const { id } = document;
  if (id !== undefined && id !== null && typeof id !== 'string') throw invalid(`'id' must be a string, got ${JSON.stringify(id)}.`);
  if (!Array.isArray(document.inputs) || document.inputs.length === 0) {
    throw invalid('An inference request needs a non-empty "inputs" list of {name, shape, datatype, data}.');
  }
  let offset = jsonLength ?? body.byteLength;
  const inputs: OipInput[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of (document.inputs as unknown[]).entries()) {
    if (!isRecord(entry)) throw invalid(`inputs[${index}] must be an object {name, shape, datatype, data}.`);
    const { name, datatype } = entry;
    if (typeof name !== 'string' || name === '') throw invalid(`inputs[${index}] needs a 'name' string.`);
    if (seen.has(name)) throw invalid(`Input '${name}' is given twice.`);
    seen.add(name);
    if (!isOipDatatype(datatype)) {
      throw invalid(
        `Input '${name}' has datatype ${JSON.stringify(datatype)}; expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES.`,
      );
    }
    const shape = parseShape(entry.shape, name);
    const parameters = parseParameters(entry.parameters, `Input '${name}'`);
    const count = elementCount(shape);
    const dtype = dtypeFromOip(datatype);
    const binarySize = parameters?.binary_data_size;
    let tensor: TensorV1;
    if (binarySize !== undefined) {
      if (typeof binarySize !== 'number' || !Number.isInteger(binarySize) || binarySize < 0) {
        throw invalid(`Input '${name}': binary_data_size must be a non-negative integer.`);
      }
      if (jsonLength === undefined) throw invalid(`Input '${name}' has binary_data_size but the request has no Inference-Header-Content-Length header.`);
      if (offset + binarySize > body.byteLength) {
        throw invalid(`Input '${name}' declares ${binarySize} binary bytes, but only ${body.byteLength - offset} remain in the body.`);
      }
      tensor = { dtype, shape, data: decodeBinaryTensor(body.subarray(offset, offset + binarySize), dtype, count, name) };
      offset += binarySize;
    } else {
      if (entry.data === undefined) throw invalid(`Input '${name}' has no 'data' (and no binary_data_size parameter).`);
      if (datatype === 'FP16') {
        throw invalid(`Input '${name}' is FP16: FP16 cannot be sent as JSON numbers. Send it with the binary tensor extension.`);
      }
      let values: unknown[];
      try {
        values = flattenNested(entry.data).values;
      } catch (error) {
        throw invalid(`Input '${name}': ${(error as Error).message}`);
      }
      if (values.length !== count) {
        throw invalid(
          `Input '${name}' has shape ${JSON.stringify(shape)} (${count} element(s)) but ${values.length} data element(s) were given. Make the shape match the data.`,
        );
      }
      const wrongType = values.find((v) =>
        datatype === 'BYTES' ? typeof v !== 'string' : datatype === 'BOOL' ? typeof v !== 'boolean' : typeof v !== 'number',
      );
      if (wrongType !== undefined) {
        throw invalid(`Input '${name}' is ${datatype} but holds ${JSON.stringify(wrongType)}. Send ${datatype === 'BYTES' ? 'strings' : datatype === 'BOOL' ? 'booleans' : 'numbers'}.`);
      }
      if (datatype !== 'BYTES' && datatype !== 'BOOL' && !datatype.startsWith('FP') && values.some((v) => !Number.isInteger(v))) {
        throw invalid(`Input '${name}' is ${datatype} but holds non-integer numbers.`);
      }
      tensor = { dtype, shape, data: typedDataFrom(values, dtype) };
    }
    inputs.push({ name, datatype, shape, tensor, parameters });
  }
  if (jsonLength !== undefined && offset !== body.byteLength) {
    throw invalid(`The body has ${body.byteLength - offset} binary byte(s) that no input claims. Check binary_data_size.`);
  }
  let outputs: OipRequestedOutput[] | undefined;
  if (document.outputs !== undefined && document.outputs !== null) {
    if (!Array.isArray(document.outputs)) throw invalid("'outputs' must be a list of {name, parameters?}.");
    outputs = document.outputs.map((entry, index) => {
      if (!isRecord(entry) || typeof entry.name !== 'string') throw invalid(`outputs[${index}] needs a 'name' string.`);
      return { name: entry.name, parameters: parseParameters(entry.parameters, `Output '${entry.name}'`) };
    });
  }
  return {
    id: typeof id === 'string' ? id : undefined,
    parameters: parseParameters(document.parameters, 'The request'),
    inputs,
    outputs,
  };
}

function rawBodyRequest(body: Uint8Array, signature: SignatureView | undefined): OipInferRequest {
  const schema = signature?.inputs;
  if (schema?.kind !== 'tensors' || schema.tensors.length !== 1) {
    throw invalid(
      'Inference-Header-Content-Length: 0 (raw binary body) needs a model with exactly one tensor input in its signature. Send a JSON inference request instead.',
    );
  }
  const spec = schema.tensors[0]!;
  const { dtype } = spec;
  if (dtype === 'string') throw invalid('A raw binary body cannot carry a BYTES input; send a JSON inference request.');
  const size = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1 }[dtype];
  const count = body.byteLength / size;
  const known = spec.shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const variable = spec.shape.filter((d) => d === -1).length;
  if (!Number.isInteger(count) || variable > 1 || (variable === 0 && known !== count) || (variable === 1 && count % known !== 0)) {
    throw invalid(`The raw body has ${body.byteLength} bytes, which does not fit input '${spec.name ?? 'input-0'}' of shape ${JSON.stringify(spec.shape)}.`);
  }
  const shape = spec.shape.map((d) => (d === -1 ? count / known : d));
  const name = spec.name ?? 'input-0';
  const datatype = (Object.entries({ BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FP16: 'float16', FP32: 'float32', FP64: 'float64' }).find(([, v]) => v === dtype)?.[0] ?? 'FP32') as OipDatatype;
  return {
    id: undefined,
    parameters: { binary_data_output: true },
    inputs: [{ name, datatype, shape, tensor: { dtype, shape, data: decodeBinaryTensor(body, dtype, count, name) }, parameters: undefined }],
    outputs: undefined,
  };
}

const RESERVED_PARAMETERS = new Set(['content_type', 'binary_data_output', 'headers']);

/**
 * The model input for a parsed request, guided by the signature: a column schema (or request
 * parameter `content_type: "pd"`) makes a table of the inputs; one unnamed tensor input makes a
 * single tensor; otherwise named tensors.
 */
export function inferRequestToModelData(request: OipInferRequest, signature: SignatureView | undefined): {
  data: ModelDataV1;
  params: Record<string, unknown> | undefined;
} {
  const schema = signature?.inputs;
  let data: ModelDataV1;
  if (schema?.kind === 'columns' || request.parameters?.content_type === 'pd') {
    const rowCount = request.inputs[0]!.shape[0] ?? 1;
    const columns: Record<string, ArrayLike<unknown>> = {};
    for (const input of request.inputs) {
      if ((input.shape[0] ?? 1) !== rowCount) {
        throw invalid(`All inputs of a table request need the same first dimension; '${input.name}' has ${input.shape[0]}, expected ${rowCount}.`);
      }
      columns[input.name] = input.tensor.data as ArrayLike<unknown>;
    }
    data = { kind: 'table', table: { columns: request.inputs.map((i) => i.name), data: columns, rowCount } };
  } else if (schema?.kind === 'tensors' && schema.tensors.length === 1 && schema.tensors[0]!.name === undefined && request.inputs.length === 1) {
    data = { kind: 'tensor', tensor: request.inputs[0]!.tensor };
  } else {
    const tensors: Record<string, TensorV1> = {};
    for (const input of request.inputs) tensors[input.name] = input.tensor;
    data = { kind: 'tensors', tensors };
  }
  let params: Record<string, unknown> | undefined;
  if (request.parameters !== undefined) {
    params = {};
    for (const [key, value] of Object.entries(request.parameters)) if (!RESERVED_PARAMETERS.has(key)) params[key] = value;
  }
  return { data, params };
}
