/**
 * The worker-thread side of the worker pool: loads one scorer (once, memoised by URI + digest)
 * and answers `score` messages. Inference blocking this thread never blocks the owner's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScorer, type LoadedScorer } from './load-scorer.js';
import { scoreChunk, type ChunkInput, type ChunkOutput, type ChunkResult } from './score-chunk.js';
import type { ScorerSpec } from './scorer-spec.js';
import type { Row } from './row.js';

/** Messages to a score worker. */
export type ScoreWorkerRequest =
  | { type: 'score'; id: number; rows: Row[] }
  | { type: 'chunk'; id: number; input: ChunkInput; output: ChunkOutput }
  | { type: 'close' };

/** Serialised error crossing the thread boundary. */
export interface SerializedError {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/** Answers of a score worker. */
export type ScoreWorkerResponse =
  | { type: 'ready' }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'result'; id: number; predictions: Row[] }
  | { type: 'chunk-result'; id: number; result: ChunkResult }
  | { type: 'failed'; id: number; error: SerializedError };

/** Turns any thrown value into a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const coded = error as Error & { code?: unknown; details?: unknown };
    return {
      message: error.message,
      ...(typeof coded.code === 'string' ? { code: coded.code } : {}),
      ...(typeof coded.details === 'object' && coded.details !== null ? { details: coded.details as Record<string, unknown> } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { message: String(error) };
}

const port = parentPort;
if (port) {
  const spec = (workerData as { spec: ScorerSpec }).spec;
  let scorer: LoadedScorer | undefined;
  let loadError: unknown;
  const ready = loadScorer(spec).then(
    (loaded) => {
      scorer = loaded;
      port.postMessage({ type: 'ready' } satisfies ScoreWorkerResponse);
    },
    (error: unknown) => {
      loadError = error;
      port.postMessage({ type: 'load-failed', error: serializeError(error) } satisfies ScoreWorkerResponse);
    },
  );
  port.on('message', (request: ScoreWorkerRequest) => {
    if (request.type === 'close') {
      void ready.then(() => scorer?.dispose()).finally(() => port.close());
      return;
    }
    void (async () => {
      try {
        await ready;
        if (!scorer) throw loadError;
        if (request.type === 'chunk') {
          const result = await scoreChunk(scorer.score, request.input, request.output, { rowsIntact: scorer.rowsIntact === true });
          port.postMessage({ type: 'chunk-result', id: request.id, result } satisfies ScoreWorkerResponse);
          return;
        }
        const predictions = await scorer.score(request.rows);
        port.postMessage({ type: 'result', id: request.id, predictions } satisfies ScoreWorkerResponse);
      } catch (error) {
        port.postMessage({ type: 'failed', id: request.id, error: serializeError(error) } satisfies ScoreWorkerResponse);
      }
    })();
  });
}
