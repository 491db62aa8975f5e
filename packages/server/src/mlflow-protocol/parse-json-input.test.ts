import { describe, expect, it } from 'vitest';
import type { ModelDataV1, TableV1, TensorV1 } from '@jsfunc/core';
import { parseInvocationJson } from './parse-json-input.js';
import { parseSignatureView } from './signature-view.js';

const table = (data: ModelDataV1): TableV1 => {
  if (data.kind !== 'table') throw new Error(`expected a table, got ${data.kind}`);
  return data.table;
};
const tensors = (data: ModelDataV1): Record<string, TensorV1> => {
  if (data.kind !== 'tensors') throw new Error(`expected tensors, got ${data.kind}`);
  return data.tensors as Record<string, TensorV1>;
};

describe('parseInvocationJson: malformed bodies (F1-F4)', () => {
  it('F1: invalid JSON', () => {
    expect(() => parseInvocationJson('this is,,,, not valid json', undefined)).toThrow(
      'Invalid input. Ensure that input is a valid JSON formatted string.',
    );
  });

  it.each(['1', '"1"', '[1]', '{"not": "a serialized dataframe"}', '{"dataframe_records": [], "dataframe_split": {"data": []}}'])(
    'F2: %s is not exactly one input field',
    (body) => {
      expect(() => parseInvocationJson(body, undefined)).toThrow('The input must be a JSON dictionary with exactly one of the input fields');
    },
  );

  it('F3: split given a list, records given a dictionary', () => {
    expect(() => parseInvocationJson('{"dataframe_split": [{"a": 1}]}', undefined)).toThrow(
      'Dataframe split format must be a dictionary. Got list',
    );
    expect(() => parseInvocationJson('{"dataframe_records": {"columns": ["a"], "data": [[1]]}}', undefined)).toThrow(
      'Dataframe records format must be a list of records. Got dictionary.',
    );
  });

  it('F4: an index that does not fit the data', () => {
    expect(() => parseInvocationJson('{"dataframe_split": {"index": [1, 2], "data": [[1], [2], [3]]}}', undefined)).toThrow(
      'Provided dataframe_split field is not a valid dataframe representation',
    );
  });

  it('split with an unknown key names the allowed fields', () => {
    expect(() => parseInvocationJson('{"dataframe_split": {"data": [[1]], "extra": 1}}', undefined)).toThrow(
      "Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields.",
    );
  });
});

const FIELDS = "{'dataframe_records', 'dataframe_split', 'inputs', 'instances'}";
const CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";
const messageOf = (body: string, signature?: Parameters<typeof parseInvocationJson>[1]): string => {
  try {
    parseInvocationJson(body, signature);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${body} was accepted`);
};

describe("parseInvocationJson: MLflow 3.17's message texts, word for word", () => {
  it('a JSON list or scalar at the top level', () => {
    expect(messageOf('[[1, 2]]')).toBe(`Invalid input. The input must be a JSON dictionary with exactly one of the input fields ${FIELDS}. Received a list.`);
    expect(messageOf('"abc"')).toBe(
      `Invalid input. The input must be a JSON dictionary with exactly one of the input fields ${FIELDS}. Received unexpected input type '<class 'str'>.`,
    );
    expect(messageOf('3')).toContain("Received unexpected input type '<class 'int'>.");
    expect(messageOf('3.0')).toContain("Received unexpected input type '<class 'float'>.");
    expect(messageOf('null')).toContain("Received unexpected input type '<class 'NoneType'>.");
  });

  it('no input field, or two: no "Invalid input." prefix, the fields found in request order, the full IMPORTANT note', () => {
    expect(messageOf('{"rows": [[1]]}')).toBe(
      `The input must be a JSON dictionary with exactly one of the input fields ${FIELDS}. Received dictionary with input fields: []. ${CHANGE_INFO}`,
    );
    expect(messageOf('{"inputs": [[1]], "instances": [[1]]}')).toContain("Received dictionary with input fields: ['inputs', 'instances']. IMPORTANT:");
    expect(messageOf('{"instances": [[1]], "inputs": [[1]]}')).toContain("Received dictionary with input fields: ['instances', 'inputs']. IMPORTANT:");
  });

  it('dataframe_records and dataframe_split of the wrong type', () => {
    expect(messageOf('{"dataframe_records": {"a": 1}}')).toBe('Invalid input. Dataframe records format must be a list of records. Got dictionary.');
    expect(messageOf('{"dataframe_records": "x"}')).toBe("Invalid input. Dataframe records format must be a list of records. Got type <class 'str'>.");
    expect(messageOf('{"dataframe_split": [[1]]}')).toBe('Invalid input. Dataframe split format must be a dictionary. Got list.');
    expect(messageOf('{"dataframe_split": 3}')).toBe("Invalid input. Dataframe split format must be a dictionary. Got type <class 'int'>.");
    expect(messageOf('{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2, 3]]}}')).toBe(
      "Invalid input. Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '2 columns passed, passed data had 3 columns'",
    );
    expect(messageOf('{"dataframe_split": {"y": 1, "x": 2}}')).toBe(
      "Invalid input. Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got {'x', 'y'}.'",
    );
  });

  it("values numpy cannot cast to the signature's dtype are numpy's messages", () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]) });
    expect(messageOf('{"inputs": [["x", "x"]]}', signature)).toBe("Invalid input. could not convert string to float: 'x'");
    expect(messageOf('{"instances": [[1, "it\'s"]]}', signature)).toBe('Invalid input. could not convert string to float: "it\'s"');
    expect(messageOf('{"inputs": [[1, {"a": 1}]]}', signature)).toBe("Invalid input. float() argument must be a string or a real number, not 'dict'");
    const ints = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }]) });
    expect(messageOf('{"inputs": ["x"]}', ints)).toBe("Invalid input. invalid literal for int() with base 10: 'x'");
    expect(messageOf('{"inputs": [null]}', ints)).toBe(
      "Invalid input. int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    );
  });
});

describe('parseInvocationJson: formats (F8, F9)', () => {
  it('F9: records keep strings as strings and numbers as numbers', () => {
    const body = { dataframe_records: [{ zip: '95120', cost: 10.45, score: 8 }, { zip: '95128', cost: 23.0, score: 0 }] };
    const t = table(parseInvocationJson(JSON.stringify(body), undefined).data);
    expect(t.columns).toEqual(['zip', 'cost', 'score']);
    expect(Array.from(t.data.zip!)).toEqual(['95120', '95128']);
    expect(Array.from(t.data.cost!)).toEqual([10.45, 23]);
  });

  it('F9: split gives the same frame as records', () => {
    const split = { dataframe_split: { columns: ['zip', 'cost', 'score'], data: [['95120', 10.45, 8], ['95128', 23.0, 0]] } };
    const records = { dataframe_records: [{ zip: '95120', cost: 10.45, score: 8 }, { zip: '95128', cost: 23.0, score: 0 }] };
    expect(parseInvocationJson(JSON.stringify(split), undefined).data).toEqual(parseInvocationJson(JSON.stringify(records), undefined).data);
  });

  it('F8: instances and inputs for a two-input tensor model become float tensors', () => {
    const signature = parseSignatureView({
      inputs: JSON.stringify([
        { type: 'tensor', name: 'a', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } },
        { type: 'tensor', name: 'b', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } },
      ]),
    });
    const named = tensors(parseInvocationJson('{"inputs": {"a": [[1, 2]], "b": [[3, 4]]}}', signature).data);
    expect(named.a).toEqual({ dtype: 'float32', shape: [1, 2], data: new Float32Array([1, 2]) });
    const instances = tensors(parseInvocationJson('{"instances": [{"a": [1, 2], "b": [3, 4]}]}', signature).data);
    expect(instances.b).toEqual({ dtype: 'float32', shape: [1, 2], data: new Float32Array([3, 4]) });
  });

  it('instances with rows of unequal keys are refused', () => {
    expect(() => parseInvocationJson('{"instances": [{"a": 1}, {"b": 2}]}', undefined)).toThrow('The length of values for each input/column name are not the same');
  });

  it('a dataframe for a single unnamed tensor model becomes one [rows, columns] tensor', () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]) });
    const data = parseInvocationJson('{"dataframe_split": {"columns": ["x", "y"], "data": [[1, 2], [3, 4], [5, 6]]}}', signature).data;
    expect(data).toEqual({ kind: 'tensor', tensor: { dtype: 'float32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) } });
  });

  it('an unnamed tensor signature refuses a dictionary', () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1] } }]) });
    expect(() => parseInvocationJson('{"inputs": {"a": [1]}}', signature)).toThrow('un-named  model signature');
  });

  it('keeps params', () => {
    expect(parseInvocationJson('{"inputs": [1, 2], "params": {"k": 3}}', undefined).params).toEqual({ k: 3 });
    expect(() => parseInvocationJson('{"inputs": [1, 2], "params": [1]}', undefined)).toThrow("'params' must be a JSON dictionary");
  });
});

describe('parseInvocationJson: casting by signature (F10, F11)', () => {
  it('F10: booleans by truthiness, ints and floats by astype', () => {
    const signature = parseSignatureView({
      inputs: JSON.stringify([
        { type: 'integer', name: 'bad_integer' },
        { type: 'float', name: 'bad_float' },
        { type: 'string', name: 'bad_string' },
        { type: 'boolean', name: 'bad_boolean' },
      ]),
    });
    const body = {
      dataframe_split: {
        columns: ['bad_integer', 'bad_float', 'bad_string', 'bad_boolean'],
        data: [
          [9007199254740991.0, 1.1, 1, 1.5],
          [9007199254740992.0, 9007199254740992.0, 2, 0],
          [9007199254740994.0, 3.3, 3, 'some arbitrary string'],
        ],
      },
    };
    const t = table(parseInvocationJson(JSON.stringify(body), signature).data);
    expect(Array.from(t.data.bad_boolean!)).toEqual([true, false, true]);
    expect(Array.from(t.data.bad_string!)).toEqual(['1', '2', '3']);
    expect(t.data.bad_float).toBeInstanceOf(Float32Array);
    expect(t.data.bad_integer).toBeInstanceOf(Int32Array);
  });

  it('a value that cannot be cast names the column and the type', () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'double', name: 'x' }]) });
    expect(() => parseInvocationJson('{"dataframe_records": [{"x": "abc"}]}', signature)).toThrow(
      "Invalid input. Data is not compatible with model signature. Failed to convert column x to type 'double'.",
    );
  });

  it('F11: split, records and inputs give the same table; binary arrives base64', () => {
    const signature = parseSignatureView({
      inputs: JSON.stringify([
        { type: 'boolean', name: 'bool' }, { type: 'integer', name: 'int' }, { type: 'long', name: 'long' },
        { type: 'float', name: 'float' }, { type: 'double', name: 'double' }, { type: 'string', name: 'string' },
        { type: 'binary', name: 'binary' }, { type: 'datetime', name: 'datetime' },
      ]),
    });
    const row = { bool: true, int: 1, long: 2, float: 1.5, double: 2.5, string: 's', binary: Buffer.from('hi').toString('base64'), datetime: '2023-07-01T00:00:00' };
    const columns = Object.keys(row);
    const split = parseInvocationJson(JSON.stringify({ dataframe_split: { columns, data: [Object.values(row)] } }), signature).data;
    const records = parseInvocationJson(JSON.stringify({ dataframe_records: [row] }), signature).data;
    const inputs = parseInvocationJson(JSON.stringify({ inputs: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, [v]])) }), signature).data;
    expect(records).toEqual(split);
    expect(inputs).toEqual(split);
    const t = table(split);
    expect(Buffer.from(t.data.binary![0] as Uint8Array).toString()).toBe('hi');
    expect(t.data.long).toEqual(new BigInt64Array([2n]));
    expect((t.data.datetime![0] as Date).toISOString()).toBe(new Date('2023-07-01T00:00:00').toISOString());
  });
});

describe('parseInvocationJson: chat payloads (F13)', () => {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'hello!' }], temperature: 0.5, max_tokens: 20 });

  it('without a signature the whole dict is the input and nothing is wrapped', () => {
    const parsed = parseInvocationJson(body, undefined);
    expect(parsed.unwrapped).toBe(true);
    expect(parsed.data).toEqual({ kind: 'value', value: { messages: [{ role: 'user', content: 'hello!' }], temperature: 0.5, max_tokens: 20 } });
    expect(parsed.params).toEqual({});
  });

  it('keys of the params schema become params', () => {
    const signature = parseSignatureView({
      params: JSON.stringify([
        { name: 'temperature', type: 'float', default: 0.7, shape: null },
        { name: 'max_tokens', type: 'long', default: 10, shape: null },
        { name: 'top_p', type: 'float', default: 0.9, shape: null },
      ]),
    });
    for (const key of ['messages', 'prompt', 'input']) {
      const parsed = parseInvocationJson(JSON.stringify({ [key]: 'hi', temperature: 0.5, max_tokens: 20 }), signature);
      expect(parsed.data).toEqual({ kind: 'value', value: { [key]: 'hi' } });
      expect(parsed.params).toEqual({ temperature: 0.5, max_tokens: 20 });
    }
  });
});

describe('parseInvocationJson: deep nesting (found by the reliability fuzz)', () => {
  it('refuses a nested list deeper than 64 levels with ERR_SERVER_INPUT_FORMAT instead of overflowing the stack', () => {
    const deep = `{"inputs": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}`;
    expect(() => parseInvocationJson(deep, undefined)).toThrow(expect.objectContaining({ code: 'ERR_SERVER_INPUT_FORMAT' }));
    const rank64 = `{"inputs": ${'['.repeat(64)}1${']'.repeat(64)}}`;
    const parsed = parseInvocationJson(rank64, undefined);
    expect(parsed.data.kind === 'tensor' && parsed.data.tensor.shape.length).toBe(64);
  });
});
