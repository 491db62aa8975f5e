import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { ColSpec } from './col-spec.js';
import { anyType, arrayType, columnTypeFromDict, mapType, objectType, property } from './data-type.js';
import { Schema } from './schema.js';
import { TensorSpec } from './tensor-spec.js';
import { thrownJsfuncError as schemaError } from '../__tests__/test-helpers.js';


describe('Schema construction (A9)', () => {
  it('A9: empty list is rejected', () => {
    const error = schemaError(() => new Schema([]));
    expect(error.code).toBe('ERR_SCHEMA_INVALID');
    expect(error.message).toContain('Creating Schema with empty inputs is not allowed.');
  });
  it('A9: mixed named and unnamed inputs are rejected', () => {
    expect(schemaError(() => new Schema([new ColSpec('long', { name: 'a' }), new ColSpec('long')])).message).toContain(
      "combination of named and unnamed inputs is not allowed. Got input names ['a', None]",
    );
  });
  it('A9: mixed column and tensor specs are rejected', () => {
    expect(
      schemaError(() => new Schema([new ColSpec('long', { name: 'a' }), new TensorSpec('float32', [-1], 'b')])).message,
    ).toContain('Creating Schema with a combination of ColSpec and TensorSpec is not supported');
  });
  it('A9: two unnamed tensor specs are rejected', () => {
    expect(schemaError(() => new Schema([new TensorSpec('float32', [-1]), new TensorSpec('int64', [-1])])).message).toContain(
      'Creating Schema with multiple unnamed TensorSpecs is not supported',
    );
  });
  it('A9: an unnamed optional column is rejected', () => {
    expect(schemaError(() => new Schema([new ColSpec('long', { required: false })])).message).toContain(
      'Creating Schema with unnamed optional inputs is not supported',
    );
  });
  it('accepts valid schemas and reports names', () => {
    const schema = new Schema([new ColSpec('long', { name: 'a' }), new ColSpec('string', { name: 'b', required: false })]);
    expect(schema.hasInputNames()).toBe(true);
    expect(schema.isTensorSpec()).toBe(false);
    expect(schema.requiredInputNames()).toEqual(['a']);
    expect(schema.optionalInputNames()).toEqual(['b']);
    expect(new Schema([new ColSpec('double'), new ColSpec('double')]).inputNames()).toEqual([0, 1]);
    expect(String(schema)).toBe("['a': long (required), 'b': string (optional)]");
  });
});

describe('ColSpec', () => {
  it('reads the required quirk: primitive defaults to required, composite to optional', () => {
    expect(ColSpec.fromDict({ type: 'double', name: 'x' }).required).toBe(true);
    expect(ColSpec.fromDict({ type: 'array', items: { type: 'long' }, name: 'x' }).required).toBe(false);
    expect(ColSpec.fromDict({ type: 'any', name: 'x' }).required).toBe(false);
    expect(ColSpec.fromDict({ type: 'map', values: { type: 'string' }, name: 'x', required: true }).required).toBe(true);
  });
  it('writes the type dict first, then name, then required', () => {
    expect(new ColSpec(mapType('long'), { name: 'm' }).toDict()).toEqual({ type: 'map', values: { type: 'long' }, name: 'm', required: true });
    expect(Object.keys(new ColSpec(anyType(), { name: 'x', required: false }).toDict())).toEqual(['type', 'name', 'required']);
  });
  it('rejects unknown types', () => {
    expect(() => ColSpec.fromDict({ type: 'decimal' })).toThrow(/Unsupported type 'decimal'/);
    expect(() => ColSpec.fromDict({ name: 'x' })).toThrow(/Expected to find key `type`/);
  });
});

describe('composite types', () => {
  it('sorts object properties by name and rejects duplicates or empty objects', () => {
    const type = objectType([property('b', 'long'), property('a', arrayType('string'), false)]);
    expect(type.properties.map((item) => item.name)).toEqual(['a', 'b']);
    expect(() => objectType([])).toThrow('Creating Object with empty properties is not allowed.');
    expect(() => objectType([property('a', 'long'), property('a', 'long')])).toThrow(/duplicated property names/);
  });
  it('round-trips nested type dicts', () => {
    const dict = { type: 'array', items: { type: 'object', properties: { a: { type: 'map', values: { type: 'any' }, required: false } } } };
    expect(new ColSpec(columnTypeFromDict(dict)).toDict()).toEqual({ ...dict, required: true });
  });
});

describe('TensorSpec', () => {
  it('writes name first and keeps -1 dims', () => {
    expect(new TensorSpec('uint8', [-1, 300, 300, 3], 'image').toDict()).toEqual({
      name: 'image',
      type: 'tensor',
      'tensor-spec': { dtype: 'uint8', shape: [-1, 300, 300, 3] },
    });
    expect(TensorSpec.fromDict({ type: 'tensor', 'tensor-spec': { dtype: 'datetime64[ns]', shape: [-1] } }).type).toBe('datetime64[ns]');
  });
  it('rejects sized flexible dtypes and unknown dtypes', () => {
    expect(() => new TensorSpec('str32', [-1])).toThrow('MLflow does not support size information in flexible numpy data types');
    expect(() => new TensorSpec('float', [-1])).toThrow(/Unsupported tensor dtype/);
    expect(() => new TensorSpec('float32', [-2])).toThrow(/list of integers/);
  });
});
