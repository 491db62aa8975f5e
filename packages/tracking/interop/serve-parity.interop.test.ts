// Part 4 of the interop suite: the same MLflow-protocol requests sent to `mlflow models serve` and
// to `jsfunc models serve` on the same ONNX model (saved by Python MLflow) give the same status
// and body, error cases included.
//
// One deliberate difference: MLflow answers its three 415s (unsupported content type, non-UTF-8
// charset, unknown content-type parameter) with a `text/plain` body holding the message; jsfunc
// answers every 4xx with its JSON error body `{"error_code", "message", "jsfunc_code"}`, so that a
// client parses one error shape. For those cases the status and the message text are compared, and
// the two body formats are asserted as they are (see packages/server/README.md).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runPython, startJsfuncModelsServe, startMlflowModelsServe, type RunningProcess } from './mlflow-processes.mjs';

let mlflowServe: RunningProcess;
let jsfuncServe: RunningProcess;
/** Two rows written by pandas' `DataFrame.to_parquet()` (an `application/vnd.apache.parquet` body). */
let parquetBody: Uint8Array;

const row = (seed: number) => Array.from({ length: 10 }, (_, column) => Math.round(Math.sin(seed * 10 + column) * 800) / 10_000);

beforeAll(async () => {
  const tmp = await fs.mkdtemp(path.join(inject('interopTmp'), 'serve-'));
  const modelDirectory = path.join(tmp, 'ridge');
  const inputs = path.join(tmp, 'inputs.json');
  await fs.writeFile(inputs, JSON.stringify([row(1)]));
  await runPython('train_sklearn_onnx.py', [modelDirectory, inputs]);
  const parquetRows = path.join(tmp, 'parquet-rows.json');
  await fs.writeFile(parquetRows, JSON.stringify([row(8), row(9)]));
  await runPython('write_parquet.py', [path.join(tmp, 'rows.parquet'), parquetRows]);
  parquetBody = new Uint8Array(await fs.readFile(path.join(tmp, 'rows.parquet')));
  [mlflowServe, jsfuncServe] = await Promise.all([startMlflowModelsServe(modelDirectory), startJsfuncModelsServe(modelDirectory)]);
}, 600_000);

afterAll(async () => {
  await Promise.all([mlflowServe?.stop(), jsfuncServe?.stop()]);
});

interface Exchange {
  status: number;
  contentType: string;
  body: unknown;
}

async function send(
  base: string,
  request: { method?: string; path?: string; contentType?: string; body?: string | (() => Uint8Array) },
): Promise<Exchange> {
  const payload = typeof request.body === 'function' ? request.body() : request.body;
  const response = await fetch(base + (request.path ?? '/invocations'), {
    method: request.method ?? 'POST',
    ...(payload !== undefined ? { body: payload } : {}),
    headers: request.contentType ? { 'Content-Type': request.contentType } : {},
  });
  const text = await response.text();
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, contentType, body };
}

const json = 'application/json';

/**
 * How the `message` of an error body is compared. `exact` by default. Where MLflow's message
 * embeds a Python-only rendering (a numpy array repr, a JSONDecodeError repr, a pandas parser
 * message), only the part outside that rendering is compared: `prefix` (text before it) or
 * `suffix` (text after it).
 */
type MessageRule = { kind: 'exact' } | { kind: 'prefix'; length: string } | { kind: 'suffix' };
interface Case {
  method?: string;
  path?: string;
  contentType?: string;
  /** Text, or a function giving bytes made in `beforeAll`. */
  body?: string | (() => Uint8Array);
  message?: MessageRule;
  /** MLflow answers `text/plain` (its body is the message), jsfunc its JSON error body. */
  plainText?: boolean;
}

const cases: [string, Case][] = [
  ['inputs, one row', { contentType: json, body: JSON.stringify({ inputs: [row(1)] }) }],
  ['inputs, three rows', { contentType: json, body: JSON.stringify({ inputs: [row(1), row(2), row(3)] }) }],
  ['instances', { contentType: json, body: JSON.stringify({ instances: [row(4), row(5)] }) }],
  ['dataframe_split', { contentType: json, body: JSON.stringify({ dataframe_split: { data: [row(6)] } }) }],
  ['Parquet body (pandas to_parquet)', { contentType: 'application/vnd.apache.parquet', body: () => parquetBody }],
  ['integers cast to float32', { contentType: json, body: JSON.stringify({ inputs: [[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]] }) }],
  ['inputs with params (no params schema)', { contentType: json, body: JSON.stringify({ inputs: [row(7)], params: { unused: 1 } }) }],
  ['GET /ping', { method: 'GET', path: '/ping' }],
  ['GET /health', { method: 'GET', path: '/health' }],
  [
    'error: invalid JSON',
    { contentType: json, body: '{"inputs": [1, 2', message: { kind: 'prefix', length: 'Invalid input. Ensure that input is a valid JSON formatted string. Error: ' } },
  ],
  ['error: JSON list at top level', { contentType: json, body: JSON.stringify([row(1)]) }],
  ['error: no input field', { contentType: json, body: JSON.stringify({ rows: [row(1)] }) }],
  ['error: two input fields', { contentType: json, body: JSON.stringify({ inputs: [row(1)], instances: [row(1)] }) }],
  ['error: dataframe_split is a list', { contentType: json, body: JSON.stringify({ dataframe_split: [row(1)] }) }],
  ['error: dataframe_records is a dict', { contentType: json, body: JSON.stringify({ dataframe_records: { a: 1 } }) }],
  ['error: wrong width', { contentType: json, body: JSON.stringify({ inputs: [[1, 2, 3]] }), message: { kind: 'suffix' } }],
  ['error: strings for floats', { contentType: json, body: JSON.stringify({ inputs: [Array(10).fill('x')] }) }],
  ['error: unsupported content type', { contentType: 'text/plain', body: 'hello', plainText: true }],
  [
    'error: a body that is not Parquet',
    {
      contentType: 'application/vnd.apache.parquet',
      body: 'not parquet',
      message: {
        kind: 'prefix',
        length: 'Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid Parquet Pandas DataFrame produced using the `pandas.DataFrame.to_parquet()` method. Error: ',
      },
    },
  ],
  ['error: non-UTF-8 charset', { contentType: 'application/json; charset=latin-1', body: JSON.stringify({ inputs: [row(1)] }), plainText: true }],
  [
    'error: unknown content-type parameter',
    { contentType: 'application/json; format=pandas-split', body: JSON.stringify({ inputs: [row(1)] }), plainText: true },
  ],
  [
    'error: empty CSV',
    {
      contentType: 'text/csv',
      body: '',
      message: { kind: 'prefix', length: 'Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: ' },
    },
  ],
];

/**
 * Keys that are not part of the MLflow scoring protocol and are left out of the comparison:
 * `error_class` / `sqlstate` (added to MlflowException bodies by recent MLflow 3 releases) and
 * `jsfunc_code` (jsfunc's own error code, an extension). `stack_trace` is compared by presence.
 */
const EXTENSION_KEYS = ['error_class', 'sqlstate', 'jsfunc_code'];

/**
 * Python prints a set (`{'inputs', 'dataframe_split', ...}`, MLflow's input-field set) in hash
 * order, and string hashes are salted per interpreter start, so MLflow's order changes from one
 * server process to the next; jsfunc prints sets sorted. Sets of quoted strings are compared
 * sorted on both sides.
 */
function sortPythonSets(message: string): string {
  return message.replace(/\{('[^'{}]*'(?:, '[^'{}]*')*)\}/g, (_whole, items: string) => `{${items.split(', ').sort().join(', ')}}`);
}

function comparable(body: unknown, rule: MessageRule): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of EXTENSION_KEYS) delete copy[key];
  if ('stack_trace' in copy) copy.stack_trace = '<present>';
  if (typeof copy.message === 'string') copy.message = sortPythonSets(copy.message);
  if (typeof copy.message === 'string' && rule.kind === 'prefix') {
    copy.message = copy.message.startsWith(rule.length) ? `${rule.length}<python-specific detail>` : copy.message;
  }
  if (typeof copy.message === 'string' && rule.kind === 'suffix') {
    const lastSchemaError = copy.message.lastIndexOf('Error: ');
    copy.message = lastSchemaError >= 0 ? `<python-specific rendering>${copy.message.slice(lastSchemaError)}` : copy.message;
  }
  return copy;
}

describe('mlflow models serve and jsfunc models serve answer alike', () => {
  it.each(cases)('%s', async (_name, request) => {
    const [python, node] = await Promise.all([send(mlflowServe.url, request), send(jsfuncServe.url, request)]);
    if (request.plainText) {
      // the documented difference: same status and message text, JSON body instead of text/plain
      expect(python.contentType).toBe('text/plain');
      expect(typeof python.body).toBe('string');
      expect(node.contentType).toBe('application/json');
      expect(node.body).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.any(String) });
      expect({ status: node.status, message: sortPythonSets((node.body as { message: string }).message) }).toEqual({
        status: python.status,
        message: sortPythonSets(python.body as string),
      });
      return;
    }
    const rule = request.message ?? { kind: 'exact' };
    expect({ status: node.status, contentType: node.contentType, body: comparable(node.body, rule) }).toEqual({
      status: python.status,
      contentType: python.contentType,
      body: comparable(python.body, rule),
    });
  });
});
