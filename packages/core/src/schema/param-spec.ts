/**
 * `ParamSpec`: one inference parameter of a signature (name, type, default, shape), and the value
 * validation MLflow applies to parameters (`_enforce_param_datatype`).
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import { YamlFloat } from '../mlmodel/pyyaml-emitter.js';
import {
  type DataTypeName,
  DATA_TYPE_NAMES,
  type ObjectType,
  columnTypeFromDict,
  columnTypeToDict,
  formatColumnType,
  isDataTypeName,
} from './data-type.js';
import { enforceObjectValue, parseIsoDatetime } from './enforce-value.js';
import { isoFormat, pythonStr, pythonTuple, pythonTypeName } from './python-format.js';

/** The type of a parameter: a primitive other than binary, or an object. */
export type ParamType = Exclude<DataTypeName, 'binary'> | ObjectType;

/** A problem with a parameter value; the message is MLflow's. */
class ParamValueError extends Error {}

const PYTHON_CLASS: Record<string, string> = {
  str: "<class 'str'>",
  int: "<class 'int'>",
  float: "<class 'float'>",
  bool: "<class 'bool'>",
  list: "<class 'list'>",
  dict: "<class 'dict'>",
  bytes: "<class 'bytes'>",
  NoneType: "<class 'NoneType'>",
  datetime: "<class 'datetime.datetime'>",
};

function pythonClass(value: unknown): string {
  const name = pythonTypeName(value);
  return PYTHON_CLASS[name] ?? `<class '${name}'>`;
}

function isScalar(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    value instanceof Uint8Array
  );
}

/**
 * MLflow's `_enforce_param_datatype` for one scalar value, in JavaScript terms: `null` passes;
 * datetime accepts a `Date` or an ISO string (returned as a `Date`); integer/long accept integer
 * numbers (and bigints); float/double accept any number (JS numbers carry no width); boolean and
 * string need exactly that type. Throws with MLflow's message otherwise.
 */
function enforceParamScalar(value: unknown, type: Exclude<DataTypeName, 'binary'>): unknown {
  if (value === null || value === undefined) return null;
  const target = `DataType.${type}`;
  if (type === 'datetime') {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
    const parsed = typeof value === 'string' ? parseIsoDatetime(value) : undefined;
    if (parsed) return parsed;
    throw new ParamValueError(`Failed to convert value \`${pythonStr(value)}\` from type \`${pythonClass(value)}\` to \`${target}\``);
  }
  if (!isScalar(value)) {
    throw new ParamValueError(`Value must be a scalar for type \`${target}\`, got \`${pythonStr(value)}\``);
  }
  const fail = (): never => {
    throw new ParamValueError(
      `Can not safely convert \`${pythonClass(value)}\` to \`${target}\` for value \`${pythonStr(value)}\``,
    );
  };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : fail();
    case 'boolean':
      return typeof value === 'boolean' ? value : fail();
    case 'integer':
    case 'long':
      if (typeof value === 'bigint') {
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      return typeof value === 'number' && Number.isInteger(value) ? value : fail();
    case 'float':
    case 'double':
      if (typeof value === 'bigint') return Number(value);
      return typeof value === 'number' ? value : fail();
  }
}

function ndim(value: unknown): number {
  let depth = 0;
  let current = value;
  while (Array.isArray(current) || (ArrayBuffer.isView(current) && !(current instanceof DataView))) {
    depth += 1;
    current = Array.isArray(current) ? current[0] : undefined;
    if (current === undefined) break;
  }
  return depth;
}

function isOneDimensional(value: unknown): value is ArrayLike<unknown> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return true;
  return Array.isArray(value) && value.every((item) => !Array.isArray(item) && !ArrayBuffer.isView(item));
}

/** Options of {@link ParamSpec}. */
export interface ParamSpecOptions {
  /** The parameter name. */
  name: string;
  /** The parameter type (`binary` is not allowed). */
  type: DataTypeName | ObjectType;
  /** The default value, validated and converted like any value. */
  default: unknown;
  /** `null` for a scalar or object, `[-1]` for a 1-D list. */
  shape?: readonly number[] | null;
}

/** One inference parameter (MLflow `ParamSpec`). */
export class ParamSpec {
  /** The parameter name. */
  readonly name: string;
  /** The parameter type. */
  readonly type: ParamType;
  /** The default value after validation (datetimes become `Date`s). */
  readonly default: unknown;
  /** `null` for scalars and objects, `[-1]` for 1-D lists. */
  readonly shape: readonly number[] | null;

  /**
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for a binary type, a shape other than null or [-1],
   *   or a default that does not fit the type and shape (MLflow's messages).
   */
  constructor(options: ParamSpecOptions) {
    this.name = String(options.name);
    this.shape = options.shape === null || options.shape === undefined ? null : [...options.shape];
    const type = options.type;
    if (type === 'binary') {
      throw jsfuncError(
        'ERR_SCHEMA_INVALID',
        `Binary type is not supported for parameters, ParamSpec '${this.name}' has dtype 'binary'`,
        { name: this.name },
      );
    }
    if (!isDataTypeName(type) && !(typeof type === 'object' && type?.type === 'object')) {
      const supported = DATA_TYPE_NAMES.filter((name) => name !== 'binary');
      throw jsfuncError(
        'ERR_SCHEMA_INVALID',
        `Unsupported type '${String(type)}', expected instance of DataType or one of ${supported.join(', ')}`,
        { name: this.name },
      );
    }
    this.type = type;
    this.default = options.default; // makes toString work while validating
    try {
      this.default = this.validate(options.default);
    } catch (error) {
      throw jsfuncError('ERR_SCHEMA_INVALID', (error as Error).message, { name: this.name }, error);
    }
  }

  /**
   * Validates (and converts) a value for this parameter, as MLflow's
   * `ParamSpec.validate_type_and_shape`.
   * @throws Error with MLflow's message ("Failed to validate type and shape for ...", "Value must
   *   be a 1D array with shape (-1,) ...") when the value does not fit.
   */
  validate(value: unknown): unknown {
    const spec = this.toString();
    const isList = this.shape !== null && this.shape.length === 1 && this.shape[0] === -1;
    if (isList && !isOneDimensional(value)) {
      throw new ParamValueError(
        `Value must be a 1D array with shape (-1,) for param ${spec}, received ${pythonTypeName(value)} with ndim ${ndim(value)}`,
      );
    }
    if (this.shape === null || isList) {
      try {
        if (isList) {
          const type = this.type;
          if (typeof type !== 'string') {
            return Array.from(value as ArrayLike<unknown>, (item) => {
              enforceObjectValue(item, type, true);
              return item;
            });
          }
          return Array.from(value as ArrayLike<unknown>, (item) => enforceParamScalar(item, type));
        }
        if (typeof this.type === 'string') return enforceParamScalar(value, this.type);
        enforceObjectValue(value, this.type, true);
        return value;
      } catch (error) {
        throw new ParamValueError(`Failed to validate type and shape for ${spec}, error: ${(error as Error).message}`);
      }
    }
    throw new ParamValueError(
      `Shape must be None for scalar or dictionary value, or (-1,) for 1D array value for ParamSpec ${spec}), received ${pythonTuple(this.shape)}`,
    );
  }

  /**
   * The JSON dict MLflow writes: `name`, `default`, `shape`, then the type (`type`, or the object
   * type's keys). Datetime defaults are written as ISO strings, float/double defaults as floats.
   */
  toDict(): Record<string, unknown> {
    const convert = (item: unknown): unknown => {
      if (item instanceof Date) return isoFormat(item);
      if ((this.type === 'float' || this.type === 'double') && typeof item === 'number') return new YamlFloat(item);
      return item;
    };
    const defaultValue = Array.isArray(this.default) ? this.default.map(convert) : convert(this.default);
    const dict: Record<string, unknown> = {
      name: this.name,
      default: defaultValue,
      shape: this.shape === null ? null : [...this.shape],
    };
    Object.assign(dict, columnTypeToDict(this.type));
    return dict;
  }

  /** A plain JSON-friendly view (floats as numbers). */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      JSON.stringify(this.toDict(), (_key, value: unknown) => (value instanceof YamlFloat ? value.value : value)),
    ) as Record<string, unknown>;
  }

  /**
   * Reads a ParamSpec from its JSON dict; the legacy key `dtype` is accepted for `type`.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for missing keys or invalid values.
   */
  static fromDict(dict: Record<string, unknown>): ParamSpec {
    const typeName = dict.type ?? dict.dtype;
    if (!('name' in dict) || !('default' in dict) || typeName === undefined) {
      throw jsfuncError(
        'ERR_SCHEMA_INVALID',
        `Missing keys in ParamSpec JSON. Expected to find keys \`name\`, \`type\`(or \`dtype\`) and \`default\`. Received keys: ${Object.keys(dict).join(', ')}`,
        { dict },
      );
    }
    const type =
      typeName === 'object'
        ? (columnTypeFromDict({ ...dict, type: 'object' }) as ObjectType)
        : (typeName as DataTypeName);
    return new ParamSpec({
      name: String(dict.name),
      type,
      default: dict.default,
      shape: Array.isArray(dict.shape) ? (dict.shape as number[]) : null,
    });
  }

  /** True when `other` has the same name, type, shape and default. */
  equals(other: unknown): boolean {
    return other instanceof ParamSpec && JSON.stringify(other.toJSON()) === JSON.stringify(this.toJSON());
  }

  /** MLflow's repr: `'a': boolean (default: True) (shape: (-1,))`. */
  toString(): string {
    const shape = this.shape === null ? '' : ` (shape: ${pythonTuple(this.shape)})`;
    return `'${this.name}': ${formatColumnType(this.type)} (default: ${pythonStr(this.default)})${shape}`;
  }
}
