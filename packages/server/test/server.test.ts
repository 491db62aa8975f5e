import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEchoApp, type EchoApp } from './helpers/echo-flavor-app.js';
import { createServer, type JsfuncServer } from '../dist/index.js';

let app: EchoApp;
let server: JsfuncServer;
let base: string;

const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers });
const postJson = (path: string, value: unknown) => post(path, JSON.stringify(value));

beforeAll(async () => {
  app = await createEchoApp();
  const echo = await app.saveEchoModel({ name: 'echo' });
  const warm = await app.saveEchoModel({ name: 'warm', inputExample: [{ x: 1 }, { x: 2 }] });
  const slowLoad = await app.saveEchoModel({ name: 'slowload', loadDelayMs: 2000 });
  const typed = await app.saveEchoModel({
    name: 'typed',
    signature: { inputs: [{ type: 'tensor', name: 'x', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }] },
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
  server = await createServer({
    models: [
      { name: 'echo', uri: echo, workers: 2 },
      { name: 'typed', uri: typed, version: 'v1', batching: { maxBatchSize: 16, maxQueueDelayMs: 1 } },
      { name: 'chat', uri: chat },
      { name: 'warm', uri: warm },
      { name: 'slowload', uri: slowLoad, workers: 2 },
    ],
    flavorPackages: app.flavorPackages,
    cwd: app.directory,
    timeoutMs: 1500,
    bodyLimit: 256 * 1024,
  });
  base = await server.listen();
  await server.ready;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('MLflow scoring protocol', () => {
  it('/ping and /health answer 200 with "\\n" once ready; /version gives the server version', async () => {
    for (const route of ['/ping', '/health']) {
      const response = await fetch(`${base}${route}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('\n');
      expect(response.headers.get('content-type')).toContain('application/json');
    }
    const version = await fetch(`${base}/version`);
    expect(await version.text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('warms the model up with its saved input example before reporting ready', async () => {
    const response = await postJson('/models/warm/methods/countCalls', { dataframe_records: [{ x: 1 }] });
    const { predictions } = (await response.json()) as { predictions: { calls: number } };
    expect(predictions.calls).toBeGreaterThanOrEqual(1);
  });

  it('F15: the default model answers /invocations with {"predictions"} and records', async () => {
    const response = await postJson('/invocations', { dataframe_records: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ predictions: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
  });

  it('casts to the signature: float32 tensor in, nested list out', async () => {
    const response = await postJson('/models/typed/invocations', { inputs: { x: [[1, 2], [3, 4]] } });
    expect(await response.json()).toEqual({ predictions: { x: [[1, 2], [3, 4]] } });
  });

  it('F1, F2, F3: malformed JSON bodies are 400 BAD_REQUEST', async () => {
    const cases: Array<[string, string]> = [
      ['this is,,,, not valid json', 'Invalid input. Ensure that input is a valid JSON formatted string.'],
      ['[1]', 'The input must be a JSON dictionary with exactly one of the input fields'],
      ['{"dataframe_split": [{"a": 1}]}', 'Dataframe split format must be a dictionary. Got list'],
    ];
    for (const [body, message] of cases) {
      const response = await post('/invocations', body);
      expect(response.status).toBe(400);
      const json = (await response.json()) as { error_code: string; message: string };
      expect(json.error_code).toBe('BAD_REQUEST');
      expect(json.message).toContain(message);
    }
  });

  it('F6: an empty CSV body is 400 with message and stack_trace', async () => {
    const response = await post('/invocations', '', { 'content-type': 'text/csv' });
    expect(response.status).toBe(400);
    const json = (await response.json()) as Record<string, unknown>;
    expect(json.error_code).toBe('BAD_REQUEST');
    expect(json.stack_trace).toBeTypeOf('string');
  });

  it('F7: content types', async () => {
    expect((await post('/invocations', '{}', { 'content-type': 'not_a_supported_content_type' })).status).toBe(415);
    expect((await post('/invocations', '{}', { 'content-type': 'application/json; something=something' })).status).toBe(415);
    expect((await post('/invocations', '{"inputs": [1]}', { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
  });

  it('F13: chat payloads pass through unwrapped, params split by the params schema', async () => {
    const response = await postJson('/models/chat/invocations', { messages: [{ role: 'user', content: 'hello!' }], temperature: 0.5, max_tokens: 20 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      input: { messages: [{ role: 'user', content: 'hello!' }] },
      params: { temperature: 0.5, max_tokens: 20, top_p: 0.9 },
    });
  });

  it('named inference methods are callable; an unknown one is 404', async () => {
    expect((await postJson('/models/echo/methods/countCalls', { inputs: [1] })).status).toBe(200);
    const missing = await postJson('/models/echo/methods/nope', { inputs: [1] });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toContain("has no inference method 'nope'");
  });

  it('streams predictStream as server-sent events', async () => {
    const response = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'hey' }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)))).toEqual([
      { delta: 'h' },
      { delta: 'e' },
      { delta: 'y' },
    ]);
    expect(text).toContain('event: done');
  });

  it('a request past the timeout is 504 DEADLINE_EXCEEDED', async () => {
    const response = await postJson('/invocations', { inputs: [1], params: { sleep_ms: 3000 } });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error_code: 'DEADLINE_EXCEEDED', message: 'Request processing time exceeded limit' });
  });

  it('a body over the limit is 413 with a JSON error', async () => {
    const response = await post('/invocations', JSON.stringify({ inputs: 'x'.repeat(300 * 1024) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toContain('larger than the server');
  });
});

describe('Open Inference Protocol v2', () => {
  it('health, server metadata and model list', async () => {
    expect(await (await fetch(`${base}/v2/health/live`)).json()).toEqual({ live: true });
    expect(await (await fetch(`${base}/v2/health/ready`)).json()).toEqual({ ready: true });
    expect(await (await fetch(`${base}/v2`)).json()).toMatchObject({ name: 'jsfunc', extensions: expect.arrayContaining(['binary_tensor_data']) });
    expect(await (await fetch(`${base}/v2/models/typed/versions/v1/ready`)).json()).toEqual({ name: 'typed', ready: true });
  });

  it('model metadata comes from the signature', async () => {
    expect(await (await fetch(`${base}/v2/models/typed`)).json()).toMatchObject({
      name: 'typed',
      versions: ['v1'],
      platform: 'jsfunc_echo',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
    });
  });

  it('KServe test_infer_v2: INT32 [[1,2]] echoes [1, 2]', async () => {
    const response = await postJson('/v2/models/echo/infer', { inputs: [{ name: 'input-0', shape: [1, 2], datatype: 'INT32', data: [[1, 2]] }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { model_name: string; id: string; outputs: Array<{ data: unknown; datatype: string; shape: number[] }> };
    expect(body.model_name).toBe('echo');
    expect(body.id).toBeTypeOf('string');
    expect(body.outputs[0]).toMatchObject({ name: 'input-0', datatype: 'INT32', shape: [1, 2], data: [1, 2] });
  });

  it('KServe test_requested_output: exact FP32 values, id echoed', async () => {
    const response = await postJson('/v2/models/echo/infer', {
      model_name: 'echo',
      id: '123',
      inputs: [{ name: 'fp32_output', shape: [8], datatype: 'FP32', data: [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]] }],
      outputs: [{ name: 'fp32_output', parameters: { binary_data: false } }],
    });
    expect(await response.json()).toEqual({
      model_name: 'echo',
      id: '123',
      outputs: [
        {
          name: 'fp32_output',
          shape: [8],
          datatype: 'FP32',
          data: [6.800000190734863, 2.799999952316284, 4.800000190734863, 1.399999976158142, 6.0, 3.4000000953674316, 4.5, 1.600000023841858],
        },
      ],
    });
  });

  it('binary tensor extension in and out (FP16 as binary, 16 bytes)', async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'fp16_output', shape: [2, 4], datatype: 'FP16', parameters: { binary_data_size: 16 } }],
        outputs: [{ name: 'fp16_output', parameters: { binary_data: true } }],
      }),
    );
    const data = Buffer.from(new Uint16Array(8).fill(0x3c00).buffer);
    const response = await post('/v2/models/echo/infer', Buffer.concat([header, data]), {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.byteLength),
    });
    expect(response.status).toBe(200);
    const length = Number(response.headers.get('inference-header-content-length'));
    const body = Buffer.from(await response.arrayBuffer());
    const json = JSON.parse(body.subarray(0, length).toString()) as { outputs: Array<Record<string, unknown>> };
    expect(json.outputs[0]).toMatchObject({ name: 'fp16_output', datatype: 'FP16', shape: [2, 4], parameters: { binary_data_size: 16 } });
    expect(body.subarray(length)).toEqual(data);
  });

  it('unknown model and version are 404 {"error"}; OIP example 1 shape defect is 400', async () => {
    const unknown = await fetch(`${base}/v2/models/InvalidModel`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'Model with name InvalidModel does not exist. Served models: echo, typed, chat, warm, slowload.' });
    const version = await postJson('/v2/models/typed/versions/v0/infer', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
    expect(version.status).toBe(404);
    expect(await version.json()).toEqual({ error: 'Model typed with version v0 not found' });
    const example = await postJson('/v2/models/echo/infer', {
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] },
      ],
      outputs: [{ name: 'output0' }],
    });
    expect(example.status).toBe(400);
    expect(((await example.json()) as { error: string }).error).toContain("Input 'input1' has shape [3]");
  });
});

describe('serving machinery', () => {
  it('batches concurrent requests and answers each with its own rows', async () => {
    const requests = Array.from({ length: 24 }, (_, i) => postJson('/models/typed/invocations', { inputs: { x: [[i, 100 - i]] } }));
    const answers = (await Promise.all(requests.map(async (r) => (await r).json()))) as Array<{ predictions: { x: number[][] } }>;
    answers.forEach((answer, i) => expect(answer.predictions.x).toEqual([[i, 100 - i]]));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = Number(/jsfunc_batch_size_count\{model="typed"\} (\d+)/.exec(metrics)?.[1]);
    const sum = Number(/jsfunc_batch_size_sum\{model="typed"\} (\d+)/.exec(metrics)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(24);
    expect(count).toBeLessThan(sum); // at least one call carried several requests
  });

  it('exposes Prometheus metrics: requests, failures by reason, durations', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('jsfunc_requests_total{model="echo",protocol="mlflow",status="200"}');
    expect(text).toContain('jsfunc_request_failures_total{model="echo",reason="ERR_SERVER_TIMEOUT"}');
    expect(text).toContain('jsfunc_compute_duration_seconds_bucket');
  });

  it('a crashed worker fails only its request and is replaced while the server keeps answering', async () => {
    const crash = await postJson('/invocations', { inputs: [1], params: { crash: true } });
    expect(crash.status).toBe(500);
    expect(await crash.json()).toMatchObject({ error_code: 'INTERNAL_ERROR', jsfunc_code: 'ERR_SERVER_WORKER_CRASHED' });
    for (let i = 0; i < 5; i += 1) expect((await postJson('/invocations', { inputs: [i] })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.models.get('echo')!.pool.hasIdleWorker()).toBe(true);
  });

  it('a replacement worker gets no request before its model has loaded', async () => {
    const crash = await postJson('/models/slowload/invocations', { inputs: [1], params: { crash: true } });
    expect(crash.status).toBe(500);
    // The replacement starts after ~100 ms and loads for 2 s: requests now must go to the other worker.
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (let i = 0; i < 5; i += 1) {
      const response = await postJson('/models/slowload/invocations', { inputs: [i] });
      expect(response.status, await response.clone().text()).toBe(200);
    }
  });
});
