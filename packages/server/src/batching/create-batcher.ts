import type { ModelDataV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { batchKey, batchRows, concatBatch, splitBatch } from './batch-data.js';

/** Dynamic batching settings of one model. */
export interface BatchingOptions {
  /** Largest number of rows (first-dimension entries) run in one call (default 32). */
  readonly maxBatchSize?: number;
  /** Longest a request waits for others to join its batch while a worker is idle, in ms (default 2). */
  readonly maxQueueDelayMs?: number;
  /** Most requests waiting; more are refused with ERR_SERVER_QUEUE_FULL (HTTP 503). Default 1024. */
  readonly maxQueueSize?: number;
}

/** What the batcher needs from the worker pool. */
export interface BatchTarget {
  run(data: ModelDataV1): Promise<{ data: ModelDataV1; computeMs: number }>;
  hasIdleWorker(): boolean;
  /** Resolves whenever a worker becomes free. */
  onIdle(listener: () => void): void;
}

/** Observations for metrics. */
export interface BatchObserver {
  batch?(size: number, requests: number): void;
  queueTime?(ms: number): void;
  compute?(ms: number): void;
}

interface Item {
  data: ModelDataV1;
  rows: number;
  key: string;
  enqueued: number;
  resolve(data: ModelDataV1): void;
  reject(error: unknown): void;
}

/** A per-model dynamic batcher. */
export interface Batcher {
  /** Runs one `predict` input, batched with concurrent compatible inputs. */
  submit(data: ModelDataV1): Promise<ModelDataV1>;
  /** Requests waiting to be dispatched. */
  readonly queued: number;
}

/**
 * Creates a dynamic batcher: inputs with the same structure are concatenated along the first
 * dimension (up to `maxBatchSize` rows) and run in one call; the output is split back by rows.
 * It dispatches as soon as a worker is idle (waiting at most `maxQueueDelayMs` for the batch to
 * fill), and lets batches grow while every worker is busy: latency stays low at low load and
 * throughput grows with load. Inputs that cannot be batched (no batch dimension, chat values,
 * params) bypass it.
 */
export function createBatcher(target: BatchTarget, options: BatchingOptions = {}, observer: BatchObserver = {}): Batcher {
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 32);
  const maxDelay = Math.max(0, options.maxQueueDelayMs ?? 2);
  const maxQueueSize = Math.max(1, options.maxQueueSize ?? 1024);
  const queue: Item[] = [];
  let timer: NodeJS.Timeout | undefined;

  const runAlone = async (item: Item): Promise<void> => {
    try {
      const result = await target.run(item.data);
      observer.compute?.(result.computeMs);
      item.resolve(result.data);
    } catch (error) {
      item.reject(error);
    }
  };

  const takeBatch = (): Item[] => {
    const head = queue[0]!;
    const batch: Item[] = [];
    let rows = 0;
    for (let i = 0; i < queue.length && rows < maxBatchSize; ) {
      const item = queue[i]!;
      if (item.key === head.key && (batch.length === 0 || rows + item.rows <= maxBatchSize)) {
        batch.push(item);
        rows += item.rows;
        queue.splice(i, 1);
      } else i += 1;
    }
    return batch;
  };

  const dispatch = (batch: Item[]): void => {
    const now = performance.now();
    for (const item of batch) observer.queueTime?.(now - item.enqueued);
    observer.batch?.(batch.reduce((n, i) => n + i.rows, 0), batch.length);
    if (batch.length === 1) {
      void runAlone(batch[0]!);
      return;
    }
    void (async () => {
      try {
        const result = await target.run(concatBatch(batch.map((i) => i.data)));
        observer.compute?.(result.computeMs);
        const parts = splitBatch(result.data, batch.map((i) => i.rows));
        if (parts === undefined) {
          // the output has no batch dimension: answer each request on its own
          await Promise.all(batch.map(runAlone));
          return;
        }
        batch.forEach((item, index) => item.resolve(parts[index]!));
      } catch (error) {
        // one bad input must not fail its neighbours: retry each alone to attribute the error
        await Promise.all(batch.map(runAlone));
        void error;
      }
    })();
  };

  const pump = (): void => {
    while (queue.length > 0) {
      const oldest = queue[0]!;
      const waited = performance.now() - oldest.enqueued;
      const rowsReady = queue.reduce((n, i) => (i.key === oldest.key ? n + i.rows : n), 0);
      const full = rowsReady >= maxBatchSize;
      if (!target.hasIdleWorker()) {
        if (!full) return; // wait for a worker: the batch keeps growing meanwhile
      } else if (!full && waited < maxDelay) {
        if (timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            pump();
          }, Math.max(0, maxDelay - waited));
        }
        return;
      }
      dispatch(takeBatch());
      if (!target.hasIdleWorker() && !full) return;
    }
  };

  target.onIdle(pump);

  return {
    submit(data) {
      const rows = batchRows(data);
      const key = batchKey(data);
      if (rows === undefined || key === undefined || rows === 0 || rows > maxBatchSize) {
        return target.run(data).then((result) => {
          observer.compute?.(result.computeMs);
          return result.data;
        });
      }
      if (queue.length >= maxQueueSize) {
        return Promise.reject(
          serverError('ERR_SERVER_QUEUE_FULL', `The batching queue is full (${maxQueueSize} requests waiting). Retry later, or raise maxQueueSize / add workers.`),
        );
      }
      return new Promise<ModelDataV1>((resolve, reject) => {
        queue.push({ data, rows, key, enqueued: performance.now(), resolve, reject });
        pump();
      });
    },
    get queued() {
      return queue.length;
    },
  };
}
