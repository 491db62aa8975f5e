import { readFileSync } from 'node:fs';
import { discoverFlavors } from '@jsfunc/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { serverError } from './errors/server-error.js';
import { httpErrorBody } from './errors/http-error-body.js';
import { createMetrics, type ServerMetrics } from './metrics/create-metrics.js';
import { registerMlflowRoutes } from './routes/mlflow-routes.js';
import { registerOipRoutes } from './routes/oip-routes.js';
import type { RouteContext } from './routes/route-context.js';
import { createServedModel, type ServeModelOptions, type ServedModel } from './served-model.js';

/** Default request timeout: MLflow's `MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT` default, 60 s. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default body limit: 64 MiB (Triton's default input size limit). */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  /** The models to serve; the first answers `/invocations`. */
  readonly models: readonly ServeModelOptions[];
  /**
   * Flavor package names the workers import (by name, resolved from `cwd`). Default: the flavors
   * installed in the app at `cwd` (`discoverFlavors`). A model file never chooses what is imported.
   */
  readonly flavorPackages?: readonly string[];
  /** Where flavor packages are resolved from (default `process.cwd()`). */
  readonly cwd?: string;
  /** Whole-request timeout in ms (default 60 000); past it the answer is 504. */
  readonly timeoutMs?: number;
  /** Largest accepted body in bytes (default 64 MiB); larger bodies get 413. */
  readonly bodyLimit?: number;
  /** Run each model's saved serving input example before reporting ready (default true). */
  readonly warmUp?: boolean;
  /** Fastify/pino logger setting (default false: silent). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve Prometheus metrics on `/metrics` (default true). */
  readonly metrics?: boolean;
  /** How long `close()` waits for in-flight requests, in ms (default 30 000). */
  readonly drainTimeoutMs?: number;
}

/** A running jsfunc scoring server. */
export interface JsfuncServer {
  /** The fastify instance (routes registered). */
  readonly app: FastifyInstance;
  /** The served models by name. */
  readonly models: ReadonlyMap<string, ServedModel>;
  /** Resolves when every model is loaded and warmed up; rejects when one fails to load. */
  readonly ready: Promise<void>;
  /** Starts listening; resolves with the address (`http://host:port`). */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Graceful stop: refuses new inference (503), drains in-flight requests, stops the workers. */
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return json.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Creates a scoring server for one or more models: MLflow's `/invocations` protocol and the Open
 * Inference Protocol v2 on one port, inference in worker threads or processes, optional dynamic
 * batching, Prometheus metrics. Models start loading at once; `ready` tells when they can answer.
 */
export async function createServer(options: CreateServerOptions): Promise<JsfuncServer> {
  if (options.models.length === 0) throw serverError('ERR_SERVER_NO_MODELS', 'createServer needs at least one model in `models`.');
  const names = new Set<string>();
  for (const model of options.models) {
    if (names.has(model.name)) throw serverError('ERR_SERVER_NO_MODELS', `Two models are named '${model.name}'; give each model its own name.`);
    names.add(model.name);
  }
  const cwd = options.cwd ?? process.cwd();
  const flavorPackages = options.flavorPackages ?? discoverFlavors({ cwd }).map((flavor) => flavor.packageName);
  const metrics: ServerMetrics | undefined = options.metrics === false ? undefined : createMetrics();
  const version = packageVersion();
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Time to *receive* a whole request (Node closes a connection that stalls mid-upload with 408;
    // checked every 30 s). Inference time is bounded separately by `timeoutMs` (504).
    requestTimeout: Math.max(options.timeoutMs ?? 60_000, 60_000),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // errors fastify raises before routing (a URL that does not decode, such as `/%`) get the
    // same JSON error body as every other reject
    frameworkErrors: (error, request, reply) => {
      const protocol = request.url.startsWith('/v2') ? 'oip' : 'mlflow';
      const { status, body } = httpErrorBody(error, protocol);
      void (reply as unknown as FastifyReply).code(status).type('application/json').send(JSON.stringify(body));
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  const models = new Map<string, ServedModel>();
  for (const model of options.models) {
    models.set(model.name, await createServedModel(model, { flavorPackages, cwd, warmUp: options.warmUp !== false, metrics }));
  }
  let closing = false;
  const context: RouteContext = {
    models,
    defaultModel: options.models[0]!.name,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    metrics,
    serverName: 'jsfunc',
    serverVersion: version,
    isClosing: () => closing,
  };

  app.setErrorHandler(async (error, request, reply) => {
    const protocol = request.url.startsWith('/v2') ? 'oip' : 'mlflow';
    const { status, body } = httpErrorBody(error, protocol);
    const finalStatus = status >= 500 && (error as { statusCode?: number }).statusCode === undefined ? status : status;
    await reply.code(finalStatus).type('application/json').send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const protocol = request.url.startsWith('/v2') ? 'oip' : 'mlflow';
    const error = serverError('ERR_SERVER_ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}. See the server README for its routes.`);
    const { status, body } = httpErrorBody(error, protocol);
    await reply.code(status).type('application/json').send(body);
  });

  // while draining, answers close their connection so keep-alive clients let the server stop
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });

  registerMlflowRoutes(app, context);
  registerOipRoutes(app, context);
  if (metrics) {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }

  const ready = Promise.all([...models.values()].map((m) => m.ready)).then(() => undefined);
  ready.catch(() => undefined);

  return {
    app,
    models,
    ready,
    async listen(listenOptions = {}) {
      return app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? '127.0.0.1' });
    },
    async close() {
      if (closing) return;
      closing = true;
      const sweep = setInterval(() => app.server.closeIdleConnections?.(), 50);
      const drain = app.close().finally(() => clearInterval(sweep));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.drainTimeoutMs ?? 30_000).unref());
      await Promise.race([drain, timeout]);
      await Promise.all([...models.values()].map((m) => m.close()));
    },
  };
}
