/**
 * Malformed bodies sent to every route: each answer is a 4xx with a JSON error body, never a 5xx,
 * never a dropped connection, and the server keeps answering afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type JsfuncServer } from '../dist/index.js';
import { createEchoApp } from './helpers/echo-flavor-app.js';

let server: JsfuncServer;
let base: string;

beforeAll(async () => {
  const app = await createEchoApp();
  const plain = await app.saveEchoModel({ name: 'plain' });
  const typed = await app.saveEchoModel({
    name: 'typed',
    signature: {
      inputs: [{ type: 'tensor', name: 'x', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }],
      params: [{ name: 'k', type: 'long', default: 1, shape: null }],
    },
  });
  const columns = await app.saveEchoModel({ name: 'columns', signature: { inputs: [{ type: 'long', name: 'a' }, { type: 'binary', name: 'b' }] } });
  server = await createServer({
    models: [
      { name: 'plain', uri: plain },
      { name: 'typed', uri: typed, version: '1', batching: { maxBatchSize: 8 } },
      { name: 'columns', uri: columns },
    ],
    flavorPackages: app.flavorPackages,
    cwd: app.directory,
    bodyLimit: 1024 * 1024,
  });
  base = await server.listen();
  await server.ready;
});

afterAll(async () => server?.close());

const ROUTES = [
  '/invocations',
  '/models/plain/invocations',
  '/models/typed/invocations',
  '/models/columns/invocations',
  '/models/typed/methods/predict',
  '/models/plain/methods/countCalls',
  '/v2/models/plain/infer',
  '/v2/models/typed/infer',
  '/v2/models/typed/versions/1/infer',
  '/v2/models/columns/infer',
];

const BODIES: Array<[string, string | Buffer, Record<string, string>]> = [
  ['empty', '', { 'content-type': 'application/json' }],
  ['no content type', '{"inputs": [1]', {}],
  ['truncated JSON', '{"inputs": [[1, 2]', { 'content-type': 'application/json' }],
  ['null', 'null', { 'content-type': 'application/json' }],
  ['number', '42', { 'content-type': 'application/json' }],
  ['string', '"x"', { 'content-type': 'application/json' }],
  ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, { 'content-type': 'application/json' }],
  ['ragged', '{"inputs": {"x": [[1, 2], [3]]}, "dataframe_records": 1}', { 'content-type': 'application/json' }],
  ['wrong types', '{"inputs": {"x": [["a", {}]]}}', { 'content-type': 'application/json' }],
  ['records of scalars', '{"dataframe_records": [1, 2]}', { 'content-type': 'application/json' }],
  ['split without data', '{"dataframe_split": {"columns": ["a"]}}', { 'content-type': 'application/json' }],
  ['bad params', '{"inputs": [[1, 2]], "params": {"k": "not a number"}}', { 'content-type': 'application/json' }],
  ['bad base64 column', '{"dataframe_records": [{"a": 1, "b": 5}]}', { 'content-type': 'application/json' }],
  ['OIP without inputs', '{"inputs": []}', { 'content-type': 'application/json' }],
  ['OIP bad datatype', '{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP99", "data": [1, 2]}]}', { 'content-type': 'application/json' }],
  ['OIP shape mismatch', '{"inputs": [{"name": "x", "shape": [4, 2], "datatype": "FP32", "data": [1, 2]}]}', { 'content-type': 'application/json' }],
  ['OIP wrong dtype for model', '{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "BYTES", "data": ["a", "b"]}]}', { 'content-type': 'application/json' }],
  ['OIP unknown output', '{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}], "outputs": [{"name": "zz"}]}', { 'content-type': 'application/json' }],
  ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), { 'content-type': 'application/octet-stream' }],
  ['header length too big', '{"inputs": []}', { 'content-type': 'application/json', 'inference-header-content-length': '99999' }],
  ['header length not a number', '{"inputs": []}', { 'content-type': 'application/json', 'inference-header-content-length': 'abc' }],
  ['raw body mode on a multi-input request', Buffer.alloc(7), { 'content-type': 'application/octet-stream', 'inference-header-content-length': '0' }],
  ['CSV garbage', '"unterminated,\n1,2', { 'content-type': 'text/csv' }],
  ['CSV for tensor model', 'a\nx\n', { 'content-type': 'text/csv' }],
  ['latin-1 charset', '{"inputs": [1]}', { 'content-type': 'application/json; charset=latin-1' }],
  ['over the body limit', JSON.stringify({ inputs: 'x'.repeat(1024 * 1024 + 10) }), { 'content-type': 'application/json' }],
];

const ALWAYS_INVALID = new Set([
  'empty', 'no content type', 'truncated JSON', 'null', 'number', 'string', 'deep nesting', 'ragged',
  'binary garbage', 'CSV garbage', 'latin-1 charset', 'over the body limit',
]);

describe('malformed bodies to every route', () => {
  for (const route of ROUTES) {
    it(`${route}: every malformed body is a 4xx with a JSON error`, async () => {
      for (const [label, body, headers] of BODIES) {
        const response = await fetch(`${base}${route}`, { method: 'POST', body, headers });
        const text = await response.text();
        const context = `${route} ← ${label}: ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, context).toBeLessThan(500);
        const json = JSON.parse(text) as Record<string, unknown>;
        // some bodies are odd but valid on one protocol or for a model without a signature
        if (response.status < 400 && !ALWAYS_INVALID.has(label)) continue;
        expect(response.status, context).toBeGreaterThanOrEqual(400);
        expect(typeof (json.error ?? json.message), context).toBe('string');
      }
    });
  }

  it('GET routes with unknown names and methods answer 404/405-style JSON, and the server still serves', async () => {
    for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/typed/versions/9', '/nope', '/v2/nope']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toBeTypeOf('object');
    }
    const ok = await fetch(`${base}/models/typed/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": {"x": [[1, 2]]}}' });
    expect(ok.status).toBe(200);
  });

  it('a URL that does not decode (/%) answers 400 with the protocol\'s JSON error body (found by the reliability fuzz)', async () => {
    const mlflow = await fetch(`${base}/%`);
    expect(mlflow.status).toBe(400);
    expect(mlflow.headers.get('content-type')).toContain('application/json');
    expect(await mlflow.json()).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.any(String) });
    const oip = await fetch(`${base}/v2/models/%E0%A4%A`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(oip.status).toBe(400);
    expect(await oip.json()).toEqual({ error: expect.any(String) });
  });
});
