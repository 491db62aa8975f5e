import type { ModelDataV1, TensorV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { tensorFromNested } from '../data/tensor-data.js';
import { frameFromColumns, frameFromRecords, frameFromRows, frameToModelData, type RawFrame } from './frame.js';
import { numpyCastMessage, pythonClassOf, pythonStringList, pythonStringSet } from './python-text.js';
import type { SchemaView, SignatureView } from './signature-view.js';

/** An `/invocations` request, parsed into the canonical model input. */
export interface InvocationRequest {
  /** The model input. */
  readonly data: ModelDataV1;
  /** Inference parameters from the request (`params`, or params-schema keys of a chat payload). */
  readonly params: Record<string, unknown> | undefined;
  /** True for chat-style payloads: the prediction is answered as is, not wrapped in `predictions`. */
  readonly unwrapped: boolean;
}

/** The wrapped input fields MLflow accepts (exactly one per request). */
export const INPUT_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
/** Top-level keys that mark a chat-style (unified LLM) payload. */
export const LLM_KEYS = ['messages', 'prompt', 'input'] as const;

/**
 * MLflow's `SCORING_PROTOCOL_CHANGE_INFO`, appended to the "exactly one input field" and the
 * content-type-parameter errors (word for word, MLflow 3.17).
 */
export const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

/**
 * MLflow's `REQUIRED_INPUT_FORMAT`. MLflow prints its field set in (per-process random) hash order;
 * jsfunc prints it sorted.
 */
const REQUIRED_INPUT_FORMAT = `The input must be a JSON dictionary with exactly one of the input fields ${pythonStringSet(INPUT_FIELDS)}`;

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'dictionary';
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function badRequest(message: string): Error {
  return serverError('ERR_SERVER_INPUT_FORMAT', message);
}

/** Parses JSON text, answering MLflow's "Invalid input. Ensure that input is a valid JSON formatted string." */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const preview = text.length > 1000 ? `${text.slice(0, 1000)}...` : text;
    throw serverError(
      'ERR_SERVER_INVALID_JSON',
      `Invalid input. Ensure that input is a valid JSON formatted string. Error: '${(error as Error).message}'\nInput: \n${preview}\n`,
      {},
      error,
    );
  }
}

function parseSplit(value: unknown, schema: SchemaView | undefined): ModelDataV1 {
  if (!isRecord(value)) {
    throw badRequest(`Invalid input. Dataframe split format must be a dictionary. Got ${Array.isArray(value) ? 'list' : `type ${pythonClassOf(value)}`}.`);
  }
  const extra = Object.keys(value).filter((key) => !['data', 'columns', 'index'].includes(key));
  if (!('data' in value) || extra.length > 0) {
    throw badRequest(
      `Invalid input. Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got ${pythonStringSet(Object.keys(value))}.'`,
    );
  }
  const rows = value.data;
  const invalid = (reason: string): Error =>
    badRequest(`Invalid input. Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '${reason}'`);
  if (!Array.isArray(rows)) throw invalid('data must be a list of rows');
  if (value.columns !== undefined && !Array.isArray(value.columns)) throw invalid('columns must be a list');
  if (value.index !== undefined) {
    if (!Array.isArray(value.index)) throw invalid('index must be a list');
    if (value.index.length !== rows.length) {
      throw invalid(`Length of values (${rows.length}) does not match length of index (${value.index.length})`);
    }
  }
  let frame: RawFrame;
  try {
    frame = frameFromRows(rows, value.columns as unknown[] | undefined);
  } catch (error) {
    // pandas' own reason, as MLflow quotes it (frameFromRows words a full message for other callers)
    const reason = (error as { details?: { reason?: unknown } }).details?.reason;
    throw invalid(typeof reason === 'string' ? reason : (error as Error).message);
  }
  return frameToModelData(frame, schema);
}

function parseRecords(value: unknown, schema: SchemaView | undefined): ModelDataV1 {
  if (!Array.isArray(value)) {
    throw badRequest(`Invalid input. Dataframe records format must be a list of records. Got ${isRecord(value) ? 'dictionary' : `type ${pythonClassOf(value)}`}.`);
  }
  if (!value.every(isRecord)) {
    throw badRequest('Invalid input. Dataframe records format must be a list of records: every row must be a JSON object.');
  }
  return frameToModelData(frameFromRecords(value), schema);
}

/** numpy's cast: a value it cannot cast is MLflow's `Invalid input. <numpy's message>`. */
function castTensor(value: unknown, dtype?: TensorV1['dtype']): TensorV1 {
  try {
    return tensorFromNested(value, dtype);
  } catch (error) {
    const details = (error as { details?: { value?: unknown; dtype?: unknown } }).details;
    if ((error as { code?: unknown }).code !== 'ERR_SERVER_SCHEMA_CAST' || typeof details?.dtype !== 'string') throw error;
    throw serverError('ERR_SERVER_SCHEMA_CAST', `Invalid input. ${numpyCastMessage(details.value, details.dtype)}`, {}, error);
  }
}

function tensorForSpec(value: unknown, schema: SchemaView | undefined, name?: string): TensorV1 {
  if (schema?.kind === 'tensors') {
    const spec = name === undefined ? schema.tensors[0] : schema.tensors.find((t) => t.name === name);
    return castTensor(value, spec?.dtype);
  }
  return castTensor(value);
}

function parseTensorServing(value: unknown, schema: SchemaView | undefined, field: 'instances' | 'inputs'): ModelDataV1 {
  // instances: a list of objects is transposed into {name: values}
  if (field === 'instances' && Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
    const columns: Record<string, unknown[]> = {};
    for (const key of Object.keys(value[0] as Record<string, unknown>)) columns[key] = [];
    for (const row of value as Record<string, unknown>[]) {
      const keys = Object.keys(row);
      if (keys.length !== Object.keys(columns).length || keys.some((k) => !(k in columns))) {
        throw badRequest('Invalid input. The length of values for each input/column name are not the same');
      }
      for (const key of keys) columns[key]!.push(row[key]);
    }
    value = columns;
  }
  if (isRecord(value)) {
    if (schema?.kind === 'tensors' && schema.tensors.length > 0 && schema.tensors.every((t) => t.name === undefined)) {
      throw badRequest(
        "Invalid input. Failed to parse input data. This model contains an un-named  model signature which expects a single n-dimensional array or a single value as input, however, an input of type <class 'dict'> was found.",
      );
    }
    if (schema?.kind === 'columns') return frameToModelData(frameFromColumns(value), schema);
    const tensors: Record<string, TensorV1> = {};
    for (const [name, data] of Object.entries(value)) tensors[name] = tensorForSpec(data, schema, name);
    return { kind: 'tensors', tensors };
  }
  if (schema?.kind === 'columns') {
    const named = schema.columns.filter((c) => c.name !== undefined);
    if (named.length === 1 && Array.isArray(value) && value.every((v) => !Array.isArray(v))) {
      return frameToModelData(frameFromColumns({ [named[0]!.name!]: value }), schema);
    }
    if (Array.isArray(value)) {
      const names = schema.columns.map((c, i) => c.name ?? String(i));
      return frameToModelData(frameFromRows(value, names.length === (Array.isArray(value[0]) ? value[0].length : 1) ? names : undefined), schema);
    }
  }
  if (schema?.kind === 'tensors' && schema.tensors.length === 1 && schema.tensors[0]!.name !== undefined) {
    return { kind: 'tensors', tensors: { [schema.tensors[0]!.name]: tensorForSpec(value, schema) } };
  }
  if (!Array.isArray(value) && schema === undefined) return { kind: 'value', value };
  return { kind: 'tensor', tensor: tensorForSpec(value, schema) };
}

/**
 * Parses an `/invocations` JSON body following MLflow: the unified LLM form (`messages`, `prompt`,
 * `input`: passed through, not wrapped), or exactly one of `dataframe_split`, `dataframe_records`,
 * `instances`, `inputs`, plus optional `params`; cast to the signature when there is one.
 */
export function parseInvocationJson(text: string, signature: SignatureView | undefined): InvocationRequest {
  const body = parseJsonText(text);
  if (!isRecord(body)) {
    throw badRequest(
      Array.isArray(body)
        ? `Invalid input. ${REQUIRED_INPUT_FORMAT}. Received a list.`
        : `Invalid input. ${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${pythonClassOf(body, text)}.`,
    );
  }
  if (LLM_KEYS.some((key) => key in body)) {
    const paramNames = new Set((signature?.params ?? []).map((p) => p.name));
    const params: Record<string, unknown> = {};
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (paramNames.has(key)) params[key] = value;
      else data[key] = value;
    }
    const input: ModelDataV1 =
      signature?.inputs?.kind === 'columns'
        ? frameToModelData(frameFromRecords([data]), signature.inputs)
        : { kind: 'value', value: data };
    return { data: input, params, unwrapped: true };
  }
  // listed in the order the request gives them, as MLflow lists them
  const present = Object.keys(body).filter((key): key is (typeof INPUT_FIELDS)[number] => (INPUT_FIELDS as readonly string[]).includes(key));
  if (present.length !== 1) {
    throw badRequest(`${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: ${pythonStringList(present)}. ${SCORING_PROTOCOL_CHANGE_INFO}`);
  }
  const params = body.params;
  if (params !== undefined && params !== null && !isRecord(params)) {
    throw badRequest(`Invalid input. 'params' must be a JSON dictionary of parameter names to values. Got ${describeType(params)}.`);
  }
  const field = present[0]!;
  if (field === 'instances' && 'signature_name' in body) {
    throw badRequest('Failed to parse data as TF serving input. "signature_name" is currently not supported.');
  }
  const value = body[field];
  const schema = signature?.inputs;
  const data =
    field === 'dataframe_split'
      ? parseSplit(value, schema)
      : field === 'dataframe_records'
        ? parseRecords(value, schema)
        : parseTensorServing(value, schema, field);
  return { data, params: (params as Record<string, unknown> | null | undefined) ?? undefined, unwrapped: false };
}
