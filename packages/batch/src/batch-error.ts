import { JsfuncError, jsfuncError } from '@jsfunc/core';

/** Every error code thrown by `@jsfunc/batch`. Each has a row in docs/errors.md. */
export type BatchErrorCode =
  | 'ERR_BATCH_INPUT_NOT_FOUND'
  | 'ERR_BATCH_FORMAT_UNKNOWN'
  | 'ERR_BATCH_INPUT_PARSE'
  | 'ERR_BATCH_COLUMN_MISSING'
  | 'ERR_BATCH_PREDICTION_SHAPE'
  | 'ERR_BATCH_SCORER_LOAD'
  | 'ERR_BATCH_SCORE_FAILED'
  | 'ERR_BATCH_WORKER_CRASHED'
  | 'ERR_BATCH_OPTIONS_INVALID'
  | 'ERR_BATCH_REDIS_VERSION'
  | 'ERR_BATCH_REDIS_UNREACHABLE'
  | 'ERR_BATCH_RUN_ID_REUSED'
  | 'ERR_BATCH_RUN_ACTIVE'
  | 'ERR_BATCH_LEASE_LOST'
  | 'ERR_BATCH_SHARD_FAILED'
  | 'ERR_BATCH_PART_MISSING';

/** Builds a {@link JsfuncError} with one of the {@link BatchErrorCode} codes. */
export function batchError(
  code: BatchErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): JsfuncError {
  return jsfuncError(code, message, details ?? {}, cause);
}

export { JsfuncError };
