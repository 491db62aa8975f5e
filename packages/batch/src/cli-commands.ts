import type { Command } from 'commander';
import { runBullmqDriver } from './bullmq-driver.js';
import { runBullmqWorker } from './bullmq-worker.js';
import { batchError } from './batch-error.js';
import type { FileFormat } from './file-format.js';
import { scoreFiles } from './score-files.js';
import type { ScorerSpec } from './scorer-spec.js';

interface ScorerFlags {
  modelUri?: string;
  scorerModule?: string;
  scorerExport?: string;
  scorerOptions?: string;
  flavor?: string[];
  columns?: string;
  dtype?: 'float32' | 'float64' | 'int32';
  predictionColumn?: string;
}

function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`expected a positive integer, found "${value}"`);
  return number;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Where the host app's flavors resolve when `--flavor` is not given (the `jsfunc` CLI passes its own). */
export interface BatchCommandOptions {
  /** Directory whose installed flavor packages load models (default: the working directory). */
  flavorCwd?: string;
  /**
   * Turns a model URI (`runs:/`, `models:/`) into a local directory before scoring; each worker
   * machine resolves it itself (the CLI passes @jsfunc/tracking's MLflow resolver).
   */
  resolveModelUri?: (uri: string) => Promise<string>;
}

/** Builds the scorer spec from the shared command-line flags. */
function scorerFromFlags(flags: ScorerFlags, options: BatchCommandOptions = {}): ScorerSpec {
  if (flags.scorerModule) {
    return {
      module: flags.scorerModule,
      ...(flags.scorerExport ? { exportName: flags.scorerExport } : {}),
      ...(flags.scorerOptions ? { options: JSON.parse(flags.scorerOptions) as unknown } : {}),
    };
  }
  if (!flags.modelUri) {
    throw batchError('ERR_BATCH_OPTIONS_INVALID', 'Expected a model: pass -m <model URI> (or --scorer-module <file.mjs>).');
  }
  return {
    model: flags.modelUri,
    ...(flags.flavor?.length ? { flavorPackages: flags.flavor } : {}),
    ...(options.flavorCwd ? { cwd: options.flavorCwd } : {}),
    ...(flags.columns ? { columns: flags.columns.split(',').map((name) => name.trim()).filter(Boolean) } : {}),
    ...(flags.dtype ? { dtype: flags.dtype } : {}),
    ...(flags.predictionColumn ? { predictionColumn: flags.predictionColumn } : {}),
  };
}

/** Resolves the scorer's model URI to a local directory with the host's resolver, if any. */
async function resolveScorer(scorer: ScorerSpec, options: BatchCommandOptions): Promise<ScorerSpec> {
  if (!('model' in scorer) || options.resolveModelUri === undefined) return scorer;
  return { ...scorer, model: await options.resolveModelUri(scorer.model) };
}

function addScorerOptions(command: Command): Command {
  return command
    .option('-m, --model-uri <uri>', 'model to score with (directory, file://, runs:/, models:/)')
    .option('--flavor <package>', 'flavor package to load the model with (repeatable; default: installed flavors)', collect)
    .option('--columns <names>', 'comma-separated input columns packed into one [rows, columns] tensor')
    .option('--dtype <type>', 'element type of that tensor: float32 (default), float64, int32')
    .option('--prediction-column <name>', 'base name of the appended prediction column(s)', 'prediction')
    .option('--scorer-module <file>', 'score with createScorer() exported by this ES module instead of a model')
    .option('--scorer-export <name>', 'factory export of --scorer-module (default createScorer)')
    .option('--scorer-options <json>', 'JSON options passed to the scorer factory');
}

function fail(error: unknown): never {
  const coded = error as { code?: string; message?: string };
  process.stderr.write(`${coded.code ? `${coded.code}: ` : ''}${coded.message ?? String(error)}\n`);
  process.exit(1);
}

/**
 * Adds the batch verbs to a commander program (the `jsfunc` CLI calls this):
 * - `models score -m URI --input FILE|GLOB --output FILE [--workers N]` scores locally, or with
 *   `--engine bullmq --redis URL --run-id ID` drives a distributed run;
 * - `worker --engine bullmq --redis URL -m URI` serves shards of distributed runs.
 * If the program already has a `models` command, `score` is added to it.
 */
export function registerBatchCommands(program: Command, options: BatchCommandOptions = {}): Command {
  const models = program.commands.find((command) => command.name() === 'models') ?? program.command('models').description('work with models');
  addScorerOptions(
    models
      .command('score')
      .description('score CSV, JSONL or Parquet files with a model; predictions are appended as columns')
      .requiredOption('-i, --input <file...>', 'input file(s) or glob(s): data.csv, "parts/*.parquet"')
      .requiredOption('-o, --output <file>', 'output file (.csv, .jsonl or .parquet)')
      .option('--format <format>', 'input format when the extension does not tell: csv, jsonl, parquet')
      .option('--output-format <format>', 'output format when the extension does not tell')
      .option('-w, --workers <n>', 'local worker threads, one model copy each', integer, 1)
      .option('--chunk-size <rows>', 'rows per chunk (local) or shard (bullmq)', integer, 1000)
      .option('--engine <engine>', 'local (default) or bullmq', 'local')
      .option('--redis <url>', 'Redis URL for --engine bullmq')
      .option('--run-id <id>', 'run id for --engine bullmq: the same id resumes a crashed driver')
      .option('--queue <name>', 'BullMQ queue name', 'jsfunc-batch')
      .option('--attempts <n>', 'attempts per shard before the run fails', integer, 3)
      .option('--lease-ms <ms>', 'driver lease; a crashed driver blocks a resume at most this long', integer, 15000)
      .option('--no-progress', 'never draw the progress bar'),
  ).action(async (flags: ScorerFlags & Record<string, unknown>) => {
    try {
      // The driver hands the model URI itself to the workers (each machine resolves it); the local
      // engine resolves it here, once.
      const scorer = scorerFromFlags(flags, options);
      const common = {
        input: flags.input as string[],
        output: flags.output as string,
        ...(flags.format ? { inputFormat: flags.format as FileFormat } : {}),
        ...(flags.outputFormat ? { outputFormat: flags.outputFormat as FileFormat } : {}),
        ...(flags.progress === false ? { progress: false } : {}),
      };
      if (flags.engine === 'bullmq') {
        if (!flags.redis || !flags.runId) {
          throw batchError('ERR_BATCH_OPTIONS_INVALID', 'Expected --redis <url> and --run-id <id> with --engine bullmq.');
        }
        const summary = await runBullmqDriver({
          ...common,
          redis: flags.redis as string,
          runId: flags.runId as string,
          model: 'model' in scorer ? scorer.model : scorer.module,
          queue: flags.queue as string,
          shardSize: flags.chunkSize as number,
          attempts: flags.attempts as number,
          leaseMs: flags.leaseMs as number,
        });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else if (flags.engine === 'local') {
        const summary = await scoreFiles({ ...common, scorer: await resolveScorer(scorer, options), workers: flags.workers as number, chunkSize: flags.chunkSize as number });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        throw batchError('ERR_BATCH_OPTIONS_INVALID', `Expected --engine local or bullmq; found "${String(flags.engine)}".`);
      }
    } catch (error) {
      fail(error);
    }
  });

  addScorerOptions(
    program
      .command('worker')
      .description('serve shards of distributed scoring runs (run one per machine or container)')
      .option('--engine <engine>', 'distributed engine (bullmq)', 'bullmq')
      .requiredOption('--redis <url>', 'Redis URL of the driver')
      .option('--queue <name>', 'BullMQ queue name', 'jsfunc-batch')
      .option('-c, --concurrency <n>', 'shards at once, one inference thread and model copy each', integer, 1)
      .option('--lock-duration <ms>', 'job lock time; a shard held longer by a frozen worker moves on', integer, 30000)
      .option('--stalled-interval <ms>', 'how often stalled shards are looked for', integer, 30000)
      .option('--json', 'print events as JSON lines on stdout'),
  ).action(async (flags: ScorerFlags & Record<string, unknown>) => {
    try {
      if (flags.engine !== 'bullmq') throw batchError('ERR_BATCH_OPTIONS_INVALID', `Expected --engine bullmq; found "${String(flags.engine)}".`);
      const json = flags.json === true;
      const handle = await runBullmqWorker({
        redis: flags.redis as string,
        scorer: await resolveScorer(scorerFromFlags(flags, options), options),
        queue: flags.queue as string,
        concurrency: flags.concurrency as number,
        lockDuration: flags.lockDuration as number,
        stalledInterval: flags.stalledInterval as number,
        onEvent: (event) => {
          if (json) process.stdout.write(`${JSON.stringify(event)}\n`);
          else if (event.type !== 'shard-started') process.stderr.write(`jsfunc worker: ${event.type} ${JSON.stringify(event)}\n`);
        },
      });
      const stop = () => {
        void handle.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    } catch (error) {
      fail(error);
    }
  });
  return program;
}
