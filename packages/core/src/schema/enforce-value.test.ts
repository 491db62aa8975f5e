import { describe, expect, it } from 'vitest';
import { anyType, arrayType, mapType, objectType, property } from './data-type.js';
import { enforceValue, parseIsoDatetime } from './enforce-value.js';

describe('enforceValue', () => {
  const person = objectType([property('name', 'string'), property('age', 'long', false)]);
  it('checks objects like MLflow _enforce_object', () => {
    expect(enforceValue({ name: 'a' }, person)).toEqual({ name: 'a' });
    expect(() => enforceValue({ age: 1 }, person)).toThrow("Missing required properties: {'name'}");
    expect(() => enforceValue({ name: 'a', x: 1 }, person)).toThrow("Invalid properties not defined in the schema found: {'x'}");
    expect(() => enforceValue({ name: 1 }, person)).toThrow('Failed to enforce schema for key `name`. Expected type string, received type int');
    expect(enforceValue(null, person, false)).toBeNull();
  });
  it('checks arrays, maps, scalars and Any', () => {
    expect(enforceValue([1, 2], arrayType('long'))).toEqual([1, 2]);
    expect(() => enforceValue('x', arrayType('long'))).toThrow('Expected data to be list or numpy array, got str');
    expect(enforceValue({ a: 1 }, mapType('double'))).toEqual({ a: 1 });
    expect(() => enforceValue([1], 'long')).toThrow('Expected data to be scalar, got list');
    expect(() => enforceValue(2 ** 31, 'integer')).toThrow('Incompatible input types');
    expect(enforceValue(Symbol.for('x'), anyType())).toBe(Symbol.for('x'));
  });
  it('parses ISO dates and date-times as UTC', () => {
    expect(parseIsoDatetime('2023-06-26')).toEqual(new Date(Date.UTC(2023, 5, 26)));
    expect(parseIsoDatetime('2023-06-26 01:02:03.123456')).toEqual(new Date(Date.UTC(2023, 5, 26, 1, 2, 3, 123)));
    expect(parseIsoDatetime('yesterday')).toBeUndefined();
  });
});
