export { batchError, type BatchErrorCode } from './batch-error.js';
export { detectFileFormat, type FileFormat } from './file-format.js';
export { toJsonSafeRows, toJsonSafeValue, type Row, type RowChunk } from './row.js';
export { expandInputs } from './expand-inputs.js';
export { readChunks, readChunksOfFiles, type ReadChunksOptions } from './read-chunks.js';
export { createRowWriter, type CreateRowWriterOptions, type RowWriter } from './write-rows.js';
export { appendPredictions, predictionsToRows, rowsToTensor, selectColumns, type DenseTensor, type RowsToTensorOptions } from './map-columns.js';
export {
  describeScorer,
  isModelScorerSpec,
  type CreateScorer,
  type ModelScorerSpec,
  type ModuleScorerSpec,
  type ScoreFunction,
  type ScorerSpec,
} from './scorer-spec.js';
export { loadScorer, loadedScorerCount, scorerDigest, type LoadedScorer } from './load-scorer.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
export { scoreFiles, type ScoreFilesOptions, type ScoreSummary } from './score-files.js';
export { DEFAULT_PREFIX, DEFAULT_QUEUE, assertRunId, runKeys, shardJobId, type ShardJobData, type ShardJobResult } from './bullmq-run-keys.js';
export { runBullmqDriver, type BullmqDriverEvent, type BullmqDriverOptions, type BullmqRunSummary } from './bullmq-driver.js';
export { runBullmqWorker, type BullmqWorkerEvent, type BullmqWorkerHandle, type BullmqWorkerOptions } from './bullmq-worker.js';
export { openRedis, redactUrl } from './redis-connection.js';
