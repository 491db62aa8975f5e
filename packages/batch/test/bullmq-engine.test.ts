import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { writeFile } from 'node:fs/promises';
import { createRowWriter, runBullmqDriver, type BullmqDriverEvent } from '../dist/index.js';
import {
  expectedPrediction,
  killAll,
  readAllRows,
  startCli,
  startWorker,
  sumScorerPath,
  temporaryDirectory,
  writeNumbersCsv,
} from './helpers.js';

const redisUrl = inject('redisUrl');
let queueNumber = 0;
const nextQueue = () => `test-${process.pid}-${(queueNumber += 1)}`;

afterEach(async () => {
  await killAll();
});

function expectExactlyOnce(rows: Record<string, unknown>[], count: number): void {
  expect(rows.length).toBe(count);
  rows.forEach((row, index) => {
    expect(row.id).toBe(index);
    expect(row.prediction).toBeCloseTo(expectedPrediction(index), 6);
  });
}

describe('BullMQ engine with real Redis and real worker processes', () => {
  it('finishes with every row exactly once when one of three workers is SIGKILLed mid-run', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const output = join(directory, 'out.csv');
    await writeNumbersCsv(input, 1200);
    const queue = nextQueue();
    const workers = [0, 1, 2].map(() => startWorker(redisUrl, queue, { busyMs: 120 }));
    await Promise.all(workers.map((worker) => worker.waitFor((event) => event.type === 'ready')));
    const victim = workers[1]!;
    const killed = victim.waitFor((event) => event.type === 'shard-started').then(async (event) => {
      // Let it commit a little, then kill it while it holds a shard.
      await victim.waitFor((e) => e.type === 'shard-committed');
      await victim.waitFor((e) => e.type === 'shard-started' && e.jobId !== event.jobId);
      victim.child.kill('SIGKILL');
    });
    const summary = await runBullmqDriver({
      redis: redisUrl,
      runId: 'kill-one',
      queue,
      input,
      output,
      model: sumScorerPath,
      shardSize: 25,
      progress: false,
    });
    await killed;
    expect(victim.child.signalCode).toBe('SIGKILL');
    expect(summary.shards).toBe(48);
    expectExactlyOnce(await readAllRows(output), 1200);
  });

  it('stays exactly once when a worker is paused past its lock and then resumed', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const output = join(directory, 'out.jsonl');
    await writeNumbersCsv(input, 1000);
    const queue = nextQueue();
    const paused = startWorker(redisUrl, queue, { busyMs: 150 });
    const healthy = startWorker(redisUrl, queue, { busyMs: 150 });
    await Promise.all([paused, healthy].map((worker) => worker.waitFor((event) => event.type === 'ready')));
    const merged: BullmqDriverEvent[] = [];
    let frozenJob: string | undefined;
    const choreography = (async () => {
      const started = await paused.waitFor((event) => event.type === 'shard-started');
      frozenJob = started.jobId as string;
      paused.child.kill('SIGSTOP');
      // The lock (2 s) expires; the healthy worker's stalled check hands the shard over.
      await healthy.waitFor((event) => event.type === 'shard-committed' && event.jobId === frozenJob, 20_000);
      paused.child.kill('SIGCONT');
      return paused.waitFor((event) => event.type === 'commit-rejected' && event.jobId === frozenJob, 20_000);
    })();
    const summary = await runBullmqDriver({
      redis: redisUrl,
      runId: 'pause-one',
      queue,
      input,
      output,
      model: sumScorerPath,
      shardSize: 10,
      progress: false,
      onEvent: (event) => merged.push(event),
    });
    const rejected = await choreography;
    expect(rejected.error).toMatch(/lock|active/i);
    expectExactlyOnce(await readAllRows(output), 1000);
    // The frozen shard was committed by the healthy worker, once.
    const frozenShard = Number(frozenJob!.split('-shard-')[1]);
    const mergedFrozen = merged.filter((event) => event.type === 'shard-merged' && event.shard === frozenShard);
    expect(mergedFrozen).toHaveLength(1);
    expect((mergedFrozen[0] as { worker: string }).worker.endsWith(`:${healthy.child.pid}`)).toBe(true);
    expect(summary.shards).toBe(100);
  });

  it('resumes a run after the driver is killed, reusing committed shards', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const output = join(directory, 'out.parquet');
    await writeNumbersCsv(input, 1500);
    const queue = nextQueue();
    const workers = [0, 1].map(() => startWorker(redisUrl, queue, { busyMs: 60 }));
    await Promise.all(workers.map((worker) => worker.waitFor((event) => event.type === 'ready')));
    const driverArgs = [
      'models', 'score', '--engine', 'bullmq', '--redis', redisUrl, '--run-id', 'driver-crash', '--queue', queue,
      '--input', input, '--output', output, '--scorer-module', sumScorerPath, '--chunk-size', '25', '--lease-ms', '1500', '--no-progress',
    ];
    const first = startCli(driverArgs);
    let committed = 0;
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        committed = workers.reduce((sum, worker) => sum + worker.events.filter((event) => event.type === 'shard-committed').length, 0);
        if (committed >= 10) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(output)).toBe(false);

    const second = startCli(driverArgs);
    const code = await second.exited;
    expect(second.stderr()).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(second.stdout().trim().split('\n').pop()!) as { resumed: boolean; shardsReused: number; rows: number };
    expect(summary.resumed).toBe(true);
    expect(summary.shardsReused).toBeGreaterThanOrEqual(10);
    expect(summary.rows).toBe(1500);
    expectExactlyOnce(await readAllRows(output), 1500);
  });

  it('fails the run after N attempts of a poison shard, naming the shard', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const output = join(directory, 'out.csv');
    await writeNumbersCsv(input, 400);
    const queue = nextQueue();
    const workers = [0, 1].map(() => startWorker(redisUrl, queue, { poison: 137 }));
    await Promise.all(workers.map((worker) => worker.waitFor((event) => event.type === 'ready')));
    const error = await runBullmqDriver({
      redis: redisUrl,
      runId: 'poison',
      queue,
      input,
      output,
      model: sumScorerPath,
      shardSize: 25,
      attempts: 2,
      backoffMs: 50,
      progress: false,
    }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_SHARD_FAILED')).toBe(true);
    const failure = error as JsfuncError;
    expect(failure.details).toMatchObject({ shard: 5, rowStart: 125, rowEnd: 149, attempts: 2, file: input });
    expect(failure.message).toMatch(/shard 5 \(rows 125-149/);
    expect(failure.message).toMatch(/poison value/);
    expect(existsSync(output)).toBe(false);
    // Starting the failed run again reports it at once instead of waiting.
    const again = await runBullmqDriver({ redis: redisUrl, runId: 'poison', queue, input, output, model: sumScorerPath, shardSize: 25, progress: false }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(again, 'ERR_BATCH_RUN_ID_REUSED')).toBe(true);
  });

  it('reports a run id reused for different input at once', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const other = join(directory, 'other.csv');
    await writeNumbersCsv(input, 50);
    await writeNumbersCsv(other, 60);
    const queue = nextQueue();
    const worker = startWorker(redisUrl, queue, {});
    await worker.waitFor((event) => event.type === 'ready');
    const options = { redis: redisUrl, runId: 'reused', queue, output: join(directory, 'out.csv'), model: sumScorerPath, shardSize: 20, progress: false as const };
    await runBullmqDriver({ ...options, input });
    for (const reuse of [input, other]) {
      const error = await runBullmqDriver({ ...options, input: reuse }).catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_BATCH_RUN_ID_REUSED')).toBe(true);
      expect((error as Error).message).toMatch(/new run id/);
    }
  });

  it('scores Parquet input into CSV and into Parquet (column types kept), every row once', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.parquet');
    const writer = await createRowWriter(input);
    for (let start = 0; start < 300; start += 100) {
      await writer.write(Array.from({ length: 100 }, (_unused, offset) => ({ id: BigInt(start + offset), x0: start + offset, x1: (start + offset) / 2, x2: 1 })));
    }
    await writer.close();
    const queue = nextQueue();
    const worker = startWorker(redisUrl, queue, {});
    await worker.waitFor((event) => event.type === 'ready');
    for (const output of [join(directory, 'out.csv'), join(directory, 'out.parquet')]) {
      const summary = await runBullmqDriver({ redis: redisUrl, runId: `parquet-${output.slice(-3)}`, queue, input, output, model: sumScorerPath, shardSize: 40, progress: false });
      expect(summary).toMatchObject({ rows: 300, shards: 8 });
      const rows = await readAllRows(output);
      expect(rows.length).toBe(300);
      rows.forEach((row, index) => {
        expect(row.id).toBe(output.endsWith('.csv') ? index : BigInt(index));
        expect(row.prediction).toBeCloseTo(expectedPrediction(index), 6);
      });
    }
  });

  it('fails a run at once with ERR_BATCH_INPUT_PARSE when a worker cannot read a shard, naming the line', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const lines = ['id,x0,x1,x2'];
    for (let id = 0; id < 200; id += 1) lines.push(id === 137 ? `${id},1` : `${id},${id},${id / 2},1`);
    await writeFile(input, `${lines.join('\n')}\n`);
    const queue = nextQueue();
    const workers = [0, 1].map(() => startWorker(redisUrl, queue, {}));
    await Promise.all(workers.map((worker) => worker.waitFor((event) => event.type === 'ready')));
    const error = await runBullmqDriver({ redis: redisUrl, runId: 'bad-line', queue, input, output: join(directory, 'out.csv'), model: sumScorerPath, shardSize: 25, attempts: 3, backoffMs: 60_000, progress: false }).catch((caught: unknown) => caught);
    // backoffMs of a minute: a retried shard would outlast the test, so the failure came at once
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_INPUT_PARSE')).toBe(true);
    expect((error as Error).message).toMatch(/line 139\b/);
    expect((error as JsfuncError).details).toMatchObject({ path: input, shard: 5, rowStart: 125 });
    expect(existsSync(join(directory, 'out.csv'))).toBe(false);
  });
});
