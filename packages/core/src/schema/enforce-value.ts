/**
 * Per-value type enforcement for composite column types and object params (MLflow
 * `_enforce_type`, `_enforce_array`, `_enforce_object`, `_enforce_map`), in JavaScript terms.
 * @module
 */
import { type ColumnType, type DataTypeName, type ObjectType, formatColumnType } from './data-type.js';
import { pythonRepr, pythonTypeName } from './python-format.js';

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Parses an ISO-8601 date or date-time (naive times are UTC), or returns undefined. */
export function parseIsoDatetime(text: string): Date | undefined {
  if (!ISO_DATETIME.test(text)) return undefined;
  let normalised = text.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(normalised)) normalised += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(normalised)) normalised += 'Z';
  normalised = normalised.replace(/(\.\d{3})\d+/, '$1');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks one scalar against a primitive type and returns it in canonical form: integer/long
 * accept integer numbers (integer within int32) and bigints; float/double accept numbers;
 * boolean, string need that type; binary needs a Uint8Array; datetime accepts a Date or an ISO
 * string (returned as a Date). Throws an Error with MLflow's wording otherwise.
 */
export function enforceScalarValue(value: unknown, type: DataTypeName, required: boolean): unknown {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value) && type !== 'float' && type !== 'double')) {
    if (!required) return null;
  }
  const isScalar =
    ['string', 'number', 'boolean', 'bigint'].includes(typeof value) || value instanceof Uint8Array || value instanceof Date;
  if (!isScalar) throw new Error(`Expected data to be scalar, got ${pythonTypeName(value)}`);
  const fail = (): never => {
    throw new Error(`Incompatible input types. Can not safely convert ${pythonTypeName(value)} to ${type}.`);
  };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : fail();
    case 'boolean':
      return typeof value === 'boolean' ? value : fail();
    case 'integer':
      if (typeof value === 'bigint' && value >= INT32_MIN && value <= INT32_MAX) return Number(value);
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? value : fail();
    case 'long':
      if (typeof value === 'bigint') return value;
      return typeof value === 'number' && Number.isInteger(value) ? value : fail();
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : fail();
    case 'binary':
      return value instanceof Uint8Array ? value : fail();
    case 'datetime': {
      if (value instanceof Date) return value;
      const parsed = typeof value === 'string' ? parseIsoDatetime(value) : undefined;
      return parsed ?? fail();
    }
  }
}

/** Enforces an object value against an {@link ObjectType}; returns the value with converted properties. */
export function enforceObjectValue(value: unknown, type: ObjectType, required: boolean): unknown {
  if (!required && (value === null || value === undefined || (isPlainObject(value) && Object.keys(value).length === 0))) {
    return value ?? null;
  }
  if (!isPlainObject(value)) throw new Error(`Expected data to be dictionary, got ${pythonTypeName(value)}`);
  const names = new Set(type.properties.map((item) => item.name));
  const missing = type.properties.filter((item) => item.required && !(item.name in value)).map((item) => item.name);
  if (missing.length > 0) throw new Error(`Missing required properties: {${missing.map((name) => pythonRepr(name)).join(', ')}}`);
  const extra = Object.keys(value).filter((key) => !names.has(key));
  if (extra.length > 0) {
    throw new Error(`Invalid properties not defined in the schema found: {${extra.map((name) => pythonRepr(name)).join(', ')}}`);
  }
  const result: Record<string, unknown> = {};
  for (const item of type.properties) {
    if (!(item.name in value)) continue;
    try {
      result[item.name] = enforceValue(value[item.name], item.dtype, item.required);
    } catch (error) {
      throw new Error(
        `Failed to enforce schema for key \`${item.name}\`. Expected type ${formatColumnType(item.dtype)}, received type ${pythonTypeName(value[item.name])}`,
        { cause: error },
      );
    }
  }
  return result;
}

/**
 * Enforces one value against any column type (MLflow `_enforce_type`). `Any` passes everything;
 * arrays need a JS array or typed array; objects and maps need plain objects.
 */
export function enforceValue(value: unknown, type: ColumnType, required = true): unknown {
  if (typeof type === 'string') return enforceScalarValue(value, type, required);
  switch (type.type) {
    case 'any':
    case 'sparkml_vector':
      return value;
    case 'array': {
      if ((value === null || value === undefined) && (!required || (typeof type.items !== 'string' && type.items.type === 'any'))) {
        return null;
      }
      const isArray = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
      if (!isArray) throw new Error(`Expected data to be list or numpy array, got ${pythonTypeName(value)}`);
      return Array.from(value as ArrayLike<unknown>, (item) => enforceValue(item, type.items, true));
    }
    case 'object':
      return enforceObjectValue(value, type, required);
    case 'map': {
      if (!required && (value === null || value === undefined)) return null;
      if (!isPlainObject(value)) throw new Error(`Expected data to be a dict, got ${pythonTypeName(value)}`);
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) result[key] = enforceValue(item, type.values, true);
      return result;
    }
  }
}
