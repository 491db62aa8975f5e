import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { objectType, property } from './data-type.js';
import { ParamSchema } from './param-schema.js';
import { ParamSpec } from './param-spec.js';
import { thrownJsfuncError as specError } from '../__tests__/test-helpers.js';


describe('ParamSpec JSON (A7)', () => {
  it('A7: scalar and array params round-trip with shape null / [-1]', () => {
    const cases: Array<[ParamSpec, string]> = [
      [new ParamSpec({ name: 'a', type: 'string', default: 'x' }), '{"name": "a", "default": "x", "shape": null, "type": "string"}'],
      [new ParamSpec({ name: 'b', type: 'long', default: 1 }), '{"name": "b", "default": 1, "shape": null, "type": "long"}'],
      // Python writes a double default as a float: 1.0, not 1.
      [new ParamSpec({ name: 'c', type: 'double', default: 1 }), '{"name": "c", "default": 1.0, "shape": null, "type": "double"}'],
      [new ParamSpec({ name: 'd', type: 'boolean', default: true }), '{"name": "d", "default": true, "shape": null, "type": "boolean"}'],
      [new ParamSpec({ name: 'e', type: 'string', default: ['a', 'b'], shape: [-1] }), '{"name": "e", "default": ["a", "b"], "shape": [-1], "type": "string"}'],
      [new ParamSpec({ name: 'f', type: 'double', default: [0.5, 2], shape: [-1] }), '{"name": "f", "default": [0.5, 2.0], "shape": [-1], "type": "double"}'],
    ];
    for (const [spec, json] of cases) {
      const schema = new ParamSchema([spec]);
      expect(schema.toJsonString()).toBe(`[${json}]`);
      expect(ParamSchema.fromJsonString(schema.toJsonString()).equals(schema)).toBe(true);
    }
  });

  it('A7: a datetime default is written as an ISO string', () => {
    const spec = new ParamSpec({ name: 'when', type: 'datetime', default: '2023-06-26 00:00:00' });
    expect(spec.default).toEqual(new Date(Date.UTC(2023, 5, 26)));
    expect(new ParamSchema([spec]).toJsonString()).toBe(
      '[{"name": "when", "default": "2023-06-26T00:00:00", "shape": null, "type": "datetime"}]',
    );
  });

  it('A7: the legacy `dtype` key is accepted', () => {
    const spec = ParamSpec.fromDict({ name: 'a', dtype: 'long', default: 5, shape: null });
    expect(spec.type).toBe('long');
    expect(spec.toDict()).toEqual({ name: 'a', default: 5, shape: null, type: 'long' });
  });

  it('A7: object params spread the object type', () => {
    const spec = new ParamSpec({ name: 'cfg', type: objectType([property('k', 'long')]), default: { k: 1 } });
    expect(new ParamSchema([spec]).toJsonString()).toBe(
      '[{"name": "cfg", "default": {"k": 1}, "shape": null, "type": "object", "properties": {"k": {"type": "long", "required": true}}}]',
    );
  });
});

describe('ParamSpec errors (A8)', () => {
  it('A8: binary is not supported', () => {
    const error = specError(() => new ParamSpec({ name: 'a', type: 'binary', default: null }));
    expect(error.code).toBe('ERR_SCHEMA_INVALID');
    expect(error.message).toContain('Binary type is not supported for parameters');
  });
  it('A8: integer default "1.0" fails validation', () => {
    expect(specError(() => new ParamSpec({ name: 'a', type: 'integer', default: '1.0' })).message).toContain(
      "Failed to validate type and shape for 'a'",
    );
  });
  it('A8: long default [1, 2, 3] with shape null must be a scalar', () => {
    expect(specError(() => new ParamSpec({ name: 'a', type: 'long', default: [1, 2, 3] })).message).toContain(
      'Value must be a scalar for type `DataType.long`',
    );
  });
  it('A8: boolean default true with shape [-1] must be a 1D array', () => {
    expect(specError(() => new ParamSpec({ name: 'a', type: 'boolean', default: true, shape: [-1] })).message).toContain(
      "Value must be a 1D array with shape (-1,) for param 'a': boolean (default: True) (shape: (-1,)), received bool",
    );
  });
  it('A8: shape [2] is not allowed', () => {
    expect(specError(() => new ParamSpec({ name: 'a', type: 'long', default: [1, 2], shape: [2] })).message).toContain(
      'Shape must be None for scalar or dictionary value, or (-1,) for 1D array value',
    );
  });
  it('A8: datetime default 1.0 cannot be converted', () => {
    // JS meaning: a number (1.5 here; JS cannot tell 1.0 from 1) is not a date.
    expect(specError(() => new ParamSpec({ name: 'a', type: 'datetime', default: 1.5 })).message).toContain(
      "Failed to convert value `1.5` from type `<class 'float'>` to `DataType.datetime`",
    );
  });
  it('duplicate names in a ParamSchema are rejected', () => {
    const spec = new ParamSpec({ name: 'a', type: 'long', default: 1 });
    expect(() => new ParamSchema([spec, spec])).toThrow("Duplicated parameters found in schema: ['a']");
  });
});
