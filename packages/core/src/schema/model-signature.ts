/**
 * `ModelSignature`: a model's input, output and params schemas, as stored in `MLmodel`.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import { ParamSchema } from './param-schema.js';
import { Schema } from './schema.js';

/** The signature block of an MLmodel: JSON strings or null. */
export interface ModelSignatureDict {
  inputs: string | null;
  outputs: string | null;
  params: string | null;
}

/** Options of {@link ModelSignature}. */
export interface ModelSignatureOptions {
  inputs?: Schema | undefined;
  outputs?: Schema | undefined;
  params?: ParamSchema | undefined;
}

/** The description of a model's inputs, outputs and inference parameters (MLflow `ModelSignature`). */
export class ModelSignature {
  /** The input schema, if declared. */
  readonly inputs?: Schema;
  /** The output schema, if declared. */
  readonly outputs?: Schema;
  /** The params schema, if declared. */
  readonly params?: ParamSchema;

  /**
   * @throws JsfuncError `ERR_SCHEMA_INVALID` when none of inputs, outputs or params is given.
   */
  constructor(options: ModelSignatureOptions) {
    if (!options.inputs && !options.outputs && !options.params) {
      throw jsfuncError(
        'ERR_SCHEMA_INVALID',
        'At least one of inputs, outputs or params must be provided to create a model signature.',
        {},
      );
    }
    if (options.inputs) this.inputs = options.inputs;
    if (options.outputs) this.outputs = options.outputs;
    if (options.params) this.params = options.params;
  }

  /** The MLmodel `signature` block: each schema as Python `json.dumps` text, or null. */
  toDict(): ModelSignatureDict {
    return {
      inputs: this.inputs ? this.inputs.toJsonString() : null,
      outputs: this.outputs ? this.outputs.toJsonString() : null,
      params: this.params ? this.params.toJsonString() : null,
    };
  }

  /** A plain object view: the schemas as lists of spec objects, or null. */
  toJSON(): { inputs: unknown[] | null; outputs: unknown[] | null; params: unknown[] | null } {
    return {
      inputs: this.inputs ? this.inputs.toJSON() : null,
      outputs: this.outputs ? this.outputs.toJSON() : null,
      params: this.params ? this.params.toJSON() : null,
    };
  }

  /**
   * Reads a signature from an MLmodel `signature` block. Empty strings and null mean absent.
   * @throws JsfuncError `ERR_SCHEMA_INVALID` for bad JSON, bad schemas or an empty signature.
   */
  static fromDict(dict: { inputs?: string | null; outputs?: string | null; params?: string | null }): ModelSignature {
    return new ModelSignature({
      inputs: dict.inputs ? Schema.fromJsonString(dict.inputs) : undefined,
      outputs: dict.outputs ? Schema.fromJsonString(dict.outputs) : undefined,
      params: dict.params ? ParamSchema.fromJsonString(dict.params) : undefined,
    });
  }

  /** True when all three parts are equal. */
  equals(other: unknown): boolean {
    if (!(other instanceof ModelSignature)) return false;
    const same = (a: { equals(x: unknown): boolean } | undefined, b: unknown): boolean =>
      a === undefined ? b === undefined : a.equals(b);
    return same(this.inputs, other.inputs) && same(this.outputs, other.outputs) && same(this.params, other.params);
  }
}
