import { batchError } from './batch-error.js';
import type { ChunkInput, ChunkOutput } from './score-chunk.js';

/** Default BullMQ queue name of batch runs. */
export const DEFAULT_QUEUE = 'jsfunc-batch';
/** Default BullMQ key prefix. */
export const DEFAULT_PREFIX = 'bull';

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Checks a run id: 1-128 characters of letters, digits, `_`, `.` and `-`, starting with a letter
 * or digit. Throws `ERR_BATCH_OPTIONS_INVALID` otherwise.
 */
export function assertRunId(runId: string): void {
  if (!runIdPattern.test(runId)) {
    throw batchError(
      'ERR_BATCH_OPTIONS_INVALID',
      `Expected a run id of letters, digits, "_", "." and "-" (1-128 characters); found "${runId}". Pick a name such as "scores-2025-06-01".`,
      { runId },
    );
  }
}

/** The deterministic BullMQ job id of shard `shard` of run `runId`. */
export function shardJobId(runId: string, shard: number): string {
  return `${runId}-shard-${shard}`;
}

/** Redis keys of one run (beside BullMQ's own keys of the queue). */
export function runKeys(prefix: string, queue: string, runId: string) {
  const base = `${prefix}:${queue}:jsfunc-run:${runId}`;
  return {
    /** JSON: fingerprint, status, shards, failure report. */
    meta: `${base}:meta`,
    /** The driver lease (token with a TTL). */
    lease: `${base}:lease`,
    /** Part written by one attempt of one shard. */
    part: (shard: number, token: string) => `${base}:part:${shard}:${token}`,
    /** Pattern matching every part of the run. */
    partPattern: `${base}:part:*`,
  };
}

/** Data of one shard job. */
export interface ShardJobData {
  /** The run. */
  runId: string;
  /** Shard number (0-based, in input order). */
  shard: number;
  /** Input file of the shard's rows. */
  file: string;
  /** Index of the first row inside `file`. */
  rowStart: number;
  /** Model URI the driver was started with (a label for reports). */
  model: string;
  /**
   * The shard's records for a worker to decode (CSV or JSONL text as in the file, or JSON-safe
   * rows), when the driver wants `output` back: encoded output lines or rows with predictions.
   */
  input?: ChunkInput;
  /** What the worker's part holds for an `input` shard. */
  output?: ChunkOutput;
  /** The rows, JSON-safe, when the driver wants only the prediction rows back (earlier versions). */
  rows?: Record<string, unknown>[];
}

/** What a worker returns when it commits a shard. */
export interface ShardJobResult {
  /** Redis key of the part this attempt wrote. */
  part: string;
  /** Number of prediction rows in the part. */
  rows: number;
  /** Identity of the worker that committed it (`host:pid`). */
  worker: string;
}
