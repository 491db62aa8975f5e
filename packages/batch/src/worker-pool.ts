import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { jsfuncError } from '@jsfunc/core';
import { batchError } from './batch-error.js';
import type { Row } from './row.js';
import type { ChunkInput, ChunkOutput, ChunkResult } from './score-chunk.js';
import type { ScoreWorkerRequest, ScoreWorkerResponse, SerializedError } from './score-worker.js';
import { describeScorer, type ScorerSpec } from './scorer-spec.js';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** The scorer every worker loads once. */
  scorer: ScorerSpec;
  /** Number of worker threads (default 1). */
  size?: number;
  /** Resource limits per worker thread. */
  resourceLimits?: import('node:worker_threads').ResourceLimits;
}

/** A pool of worker threads, each holding one copy of the model. */
export interface WorkerPool {
  /** Number of worker threads. */
  readonly size: number;
  /** Resolves once every worker has loaded its model; rejects with the load error. */
  ready(): Promise<void>;
  /** Scores one chunk on the next free worker; resolves with one prediction row per input row. */
  score(rows: Row[]): Promise<Row[]>;
  /**
   * Decodes, scores and encodes one chunk on the next free worker (used by `scoreFiles` and the
   * BullMQ worker so parsing and writing run on the worker threads too). Optional for pools
   * written by hand: without it, `scoreFiles` decodes and encodes on the caller's thread.
   */
  scoreChunk?(input: ChunkInput, output: ChunkOutput): Promise<ChunkResult>;
  /** Stops the workers (pending chunks are rejected). Safe to call twice. */
  close(): Promise<void>;
}

function workerUrl(): URL {
  // Built code runs dist/score-worker.js beside this file; tests running the TypeScript sources
  // use the built worker in dist/ (run `pnpm build` first).
  const here = new URL('./score-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../dist/score-worker.js', import.meta.url);
}

/** Rebuilds a coded error sent from a worker thread. */
export function deserializeError(error: SerializedError): Error {
  if (error.code) return jsfuncError(error.code, error.message, error.details ?? {});
  const plain = new Error(error.message);
  if (error.stack) plain.stack = error.stack;
  return plain;
}

interface Task {
  id: number;
  request: ScoreWorkerRequest;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  task: Task | undefined;
}

/**
 * Creates a pool of worker threads for scoring. Each worker loads the model once (memoised per
 * thread by URI + content digest) and scores many chunks; inference never runs on the caller's
 * thread, so its event loop (timers, I/O, lock renewals) stays responsive. A worker that dies is
 * replaced and its chunk rejected with `ERR_BATCH_WORKER_CRASHED`.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1) {
    throw batchError('ERR_BATCH_OPTIONS_INVALID', `Expected workers to be a positive integer; found ${size}.`, { workers: size });
  }
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.task !== undefined || queue.length === 0) continue;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.postMessage(task.request);
    }
  };

  const spawn = (position: number): Slot => {
    const worker = new Worker(workerUrl(), {
      workerData: { spec: options.scorer },
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => undefined);
    const slot: Slot = { worker, ready, task: undefined };
    worker.on('message', (message: ScoreWorkerResponse) => {
      if (message.type === 'ready') {
        resolveReady();
        dispatch();
      } else if (message.type === 'load-failed') {
        rejectReady(deserializeError(message.error));
      } else {
        const task = slot.task;
        slot.task = undefined;
        if (task !== undefined && task.id === message.id) {
          if (message.type === 'result') task.resolve(message.predictions as never);
          else if (message.type === 'chunk-result') task.resolve(message.result as never);
          else task.reject(deserializeError(message.error));
        }
        dispatch();
      }
    });
    const onExit = (error?: Error) => {
      const task = slot.task;
      slot.task = undefined;
      const crash = batchError(
        'ERR_BATCH_WORKER_CRASHED',
        `Expected the scoring worker for ${describeScorer(options.scorer)} to keep running; it ${error ? `failed: ${error.message}` : 'exited'}. A replacement was started; if this repeats, the chunk may be poison or the worker out of memory.`,
        { scorer: describeScorer(options.scorer) },
        error,
      );
      rejectReady(crash);
      if (task !== undefined) task.reject(crash);
      if (!closed) {
        slots[position] = spawn(position);
        dispatch();
      }
    };
    let exited = false;
    worker.on('error', (error) => {
      if (!exited) {
        exited = true;
        onExit(error);
      }
    });
    worker.on('exit', () => {
      if (!exited) {
        exited = true;
        onExit();
      }
    });
    return slot;
  };

  for (let position = 0; position < size; position += 1) slots.push(spawn(position));

  const submit = <T>(request: (id: number) => ScoreWorkerRequest): Promise<T> => {
    if (closed) return Promise.reject(batchError('ERR_BATCH_OPTIONS_INVALID', 'Expected an open worker pool; this one was closed. Create a new pool.'));
    return new Promise<T>((resolve, reject) => {
      const id = (nextId += 1);
      queue.push({ id, request: request(id), resolve: resolve as (value: never) => void, reject });
      dispatch();
    });
  };

  return {
    size,
    async ready() {
      await Promise.all(slots.map((slot) => slot.ready));
    },
    score(rows) {
      return submit<Row[]>((id) => ({ type: 'score', id, rows }));
    },
    scoreChunk(input, output) {
      return submit<ChunkResult>((id) => ({ type: 'chunk', id, input, output }));
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const task of queue.splice(0)) task.reject(batchError('ERR_BATCH_OPTIONS_INVALID', 'The worker pool was closed before this chunk was scored.'));
      await Promise.all(
        slots.map(async (slot) => {
          slot.worker.postMessage({ type: 'close' } satisfies ScoreWorkerRequest);
          const timer = setTimeout(() => void slot.worker.terminate(), 2000);
          await new Promise((resolve) => slot.worker.once('exit', resolve));
          clearTimeout(timer);
        }),
      );
    },
  };
}
