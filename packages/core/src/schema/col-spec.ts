/**
 * `ColSpec`: the name, type and required flag of one column of a column-based schema.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import {
  type ColumnType,
  columnTypeFromDict,
  columnTypeToDict,
  columnTypesEqual,
  formatColumnType,
} from './data-type.js';

/** Options of {@link ColSpec}. */
export interface ColSpecOptions {
  /** The column name; omit for an unnamed (positional) column. */
  name?: string | null;
  /** Whether the column must be present; default true. */
  required?: boolean;
}

/** A column of a column-based schema (MLflow `ColSpec`). */
export class ColSpec {
  /** Discriminant shared with {@link TensorSpec}. */
  readonly kind = 'column' as const;
  /** The column type. */
  readonly type: ColumnType;
  /** The column name, or null when unnamed. */
  readonly name: string | null;
  /** Whether the column must be present in inputs. */
  readonly required: boolean;

  constructor(type: ColumnType, options: ColSpecOptions = {}) {
    this.type = type;
    this.name = options.name ?? null;
    this.required = options.required ?? true;
  }

  /** The JSON dict MLflow writes: the type's dict, then `name` (if named), then `required`. */
  toDict(): Record<string, unknown> {
    const dict: Record<string, unknown> = { ...columnTypeToDict(this.type) };
    if (this.name !== null) dict.name = this.name;
    dict.required = this.required;
    return dict;
  }

  /** Same as {@link toDict}: the plain object view. */
  toJSON(): Record<string, unknown> {
    return this.toDict();
  }

  /**
   * Reads a ColSpec from its JSON dict. As in MLflow, a primitive column without `required` is
   * required, but an array/object/map/any column without `required` is optional (MLflow reads
   * `required=None` there; files written by MLflow >= 2.10 always carry the key).
   * @throws JsfuncError `ERR_SCHEMA_INVALID` when the dict has no valid `type`.
   */
  static fromDict(dict: Record<string, unknown>): ColSpec {
    if (!('type' in dict)) {
      throw jsfuncError('ERR_SCHEMA_INVALID', 'Missing keys in ColSpec JSON. Expected to find key `type`', { dict });
    }
    const type = columnTypeFromDict(dict);
    const name = typeof dict.name === 'string' ? dict.name : null;
    const required =
      dict.required === undefined || dict.required === null
        ? typeof type === 'string'
        : Boolean(dict.required);
    return new ColSpec(type, { name, required });
  }

  /** True when `other` is a ColSpec with the same name, type and required flag. */
  equals(other: unknown): boolean {
    return (
      other instanceof ColSpec &&
      other.name === this.name &&
      other.required === this.required &&
      columnTypesEqual(other.type, this.type)
    );
  }

  /** MLflow's repr: `'a': long (required)`. */
  toString(): string {
    const required = this.required ? 'required' : 'optional';
    const type = formatColumnType(this.type);
    return this.name === null ? `${type} (${required})` : `'${this.name}': ${type} (${required})`;
  }
}
