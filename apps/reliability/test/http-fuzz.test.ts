/**
 * Fuzzes every HTTP route of a real `jsfunc models serve` (the built CLI) serving an ONNX model and
 * a TF.js model, both packaged here with `jsfunc models package` from the shared fixtures. Requests
 * are generated with fast-check (fixed seed in CI) and sent over keep-alive connections with 32 in
 * flight: malformed and truncated JSON, wrong types, huge numbers, deep nesting, mismatched shapes,
 * OIP binary tensors with wrong header lengths and byte sizes, wrong content types and methods,
 * bodies over a small --body-limit, a client that dribbles its body and clients that stall.
 * Oracle: the server process stays alive, no 5xx, every 4xx has a JSON error body in its
 * protocol's shape, and valid requests still get the right numbers afterwards.
 */
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EMOTION_TFJS,
  MLFLOW_ONNX,
  isAlive,
  jsonOf,
  keepAliveAgent,
  packageWithCli,
  send,
  slowClient,
  startServe,
  temporaryDirectory,
  type HttpAnswer,
  type HttpRequest,
  type ServeProcess,
} from '../src/index.js';
import { FUZZ_SEED } from './fuzz-config.js';

const REQUESTS = Number(process.env.HTTP_FUZZ_REQUESTS ?? 20_000);
const LIMITED_REQUESTS = Number(process.env.HTTP_FUZZ_LIMITED_REQUESTS ?? 2_000);
const CONCURRENCY = 32;
const BODY_LIMIT = 4_096;

let work: Awaited<ReturnType<typeof temporaryDirectory>>;
let main: ServeProcess;
let limited: ServeProcess;

beforeAll(async () => {
  work = await temporaryDirectory('jsfunc-http-fuzz-');
  const onnx = await packageWithCli('onnx', path.join(MLFLOW_ONNX, 'model.onnx'), path.join(work.path, 'linear'));
  const emotion = await packageWithCli('tfjs', EMOTION_TFJS, path.join(work.path, 'emotion'));
  [main, limited] = await Promise.all([
    startServe(['-m', `lin=${onnx}`, '-m', `emo=${emotion}`, '--model-version', '1']),
    startServe(['-m', `lin=${onnx}`, '--body-limit', String(BODY_LIMIT)]),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([main?.stop(), limited?.stop()]);
  await work?.remove();
});

// ---------------------------------------------------------------- generators
const anyJson = fc.jsonValue({ maxDepth: 4 });
const hugeNumber = fc.constantFrom('1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0', '9007199254740993', '1.7976931348623157e308');
const numberText = fc.oneof(hugeNumber, fc.double().map((x) => (Number.isFinite(x) ? String(x) : '1e999')), fc.integer().map(String));
const row = (width: fc.Arbitrary<number>) => width.chain((n) => fc.array(numberText, { minLength: n, maxLength: n }).map((cells) => `[${cells.join(',')}]`));
const matrixText = fc.array(row(fc.oneof(fc.constant(10), fc.integer({ min: 0, max: 14 }))), { minLength: 0, maxLength: 4 }).map((rows) => `[${rows.join(',')}]`);
const deepText = fc.integer({ min: 10, max: 50_000 }).map((depth) => `${'['.repeat(depth)}1${']'.repeat(depth)}`);
const jsonTokens = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', 'null', 'true', '1e309', '"inputs"', '"instances"', '"dataframe_split"', '"dataframe_records"', '"columns"', '"data"', '"params"', '"input"', '"shape"', '"datatype"', '"FP32"', '"BYTES"');
const brokenJson = fc.array(fc.oneof(jsonTokens, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join(''));

const mlflowText = fc.oneof(
  matrixText.map((m) => `{"inputs": ${m}}`),
  matrixText.map((m) => `{"instances": ${m}}`),
  fc.tuple(matrixText, anyJson).map(([m, p]) => `{"dataframe_split": {"columns": ["input"], "data": ${m}}, "params": ${JSON.stringify(p)}}`),
  anyJson.map((v) => JSON.stringify({ dataframe_records: v })),
  anyJson.map((v) => JSON.stringify({ inputs: v })),
  fc.dictionary(fc.constantFrom('inputs', 'instances', 'dataframe_split', 'dataframe_records', 'params', 'messages', 'prompt', 'x'), anyJson).map((v) => JSON.stringify(v)),
  deepText.map((d) => `{"inputs": ${d}}`),
  brokenJson,
  anyJson.map((v) => JSON.stringify(v) ?? ''),
);
const csvText = fc.array(fc.oneof(fc.constantFrom(',', '\n', '"', 'input', '1', '1e309', 'x'), fc.string({ maxLength: 4 })), { maxLength: 40 }).map((p) => p.join(''));
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/csv', 'application/json; charset=latin-1', 'application/octet-stream', 'text/plain', 'multipart/form-data; boundary=x', '');
const truncate = <T extends string>(text: fc.Arbitrary<T>) => fc.tuple(text, fc.nat(), fc.boolean()).map(([t, cut, doCut]) => (doCut ? t.slice(0, cut % (t.length + 1)) : t));

const mlflowRoute = fc.constantFrom('/invocations', '/models/lin/invocations', '/models/emo/invocations', '/models/lin/methods/predict', '/models/lin/methods/nope', '/models/nope/invocations');
const mlflowRequest: fc.Arbitrary<HttpRequest> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ method: fc.constant('POST'), path: mlflowRoute, headers: fc.record({ 'content-type': contentType }), body: truncate(mlflowText) }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('POST'), path: mlflowRoute, headers: fc.constant({ 'content-type': 'text/csv' }), body: csvText }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('POST'), path: mlflowRoute, headers: fc.record({ 'content-type': contentType }), body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }) },
);

const oipDatatype = fc.oneof(fc.constantFrom('FP32', 'FP64', 'INT64', 'INT8', 'UINT8', 'BOOL', 'BYTES', 'FP16', 'BF16'), anyJson);
const oipShape = fc.oneof(fc.constant([1, 10]), fc.constant([1, 64, 64, 1]), fc.array(fc.integer({ min: -1, max: 70 }), { maxLength: 5 }), anyJson);
const oipJsonInput = fc.record(
  {
    name: fc.oneof(fc.constantFrom('input', 'input_1', 'x'), anyJson),
    datatype: oipDatatype,
    shape: oipShape,
    data: fc.oneof(fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 2 })), { maxLength: 40 }), anyJson, fc.constant(Array(10).fill(0.5))),
    parameters: fc.oneof(fc.record({ binary_data_size: anyJson }), anyJson),
  },
  { requiredKeys: ['name'] },
);
const oipJson = fc.record({ id: anyJson, inputs: fc.oneof(fc.array(oipJsonInput, { maxLength: 3 }), anyJson), outputs: fc.oneof(fc.constant([{ name: 'variable' }]), fc.constant([{ name: 'nope' }]), anyJson), parameters: anyJson }, { requiredKeys: ['inputs'] });
const oipRoute = fc.constantFrom('/v2/models/lin/infer', '/v2/models/emo/infer', '/v2/models/lin/versions/1/infer', '/v2/models/lin/versions/9/infer', '/v2/models/nope/infer');
/** Binary extension: a JSON header naming binary_data_size, then bytes; header length and sizes may lie. */
const oipBinary: fc.Arbitrary<HttpRequest> = fc
  .record({
    path: oipRoute,
    rows: fc.integer({ min: 0, max: 3 }),
    width: fc.constantFrom(10, 10, 9, 11, 0),
    sizeDelta: fc.constantFrom(0, 0, -4, 4, -1, 1000, -10_000),
    extraBytes: fc.integer({ min: -8, max: 8 }),
    headerDelta: fc.constantFrom(0, 0, -1, 1, -5, 50, 100_000),
    headerText: fc.constantFrom('', 'abc', '-1', '1.5', ' 12', 'NaN', '1e3'),
    datatype: fc.constantFrom('FP32', 'FP32', 'FP64', 'INT64', 'BOOL', 'BYTES'),
    output: fc.boolean(),
  })
  .map(({ path, rows, width, sizeDelta, extraBytes, headerDelta, headerText, datatype, output }) => {
    const values = new Float32Array(rows * width).fill(0.25);
    const bytes = Buffer.from(values.buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [rows, width], datatype, parameters: { binary_data_size: bytes.length + sizeDelta } }], ...(output ? { outputs: [{ name: 'variable', parameters: { binary_data: true } }] } : {}) }));
    const payload = extraBytes >= 0 ? Buffer.concat([bytes, Buffer.alloc(extraBytes, 7)]) : bytes.subarray(0, Math.max(0, bytes.length + extraBytes));
    const length = headerText === '' ? String(header.length + headerDelta) : headerText;
    return { method: 'POST', path, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': length }, body: Buffer.concat([header, payload]) };
  });
const oipRequest: fc.Arbitrary<HttpRequest> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ method: fc.constant('POST'), path: oipRoute, headers: fc.record({ 'content-type': fc.constantFrom('application/json', 'text/plain', '') }), body: truncate(oipJson.map((b) => JSON.stringify(b))) }) },
  { weight: 3, arbitrary: oipBinary },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('POST'), path: oipRoute, headers: fc.constant({ 'content-type': 'application/json' }), body: fc.oneof(brokenJson, deepText.map((d) => `{"inputs": [{"name":"input","datatype":"FP32","shape":[1,10],"data":${d}}]}`)) }) },
);

const getRoute = fc.constantFrom('/ping', '/health', '/version', '/models', '/metrics', '/v2', '/v2/models', '/v2/health/live', '/v2/health/ready', '/v2/models/lin', '/v2/models/emo', '/v2/models/lin/ready', '/v2/models/lin/versions/1', '/v2/models/lin/versions/2', '/v2/models/lin/versions/1/ready', '/v2/models/nope', '/v2/models/nope/ready', '/v2/repository/index', '/nope', '/v2/nope', '/%', '/v2/models/%E0%A4%A', '/invocations?x=1');
const otherRequest: fc.Arbitrary<HttpRequest> = fc.oneof(
  fc.record({ method: fc.constant('GET'), path: getRoute }),
  fc.record({ method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET'), path: fc.oneof(mlflowRoute, oipRoute, getRoute) }),
  fc.record({ method: fc.constant('POST'), path: fc.oneof(getRoute, fc.constantFrom('/v2/repository/models/lin/load', '/v2/repository/models/lin/unload', '/v2/repository/index')), headers: fc.constant({ 'content-type': 'application/json' }), body: fc.constant('{}') }),
);
const anyRequest = fc.oneof({ weight: 5, arbitrary: mlflowRequest }, { weight: 5, arbitrary: oipRequest }, { weight: 1, arbitrary: otherRequest });

// ---------------------------------------------------------------- oracle and driver
interface Tally {
  sent: number;
  byStatus: Record<string, number>;
  problems: string[];
  transportErrors: string[];
  /** Status of each request by its index. */
  statusOf: Record<number, number>;
}

function describeRequest(request: HttpRequest): string {
  const body = request.body === undefined ? '' : (Buffer.isBuffer(request.body) ? request.body.toString('latin1') : request.body).slice(0, 200);
  return `${request.method} ${request.path} ${JSON.stringify(request.headers ?? {})} ${JSON.stringify(body)}`;
}

/** Checks one answer: no 5xx, and a 4xx carries a JSON error in its protocol's shape. */
function check(request: HttpRequest, answer: HttpAnswer, tally: Tally): void {
  tally.byStatus[answer.status] = (tally.byStatus[answer.status] ?? 0) + 1;
  const fail = (what: string) => tally.problems.length < 20 && tally.problems.push(`${what}: ${answer.status} ${answer.body.toString().slice(0, 300)} <- ${describeRequest(request)}`);
  if (answer.status >= 500) return void fail('5xx for a client request');
  if (answer.status < 400) return;
  const json = jsonOf(answer) as Record<string, unknown> | undefined;
  if (json === undefined || typeof json !== 'object' || json === null) return void fail('error without a JSON body');
  if (!String(answer.headers['content-type'] ?? '').includes('application/json')) fail('error without content-type application/json');
  const oip = request.path.startsWith('/v2');
  if (oip ? typeof json.error !== 'string' : typeof json.message !== 'string' || typeof json.error_code !== 'string') fail(`error body not in the ${oip ? 'OIP' : 'MLflow'} shape`);
}

async function drive(server: ServeProcess, requests: readonly HttpRequest[], tally: Tally): Promise<void> {
  const agent = keepAliveAgent(CONCURRENCY);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      tally.sent += 1;
      try {
        const answer = await send({ port: server.port }, agent, request);
        tally.statusOf[index] = answer.status;
        check(request, answer, tally);
      } catch (error) {
        if (tally.transportErrors.length < 50) tally.transportErrors.push(`${(error as Error).message} <- ${describeRequest(request)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  agent.destroy();
}

async function assertStillCorrect(server: ServeProcess, models: { emotion: boolean }): Promise<void> {
  const agent = keepAliveAgent(1);
  const post = (route: string, body: unknown) => send({ port: server.port }, agent, { method: 'POST', path: route, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const mlflow = await post('/invocations', { inputs: [Array(10).fill(0), Array(10).fill(1)] });
  expect(mlflow.status).toBe(200);
  const values = ((jsonOf(mlflow) as { predictions: { variable: number[][] } }).predictions.variable).map((r) => r[0]);
  expect(values[0]).toBeCloseTo(150.434, 3);
  expect(values[1]).toBeCloseTo(1373.035, 3);
  const oip = await post('/v2/models/lin/infer', { inputs: [{ name: 'input', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(0.1) }] });
  expect(oip.status).toBe(200);
  expect((jsonOf(oip) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data[0]).toBeCloseTo(272.6941, 3);
  if (models.emotion) {
    const emo = await post('/v2/models/emo/infer', { inputs: [{ name: 'input_1', shape: [1, 64, 64, 1], datatype: 'FP32', data: Array(4096).fill(0.5) }] });
    expect(emo.status).toBe(200);
    const probabilities = (jsonOf(emo) as { outputs: Array<{ shape: number[]; data: number[] }> }).outputs[0]!;
    expect(probabilities.shape).toEqual([1, 7]);
    expect(probabilities.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  }
  const ready = await send({ port: server.port }, agent, { method: 'GET', path: '/v2/health/ready' });
  expect(ready.status).toBe(200);
  agent.destroy();
}

/** Opens sockets that send part of a request and then stall (never finish, never close). */
async function openStalledSockets(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => undefined);
    socket.write(i % 2 === 0 ? 'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"inputs": [[' : 'POST /v2/models/lin/infer HTTP/1.1\r\nHost: x\r\nContent-Le');
    sockets.push(socket);
  }
  return sockets;
}

describe('HTTP fuzz of jsfunc models serve (MLflow + OIP routes)', () => {
  it(`${REQUESTS} generated requests over keep-alive with ${CONCURRENCY} in flight, 40 clients stalled meanwhile: no crash, no 5xx, JSON errors, still correct`, async () => {
    const requests = fc.sample(anyRequest, { seed: FUZZ_SEED, numRuns: REQUESTS });
    const stalled = await openStalledSockets(main.port, 40);
    const tally: Tally = { sent: 0, byStatus: {}, problems: [], transportErrors: [], statusOf: {} };
    const started = performance.now();
    await drive(main, requests, tally);
    const seconds = (performance.now() - started) / 1000;
    console.log(`[http-fuzz] seed ${FUZZ_SEED}: ${tally.sent} requests in ${seconds.toFixed(1)} s (${Math.round(tally.sent / seconds)}/s); statuses ${JSON.stringify(tally.byStatus)}; transport errors ${tally.transportErrors.length}`);
    expect(isAlive(main.pid)).toBe(true);
    expect(tally.problems).toEqual([]);
    expect(tally.transportErrors).toEqual([]);
    expect(tally.sent).toBe(REQUESTS);
    expect(tally.byStatus['200'] ?? 0).toBeGreaterThan(0);
    await assertStillCorrect(main, { emotion: true });
    for (const socket of stalled) socket.destroy();
  });

  it(`bodies around a --body-limit of ${BODY_LIMIT} bytes: 413 JSON for every body over it, the rest answered as usual`, async () => {
    const over = fc.record({ size: fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 16 }), request: fc.oneof(mlflowRequest, oipRequest) }).map(({ size, request }) => {
      const body = Buffer.alloc(size, 0x20);
      const original = Buffer.from(request.body ?? '');
      original.copy(body, 0, 0, Math.min(original.length, size));
      return { ...request, body };
    });
    const requests = fc.sample(fc.oneof(over, anyRequest), { seed: FUZZ_SEED + 1, numRuns: LIMITED_REQUESTS });
    const tally: Tally = { sent: 0, byStatus: {}, problems: [], transportErrors: [], statusOf: {} };
    await drive(limited, requests, tally);
    console.log(`[http-fuzz] body limit ${BODY_LIMIT}: ${tally.sent} requests; statuses ${JSON.stringify(tally.byStatus)}; transport errors ${tally.transportErrors.length}`);
    const overLimit = requests.filter((r) => Buffer.byteLength(r.body ?? '') > BODY_LIMIT);
    // over the limit: 413, unless refused by its headers before the body is read (415 for an empty content type)
    const refusedByHeaders = (request: HttpRequest, status: number) => status === 415 && request.headers?.['content-type'] === '';
    const wrong = Object.entries(tally.statusOf).filter(([index, status]) => {
      const request = requests[Number(index)]!;
      return Buffer.byteLength(request.body ?? '') > BODY_LIMIT && status !== 413 && !refusedByHeaders(request, status);
    });
    expect(wrong.slice(0, 5).map(([index, status]) => `${status} <- ${describeRequest(requests[Number(index)]!)}`)).toEqual([]);
    expect(tally.byStatus['413']).toBeGreaterThan(overLimit.length * 0.8);
    expect(isAlive(limited.pid)).toBe(true);
    expect(tally.problems).toEqual([]);
    expect(tally.transportErrors).toEqual([]);
    await assertStillCorrect(limited, { emotion: false });
  });

  it('a client that dribbles its body 3 bytes every 5 ms gets the right answer; one that stalls does not block others', async () => {
    const body = Buffer.from(JSON.stringify({ inputs: [Array(10).fill(0)] }));
    const head = `POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const staller = slowClient(main.port, { head, body, bytesPerTick: 3, intervalMs: 5, stallAfter: 10, giveUpMs: 3_000 });
    const dribbled = await slowClient(main.port, { head, body, bytesPerTick: 3, intervalMs: 5, giveUpMs: 20_000 });
    expect(dribbled.answer).toMatch(/^HTTP\/1.1 200/);
    expect(dribbled.answer).toContain('150.43');
    await assertStillCorrect(main, { emotion: false }); // while the staller holds its socket
    const stalled = await staller;
    expect(stalled.answer).toBe(''); // never answered: it never finished its body
    expect(isAlive(main.pid)).toBe(true);
    await assertStillCorrect(main, { emotion: false });
  });
});
