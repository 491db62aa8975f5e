import { createHash, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { batchError } from './batch-error.js';
import {
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  assertRunId,
  runKeys,
  shardJobId,
  type ShardJobData,
  type ShardJobResult,
} from './bullmq-run-keys.js';
import { expandInputs } from './expand-inputs.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import { appendPredictions } from './map-columns.js';
import { createProgress, type ProgressOptions } from './progress.js';
import { openRedis } from './redis-connection.js';
import { toJsonSafeRows, type Row } from './row.js';
import type { ChunkInput, ChunkOutput, ChunkResult } from './score-chunk.js';
import { readInputChunksOfFiles } from './split-chunks.js';
import { createRowWriter } from './write-rows.js';

/** Options of {@link runBullmqDriver}. */
export interface BullmqDriverOptions {
  /** Redis URL, for example `redis://127.0.0.1:6379`. */
  redis: string;
  /** Names the run; the same id resumes it after a driver crash. Letters, digits, `_ . -`. */
  runId: string;
  /** Input file(s) or glob(s). */
  input: string | string[];
  /** Output file; written atomically when every shard is merged. */
  output: string;
  /** Model URI the workers serve (recorded in each job and in reports). */
  model: string;
  /** BullMQ queue name (default `jsfunc-batch`); workers must listen on the same one. */
  queue?: string;
  /** BullMQ key prefix (default `bull`). */
  prefix?: string;
  /** Rows per shard (default 1000). */
  shardSize?: number;
  /** Attempts per shard before the run fails (default 3). */
  attempts?: number;
  /** Delay before a failed shard is retried, in ms (default 1000). */
  backoffMs?: number;
  /** Most shards enqueued but not yet merged (default 64): bounds Redis and driver memory. */
  window?: number;
  /** Driver lease time to live in ms (default 15000): how long a crashed driver blocks a resume. */
  leaseMs?: number;
  /** How often the driver checks the oldest open shard, in ms (default 20). */
  pollMs?: number;
  /** Input and output formats, when extensions do not tell. */
  inputFormat?: FileFormat;
  outputFormat?: FileFormat;
  /** Base directory for relative paths. */
  cwd?: string;
  /** Progress bar: default on a TTY only. */
  progress?: boolean | ProgressOptions;
  /** Keep the run's jobs and parts in Redis after success (default false: deleted). */
  keep?: boolean;
  /** Stops the driver (the run can be resumed with the same id). */
  signal?: AbortSignal;
  /** Observes the run: shard enqueued, merged, resumed. */
  onEvent?: (event: BullmqDriverEvent) => void;
}

/** Events reported by the driver. */
export type BullmqDriverEvent =
  | { type: 'run-started'; runId: string; resumed: boolean }
  | { type: 'shard-enqueued'; runId: string; shard: number; existing: boolean }
  | { type: 'shard-merged'; runId: string; shard: number; rows: number; worker: string; attempts: number };

/** What {@link runBullmqDriver} did. */
export interface BullmqRunSummary {
  runId: string;
  output: string;
  files: string[];
  shards: number;
  rows: number;
  /** True when the run existed (a crashed driver) and was resumed. */
  resumed: boolean;
  /** Shards already committed before this driver started. */
  shardsReused: number;
  /** Shards that needed more than one attempt. */
  shardsRetried: number;
  seconds: number;
  rowsPerSecond: number;
}

interface RunMeta {
  fingerprint: string;
  status: 'running' | 'complete' | 'failed';
  createdAt: string;
  output: string;
  shards?: number;
  failure?: Record<string, unknown>;
}

const renewScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

async function acquireLease(redis: Redis, key: string, token: string, leaseMs: number, runId: string): Promise<void> {
  const deadline = Date.now() + leaseMs + 1000;
  for (;;) {
    if ((await redis.set(key, token, 'PX', leaseMs, 'NX')) === 'OK') return;
    if (Date.now() > deadline) {
      throw batchError(
        'ERR_BATCH_RUN_ACTIVE',
        `Expected run "${runId}" to have no live driver; another driver holds it and renewed its lease for longer than ${leaseMs} ms. Wait for that driver to finish, or stop it, or use another run id.`,
        { runId },
      );
    }
    await sleep(Math.min(250, leaseMs / 4));
  }
}

async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * Runs a distributed scoring job on BullMQ: splits the input into shards (jobs with deterministic
 * ids `<runId>-shard-<n>`), lets `runBullmqWorker` processes on any machine score them, and merges
 * the committed parts in input order into `output`.
 *
 * Exactly-once: each attempt writes its own part; a part counts only when the attempt completed
 * while still holding the BullMQ job lock (BullMQ refuses the completion otherwise); the driver
 * reads only the part named by the job's committed return value.
 *
 * Resume: start the driver again with the same `runId` after a crash; committed shards are reused.
 * A run id reused for different input (or for a finished run) fails at once with
 * `ERR_BATCH_RUN_ID_REUSED`; a shard that fails `attempts` times fails the run with
 * `ERR_BATCH_SHARD_FAILED`, naming the shard, its rows and the last error.
 */
export async function runBullmqDriver(options: BullmqDriverOptions): Promise<BullmqRunSummary> {
  assertRunId(options.runId);
  const runId = options.runId;
  const cwd = options.cwd ?? process.cwd();
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const shardSize = options.shardSize ?? 1000;
  const attempts = options.attempts ?? 3;
  const window = options.window ?? 64;
  const leaseMs = options.leaseMs ?? 15000;
  const pollMs = options.pollMs ?? 20;
  const files = await expandInputs(options.input, cwd);
  const output = resolve(cwd, options.output);
  const outputFormat = detectFileFormat(output, options.outputFormat);
  const formats = new Map(files.map((file) => [file, detectFileFormat(file, options.inputFormat)]));
  const stats = await Promise.all(files.map((file) => stat(file)));
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        files: files.map((file, index) => [file, stats[index]!.size, stats[index]!.mtimeMs]),
        shardSize,
        output,
        model: options.model,
      }),
    )
    .digest('hex');
  const keys = runKeys(prefix, queueName, runId);

  const redis = await openRedis(options.redis);
  const queue = new Queue<ShardJobData, ShardJobResult>(queueName, { connection: redis, prefix });
  const leaseToken = randomUUID();
  let renewTimer: NodeJS.Timeout | undefined;
  let leaseLost = false;
  const started = performance.now();
  try {
    // 1. The run record: detect a reused run id before doing anything.
    const meta: RunMeta = { fingerprint, status: 'running', createdAt: new Date().toISOString(), output };
    const created = (await redis.set(keys.meta, JSON.stringify(meta), 'NX')) === 'OK';
    if (!created) {
      const existing = JSON.parse((await redis.get(keys.meta)) ?? '{}') as Partial<RunMeta>;
      if (existing.fingerprint !== fingerprint) {
        throw batchError(
          'ERR_BATCH_RUN_ID_REUSED',
          `Expected run id "${runId}" to be new or to resume the same run; it was used on ${existing.createdAt ?? 'an earlier date'} for different input, output or model. Pick a new run id (or pass the same input, output and model to resume).`,
          { runId, existingStatus: existing.status, existingOutput: existing.output },
        );
      }
      if (existing.status === 'complete') {
        throw batchError(
          'ERR_BATCH_RUN_ID_REUSED',
          `Expected run id "${runId}" to be new or unfinished; that run already completed and wrote ${existing.output}. Pick a new run id to score again.`,
          { runId, existingStatus: existing.status, existingOutput: existing.output },
        );
      }
      if (existing.status === 'failed') {
        throw batchError(
          'ERR_BATCH_RUN_ID_REUSED',
          `Expected run id "${runId}" to be new or unfinished; that run failed earlier: ${String(existing.failure?.message ?? 'see its report')}. Fix the cause and start a new run id.`,
          { runId, existingStatus: existing.status, failure: existing.failure },
        );
      }
    }
    const resumed = !created;

    // 2. The lease: one live driver per run.
    await acquireLease(redis, keys.lease, leaseToken, leaseMs, runId);
    renewTimer = setInterval(() => {
      redis.eval(renewScript, 1, keys.lease, leaseToken, String(leaseMs)).then(
        (renewed) => {
          if (renewed === 0) leaseLost = true;
        },
        () => undefined,
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    renewTimer.unref();
    options.onEvent?.({ type: 'run-started', runId, resumed });

    // 3. Shard, enqueue, merge in order.
    const progressOptions = typeof options.progress === 'object' ? options.progress : options.progress === false ? { enabled: false } : {};
    const progress = createProgress({ label: `run ${runId}`, ...progressOptions });
    const writer = await createRowWriter(output, { format: outputFormat, temporaryPath: `${output}.partial-${runId}` });
    // Shards go out as the input's raw records (CSV/JSONL text; Parquet rows) and come back as
    // output lines (or rows for Parquet output): the driver neither parses nor encodes rows.
    // Parquet to Parquet keeps the rows here and gets predictions back, so column types survive.
    const encoding: ChunkOutput = outputFormat === 'parquet' ? 'rows' : outputFormat;
    const pending: { shard: number; jobId: string; file: string; rowStart: number; rows: number; keptRows: Row[] | undefined }[] = [];
    let rows = 0;
    let shards = 0;
    let shardsReused = 0;
    let shardsRetried = 0;
    let fraction = 0;
    const sizes = stats.map((info) => info.size);
    const totalBytes = sizes.reduce((sum, size) => sum + size, 0) || 1;
    let currentFile = files[0]!;

    const failRun = async (report: Record<string, unknown>, message: string): Promise<never> => {
      const failed: RunMeta = { ...meta, status: 'failed', failure: { ...report, message } };
      await redis.set(keys.meta, JSON.stringify(failed));
      for (const open of pending) await queue.remove(open.jobId).catch(() => 0);
      throw batchError('ERR_BATCH_SHARD_FAILED', message, report);
    };

    const mergeHead = async () => {
      const head = pending.shift()!;
      let job: Job<ShardJobData, ShardJobResult> | undefined;
      for (;;) {
        if (leaseLost) {
          throw batchError('ERR_BATCH_LEASE_LOST', `Expected this driver to keep the lease of run "${runId}"; another driver took it (this one was paused longer than ${leaseMs} ms?). Let the other driver finish the run.`, { runId });
        }
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        // Poll the state alone (small); read the job (its committed return value) once it is done.
        const state = await queue.getJobState(head.jobId);
        job = state === 'completed' || state === 'failed' || state === 'unknown' ? await queue.getJob(head.jobId) : undefined;
        if (state === 'unknown' || ((state === 'completed' || state === 'failed') && job === undefined)) {
          throw batchError('ERR_BATCH_PART_MISSING', `Expected job ${head.jobId} of run "${runId}" in queue "${queueName}"; it is gone (removed by someone, or Redis lost data). Start a new run id.`, { runId, jobId: head.jobId, shard: head.shard });
        }
        if (state === 'completed' && job?.returnvalue?.part) break;
        if (state === 'failed' && job !== undefined) {
          const rowEnd = head.rowStart + head.rows - 1;
          const reason = job.failedReason ?? 'unknown error';
          const report = { runId, shard: head.shard, jobId: head.jobId, file: head.file, rowStart: head.rowStart, rowEnd, attempts: job.attemptsMade, reason };
          const parse = /^ERR_BATCH_INPUT_PARSE: ([\s\S]*)$/.exec(reason);
          if (parse) {
            // A worker could not read the shard's records: the input file is at fault, not the model.
            await redis.set(keys.meta, JSON.stringify({ ...meta, status: 'failed', failure: { ...report, message: parse[1] } } satisfies RunMeta));
            for (const open of pending) await queue.remove(open.jobId).catch(() => 0);
            throw batchError('ERR_BATCH_INPUT_PARSE', parse[1]!, { path: head.file, shard: head.shard, rowStart: head.rowStart, rowEnd, runId });
          }
          return failRun(report, `Run "${runId}" failed: shard ${head.shard} (rows ${head.rowStart}-${rowEnd} of ${head.file}, job ${head.jobId}) failed after ${job.attemptsMade} attempt(s); last error: ${reason}. Fix those rows or the model, then start a new run id.`);
        }
        await sleep(pollMs);
      }
      const result = job!.returnvalue;
      const text = result?.part ? await redis.get(result.part) : null;
      if (text === null) {
        throw batchError('ERR_BATCH_PART_MISSING', `Expected the committed part of shard ${head.shard} (${result?.part ?? 'no part recorded'}) in Redis; it is missing (expired or deleted). Start a new run id.`, { runId, shard: head.shard, part: result?.part });
      }
      const value = JSON.parse(text) as Row[] | ChunkResult;
      if (Array.isArray(value)) {
        // prediction rows, for rows this driver kept
        if (head.keptRows === undefined) {
          throw batchError('ERR_BATCH_PART_MISSING', `Expected the part of shard ${head.shard} to hold output lines; it holds prediction rows (written by an older worker for another driver?). Start a new run id.`, { runId, shard: head.shard, part: result!.part });
        }
        await writer.write(appendPredictions(head.keptRows, value));
      } else if (value.kind === 'encoded') await writer.writeEncoded(value.encoded);
      else await writer.write(value.rows);
      // The rows are merged: drop them from Redis so it holds only the open window of shards.
      const data = job!.data;
      await job!.updateData(data.input === undefined ? { ...data, rows: [] } : { ...data, input: { kind: 'rows', rows: [] } });
      rows += head.rows;
      if (job!.attemptsMade > 1) shardsRetried += 1;
      progress.update(head.rows, fraction);
      options.onEvent?.({ type: 'shard-merged', runId, shard: head.shard, rows: head.rows, worker: result!.worker, attempts: job!.attemptsMade });
    };

    try {
      for await (const chunk of readInputChunksOfFiles(files, {
        chunkSize: shardSize,
        formatOf: (file) => formats.get(file)!,
        onProgress: (done, total, unit) => {
          const index = files.indexOf(currentFile);
          const before = sizes.slice(0, index).reduce((sum, size) => sum + size, 0);
          const share = unit === 'rows' ? (total > 0 ? done / total : 1) * (sizes[index] ?? 0) : done;
          fraction = (before + share) / totalBytes;
        },
      })) {
        currentFile = chunk.file;
        const jobId = shardJobId(runId, chunk.index);
        let existing = false;
        if (resumed) {
          const job = await queue.getJob(jobId);
          existing = job !== undefined;
          if (existing && (await job!.getState()) === 'completed') shardsReused += 1;
        }
        const keptRows = chunk.input.kind === 'rows' && outputFormat === 'parquet' ? chunk.input.rows : undefined;
        if (!existing) {
          const base = { runId, shard: chunk.index, file: chunk.file, rowStart: chunk.rowStart, model: options.model };
          const input: ChunkInput = chunk.input.kind === 'rows' ? { kind: 'rows', rows: toJsonSafeRows(chunk.input.rows) } : chunk.input;
          const data: ShardJobData = keptRows !== undefined ? { ...base, rows: toJsonSafeRows(keptRows) } : { ...base, input, output: encoding };
          // add() with an id that exists is a no-op, so a racing resume cannot duplicate a shard.
          await queue.add('score', data, {
            jobId,
            attempts,
            backoff: { type: 'fixed', delay: options.backoffMs ?? 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          });
        }
        options.onEvent?.({ type: 'shard-enqueued', runId, shard: chunk.index, existing });
        pending.push({ shard: chunk.index, jobId, file: chunk.file, rowStart: chunk.rowStart, rows: chunk.rows, keptRows });
        shards += 1;
        while (pending.length >= window) await mergeHead();
      }
      while (pending.length > 0) await mergeHead();
      await writer.close();
      progress.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }

    // 4. Done: record it, then clean the run's jobs and parts.
    await redis.set(keys.meta, JSON.stringify({ ...meta, status: 'complete', shards } satisfies RunMeta), 'EX', 7 * 24 * 3600);
    if (options.keep !== true) {
      for (let shard = 0; shard < shards; shard += 1) await queue.remove(shardJobId(runId, shard)).catch(() => 0);
      await deleteByPattern(redis, keys.partPattern);
    }
    const seconds = (performance.now() - started) / 1000;
    return { runId, output, files, shards, rows, resumed, shardsReused, shardsRetried, seconds, rowsPerSecond: seconds > 0 ? rows / seconds : 0 };
  } finally {
    if (renewTimer) clearInterval(renewTimer);
    await redis.eval(releaseScript, 1, keys.lease, leaseToken).catch(() => undefined);
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
