import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { batchError } from './batch-error.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, runKeys, type ShardJobData, type ShardJobResult } from './bullmq-run-keys.js';
import { openRedis } from './redis-connection.js';
import { toJsonSafeRows } from './row.js';
import { chunkInputRows, type ChunkResult } from './score-chunk.js';
import type { ScorerSpec } from './scorer-spec.js';
import { createWorkerPool } from './worker-pool.js';

/** Options of {@link runBullmqWorker}. */
export interface BullmqWorkerOptions {
  /** Redis URL, for example `redis://10.0.0.5:6379`. */
  redis: string;
  /** The model (or scorer module) this worker serves; loaded once, before any job is taken. */
  scorer: ScorerSpec;
  /** BullMQ queue name (default `jsfunc-batch`): the driver's. */
  queue?: string;
  /** BullMQ key prefix (default `bull`). */
  prefix?: string;
  /** Shards processed at once; each runs on its own inference thread (default 1). */
  concurrency?: number;
  /** Job lock time in ms (default 30000): a shard held longer by a dead or paused worker is given to another. */
  lockDuration?: number;
  /** How often stalled shards are looked for, in ms (default 30000). */
  stalledInterval?: number;
  /** Times a shard may stall (its worker died or froze) before it fails (default 2). */
  maxStalledCount?: number;
  /** How long parts stay in Redis, in seconds (default 7 days): how long a crashed driver can resume. */
  partTtlSeconds?: number;
  /** Observes the worker: shard started, committed, rejected, failed. */
  onEvent?: (event: BullmqWorkerEvent) => void;
}

/** Events reported by a worker. */
export type BullmqWorkerEvent =
  | { type: 'ready'; worker: string }
  | { type: 'shard-started'; runId: string; shard: number; jobId: string; attempt: number }
  | { type: 'shard-committed'; runId: string; shard: number; jobId: string }
  | { type: 'shard-failed'; runId: string; shard: number; jobId: string; error: string }
  | { type: 'commit-rejected'; jobId: string; error: string }
  | { type: 'error'; error: string };

/** A running worker. */
export interface BullmqWorkerHandle {
  /** `host:pid`, recorded with each committed shard. */
  readonly id: string;
  /** Stops taking shards, finishes the current ones, releases the model. */
  close(): Promise<void>;
}

/**
 * Starts a BullMQ batch worker: loads the model once (in a worker thread, so inference cannot
 * starve BullMQ's lock renewal on this thread), then scores shards from the queue until closed.
 * Each attempt writes its own part (`…:part:<shard>:<lock token>`) and returns its key; BullMQ
 * records that return value only if this worker still holds the job lock, so a worker that was
 * paused or cut off past its lock cannot commit a second copy of a shard.
 */
export async function runBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const id = `${hostname()}:${process.pid}`;
  const ttl = options.partTtlSeconds ?? 7 * 24 * 3600;
  const concurrency = options.concurrency ?? 1;
  const emit = (event: BullmqWorkerEvent) => options.onEvent?.(event);

  const pool = createWorkerPool({ scorer: options.scorer, size: concurrency });
  try {
    await pool.ready();
  } catch (error) {
    await pool.close();
    throw error;
  }
  const redis = await openRedis(options.redis).catch(async (error: unknown) => {
    await pool.close();
    throw error;
  });

  const processor = async (job: Job<ShardJobData, ShardJobResult>, token?: string): Promise<ShardJobResult> => {
    const { runId, shard, rows, input, output } = job.data;
    if (typeof runId !== 'string' || (!Array.isArray(rows) && (typeof input !== 'object' || input === null || typeof output !== 'string'))) {
      throw new UnrecoverableError(`job ${job.id} is not a jsfunc batch shard (no runId/rows); is another app using queue "${queueName}"?`);
    }
    emit({ type: 'shard-started', runId, shard, jobId: job.id!, attempt: job.attemptsMade + 1 });
    const part = runKeys(prefix, queueName, runId).part(shard, token ?? `${id}:${job.attemptsMade}`);
    if (input !== undefined && output !== undefined) {
      // The shard's raw records: decode, score and encode on the inference thread; the part
      // holds output lines (or rows) the driver appends as they are.
      let result: ChunkResult;
      try {
        result = await pool.scoreChunk!(input, output);
      } catch (error) {
        // Unreadable input fails the same way on every attempt: fail the shard at once.
        if ((error as { code?: unknown }).code === 'ERR_BATCH_INPUT_PARSE') throw new UnrecoverableError(`ERR_BATCH_INPUT_PARSE: ${(error as Error).message}`);
        throw error;
      }
      const value = result.kind === 'rows' ? { kind: 'rows', rows: toJsonSafeRows(result.rows) } : result;
      await redis.set(part, JSON.stringify(value), 'EX', ttl);
      return { part, rows: chunkInputRows(input), worker: id };
    }
    const predictions = await pool.score(rows!);
    if (predictions.length !== rows!.length) {
      throw batchError('ERR_BATCH_PREDICTION_SHAPE', `Expected ${rows!.length} predictions for shard ${shard}; the scorer returned ${predictions.length}.`, { shard });
    }
    await redis.set(part, JSON.stringify(toJsonSafeRows(predictions)), 'EX', ttl);
    return { part, rows: rows!.length, worker: id };
  };

  const worker = new Worker<ShardJobData, ShardJobResult>(queueName, processor, {
    connection: redis,
    prefix,
    concurrency,
    autorun: false,
    lockDuration: options.lockDuration ?? 30000,
    stalledInterval: options.stalledInterval ?? 30000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  worker.on('completed', (job) => emit({ type: 'shard-committed', runId: job.data.runId, shard: job.data.shard, jobId: job.id! }));
  worker.on('failed', (job, error) => {
    if (job) emit({ type: 'shard-failed', runId: job.data.runId, shard: job.data.shard, jobId: job.id!, error: error.message });
  });
  worker.on('error', (error) => {
    const message = error.message;
    const match = /Missing lock for job ([^ .]+)|Job ([^ ]+) is not in the active state/.exec(message);
    if (match) emit({ type: 'commit-rejected', jobId: match[1] ?? match[2] ?? '?', error: message });
    else emit({ type: 'error', error: message });
  });
  void worker.run().catch((error: unknown) => emit({ type: 'error', error: String(error) }));
  await worker.waitUntilReady();
  emit({ type: 'ready', worker: id });

  let closing: Promise<void> | undefined;
  return {
    id,
    close() {
      closing ??= (async () => {
        await worker.close();
        await pool.close();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
