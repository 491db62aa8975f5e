import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { jsfuncError, JsfuncError, type TensorV1 } from '@jsfunc/core';
import type { InferenceSession } from 'onnxruntime-node';
import { createOrtSession, knownUnavailableProviders, markProvidersUnavailable, type OnnxValueInfo, type SessionSource } from './create-ort-session.js';
import { runError } from './run-error.js';
import { fromOrtTensor, toOrtTensor } from './tensor-conversion.js';

type OrtModule = typeof import('onnxruntime-node');

/** Where inference runs: on the calling thread, or in a worker thread owned by the model. */
export type OnnxRunIn = 'main' | 'worker';

/** A session the flavor drives, wherever it lives. */
export interface OnnxSessionHandle {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly providers: readonly string[];
  /** The InferenceSession (main thread), or undefined when the session lives in a worker. */
  readonly session: InferenceSession | undefined;
  /**
   * Runs the session. `fetches` names the outputs to return; `allOutputs` says that they are all
   * of the session's outputs (onnxruntime then gets no fetch list to check, as in a bare `run(feeds)`).
   */
  run<T = Record<string, TensorV1>>(
    feeds: Readonly<Record<string, TensorV1>>,
    fetches: readonly string[],
    allOutputs?: boolean,
    finish?: (outputs: Record<string, TensorV1>) => T,
  ): Promise<T>;
  dispose(): Promise<void>;
}

/** Messages to the session worker. */
export type WorkerRequest =
  | {
      readonly id: number;
      readonly op: 'create';
      readonly source: SessionSource;
      readonly options: InferenceSession.SessionOptions;
      readonly providers: readonly string[];
      readonly unavailable: readonly string[];
    }
  | { readonly id: number; readonly op: 'run'; readonly feeds: Readonly<Record<string, TensorV1>>; readonly fetches: readonly string[] }
  | { readonly id: number; readonly op: 'release' };

/** Answers from the session worker. */
export type WorkerResponse =
  | {
      readonly id: number;
      readonly ok: true;
      readonly inputs?: readonly OnnxValueInfo[];
      readonly outputs?: readonly OnnxValueInfo[];
      readonly providers?: readonly string[];
      readonly warnings?: readonly string[];
      readonly unavailable?: readonly string[];
      readonly tensors?: Record<string, TensorV1>;
    }
  | { readonly id: number; readonly ok: false; readonly error: { message: string; code?: string; details?: unknown } };

interface CreateOptions {
  readonly source: SessionSource;
  readonly options: InferenceSession.SessionOptions;
  readonly providers: readonly string[];
  readonly warn: (message: string) => void;
}

function disposedError(): Error {
  return jsfuncError('ERR_ONNX_DISPOSED', 'The ONNX model was disposed; load it again to predict.', {});
}

/**
 * onnxruntime-common's backend interface (`InferenceSessionHandler.run`, public for backend
 * authors), which every `InferenceSession` holds as `handler`. Running through it skips
 * `InferenceSession.run`'s argument parsing and its re-wrapping of outputs, which jsfunc does once
 * itself; the handler still runs the session off a `setImmediate`, exactly as `session.run` does.
 */
interface OrtSessionHandler {
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: Record<string, never>): Promise<Record<string, OrtOutput>>;
}
type OrtOutput = { type: string; dims: readonly number[]; data: unknown };

/** The session's backend handler, when it has the shape jsfunc drives; else undefined. */
export function sessionHandler(session: InferenceSession): OrtSessionHandler | undefined {
  const handler = (session as unknown as { handler?: { run?: unknown } }).handler;
  return handler !== null && typeof handler === 'object' && typeof handler.run === 'function' ? (handler as OrtSessionHandler) : undefined;
}

const NO_RUN_OPTIONS: Record<string, never> = Object.freeze({}) as Record<string, never>;

async function createMainHandle(ort: OrtModule, create: CreateOptions): Promise<OnnxSessionHandle> {
  const created = await createOrtSession(ort, create.source, create.options, create.providers);
  for (const warning of created.warnings) create.warn(warning);
  let session: InferenceSession | undefined = created.session;
  const handler = sessionHandler(created.session);
  // The handler takes fetches as an object of names; callers pass one fetch list per model, so it
  // is built once per list.
  const fetchObjects = new WeakMap<readonly string[], Record<string, null>>();
  const fetchObject = (fetches: readonly string[]): Record<string, null> => {
    let object = fetchObjects.get(fetches);
    if (object === undefined) {
      object = Object.freeze(Object.fromEntries(fetches.map((name) => [name, null]))) as Record<string, null>;
      fetchObjects.set(fetches, object);
    }
    return object;
  };
  return {
    inputs: created.inputs,
    outputs: created.outputs,
    providers: created.providers,
    session,
    run<T>(feeds: Readonly<Record<string, TensorV1>>, fetches: readonly string[], allOutputs = false, finish?: (outputs: Record<string, TensorV1>) => T): Promise<T> {
      // No async wrapper here: one promise (onnxruntime's) and one `then` per prediction, which
      // converts the outputs and hands them to the caller's `finish` in the same step.
      try {
        if (session === undefined) throw disposedError();
        const ortFeeds: Record<string, ReturnType<typeof toOrtTensor>> = {};
        for (const name in feeds) ortFeeds[name] = toOrtTensor(ort, feeds[name]!);
        const running: Promise<Record<string, OrtOutput>> =
          handler !== undefined
            ? handler.run(ortFeeds, fetchObject(fetches), NO_RUN_OPTIONS)
            : allOutputs
              ? session.run(ortFeeds)
              : session.run(ortFeeds, fetches as string[]);
        return running.then(
          (results) => {
            const outputs: Record<string, TensorV1> = {};
            for (const name of fetches) outputs[name] = fromOrtTensor(name, results[name]!);
            return finish === undefined ? (outputs as T) : finish(outputs);
          },
          (error: unknown) => {
            throw runError(error);
          },
        );
      } catch (error) {
        return Promise.reject(runError(error));
      }
    },
    async dispose() {
      const current = session;
      session = undefined;
      await current?.release();
    },
  };
}

function workerUrl(): URL {
  // Built code runs dist/session-worker.js beside this file; tests that run the TypeScript sources
  // use the built worker in dist/ (run `pnpm build` first).
  const here = new URL('./session-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../dist/session-worker.js', import.meta.url);
}

async function createWorkerHandle(create: CreateOptions): Promise<OnnxSessionHandle> {
  const worker = new Worker(workerUrl());
  worker.unref();
  let nextId = 0;
  let closed = false;
  const pending = new Map<number, { resolve: (response: WorkerResponse & { ok: true }) => void; reject: (error: Error) => void }>();
  const settle = (error: Error): void => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (response: WorkerResponse) => {
    const entry = pending.get(response.id);
    if (!entry) return;
    pending.delete(response.id);
    if (pending.size === 0) worker.unref();
    if (response.ok) entry.resolve(response);
    else if (response.error.code !== undefined) {
      entry.reject(new JsfuncError({ code: response.error.code, message: response.error.message, details: (response.error.details ?? {}) as Record<string, unknown> }));
    } else entry.reject(new Error(response.error.message));
  });
  worker.on('error', (error) => {
    closed = true;
    settle(jsfuncError('ERR_ONNX_WORKER', `The ONNX session worker failed: ${error.message}. Load the model again.`, {}, error));
  });
  worker.on('exit', () => {
    closed = true;
    settle(disposedError());
  });
  const request = <T extends Omit<WorkerRequest, 'id'>>(message: T): Promise<WorkerResponse & { ok: true }> => {
    if (closed) return Promise.reject(disposedError());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  };
  let created: WorkerResponse & { ok: true };
  try {
    created = await request({ op: 'create', source: create.source, options: create.options, providers: create.providers, unavailable: knownUnavailableProviders() });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  for (const warning of created.warnings ?? []) create.warn(warning);
  markProvidersUnavailable(created.unavailable ?? []);
  return {
    inputs: created.inputs ?? [],
    outputs: created.outputs ?? [],
    providers: created.providers ?? [],
    session: undefined,
    run<T>(feeds: Readonly<Record<string, TensorV1>>, fetches: readonly string[], _allOutputs?: boolean, finish?: (outputs: Record<string, TensorV1>) => T): Promise<T> {
      return request({ op: 'run', feeds, fetches }).then((response) => {
        const outputs = response.tensors ?? {};
        return finish === undefined ? (outputs as T) : finish(outputs);
      });
    },
    async dispose() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}

/** Creates the session on this thread (`main`) or in a dedicated worker thread (`worker`). */
export async function createSessionHandle(ort: OrtModule | undefined, runIn: OnnxRunIn, create: CreateOptions): Promise<OnnxSessionHandle> {
  if (runIn === 'worker') return createWorkerHandle(create);
  return createMainHandle(ort ?? ((await import('onnxruntime-node')) as OrtModule), create);
}
