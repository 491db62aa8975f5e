import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { parseMLmodel } from '../mlmodel/mlmodel.js';
import { ColSpec } from './col-spec.js';
import { arrayType, objectType, property } from './data-type.js';
import { ModelSignature } from './model-signature.js';
import { ParamSchema } from './param-schema.js';
import { ParamSpec } from './param-spec.js';
import { Schema } from './schema.js';
import { TensorSpec } from './tensor-spec.js';

const fixturesDirectory = new URL('../../../../../shared/fixtures/mlmodel/', import.meta.url);

describe('ModelSignature', () => {
  it('A5: signature strings are byte-identical to MLflow json.dumps output', () => {
    expect(new ModelSignature({ inputs: new Schema([new ColSpec('binary')]) }).toDict()).toEqual({
      inputs: '[{"type": "binary", "required": true}]',
      outputs: null,
      params: null,
    });
    expect(new ModelSignature({ outputs: new Schema([new ColSpec('double')]) }).toDict()).toEqual({
      inputs: null,
      outputs: '[{"type": "double", "required": true}]',
      params: null,
    });
    const params = new ParamSchema([new ParamSpec({ name: 'param1', type: 'string', default: 'test' })]);
    expect(new ModelSignature({ params }).toDict()).toEqual({
      inputs: null,
      outputs: null,
      params: '[{"name": "param1", "default": "test", "shape": null, "type": "string"}]',
    });
  });

  it('A5: composite, tensor and unicode specs follow MLflow key order and escaping', () => {
    const inputs = new Schema([
      new ColSpec(arrayType(objectType([property('role', 'string'), property('content', 'string')])), { name: 'messages' }),
      new ColSpec('string', { name: 'caf\u00e9', required: false }),
    ]);
    expect(inputs.toJsonString()).toBe(
      '[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}, {"type": "string", "name": "caf\\u00e9", "required": false}]',
    );
    expect(new Schema([new TensorSpec('float32', [-1, 28, 28], 'x')]).toJsonString()).toBe(
      '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]',
    );
  });

  it('A6: a signature needs inputs, outputs or params', () => {
    let caught: unknown;
    try {
      new ModelSignature({});
    } catch (error) {
      caught = error;
    }
    expect(JsfuncError.isInstance(caught, 'ERR_SCHEMA_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('At least one of inputs, outputs or params must be provided');
    expect(() => ModelSignature.fromDict({ inputs: null, outputs: '', params: null })).toThrow(
      'At least one of inputs, outputs or params must be provided',
    );
  });

  it('fromDict -> toDict round-trips the signatures of real MLmodel files', () => {
    const names = readdirSync(fixturesDirectory).filter((name) => name.endsWith('.MLmodel'));
    let checked = 0;
    for (const name of names) {
      const model = parseMLmodel(readFileSync(new URL(name, fixturesDirectory), 'utf8'), name);
      if (!model.signature) continue;
      const signature = ModelSignature.fromDict(model.signature);
      const dict = signature.toDict();
      if (name.startsWith('05_')) {
        // Hand-made UI fixture: its ColSpec has no `required` (pre-2.10 form); MLflow reads it as
        // required and writes `"required": true` back, as we do.
        expect(dict.inputs).toBe('[{"type": "double", "name": "test_model_input", "required": true}]');
        expect(signature.outputs?.inputs[0]).toBeInstanceOf(TensorSpec);
        expect(dict.outputs).toBe('[{"name": "test_model_output", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]');
      } else {
        expect(dict).toEqual({ inputs: model.signature.inputs, outputs: model.signature.outputs, params: model.signature.params ?? null });
      }
      checked += 1;
    }
    expect(checked).toBe(3);
  });

  it('toJSON gives a plain object view and equals compares structurally', () => {
    const signature = new ModelSignature({ inputs: new Schema([new ColSpec('long', { name: 'x' })]) });
    expect(signature.toJSON()).toEqual({ inputs: [{ type: 'long', name: 'x', required: true }], outputs: null, params: null });
    expect(ModelSignature.fromDict(signature.toDict()).equals(signature)).toBe(true);
  });

  it('rejects signature text that is not JSON with ERR_SCHEMA_INVALID', () => {
    expect(() => ModelSignature.fromDict({ inputs: '[{', outputs: null })).toThrow(/could not be parsed/);
  });
});
