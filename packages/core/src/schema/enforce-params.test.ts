import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import type { WarningLogger } from './enforce-schema.js';
import { enforceParams } from './enforce-params.js';
import { ParamSchema } from './param-schema.js';
import { ParamSpec } from './param-spec.js';
import { thrownJsfuncError as failure, recordingLogger as recorder } from '../__tests__/test-helpers.js';



const schema = new ParamSchema([
  new ParamSpec({ name: 'str_param', type: 'string', default: 'hi' }),
  new ParamSpec({ name: 'int_param', type: 'long', default: 1 }),
  new ParamSpec({ name: 'float_param', type: 'float', default: 1.5 }),
  new ParamSpec({ name: 'bool_param', type: 'boolean', default: false }),
  new ParamSpec({ name: 'date_param', type: 'datetime', default: '2023-06-26T00:00:00' }),
  new ParamSpec({ name: 'str_array', type: 'string', default: ['a'], shape: [-1] }),
  new ParamSpec({ name: 'long_array', type: 'long', default: [1, 2], shape: [-1] }),
]);

describe('enforceParams', () => {
  it('E1: no params schema: params ignored with a warning, {} passed on', () => {
    const logger = recorder();
    expect(enforceParams({ str_param: 'x', int_array: [1], 123: 4 }, undefined, logger)).toEqual({});
    // JS objects list integer-like keys first.
    expect(logger.messages[0]).toBe(
      "`params` can only be specified at inference time if the model signature defines a params schema. This model does not define a params schema. Ignoring provided params: ['123', 'str_param', 'int_array']",
    );
    expect(enforceParams(undefined, undefined, logger)).toEqual({});
    expect(enforceParams({}, undefined, logger)).toEqual({});
    expect(logger.messages).toHaveLength(1);
  });

  it('E2: params must be a dictionary; non-string keys are stringified', () => {
    const error = failure(() => enforceParams([1, 2, 3], schema));
    expect(error.code).toBe('ERR_PARAMS_INVALID');
    expect(error.message).toContain("Parameters must be a dictionary. Got type 'list'");
    const logger = recorder();
    const doubleSchema = new ParamSchema([new ParamSpec({ name: '1', type: 'double', default: 0.5 })]);
    // JS meaning of {1: 1.0}: a Map with a number key (plain object keys are always strings).
    expect(enforceParams(new Map([[1, 1.0]]), doubleSchema, logger)).toEqual({ '1': 1 });
    expect(logger.messages[0]).toContain('Keys in parameters should be of type `str`');
    expect(enforceParams({ 1: 1.0 }, doubleSchema)).toEqual({ '1': 1 });
  });

  it('E3: type and shape errors carry MLflow messages', () => {
    const message = (params: Record<string, unknown>) => failure(() => enforceParams(params, schema)).message;
    expect(message({ date_param: 1.5 })).toContain("Failed to convert value `1.5` from type `<class 'float'>` to `DataType.datetime`");
    expect(message({ float_param: 'a' })).toContain("Failed to validate type and shape for 'float_param'");
    expect(message({ int_param: '1' })).toContain("Failed to validate type and shape for 'int_param'");
    // JS meaning of "long given a float32": a non-integer number.
    expect(message({ int_param: 1.5 })).toContain("Can not safely convert `<class 'float'>` to `DataType.long`");
    expect(message({ str_param: new Uint8Array([1]) })).toContain("Failed to validate type and shape for 'str_param'");
    expect(message({ str_param: 1.5 })).toContain("Failed to validate type and shape for 'str_param'");
    // JS has no tuple; a string where a 1-D array is expected shows the same rule.
    expect(message({ str_array: 'abc' })).toContain('Value must be a 1D array with shape (-1,) for param');
    expect(message({ long_array: [[1, 2], [3, 4]] })).toContain('received list with ndim 2');
    const error = failure(() => enforceParams({ int_param: '1', float_param: 'a' }, schema));
    expect(error.message).toMatch(/^Invalid parameters found: \{\('int_param', /);
    expect(Object.keys(error.details.invalid as object)).toEqual(['int_param', 'float_param']);
  });

  it('E4: the model receives native values with defaults filled in; unknown params dropped', () => {
    const logger = recorder();
    const result = enforceParams({ str_param: 'x', int_param: 2n, date_param: '2024-01-02', extra: 1 }, schema, logger);
    expect(result).toEqual({
      str_param: 'x',
      int_param: 2,
      float_param: 1.5,
      bool_param: false,
      date_param: new Date(Date.UTC(2024, 0, 2)),
      str_array: ['a'],
      long_array: [1, 2],
    });
    expect(logger.messages[0]).toContain("Unrecognized params ['extra'] are ignored for inference.");
    expect(enforceParams(undefined, schema).int_param).toBe(1);
  });
});
