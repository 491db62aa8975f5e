/**
 * MLflow acceptance cases F1-F15 (reference/mlflow-acceptance-cases.md), end to end: the built CLI
 * serves echo models (identity, like MLflow's TestModel) written by a third-party flavor package
 * that the test installs in a temporary app, and the test talks HTTP to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEchoApp, type EchoApp } from '../../../packages/server/test/helpers/echo-flavor-app.js';
import { runCli, startServe, type ServeProcess } from './cli-harness.js';

let app: EchoApp;
let serve: ServeProcess;

const post = async (path: string, body: string, contentType = 'application/json') => {
  const response = await fetch(`${serve.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
};

const ALL_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'];

beforeAll(async () => {
  app = await createEchoApp();
  const identity = await app.saveEchoModel({ name: 'identity' });
  const twoColumns = await app.saveEchoModel({ name: 'two-columns', signature: { inputs: [{ type: 'double', name: 'a' }, { type: 'double', name: 'b' }] } });
  const twoTensors = await app.saveEchoModel({
    name: 'two-tensors',
    signature: {
      inputs: [
        { type: 'tensor', name: 'a', 'tensor-spec': { dtype: 'float64', shape: [-1, 2] } },
        { type: 'tensor', name: 'b', 'tensor-spec': { dtype: 'float64', shape: [-1, 2] } },
      ],
    },
  });
  const casting = await app.saveEchoModel({
    name: 'casting',
    signature: {
      inputs: [
        { type: 'integer', name: 'bad_integer' },
        { type: 'float', name: 'bad_float' },
        { type: 'string', name: 'bad_string' },
        { type: 'boolean', name: 'bad_boolean' },
      ],
    },
  });
  const dtypes = await app.saveEchoModel({ name: 'dtypes', mode: 'dtypes', signature: { inputs: ALL_TYPES.map((type) => ({ type, name: type })) } });
  const dated = await app.saveEchoModel({
    name: 'dated',
    mode: 'params',
    signature: { inputs: [{ type: 'string', name: 'text' }], params: [{ name: 'param1', type: 'datetime', default: '2023-07-01T00:00:00', shape: null }] },
  });
  const chat = await app.saveEchoModel({
    name: 'chat',
    mode: 'params',
    signature: {
      params: [
        { name: 'temperature', type: 'float', default: 0.7, shape: null },
        { name: 'max_tokens', type: 'long', default: 10, shape: null },
        { name: 'top_p', type: 'float', default: 0.9, shape: null },
      ],
    },
  });
  const chatPlain = await app.saveEchoModel({ name: 'chat-plain', mode: 'params' });
  const models = { identity, 'two-columns': twoColumns, 'two-tensors': twoTensors, casting, dtypes, dated, chat, 'chat-plain': chatPlain };
  serve = await startServe([...Object.entries(models).flatMap(([name, uri]) => ['-m', `${name}=${uri}`]), '--flavors-from', app.directory]);
}, 120_000);

afterAll(async () => {
  await serve?.stop();
});

describe('F: the scoring server, through the built CLI', () => {
  it('F1: invalid JSON → 400 BAD_REQUEST', async () => {
    const { status, json } = await post('/invocations', 'this is,,,, not valid json');
    expect(status).toBe(400);
    expect(json.error_code).toBe('BAD_REQUEST');
    expect(json.message).toContain('Invalid input. Ensure that input is a valid JSON formatted string.');
  });

  it.each(['1', '"1"', '[1]', '{"not": "a serialized dataframe"}', '{"dataframe_records": [], "dataframe_split": {"data": []}}'])(
    'F2: %s → 400 "exactly one of the input fields"',
    async (body) => {
      const { status, json } = await post('/invocations', body);
      expect(status).toBe(400);
      expect(json.error_code).toBe('BAD_REQUEST');
      expect(json.message).toContain('The input must be a JSON dictionary with exactly one of the input fields');
    },
  );

  it('F3: split as a list, records as a dictionary', async () => {
    const split = await post('/invocations', JSON.stringify({ dataframe_split: [{ a: 1 }, { a: 2 }] }));
    expect(split.status).toBe(400);
    expect(split.json.message).toContain('Dataframe split format must be a dictionary. Got list');
    const records = await post('/invocations', JSON.stringify({ dataframe_records: { columns: ['a'], data: [[1]] } }));
    expect(records.status).toBe(400);
    expect(records.json.message).toContain('Dataframe records format must be a list of records. Got dictionary.');
  });

  it('F4: an index that does not fit the data', async () => {
    const { status, json } = await post('/invocations', '{"dataframe_split": {"index": [1, 2], "data": [[1], [2], [3]]}}');
    expect(status).toBe(400);
    expect(json.message).toContain('Provided dataframe_split field is not a valid dataframe representation');
  });

  // F5 in MLflow's suite scores a model without a signature whose predict raises: 400 BAD_REQUEST
  // with a stack_trace (covered in onnx-serving.test.ts on a signature-less ONNX model). This echo
  // model has a signature, so the frame fails schema enforcement before predict, and MLflow 3.17's
  // real server answers that 400 INVALID_PARAMETER_VALUE, "Failed to predict data ... Failed to
  // enforce schema ...", without a stack_trace (checked against `mlflow models serve`); so do we.
  it('F5: a frame the model cannot score → 400 with message (schema enforcement: INVALID_PARAMETER_VALUE, no stack_trace)', async () => {
    const body = JSON.stringify({ dataframe_split: { columns: ['x'], data: Array.from({ length: 10 }, (_, i) => [i]) } });
    const { status, json } = await post('/models/two-columns/invocations', body);
    expect(status).toBe(400);
    expect(json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(json.message).toMatch(/^Failed to predict data '[\s\S]*'\. \nError: Failed to enforce schema of data '[\s\S]*' with schema '\['a': double \(required\), 'b': double \(required\)\]'\. Error: /);
    expect(json.stack_trace).toBeUndefined();
  });

  it('F6: empty CSV → 400 with message and stack_trace', async () => {
    const { status, json } = await post('/invocations', '', 'text/csv');
    expect(status).toBe(400);
    expect(json.error_code).toBe('BAD_REQUEST');
    expect(json.message).toContain('Failed to parse input as a Pandas DataFrame');
    expect(json.stack_trace).toBeTypeOf('string');
  });

  it('F7: content types → 415 / 415 / 200', async () => {
    expect((await post('/invocations', '{"inputs": [1]}', 'not_a_supported_content_type')).status).toBe(415);
    expect((await post('/invocations', '{"inputs": [1]}', 'application/json; something=something')).status).toBe(415);
    expect((await post('/invocations', '{"inputs": [1]}', 'application/json; charset=UTF-8')).status).toBe(200);
  });

  it('F8: records and split of one frame, instances, and inputs for a two-input tensor model → 200', async () => {
    const split = await post('/models/two-columns/invocations', JSON.stringify({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2], [3, 4]] } }));
    const records = await post('/models/two-columns/invocations', JSON.stringify({ dataframe_records: [{ a: 1, b: 2 }, { a: 3, b: 4 }] }));
    expect(split.status).toBe(200);
    expect(records.status).toBe(200);
    expect(records.json).toEqual(split.json);
    expect((await post('/invocations', JSON.stringify({ instances: [[1, 2], [3, 4]] }))).status).toBe(200);
    const inputs = await post('/models/two-tensors/invocations', JSON.stringify({ inputs: { a: [[1, 2]], b: [[3, 4]] } }));
    expect(inputs.status).toBe(200);
    expect(inputs.json).toEqual({ predictions: { a: [[1, 2]], b: [[3, 4]] } });
  });

  it('F9: records and split keep "zip" a string and numbers numbers', async () => {
    const rows = [{ zip: '95120', cost: 10.45, score: 8 }, { zip: '95128', cost: 23.0, score: 0 }];
    const records = await post('/invocations', JSON.stringify({ dataframe_records: rows }));
    expect(records.json).toEqual({ predictions: rows });
    const split = await post('/invocations', JSON.stringify({ dataframe_split: { columns: ['zip', 'cost', 'score'], data: rows.map(Object.values) } }));
    expect(split.json).toEqual({ predictions: rows });
  });

  it('F10: JSON is cast to the schema; booleans by truthiness ([true, false, true])', async () => {
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
    const { status, json } = await post('/models/casting/invocations', JSON.stringify(body));
    expect(status).toBe(200);
    expect(json.predictions.map((row: any) => row.bad_boolean)).toEqual([true, false, true]);
    expect(json.predictions.map((row: any) => row.bad_string)).toEqual(['1', '2', '3']);
  });

  it('F11: all 8 column types give the same answer for split, records and inputs; binary arrives base64', async () => {
    const row: Record<string, unknown> = {
      boolean: true, integer: 1, long: 2, float: 1.5, double: 2.5, string: 's', binary: Buffer.from('bytes').toString('base64'), datetime: '2023-07-01T00:00:00',
    };
    const split = await post('/models/dtypes/invocations', JSON.stringify({ dataframe_split: { columns: ALL_TYPES, data: [ALL_TYPES.map((t) => row[t])] } }));
    const records = await post('/models/dtypes/invocations', JSON.stringify({ dataframe_records: [row] }));
    const inputs = await post('/models/dtypes/invocations', JSON.stringify({ inputs: Object.fromEntries(ALL_TYPES.map((t) => [t, [row[t]]])) }));
    expect(split.status).toBe(200);
    expect(records.json).toEqual(split.json);
    expect(inputs.json).toEqual(split.json);
    expect(split.json.predictions[0].binary).toBe('bytes');
  });

  it('F12: params by schema: default, invalid value → 400, unknown param ignored', async () => {
    const input = { dataframe_records: [{ text: 'a' }] };
    const none = await post('/models/dated/invocations', JSON.stringify(input));
    expect(none.status).toBe(200);
    const invalid = await post('/models/dated/invocations', JSON.stringify({ ...input, params: { param1: 'invalid_value1' } }));
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toContain("Failed to convert value `invalid_value1` from type `<class 'str'>` to `DataType.datetime`");
    const unknown = await post('/models/dated/invocations', JSON.stringify({ ...input, params: { invalid_param: 'value' } }));
    expect(unknown.status).toBe(200);
  });

  it('F13: chat payloads (messages, prompt, input) are passed through and answered unwrapped', async () => {
    const plain = await post('/models/chat-plain/invocations', JSON.stringify({ messages: [{ role: 'user', content: 'hello!' }], temperature: 0.5, max_tokens: 20 }));
    expect(plain.json).toEqual({ input: { messages: [{ role: 'user', content: 'hello!' }], temperature: 0.5, max_tokens: 20 }, params: {} });
    for (const key of ['messages', 'prompt', 'input']) {
      const value = key === 'messages' ? [{ role: 'user', content: 'hello!' }] : 'hello!';
      const { json } = await post('/models/chat/invocations', JSON.stringify({ [key]: value, temperature: 0.5, max_tokens: 20 }));
      expect(json).toEqual({ input: { [key]: value }, params: { temperature: 0.5, max_tokens: 20, top_p: 0.9 } });
    }
  });

  it('F14: /ping → 200, /version → the server version text', async () => {
    const ping = await fetch(`${serve.url}/ping`);
    expect(ping.status).toBe(200);
    const version = await fetch(`${serve.url}/version`);
    expect(await version.text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('F14: the timeout defaults to 60 s and MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT sets it (504 past it)', async () => {
    const help = await runCli(['models', 'serve', '--help']);
    expect(help.stdout).toContain('MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT) (default: "60")');
    const short = await startServe(['-m', `${app.directory}/models/identity`, '--flavors-from', app.directory], { MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT: '1' });
    try {
      const response = await fetch(`${short.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [1], params: { sleep_ms: 2500 } }),
      });
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ error_code: 'DEADLINE_EXCEEDED', message: 'Request processing time exceeded limit' });
    } finally {
      await short.stop();
    }
  });

  it('F15: success is {"predictions": ...}; a table is a list of row objects', async () => {
    const { status, json } = await post('/invocations', JSON.stringify({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] } }));
    expect(status).toBe(200);
    expect(json).toEqual({ predictions: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
  });
});
