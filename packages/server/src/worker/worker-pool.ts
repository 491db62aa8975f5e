import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelDataV1 } from '@jsfunc/core';
import { jsfuncError } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { createModelHost } from './model-host.js';
import type { FromWorkerMessage, ToWorkerMessage, WorkerError, WorkerLoadRequest, WorkerModelDescription } from './worker-messages.js';

/** Where inference runs: worker threads, child processes, or the server's own thread (tests, debugging). */
export type WorkerIsolation = 'thread' | 'process' | 'main';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers, each holding one copy of the model (default 1). */
  readonly size?: number;
  readonly isolation: WorkerIsolation;
  readonly load: WorkerLoadRequest;
  /** Called when a worker dies and is being replaced. */
  readonly onCrash?: (info: { index: number; reason: string }) => void;
  /** Extra environment for child processes. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Result of one inference call in a worker. */
export interface WorkerRunResult {
  readonly data: ModelDataV1;
  readonly computeMs: number;
}

/** A pool of model workers with least-outstanding-requests dispatch. */
export interface WorkerPool {
  /** Resolves with the model description once every worker has loaded (and warmed up). */
  readonly ready: Promise<WorkerModelDescription>;
  /** Runs a method on the least busy worker. */
  run(method: string, data: ModelDataV1, params: Record<string, unknown> | undefined): Promise<WorkerRunResult>;
  /** Streams `predictStream` chunks from the least busy worker. */
  stream(data: ModelDataV1, params: Record<string, unknown> | undefined): AsyncIterable<ModelDataV1>;
  /** Requests in flight over all workers. */
  readonly inFlight: number;
  /** True when at least one live worker has nothing in flight. */
  hasIdleWorker(): boolean;
  /** Emits `idle` whenever a worker finishes a request. */
  readonly events: EventEmitter;
  /** Process ids of child-process workers (empty for threads), for operations and chaos tests. */
  pids(): number[];
  /** Terminates one worker abruptly, as a crash would (chaos testing); it is replaced. */
  crashWorker(index: number): void;
  /** Disposes the models and stops the workers. */
  close(): Promise<void>;
}

interface Pending {
  resolve(value: WorkerRunResult): void;
  reject(error: unknown): void;
  onChunk?: (data: ModelDataV1) => void;
}

interface Slot {
  index: number;
  inFlight: number;
  alive: boolean;
  /** True once the worker has loaded the model; only loaded workers get requests. */
  loaded: boolean;
  send(message: ToWorkerMessage): void;
  kill(): void;
  pending: Map<number, Pending>;
  pid: number | undefined;
}

/** Rebuilds a thrown error from its worker form, keeping code, details and stack. */
export function fromWorkerError(error: WorkerError): Error {
  const rebuilt = error.code !== undefined && error.jsfunc ? jsfuncError(error.code, error.message, error.details ?? {}) : new Error(error.message);
  if (error.code !== undefined && !error.jsfunc) (rebuilt as Error & { code?: string }).code = error.code;
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  return rebuilt;
}

const entryPath = fileURLToPath(new URL('./worker-entry.js', import.meta.url));

/**
 * Starts `size` workers that each load the model, and dispatches every call to the worker with the
 * fewest requests in flight. A worker that dies fails its in-flight calls with
 * ERR_SERVER_WORKER_CRASHED and is replaced while the others keep answering.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const size = Math.max(1, options.size ?? 1);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const slots: Slot[] = [];
  let nextId = 1;
  let closing = false;
  let description: WorkerModelDescription | undefined;

  const spawn = (index: number): Promise<WorkerModelDescription> =>
    new Promise((resolve, reject) => {
      const pending = new Map<number, Pending>();
      const slot: Slot = { index, inFlight: 0, alive: true, loaded: false, pending, send: () => {}, kill: () => {}, pid: undefined };
      const onMessage = (message: FromWorkerMessage): void => {
        switch (message.type) {
          case 'ready':
            slot.loaded = true;
            resolve(message.description);
            return;
          case 'load-error':
            reject(fromWorkerError(message.error));
            slot.kill();
            return;
          case 'result': {
            const call = pending.get(message.id);
            pending.delete(message.id);
            slot.inFlight -= 1;
            call?.resolve({ data: message.data, computeMs: message.computeMs });
            events.emit('idle');
            return;
          }
          case 'chunk':
            pending.get(message.id)?.onChunk?.(message.data);
            return;
          case 'end': {
            const call = pending.get(message.id);
            pending.delete(message.id);
            slot.inFlight -= 1;
            call?.resolve({ data: { kind: 'value', value: null }, computeMs: message.computeMs });
            events.emit('idle');
            return;
          }
          case 'error': {
            const call = pending.get(message.id);
            pending.delete(message.id);
            slot.inFlight -= 1;
            call?.reject(fromWorkerError(message.error));
            events.emit('idle');
            return;
          }
          default:
            return;
        }
      };
      const onExit = (reason: string): void => {
        if (!slot.alive) return;
        slot.alive = false;
        for (const call of pending.values()) {
          call.reject(serverError('ERR_SERVER_WORKER_CRASHED', `The inference worker stopped (${reason}) while answering this request. Retry it; if it keeps happening, check the server log.`));
        }
        pending.clear();
        slot.inFlight = 0;
        if (!slot.loaded) {
          reject(serverError('ERR_SERVER_WORKER_CRASHED', `The inference worker stopped (${reason}) while loading the model.`));
          return;
        }
        if (closing) return;
        options.onCrash?.({ index, reason });
        // replace it; the other workers keep answering meanwhile
        setTimeout(() => {
          if (!closing) spawn(index).catch(() => undefined);
        }, 100).unref();
      };

      if (options.isolation === 'thread') {
        const worker = new Worker(entryPath, { env: { ...process.env, ...options.env } });
        slot.send = (message) => worker.postMessage(message);
        slot.kill = () => void worker.terminate();
        worker.on('message', onMessage);
        worker.on('error', (error) => onExit(error.message));
        worker.on('exit', (code) => onExit(`exit code ${code}`));
      } else if (options.isolation === 'process') {
        const child: ChildProcess = fork(entryPath, [], {
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          env: { ...process.env, ...options.env },
        });
        slot.pid = child.pid;
        slot.send = (message) => {
          if (child.connected) child.send(message);
        };
        slot.kill = () => void child.kill('SIGKILL');
        child.on('message', (message) => onMessage(message as FromWorkerMessage));
        child.on('error', (error) => onExit(error.message));
        child.on('exit', (code, signal) => onExit(signal ? `signal ${signal}` : `exit code ${code}`));
      } else {
        const host = createModelHost((message) => queueMicrotask(() => onMessage(message)));
        slot.send = (message) => void host.handle(message);
        slot.kill = () => onExit('terminated');
      }
      slots[index] = slot;
      slot.send({ type: 'load', request: options.load });
    });

  const ready = Promise.all(Array.from({ length: size }, (_, index) => spawn(index))).then(
    (descriptions) => (description = descriptions[0]!),
    async (error: unknown) => {
      closing = true;
      for (const slot of slots) slot?.kill();
      throw error;
    },
  );

  const pick = (): Slot => {
    let best: Slot | undefined;
    for (const slot of slots) {
      // A replacement worker still loading its model is skipped until it says it is ready.
      if (!slot?.alive || !slot.loaded) continue;
      if (best === undefined || slot.inFlight < best.inFlight) best = slot;
    }
    if (best === undefined) {
      throw serverError('ERR_SERVER_NOT_READY', 'No inference worker is running (one is being restarted). Retry in a moment.');
    }
    return best;
  };

  const dispatch = (message: (id: number) => ToWorkerMessage, onChunk?: (data: ModelDataV1) => void): Promise<WorkerRunResult> => {
    if (closing) return Promise.reject(serverError('ERR_SERVER_SHUTTING_DOWN', 'The server is shutting down; send the request to another instance.'));
    let slot: Slot;
    try {
      slot = pick();
    } catch (error) {
      return Promise.reject(error);
    }
    const id = nextId++;
    return new Promise<WorkerRunResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, ...(onChunk ? { onChunk } : {}) });
      slot.inFlight += 1;
      try {
        slot.send(message(id));
      } catch (error) {
        slot.pending.delete(id);
        slot.inFlight -= 1;
        reject(error);
      }
    });
  };

  return {
    ready,
    run: (method, data, params) => dispatch((id) => ({ type: 'run', id, method, data, params })),
    async *stream(data, params) {
      const chunks: ModelDataV1[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      const done = dispatch(
        (id) => ({ type: 'stream', id, data, params }),
        (chunk) => {
          chunks.push(chunk);
          wake?.();
        },
      ).then(
        () => {
          finished = true;
          wake?.();
        },
        (error: unknown) => {
          failure = error;
          finished = true;
          wake?.();
        },
      );
      for (;;) {
        while (chunks.length > 0) yield chunks.shift()!;
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      await done;
      if (failure !== undefined) throw failure;
    },
    get inFlight() {
      return slots.reduce((n, slot) => n + (slot?.alive ? slot.inFlight : 0), 0);
    },
    hasIdleWorker: () => slots.some((slot) => slot?.alive && slot.inFlight === 0),
    events,
    pids: () => slots.map((slot) => slot?.pid).filter((pid): pid is number => pid !== undefined),
    crashWorker(index) {
      slots[index]?.kill();
    },
    async close() {
      closing = true;
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              if (!slot?.alive) return resolve();
              const timer = setTimeout(() => {
                slot.kill();
                resolve();
              }, 2000);
              timer.unref();
              const original = slot.kill;
              slot.alive = false;
              try {
                slot.send({ type: 'dispose' });
              } catch {
                /* already gone */
              }
              // not unref'd: a caller awaiting close() with nothing else pending (the CLI after a
              // failed load) must see it resolve, not have the process exit under it (exit code 13)
              setTimeout(() => {
                clearTimeout(timer);
                original();
                resolve();
              }, 50);
            }),
        ),
      );
      void description;
    },
  };
}
