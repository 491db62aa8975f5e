import type { FastifyRequest } from 'fastify';

/** The raw request body as bytes (the server registers one catch-all buffer parser). */
export function bodyBytes(request: FastifyRequest): Buffer {
  const body = request.body as unknown;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.alloc(0);
}
