import type { FastifyReply } from 'fastify';
import { serverError } from '../errors/server-error.js';
import { httpErrorBody, type ErrorProtocol } from '../errors/http-error-body.js';
import type { ServerMetrics } from '../metrics/create-metrics.js';
import type { ServedModel } from '../served-model.js';

/** What route modules share. */
export interface RouteContext {
  readonly models: ReadonlyMap<string, ServedModel>;
  readonly defaultModel: string;
  readonly timeoutMs: number;
  readonly metrics: ServerMetrics | undefined;
  readonly serverName: string;
  readonly serverVersion: string;
  /** True while draining on shutdown: new inference requests are refused with 503. */
  isClosing(): boolean;
}

/** Finds a served model or throws ERR_SERVER_MODEL_NOT_FOUND (404). */
export function findModel(context: RouteContext, name: string, version?: string): ServedModel {
  const model = context.models.get(name);
  if (model === undefined) {
    throw serverError('ERR_SERVER_MODEL_NOT_FOUND', `Model with name ${name} does not exist. Served models: ${[...context.models.keys()].join(', ')}.`);
  }
  if (version !== undefined && model.version !== version) {
    throw serverError('ERR_SERVER_MODEL_NOT_FOUND', `Model ${name} with version ${version} not found`);
  }
  return model;
}

/** Rejects with ERR_SERVER_TIMEOUT (504) when `work` takes longer than the request timeout. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(serverError('ERR_SERVER_TIMEOUT', 'Request processing time exceeded limit')),
      timeoutMs,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs one inference request: refuses it while draining, applies the deadline, records metrics,
 * and answers errors in the protocol's shape.
 */
export async function answerInference(
  context: RouteContext,
  reply: FastifyReply,
  options: { model: string; protocol: ErrorProtocol },
  work: () => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const labels = { model: options.model, protocol: options.protocol };
  context.metrics?.inFlight.inc({ model: options.model });
  try {
    if (context.isClosing()) throw serverError('ERR_SERVER_SHUTTING_DOWN', 'The server is shutting down; send the request to another instance.');
    await withDeadline(work(), context.timeoutMs);
  } catch (error) {
    const fromModel = (error as { fromModel?: boolean } | null)?.fromModel === true;
    const { status, body } = httpErrorBody(error, options.protocol, fromModel);
    const code = (error as { code?: unknown } | null)?.code;
    context.metrics?.failures.inc({ model: options.model, reason: typeof code === 'string' ? code : 'ERR_UNKNOWN' });
    if (!reply.sent) void reply.code(status).type('application/json').send(JSON.stringify(body));
  } finally {
    context.metrics?.inFlight.dec({ model: options.model });
    context.metrics?.requests.inc({ ...labels, status: String(reply.statusCode) });
    context.metrics?.requestDuration.observe(labels, (performance.now() - started) / 1000);
  }
}

/** Marks an error as thrown by the model (so unknown codes become MLflow's 400 "unexpected error"). */
export function markFromModel(error: unknown): never {
  if (error !== null && typeof error === 'object' && !String((error as { code?: unknown }).code ?? '').startsWith('ERR_SERVER_')) {
    Object.defineProperty(error, 'fromModel', { value: true, enumerable: false });
  }
  throw error;
}
