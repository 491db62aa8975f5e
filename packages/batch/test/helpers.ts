import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readChunks } from '../dist/index.js';

export const cliPath = fileURLToPath(new URL('./fixtures/batch-cli.mjs', import.meta.url));
export const sumScorerPath = fileURLToPath(new URL('./fixtures/sum-scorer.mjs', import.meta.url));

export async function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'jsfunc-batch-'));
}

/** Writes a CSV with columns id, x0, x1, x2 (x = id, id/2, 1) and `rows` rows. */
export async function writeNumbersCsv(path: string, rows: number): Promise<void> {
  let text = 'id,x0,x1,x2\n';
  for (let id = 0; id < rows; id += 1) text += `${id},${id},${id / 2},1\n`;
  await writeFile(path, text);
}

/** The prediction sum-scorer gives row `id` of {@link writeNumbersCsv}. */
export function expectedPrediction(id: number): number {
  return 2 * (id + id / 2 + 1);
}

export async function readAllRows(path: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const chunk of readChunks(path, { chunkSize: 500 })) rows.push(...chunk.rows);
  return rows;
}

/** A spawned process of the test CLI, with its JSON-line events. */
export interface CliProcess {
  child: ChildProcess;
  events: Record<string, unknown>[];
  stderr: () => string;
  stdout: () => string;
  waitFor(predicate: (event: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

const spawned = new Set<ChildProcess>();

export function startCli(args: string[], cwd?: string): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  spawned.add(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { predicate: (event: Record<string, unknown>) => boolean; resolve: (event: Record<string, unknown>) => void }[] = [];
  let out = '';
  let err = '';
  let buffer = '';
  child.stdout!.on('data', (data: Buffer) => {
    out += data.toString();
    buffer += data.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      } catch {
        // not an event line
      }
    }
  });
  child.stderr!.on('data', (data: Buffer) => {
    err += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor(predicate, timeoutMs = 20_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for an event; stderr:\n${err}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
  };
}

export function startWorker(redisUrl: string, queue: string, scorerOptions: Record<string, unknown>, extra: string[] = []): CliProcess {
  return startCli([
    'worker',
    '--engine', 'bullmq',
    '--redis', redisUrl,
    '--queue', queue,
    '--scorer-module', sumScorerPath,
    '--scorer-options', JSON.stringify(scorerOptions),
    '--lock-duration', '2000',
    '--stalled-interval', '1000',
    '--json',
    ...extra,
  ]);
}

/** Kills every process the tests spawned (resuming stopped ones first). */
export async function killAll(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of spawned) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((resolve) => child.once('exit', resolve)));
      try {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  spawned.clear();
  await Promise.all(waits);
}
