/**
 * `Schema`: the inputs or outputs of a model signature, a list of all-column or all-tensor specs.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import { ColSpec } from './col-spec.js';
import { pythonJsonDumps, pythonRepr } from './python-format.js';
import { TensorSpec } from './tensor-spec.js';

/** One spec of a schema. */
export type SchemaSpec = ColSpec | TensorSpec;

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw jsfuncError('ERR_SCHEMA_INVALID', message, details);
}

/**
 * A dataset description (MLflow `Schema`): either all {@link ColSpec}s or all {@link TensorSpec}s,
 * all named or all unnamed.
 */
export class Schema {
  /** The specs, in order. */
  readonly inputs: readonly SchemaSpec[];

  /**
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for an empty list, named and unnamed specs mixed,
   *   column and tensor specs mixed, several unnamed tensors, or unnamed optional columns.
   */
  constructor(inputs: readonly SchemaSpec[]) {
    if (!Array.isArray(inputs)) invalid(`Inputs of Schema must be a list, got type ${typeof inputs}`);
    if (inputs.length === 0) invalid('Creating Schema with empty inputs is not allowed.');
    const named = inputs.filter((spec) => spec.name !== null).length;
    if (named !== 0 && named !== inputs.length) {
      invalid(
        `Creating Schema with a combination of named and unnamed inputs is not allowed. Got input names ${pythonRepr(
          inputs.map((spec) => spec.name),
        ).replaceAll('null', 'None')}`,
        { names: inputs.map((spec) => spec.name) },
      );
    }
    const tensors = inputs.filter((spec) => spec instanceof TensorSpec).length;
    const columns = inputs.filter((spec) => spec instanceof ColSpec).length;
    if (tensors + columns !== inputs.length || (tensors !== 0 && columns !== 0)) {
      invalid(
        'Creating Schema with a combination of ColSpec and TensorSpec is not supported. Please choose one of ColSpec or TensorSpec',
      );
    }
    if (tensors > 1 && named === 0) {
      invalid(
        'Creating Schema with multiple unnamed TensorSpecs is not supported. Please provide names for each TensorSpec.',
      );
    }
    if (named === 0 && inputs.some((spec) => !spec.required)) {
      invalid(
        'Creating Schema with unnamed optional inputs is not supported. Please name all inputs or make all inputs required.',
      );
    }
    this.inputs = [...inputs];
  }

  /** True when the specs are TensorSpecs. */
  isTensorSpec(): boolean {
    return this.inputs[0] instanceof TensorSpec;
  }

  /** True when the specs are named. */
  hasInputNames(): boolean {
    return this.inputs[0]?.name !== null;
  }

  /** The names, or positions for an unnamed schema. */
  inputNames(): Array<string | number> {
    return this.inputs.map((spec, index) => spec.name ?? index);
  }

  /** The names (or positions) of the required specs. */
  requiredInputNames(): Array<string | number> {
    return this.inputs.flatMap((spec, index) => (spec.required ? [spec.name ?? index] : []));
  }

  /** The names (or positions) of the optional specs. */
  optionalInputNames(): Array<string | number> {
    return this.inputs.flatMap((spec, index) => (spec.required ? [] : [spec.name ?? index]));
  }

  /** The list of spec dicts, as MLflow writes them. */
  toDict(): Array<Record<string, unknown>> {
    return this.inputs.map((spec) => spec.toDict());
  }

  /** Same as {@link toDict}: the plain object view. */
  toJSON(): Array<Record<string, unknown>> {
    return this.toDict();
  }

  /** The JSON text MLflow writes in a signature (Python `json.dumps` formatting). */
  toJsonString(): string {
    return pythonJsonDumps(this.toDict());
  }

  /**
   * Reads a schema from its list of spec dicts; a spec is a TensorSpec iff its type is `tensor`.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for malformed specs or broken schema rules.
   */
  static fromDict(list: unknown): Schema {
    if (!Array.isArray(list)) invalid(`Expected a schema to be a JSON list of specs, got ${typeof list}.`);
    return new Schema(
      list.map((item: unknown) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          invalid(`Expected each schema spec to be a JSON object, got ${JSON.stringify(item)}.`);
        }
        const dict = item as Record<string, unknown>;
        return dict.type === 'tensor' ? TensorSpec.fromDict(dict) : ColSpec.fromDict(dict);
      }),
    );
  }

  /**
   * Reads a schema from the JSON text MLflow writes.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for bad JSON or a bad schema.
   */
  static fromJsonString(text: string): Schema {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw jsfuncError(
        'ERR_SCHEMA_INVALID',
        `Expected the schema to be JSON text, but it could not be parsed: ${(error as Error).message}.`,
        { text },
        error,
      );
    }
    return Schema.fromDict(parsed);
  }

  /** True when both schemas have equal specs in the same order. */
  equals(other: unknown): boolean {
    return (
      other instanceof Schema &&
      other.inputs.length === this.inputs.length &&
      other.inputs.every((spec, index) => spec.equals(this.inputs[index]))
    );
  }

  /** MLflow's repr: `['a': long (required), ...]`. */
  toString(): string {
    return `[${this.inputs.map(String).join(', ')}]`;
  }
}
