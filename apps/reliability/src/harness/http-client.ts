import http from 'node:http';
import net from 'node:net';

/** One answer from the server. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request to send. `body` is sent as is (with a Content-Length) unless `chunked`. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
}

/** A keep-alive agent with at most `sockets` connections (the concurrency of a run). */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
}

/** Sends one request over `agent` and buffers the answer. */
export function send(base: { port: number; host?: string }, agent: http.Agent, request: HttpRequest, timeoutMs = 30_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
    const outgoing = http.request(
      {
        host: base.host ?? '127.0.0.1',
        port: base.port,
        method: request.method,
        path: request.path,
        agent,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...request.headers },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path}`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Parses a body as JSON, or returns undefined. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A slow client on a raw socket: sends the request head, then dribbles `body` a few bytes at a
 * time every `intervalMs` (or stalls after `stallAfter` bytes when given), and resolves with the
 * raw answer text, or with `closed` when the server closed the socket without answering.
 */
export function slowClient(
  port: number,
  options: { head: string; body: Buffer; bytesPerTick: number; intervalMs: number; stallAfter?: number; giveUpMs: number },
): Promise<{ answer: string; closedByServer: boolean; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let offset = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (closedByServer: boolean): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, closedByServer, elapsedMs: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish(false), options.giveUpMs);
    socket.on('connect', () => {
      socket.write(options.head);
      timer = setInterval(() => {
        if (options.stallAfter !== undefined && offset >= options.stallAfter) return; // stall: keep the socket open, send nothing
        if (offset >= options.body.length) return clearInterval(timer);
        socket.write(options.body.subarray(offset, offset + options.bytesPerTick));
        offset += options.bytesPerTick;
      }, options.intervalMs);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      // one full answer (head + content-length body) is enough
      const split = answer.indexOf('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(answer)?.[1];
      if (split >= 0 && length !== undefined && answer.length - split - 4 >= Number(length)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}
