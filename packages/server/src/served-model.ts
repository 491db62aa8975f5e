import { importFlavorPackages, readModelInfo, selectFlavor, type ModelDataV1 } from '@jsfunc/core';
import { createBatcher, type Batcher, type BatchingOptions } from './batching/create-batcher.js';
import { serverError } from './errors/server-error.js';
import type { ServerMetrics } from './metrics/create-metrics.js';
import { parseSignatureView, type SignatureView } from './mlflow-protocol/signature-view.js';
import { createWorkerPool, type WorkerIsolation, type WorkerPool } from './worker/worker-pool.js';
import type { WorkerModelDescription } from './worker/worker-messages.js';

/** How to serve one model. */
export interface ServeModelOptions {
  /** Name in URLs (`/v2/models/{name}`, `/models/{name}/invocations`). */
  readonly name: string;
  /** Model URI or local directory. */
  readonly uri: string;
  /** Version reported by OIP metadata and matched by `/versions/{version}` routes. */
  readonly version?: string;
  /** Workers, each holding one copy of the model (default 1). */
  readonly workers?: number;
  /** `auto` (default) follows the flavor's `runtime.isolation` (threads unless it asks for processes). */
  readonly isolation?: WorkerIsolation | 'auto';
  /** Dynamic batching settings, or false/undefined for none. */
  readonly batching?: BatchingOptions | false;
  /** Options for the flavor's `load`. */
  readonly flavorOptions?: Record<string, unknown>;
  /** Load-time configuration for code models (MLflow's `model_config`). */
  readonly modelConfig?: Record<string, unknown>;
  /** Verify the model's integrity record before loading (default true). */
  readonly verifyIntegrity?: boolean;
}

/** A model being served. */
export interface ServedModel {
  readonly name: string;
  readonly version: string | undefined;
  readonly isolation: WorkerIsolation;
  /** True once every worker loaded and warmed up. */
  readonly isReady: boolean;
  readonly description: WorkerModelDescription | undefined;
  readonly signature: SignatureView | undefined;
  /** Resolves when ready; rejects when loading failed. */
  readonly ready: Promise<void>;
  /** Runs a method (batched when possible). */
  run(method: string, data: ModelDataV1, params: Record<string, unknown> | undefined): Promise<ModelDataV1>;
  stream(data: ModelDataV1, params: Record<string, unknown> | undefined): AsyncIterable<ModelDataV1>;
  readonly pool: WorkerPool;
  close(): Promise<void>;
}

async function chooseIsolation(options: ServeModelOptions, flavorPackages: readonly string[], cwd: string): Promise<WorkerIsolation> {
  if (options.isolation !== undefined && options.isolation !== 'auto') return options.isolation;
  const info = await readModelInfo(options.uri);
  const flavors = await importFlavorPackages(flavorPackages, { cwd });
  const { flavor } = selectFlavor(info.mlmodel, flavors);
  return flavor.runtime?.isolation ?? 'thread';
}

/** Starts the workers of one model; `ready` settles when they have loaded and warmed up. */
export async function createServedModel(
  options: ServeModelOptions,
  context: { flavorPackages: readonly string[]; cwd: string; warmUp: boolean; metrics: ServerMetrics | undefined },
): Promise<ServedModel> {
  const isolation = await chooseIsolation(options, context.flavorPackages, context.cwd);
  const pool = createWorkerPool({
    size: options.workers ?? 1,
    isolation,
    load: {
      uri: options.uri,
      flavorPackages: context.flavorPackages,
      cwd: context.cwd,
      warmUp: context.warmUp,
      ...(options.verifyIntegrity === undefined ? {} : { verifyIntegrity: options.verifyIntegrity }),
      ...(options.flavorOptions ? { flavorOptions: options.flavorOptions } : {}),
      ...(options.modelConfig ? { modelConfig: options.modelConfig } : {}),
    },
    onCrash: () => context.metrics?.failures.inc({ model: options.name, reason: 'ERR_SERVER_WORKER_CRASHED' }),
  });
  let description: WorkerModelDescription | undefined;
  let signature: SignatureView | undefined;
  let isReady = false;
  const metrics = context.metrics;
  const labels = { model: options.name };
  const batcher: Batcher | undefined = options.batching
    ? createBatcher(
        {
          run: (data) => pool.run('predict', data, undefined),
          hasIdleWorker: () => pool.hasIdleWorker(),
          onIdle: (listener) => pool.events.on('idle', listener),
        },
        options.batching,
        {
          batch: (size) => metrics?.batchSize.observe(labels, size),
          queueTime: (ms) => metrics?.queueDuration.observe(labels, ms / 1000),
          compute: (ms) => metrics?.computeDuration.observe(labels, ms / 1000),
        },
      )
    : undefined;
  const ready = pool.ready.then((value) => {
    description = value;
    signature = parseSignatureView(value.signature);
    isReady = true;
  });
  ready.catch(() => undefined);
  return {
    name: options.name,
    version: options.version,
    isolation,
    get isReady() {
      return isReady;
    },
    get description() {
      return description;
    },
    get signature() {
      return signature;
    },
    ready,
    pool,
    async run(method, data, params) {
      if (!isReady) throw serverError('ERR_SERVER_NOT_READY', `Model '${options.name}' is not ready yet (loading or warming up). Retry when /v2/models/${options.name}/ready answers 200.`);
      if (method !== 'predict' && !description?.methods.includes(method)) {
        throw serverError('ERR_SERVER_METHOD_NOT_FOUND', `Model '${options.name}' has no inference method '${method}'. It has: ${description?.methods.join(', ')}.`);
      }
      const noParams = params === undefined || Object.keys(params).length === 0;
      if (batcher !== undefined && method === 'predict' && noParams) return batcher.submit(data);
      const result = await pool.run(method, data, params);
      metrics?.computeDuration.observe(labels, result.computeMs / 1000);
      return result.data;
    },
    stream(data, params) {
      if (!isReady) throw serverError('ERR_SERVER_NOT_READY', `Model '${options.name}' is not ready yet.`);
      if (!description?.streams) {
        throw serverError('ERR_SERVER_NOT_IMPLEMENTED', `Model '${options.name}' does not stream (its flavor has no predictStream). Call it without Accept: text/event-stream.`);
      }
      return pool.stream(data, params);
    },
    close: () => pool.close(),
  };
}
