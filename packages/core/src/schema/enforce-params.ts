/**
 * Inference parameter enforcement: MLflow's `_enforce_params_schema` in JavaScript terms.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { ParamsV1 } from '../spec/v1/tensor.js';
import type { WarningLogger } from './enforce-schema.js';
import type { ParamSchema } from './param-schema.js';
import { pythonRepr, pythonTypeName } from './python-format.js';

const silentLogger: WarningLogger = { warn: () => undefined };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks inference parameters against the signature's params schema and fills in defaults.
 *
 * - No params schema: nothing given passes as `{}`; given params are ignored with a warning.
 * - With a schema: params must be an object (or a `Map`, whose non-string keys are turned into
 *   strings with a warning); unknown params are dropped with a warning; missing params take their
 *   defaults; each value is validated and converted (integer numbers for integer/long, any number
 *   for float/double, `Date` or ISO string for datetime, 1-D arrays for shape `[-1]`).
 * @param params The params the caller gave (may be undefined).
 * @param paramSchema The signature's params schema, if any.
 * @param logger Receives warnings; default: silent.
 * @returns The params to hand to the model.
 * @throws JsfuncError `ERR_PARAMS_INVALID` with MLflow's message for a non-object or invalid values
 *   (`details.invalid`: name -> message).
 */
export function enforceParams(
  params: unknown,
  paramSchema: ParamSchema | undefined,
  logger: WarningLogger = silentLogger,
): ParamsV1 {
  if (paramSchema === undefined) {
    const empty =
      params === undefined ||
      params === null ||
      (isPlainObject(params) && Object.keys(params).length === 0) ||
      (params instanceof Map && params.size === 0);
    if (!empty) {
      const names = params instanceof Map ? [...params.keys()].map(String) : isPlainObject(params) ? Object.keys(params) : [];
      logger.warn(
        `\`params\` can only be specified at inference time if the model signature defines a params schema. This model does not define a params schema. Ignoring provided params: ${pythonRepr(names)}`,
        { ignored: names },
      );
    }
    return {};
  }
  let given: Record<string, unknown>;
  if (params === undefined || params === null) given = {};
  else if (params instanceof Map) {
    if ([...params.keys()].some((key) => typeof key !== 'string')) {
      logger.warn('Keys in parameters should be of type `str`, but received non-string keys. Converting all keys to string...');
    }
    given = Object.fromEntries([...params.entries()].map(([key, value]) => [String(key), value]));
  } else if (isPlainObject(params)) given = params;
  else {
    throw jsfuncError(
      'ERR_PARAMS_INVALID',
      `Parameters must be a dictionary. Got type '${pythonTypeName(params)}'.`,
      { expected: 'dict', found: pythonTypeName(params) },
    );
  }
  const supported = paramSchema.params.map((param) => param.name);
  const unknown = Object.keys(given).filter((name) => !supported.includes(name));
  if (unknown.length > 0) {
    logger.warn(
      `Unrecognized params ${pythonRepr(unknown)} are ignored for inference. Supported params are: {${supported
        .map((name) => pythonRepr(name))
        .join(', ')}}. To enable them, please add corresponding schema in ModelSignature.`,
      { ignored: unknown },
    );
  }
  const result: Record<string, unknown> = {};
  const invalid: Array<[string, string]> = [];
  for (const spec of paramSchema.params) {
    if (!(spec.name in given)) {
      result[spec.name] = spec.default;
      continue;
    }
    try {
      result[spec.name] = spec.validate(given[spec.name]);
    } catch (error) {
      invalid.push([spec.name, (error as Error).message]);
    }
  }
  if (invalid.length > 0) {
    throw jsfuncError(
      'ERR_PARAMS_INVALID',
      `Invalid parameters found: {${invalid.map(([name, message]) => `(${pythonRepr(name)}, ${pythonRepr(message)})`).join(', ')}}`,
      { invalid: Object.fromEntries(invalid) },
    );
  }
  return result;
}
