import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { createHttpTransport } from './http-transport.js';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => handler(request, response, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function failure(promise: Promise<unknown>): Promise<JsfuncError> {
  try {
    await promise;
  } catch (error) {
    if (JsfuncError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

function mlflowError(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ error_code: code, message }));
}

describe('createHttpTransport', () => {
  it.each([
    [404, 'RESOURCE_DOES_NOT_EXIST', 'ERR_TRACKING_NOT_FOUND'],
    [401, 'UNAUTHENTICATED', 'ERR_TRACKING_UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED', 'ERR_TRACKING_PERMISSION_DENIED'],
    [400, 'INVALID_PARAMETER_VALUE', 'ERR_TRACKING_BAD_REQUEST'],
    [500, 'INTERNAL_ERROR', 'ERR_TRACKING_SERVER'],
  ])('turns a %i answer into a named error carrying the server message', async (status, serverCode, code) => {
    const base = await serve((_request, response) => mlflowError(response, status, serverCode, `the server says ${status}`));
    const transport = createHttpTransport({ baseUrl: base, maxRetries: 0 });
    const error = await failure(transport.json('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '1' }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`the server says ${status}`);
    expect(error.details).toMatchObject({ status, serverErrorCode: serverCode, serverMessage: `the server says ${status}`, method: 'POST' });
  });

  it('retries idempotent requests on 503 and succeeds', async () => {
    let calls = 0;
    const base = await serve((_request, response) => {
      calls += 1;
      if (calls < 3) return mlflowError(response, 503, 'TEMPORARILY_UNAVAILABLE', 'busy');
      response.end('{"ok":true}');
    });
    const transport = createHttpTransport({ baseUrl: base, retryDelayMs: 1 });
    await expect(transport.json('GET', '/x')).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
  });

  it('does not repeat a non-idempotent POST after a 503', async () => {
    let calls = 0;
    const base = await serve((_request, response) => {
      calls += 1;
      mlflowError(response, 503, 'TEMPORARILY_UNAVAILABLE', 'busy');
    });
    const transport = createHttpTransport({ baseUrl: base, retryDelayMs: 1 });
    const error = await failure(transport.json('POST', '/api/2.0/mlflow/model-versions/create', {}));
    expect(error.code).toBe('ERR_TRACKING_SERVER');
    expect(calls).toBe(1);
  });

  it('reports a server that does not answer in time as ERR_TRACKING_TIMEOUT', async () => {
    const base = await serve(() => {
      /* never answers */
    });
    const transport = createHttpTransport({ baseUrl: base, timeoutMs: 100, maxRetries: 1, retryDelayMs: 1 });
    const error = await failure(transport.json('GET', '/slow'));
    expect(error.code).toBe('ERR_TRACKING_TIMEOUT');
    expect(error.message).toContain('2 attempt(s)');
  });

  it('reports a closed port as ERR_TRACKING_UNREACHABLE', async () => {
    const base = await serve(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const transport = createHttpTransport({ baseUrl: base, maxRetries: 0 });
    const error = await failure(transport.json('GET', '/x'));
    expect(error.code).toBe('ERR_TRACKING_UNREACHABLE');
    expect(error.message).toContain('MLFLOW_TRACKING_URI');
  });

  it('sends basic auth, or a bearer token when one is set, and keeps a base path prefix', async () => {
    const seen: { authorization?: string; url?: string }[] = [];
    const base = await serve((request, response) => {
      seen.push({ authorization: request.headers.authorization, url: request.url });
      response.end('{}');
    });
    await createHttpTransport({ baseUrl: `${base}/mlflow/`, username: 'ada', password: 'pw' }).json('GET', '/api/2.0/x');
    await createHttpTransport({ baseUrl: base, username: 'ada', password: 'pw', token: 'tok' }).json('GET', '/y');
    expect(seen[0]).toEqual({ authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}`, url: '/mlflow/api/2.0/x' });
    expect(seen[1]!.authorization).toBe('Bearer tok');
  });

  it('keeps a non-JSON error page as the message', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(502, { 'Content-Type': 'text/html' });
      response.end('<html>Bad Gateway</html>');
    });
    const error = await failure(createHttpTransport({ baseUrl: base, maxRetries: 0 }).json('GET', '/x'));
    expect(error.code).toBe('ERR_TRACKING_SERVER');
    expect(error.details.serverMessage).toBe('<html>Bad Gateway</html>');
  });
});
