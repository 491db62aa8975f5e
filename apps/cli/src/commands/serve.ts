import { resolveCliModelUri } from '../model-uri.js';
import { createServer, type ServeModelOptions } from '@jsfunc/server';
import { cliFlavors } from '../flavor-packages.js';

/** Options of `jsfunc models serve`. */
export interface ServeCommandOptions {
  model: string[];
  port: string;
  host: string;
  timeout: string;
  workers: string;
  isolation?: 'auto' | 'thread' | 'process' | 'main';
  modelVersion?: string;
  batch?: string;
  batchDelay: string;
  batchQueue: string;
  bodyLimit?: string;
  warmUp: boolean;
  logLevel: string;
  flavorsFrom?: string;
  verifyIntegrity: boolean;
}

/** Parses `-m` values: `URI` or `NAME=URI`. The first model also answers `/invocations`. */
export function parseModelArguments(values: readonly string[]): Array<{ name: string; uri: string }> {
  return values.map((value, index) => {
    const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(value);
    if (match && !/^[a-z]+:\/\//i.test(value)) return { name: match[1]!, uri: match[2]! };
    return { name: index === 0 ? 'model' : `model-${index}`, uri: value };
  });
}

function positiveInteger(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} expects a non-negative integer, got '${value}'.`);
  return number;
}

/** `jsfunc models serve`: starts the scoring server and drains it on SIGTERM/SIGINT. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const flavors = cliFlavors(options.flavorsFrom);
  const batching = options.batch
    ? {
        maxBatchSize: positiveInteger(options.batch, '--batch'),
        maxQueueDelayMs: Number(options.batchDelay),
        maxQueueSize: positiveInteger(options.batchQueue, '--batch-queue'),
      }
    : false;
  const parsed = parseModelArguments(options.model);
  const localUris = await Promise.all(parsed.map(({ uri }) => resolveCliModelUri(uri)));
  const models: ServeModelOptions[] = parsed.map(({ name }, index) => ({
    name,
    uri: localUris[index]!,
    workers: Math.max(1, positiveInteger(options.workers, '--workers')),
    isolation: options.isolation ?? 'auto',
    batching,
    verifyIntegrity: options.verifyIntegrity,
    ...(options.modelVersion ? { version: options.modelVersion } : {}),
  }));
  const server = await createServer({
    models,
    flavorPackages: flavors.packages,
    cwd: flavors.cwd,
    timeoutMs: Number(options.timeout) * 1000,
    warmUp: options.warmUp,
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
    ...(options.bodyLimit ? { bodyLimit: positiveInteger(options.bodyLimit, '--body-limit') } : {}),
  });
  const log = server.app.log;
  let stopping: Promise<void> | undefined;
  const stop = (signal: string): void => {
    if (stopping) return;
    log.info({ signal }, 'draining in-flight requests, then stopping');
    stopping = server.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const address = await server.listen({ port: positiveInteger(options.port, '--port'), host: options.host });
  process.stdout.write(`jsfunc: listening on ${address} (models: ${models.map((m) => m.name).join(', ')})\n`);
  try {
    await server.ready;
  } catch (error) {
    await server.close();
    throw error;
  }
  process.stdout.write('jsfunc: ready\n');
  await new Promise<never>(() => {});
  return 0;
}
