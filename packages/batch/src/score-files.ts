import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { batchError } from './batch-error.js';
import { expandInputs } from './expand-inputs.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import { createProgress, type ProgressOptions } from './progress.js';
import { decodeChunkInput, scoreChunk, type ChunkOutput, type ChunkResult } from './score-chunk.js';
import type { ScorerSpec } from './scorer-spec.js';
import { readInputChunksOfFiles } from './split-chunks.js';
import { createRowWriter } from './write-rows.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

/** Options of {@link scoreFiles}. */
export interface ScoreFilesOptions {
  /** Input file(s) or glob(s) (`data/*.csv`); several files are scored as one table, in order. */
  input: string | string[];
  /** Output file; its extension picks the format unless `outputFormat` is given. */
  output: string;
  /** The model (or scorer module) to score with. Ignored when `pool` is given. */
  scorer?: ScorerSpec;
  /** Number of worker threads, each with one model copy (default 1). */
  workers?: number;
  /** Rows per chunk (default 1000). */
  chunkSize?: number;
  /** Input format, when the extension does not tell. */
  inputFormat?: FileFormat;
  /** Output format, when the extension does not tell. */
  outputFormat?: FileFormat;
  /** Progress bar: default on a TTY only; `false` silences it; an object configures it. */
  progress?: boolean | ProgressOptions;
  /** Base directory for relative paths (default `process.cwd()`). */
  cwd?: string;
  /** An existing pool to score on (kept open); the function creates and closes its own otherwise. */
  pool?: WorkerPool;
  /** Stops scoring; the partial output is deleted. */
  signal?: AbortSignal;
}

/** What {@link scoreFiles} did. */
export interface ScoreSummary {
  /** Absolute output path. */
  output: string;
  /** Input files, in the order scored. */
  files: string[];
  /** Rows scored. */
  rows: number;
  /** Chunks scored. */
  chunks: number;
  /** Wall time in seconds. */
  seconds: number;
  /** Throughput. */
  rowsPerSecond: number;
}

/**
 * Scores CSV, JSONL or Parquet files with a model on a local worker pool and writes the input
 * rows with prediction columns appended, in input order. Input is streamed in chunks and at most
 * `2 × workers` chunks are in flight, so memory stays flat however large the input. The output
 * appears atomically when scoring succeeds.
 */
export async function scoreFiles(options: ScoreFilesOptions): Promise<ScoreSummary> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandInputs(options.input, cwd);
  const output = resolve(cwd, options.output);
  const outputFormat = detectFileFormat(output, options.outputFormat);
  const formats = new Map(files.map((file) => [file, detectFileFormat(file, options.inputFormat)]));
  if (options.pool === undefined && options.scorer === undefined) {
    throw batchError('ERR_BATCH_OPTIONS_INVALID', 'Expected a scorer (a model URI or a scorer module) or a pool; found neither. Pass -m <model URI>.');
  }
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0) || 1;
  const doneBefore = new Map<string, number>();
  files.reduce((sum, file, index) => {
    doneBefore.set(file, sum);
    return sum + sizes[index]!;
  }, 0);

  const progressOptions = typeof options.progress === 'object' ? options.progress : options.progress === false ? { enabled: false } : {};
  const progress = createProgress(progressOptions);
  const pool = options.pool ?? createWorkerPool({ scorer: options.scorer!, size: options.workers ?? 1 });
  const writer = await createRowWriter(output, { format: outputFormat });
  const started = performance.now();
  let rows = 0;
  let chunks = 0;
  let fraction = 0;
  let currentFile = files[0]!;
  // Workers get the raw text of each chunk and send back encoded output lines (CSV, JSONL) or
  // rows (Parquet output), so this thread only cuts the input and appends to the output file.
  const encoding: ChunkOutput = outputFormat === 'parquet' ? 'rows' : outputFormat;
  const scoreOnPool = async (input: Parameters<typeof scoreChunk>[1]): Promise<ChunkResult> =>
    pool.scoreChunk !== undefined ? pool.scoreChunk(input, encoding) : scoreChunk((chunkRows) => pool.score(chunkRows), { kind: 'rows', rows: decodeChunkInput(input) }, encoding);
  const inFlight: { rows: number; result: Promise<ChunkResult> }[] = [];
  const window = pool.size * 2;
  const drainOne = async () => {
    const head = inFlight.shift()!;
    const result = await head.result;
    if (result.kind === 'encoded') await writer.writeEncoded(result.encoded);
    else await writer.write(result.rows);
    rows += head.rows;
    chunks += 1;
    progress.update(head.rows, fraction);
  };
  try {
    if (options.pool === undefined) await pool.ready();
    for await (const chunk of readInputChunksOfFiles(files, {
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      formatOf: (file) => formats.get(file)!,
      onProgress: (done, total, unit) => {
        const size = sizes[files.indexOf(currentFile)] ?? 0;
        const share = unit === 'rows' ? (total > 0 ? done / total : 1) * size : done;
        fraction = ((doneBefore.get(currentFile) ?? 0) + share) / totalBytes;
      },
    })) {
      currentFile = chunk.file;
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      const result = scoreOnPool(chunk.input);
      result.catch(() => undefined);
      inFlight.push({ rows: chunk.rows, result });
      if (inFlight.length >= window) await drainOne();
    }
    while (inFlight.length > 0) await drainOne();
    await writer.close();
    progress.finish();
  } catch (error) {
    await writer.abort();
    if (progress.enabled) process.stderr.write('\n');
    throw error;
  } finally {
    if (options.pool === undefined) await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { output, files, rows, chunks, seconds, rowsPerSecond: seconds > 0 ? rows / seconds : 0 };
}
