/**
 * `ParamSchema`: the inference parameters a model accepts.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import { ParamSpec } from './param-spec.js';
import { pythonJsonDumps, pythonRepr } from './python-format.js';

/** The list of parameters of a signature (MLflow `ParamSchema`). */
export class ParamSchema {
  /** The parameter specs, in order. */
  readonly params: readonly ParamSpec[];

  /** @throws JsfuncError `ERR_SCHEMA_INVALID` when two params share a name. */
  constructor(params: readonly ParamSpec[]) {
    const names = params.map((param) => param.name);
    const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
    if (duplicates.length > 0) {
      throw jsfuncError('ERR_SCHEMA_INVALID', `Duplicated parameters found in schema: ${pythonRepr(duplicates)}`, {
        duplicates,
      });
    }
    this.params = [...params];
  }

  /** The spec of the parameter called `name`, if any. */
  get(name: string): ParamSpec | undefined {
    return this.params.find((param) => param.name === name);
  }

  /** The list of param dicts, as MLflow writes them. */
  toDict(): Array<Record<string, unknown>> {
    return this.params.map((param) => param.toDict());
  }

  /** A plain JSON-friendly view. */
  toJSON(): Array<Record<string, unknown>> {
    return this.params.map((param) => param.toJSON());
  }

  /** The JSON text MLflow writes in a signature (Python `json.dumps` formatting). */
  toJsonString(): string {
    return pythonJsonDumps(this.toDict());
  }

  /**
   * Reads a param schema from its list of dicts.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for malformed specs.
   */
  static fromDict(list: unknown): ParamSchema {
    if (!Array.isArray(list)) {
      throw jsfuncError('ERR_SCHEMA_INVALID', `Expected a param schema to be a JSON list, got ${typeof list}.`, {});
    }
    return new ParamSchema(
      list.map((item: unknown) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          throw jsfuncError('ERR_SCHEMA_INVALID', `Expected each ParamSpec to be a JSON object, got ${JSON.stringify(item)}.`, {});
        }
        return ParamSpec.fromDict(item as Record<string, unknown>);
      }),
    );
  }

  /**
   * Reads a param schema from the JSON text MLflow writes.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for bad JSON or specs.
   */
  static fromJsonString(text: string): ParamSchema {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw jsfuncError('ERR_SCHEMA_INVALID', `Expected the params schema to be JSON text, but it could not be parsed: ${(error as Error).message}.`, { text }, error);
    }
    return ParamSchema.fromDict(parsed);
  }

  /** True when both have equal params in the same order. */
  equals(other: unknown): boolean {
    return (
      other instanceof ParamSchema &&
      other.params.length === this.params.length &&
      other.params.every((param, index) => param.equals(this.params[index]))
    );
  }

  /** MLflow's repr. */
  toString(): string {
    return `[${this.params.map(String).join(', ')}]`;
  }
}
