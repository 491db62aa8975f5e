/**
 * The `MLmodel` file: the YAML descriptor at the root of every model directory, read and written
 * the way MLflow reads (`yaml.safe_load` + `Model.from_dict`) and writes it
 * (`yaml.safe_dump(Model.to_dict(), default_flow_style=False)`).
 * @module
 */
import { JsfuncError, jsfuncError } from '../errors/jsfunc-error.js';
import { dumpYaml } from './pyyaml-emitter.js';
import { loadYaml } from './pyyaml-loader.js';

/** The file name of the model descriptor at the root of a model directory. */
export const MLMODEL_FILE_NAME = 'MLmodel';

/**
 * The `signature` block of an MLmodel: each field is the JSON text of a schema (see
 * `ModelSignature.toDict`/`fromDict`), or null.
 */
export interface MLmodelSignature {
  inputs: string | null;
  outputs: string | null;
  params?: string | null;
}

/**
 * The content of an `MLmodel` file as plain data, field names as MLflow writes them. Keys jsfunc
 * does not know are kept as they are and written back (MLflow does the same).
 */
export type MLmodel = {
  /** Flavor name (`python_function`, `onnx`, `js_function`, ...) -> that flavor's settings. */
  flavors: Record<string, Record<string, unknown>>;
  /** Run-relative artifact path (MLflow 2) or artifact location URI (MLflow 3); absent when not logged. */
  artifact_path?: string;
  /** The run the model was logged to; absent when saved without a run. */
  run_id?: string;
  /** Creation time, Python `str(datetime)` of UTC: `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
  utc_time_created?: string;
  /** 32 lowercase hex characters (or an MLflow 3 `m-<hex>` id); null when the file has none. */
  model_uuid?: string | null;
  /** Version of the library that saved the model; null when the file has none (not written then). */
  mlflow_version?: string | null;
  /** MLflow 3 LoggedModel id; MLflow writes `null` when unset. */
  model_id?: string | null;
  /** The signature as JSON strings. */
  signature?: MLmodelSignature;
  /** Where the input example is stored and how it is encoded. */
  saved_input_example_info?: Record<string, unknown>;
  /** Free-form user metadata. */
  metadata?: Record<string, unknown> | null;
  /** Size in bytes of the model files, measured before MLmodel was written. */
  model_size_bytes?: number;
  [key: string]: unknown;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function invalidMLmodel(source: string, problem: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw jsfuncError(
    'ERR_MLMODEL_INVALID',
    `The MLmodel file at ${source} is not valid: ${problem}. Expected a YAML mapping with a "flavors" mapping, as MLflow and jsfunc write it; regenerate the model or fix the file.`,
    { source, ...details },
    cause,
  );
}

/**
 * Parses the text of an `MLmodel` file.
 *
 * Follows MLflow's reader: YAML 1.1 values as PyYAML reads them (quoted text stays text), absent
 * `model_uuid` and `mlflow_version` become `null`, `signature: null` is dropped, unknown keys and
 * old layouts (MLflow 1.x `env: conda.yaml`) are kept.
 * @param text The file content.
 * @param source The path or URI of the file, for error messages.
 * @throws JsfuncError `ERR_MLMODEL_INVALID` (details: `source`, and `line`/`column` for YAML syntax
 *   errors) when the text is not YAML, not a mapping, or has no valid `flavors` or `signature`.
 */
export function parseMLmodel(text: string, source = 'MLmodel'): MLmodel {
  let data: unknown;
  try {
    data = loadYaml(text, source);
  } catch (error) {
    if (JsfuncError.isInstance(error, 'ERR_YAML_INVALID')) {
      const { line, column } = error.details as { line?: number; column?: number };
      const where = line === undefined ? '' : ` at line ${line}, column ${column}`;
      invalidMLmodel(source, `it is not valid YAML${where} (${error.message})`, { line, column }, error);
    }
    throw error;
  }
  if (!isRecord(data)) invalidMLmodel(source, `the document is ${describe(data)}, not a mapping`);
  const flavors = data.flavors;
  if (!isRecord(flavors)) {
    invalidMLmodel(
      source,
      flavors === undefined ? 'it has no "flavors" key' : `"flavors" is ${describe(flavors)}, not a mapping`,
      { key: 'flavors' },
    );
  }
  for (const [name, block] of Object.entries(flavors)) {
    if (!isRecord(block)) {
      invalidMLmodel(source, `the flavor block "flavors.${name}" is ${describe(block)}, not a mapping`, {
        key: `flavors.${name}`,
      });
    }
  }
  const model: Record<string, unknown> = { ...data };
  if (model.signature === null) delete model.signature;
  if (model.signature !== undefined) {
    const signature = model.signature;
    if (!isRecord(signature)) {
      invalidMLmodel(source, `"signature" is ${describe(signature)}, not a mapping`, { key: 'signature' });
    }
    for (const field of ['inputs', 'outputs', 'params']) {
      const value = signature[field];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        invalidMLmodel(source, `"signature.${field}" is ${describe(value)}, not a JSON string or null`, {
          key: `signature.${field}`,
        });
      }
    }
    if (signature.inputs === undefined) signature.inputs = null;
    if (signature.outputs === undefined) signature.outputs = null;
  }
  if (model.model_uuid === undefined) model.model_uuid = null;
  if (model.mlflow_version === undefined) model.mlflow_version = null;
  return model as MLmodel;
}

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        Object.defineProperty(result, key, { value: dropUndefined(item), enumerable: true, writable: true, configurable: true });
      }
    }
    return result;
  }
  return value;
}

/**
 * Writes an MLmodel descriptor as the exact text MLflow writes: block YAML, keys sorted,
 * signature fields as quoted JSON strings. Keys whose value is `undefined` are left out, and
 * `mlflow_version`, `artifact_path` and `run_id` are left out when null (as MLflow does, because
 * model serving may not handle them); other nulls are written as `null`.
 * @throws JsfuncError `ERR_YAML_UNSUPPORTED_VALUE` when a value is not plain data.
 */
export function serializeMLmodel(model: MLmodel): string {
  const data = dropUndefined(model) as Record<string, unknown>;
  for (const key of ['mlflow_version', 'artifact_path', 'run_id']) {
    if (data[key] === null) delete data[key];
  }
  return dumpYaml(data);
}

/** A new model id as MLflow makes it (`uuid.uuid4().hex`): 32 lowercase hex characters. */
export function createModelUuid(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}

/**
 * Formats an instant as MLflow's `utc_time_created`: Python's `str(datetime)` of the UTC time,
 * `YYYY-MM-DD HH:MM:SS.ffffff`, without the fraction when it is zero. JavaScript dates have
 * millisecond precision, so the last three digits of the fraction are always `000`.
 */
export function formatUtcTimeCreated(date: Date = new Date()): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const milliseconds = date.getUTCMilliseconds();
  return milliseconds === 0 ? base : `${base}.${pad(milliseconds * 1000, 6)}`;
}
