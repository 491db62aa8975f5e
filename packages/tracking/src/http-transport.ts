import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsfuncError } from '@jsfunc/core';
import { codeForStatus, trackingError, type TrackingServerErrorDetails } from './tracking-error.js';

/** How jsfunc talks to a tracking server: address, credentials, TLS, timeout and retries. */
export interface HttpTransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** HTTP basic auth (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD). */
  username?: string | undefined;
  password?: string | undefined;
  /** Bearer token (MLFLOW_TRACKING_TOKEN). Takes precedence over basic auth. */
  token?: string | undefined;
  /** Skip TLS certificate verification (MLFLOW_TRACKING_INSECURE_TLS=true). */
  insecureTls?: boolean | undefined;
  /** A CA bundle file to trust (MLFLOW_TRACKING_SERVER_CERT_PATH). */
  caCertPath?: string | undefined;
  /** Per-request timeout in milliseconds (default 120 000, MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT is 120 s). */
  timeoutMs?: number | undefined;
  /** Attempts after the first for requests that are safe to repeat (default 3). */
  maxRetries?: number | undefined;
  /** First back-off delay in milliseconds, doubled on each retry (default 250). */
  retryDelayMs?: number | undefined;
}

/** One request. `body` is sent as-is; `bodyFile` is streamed from disk. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL (starting with `/`), query string included. */
  path: string;
  json?: unknown;
  bodyFile?: string;
  /** Stream the response body into this file instead of keeping it in memory (2xx only). */
  downloadTo?: string;
  /**
   * Whether the request may be sent again after a failure where the server might have acted
   * (5xx, timeout, reset). Connection refused is always retried: nothing reached the server.
   */
  idempotent: boolean;
}

/** A response with its body read (empty when it was streamed into `downloadTo`). */
export interface HttpResponse {
  status: number;
  body: Buffer;
}

/** A small HTTP client for the MLflow REST API, on node:http / node:https (no extra dependency). */
export interface HttpTransport {
  readonly baseUrl: string;
  /** Sends a request; non-2xx answers and network failures become tracking errors. */
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Sends a JSON request and parses the JSON answer. */
  json<T>(method: HttpRequest['method'], path: string, body?: unknown, idempotent?: boolean): Promise<T>;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

class TransportTimeout extends Error {}

function parseServerError(body: Buffer): { code: string | null; message: string | null } {
  const text = body.toString('utf8').trim();
  if (text === '') return { code: null, message: null };
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (parsed && typeof parsed === 'object') {
      return {
        code: typeof parsed.error_code === 'string' ? parsed.error_code : null,
        message: typeof parsed.message === 'string' ? parsed.message : text.slice(0, 2000),
      };
    }
  } catch {
    // not JSON: an HTML error page or a proxy's text
  }
  return { code: null, message: text.slice(0, 2000) };
}

/** Creates the HTTP transport used by the REST client. */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const isHttps = base.protocol === 'https:';
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const shownBase = `${base.protocol}//${base.host}${basePath}`;
  let caPromise: Promise<Buffer> | undefined;

  const agent = isHttps
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: options.insecureTls !== true })
    : new http.Agent({ keepAlive: true });
  // Unref idle sockets so an open keep-alive connection never holds the process open.
  agent.on('free', (socket) => socket.unref());

  const headers: Record<string, string> = { 'User-Agent': 'jsfunc-tracking' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  else if (options.username !== undefined || base.username !== '') {
    const user = options.username ?? decodeURIComponent(base.username);
    const pass = options.password ?? decodeURIComponent(base.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }

  async function once(request: HttpRequest): Promise<HttpResponse> {
    const ca = options.caCertPath ? await (caPromise ??= fs.readFile(options.caCertPath)) : undefined;
    let payload: Buffer | undefined;
    const requestHeaders: Record<string, string | number> = { ...headers };
    if (request.json !== undefined) {
      payload = Buffer.from(JSON.stringify(request.json));
      requestHeaders['Content-Type'] = 'application/json';
      requestHeaders['Content-Length'] = payload.length;
    } else if (request.bodyFile !== undefined) {
      requestHeaders['Content-Type'] = 'application/octet-stream';
      requestHeaders['Content-Length'] = (await fs.stat(request.bodyFile)).size;
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      const client = isHttps ? https : http;
      const req = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method: request.method,
          path: basePath + request.path,
          headers: requestHeaders,
          agent,
          ...(ca ? { ca } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (request.downloadTo !== undefined && status >= 200 && status < 300) {
            pipeline(res, createWriteStream(request.downloadTo)).then(
              () => {
                clearTimeout(timer);
                resolve({ status, body: Buffer.alloc(0) });
              },
              (error: unknown) => {
                clearTimeout(timer);
                reject(error);
              },
            );
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status, body: Buffer.concat(chunks) });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new TransportTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      if (payload !== undefined) req.end(payload);
      else if (request.bodyFile !== undefined) {
        pipeline(createReadStream(request.bodyFile), req).catch((error: unknown) => req.destroy(error as Error));
      } else req.end();
    });
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const where = `${request.method} ${shownBase}${request.path}`;
    for (let attempt = 0; ; attempt += 1) {
      let response: HttpResponse | undefined;
      let failure: unknown;
      try {
        response = await once(request);
      } catch (error) {
        failure = error;
      }
      const canRetry = attempt < maxRetries;
      if (response !== undefined) {
        if (response.status >= 200 && response.status < 300) return response;
        if (canRetry && request.idempotent && RETRYABLE_STATUS.has(response.status)) {
          await sleep(retryDelayMs * 2 ** attempt);
          continue;
        }
        const server = parseServerError(response.body);
        const code = codeForStatus(response.status);
        const details: TrackingServerErrorDetails = {
          method: request.method,
          url: `${shownBase}${request.path}`,
          status: response.status,
          serverErrorCode: server.code,
          serverMessage: server.message,
        };
        throw trackingError(
          code,
          `The MLflow tracking server answered ${response.status}${server.code ? ` ${server.code}` : ''} to ${where}: ${server.message ?? '(empty body)'}.`,
          details,
        );
      }
      const errno = (failure as NodeJS.ErrnoException).code;
      const timedOut = failure instanceof TransportTimeout;
      const neverSent = errno !== undefined && NEVER_SENT.has(errno);
      if (canRetry && (neverSent || request.idempotent)) {
        await sleep(retryDelayMs * 2 ** attempt);
        continue;
      }
      if (JsfuncError.isInstance(failure)) throw failure;
      const details: TrackingServerErrorDetails = {
        method: request.method,
        url: `${shownBase}${request.path}`,
        status: null,
        serverErrorCode: null,
        serverMessage: null,
      };
      throw trackingError(
        timedOut ? 'ERR_TRACKING_TIMEOUT' : 'ERR_TRACKING_UNREACHABLE',
        timedOut
          ? `The MLflow tracking server gave no answer to ${where} within ${timeoutMs} ms (after ${attempt + 1} attempt(s)).`
          : `Could not reach the MLflow tracking server for ${where}: ${(failure as Error).message} (after ${attempt + 1} attempt(s)).`,
        details,
        failure,
      );
    }
  }

  return {
    baseUrl: shownBase,
    request,
    async json<T>(method: HttpRequest['method'], path: string, body?: unknown, idempotent = method === 'GET') {
      const response = await request({ method, path, ...(body === undefined ? {} : { json: body }), idempotent });
      const text = response.body.toString('utf8');
      return (text.trim() === '' ? {} : JSON.parse(text)) as T;
    },
  };
}
