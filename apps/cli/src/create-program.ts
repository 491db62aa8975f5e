import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { generateDockerfileCommand } from './commands/generate-dockerfile.js';
import { infoCommand } from './commands/info.js';
import { packageCommand } from './commands/package.js';
import { predictCommand } from './commands/predict.js';
import { serveCommand } from './commands/serve.js';
import { registerBatchCommands } from '@jsfunc/batch/cli-commands';
import { CLI_ROOT } from './flavor-packages.js';
import { resolveCliModelUri } from './model-uri.js';

/** The CLI's version (from its package.json). */
export function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Builds the `jsfunc` command tree. Each action stores its exit code in `result.code`. */
export function createProgram(result: { code: number } = { code: 0 }): Command {
  const env = process.env;
  const program = new Command('jsfunc')
    .description('Serve, score, inspect and package jsfunc and MLflow models from Node.js.')
    .version(cliVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const models = program.command('models').description("Work with model directories (MLflow's `mlflow models` verbs).");

  models
    .command('serve')
    .description('Serve models over HTTP: MLflow /invocations and Open Inference Protocol v2 on one port.')
    .helpOption('--help', 'display help for command')
    .requiredOption('-m, --model <uri...>', 'model URI or directory; NAME=URI to name it (repeat for several models)')
    .option('-p, --port <port>', 'port to listen on (env JSFUNC_PORT, MLFLOW_PORT)', env.JSFUNC_PORT ?? env.MLFLOW_PORT ?? '5000')
    .option('-h, --host <host>', 'host to bind (env JSFUNC_HOST, MLFLOW_HOST)', env.JSFUNC_HOST ?? env.MLFLOW_HOST ?? '127.0.0.1')
    .option('-t, --timeout <seconds>', 'request timeout in seconds; past it 504 (env MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT)', env.MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT ?? '60')
    .option('-w, --workers <n>', 'workers per model, each with one copy of the model (env JSFUNC_WORKERS, MLFLOW_MODELS_WORKERS)', env.JSFUNC_WORKERS ?? env.MLFLOW_MODELS_WORKERS ?? '1')
    .addOption(new Option('--isolation <kind>', 'where inference runs (auto follows the flavor)').choices(['auto', 'thread', 'process', 'main']).default('auto'))
    .option('--model-version <version>', 'version reported by OIP metadata and matched by /versions/{v} routes')
    .option('--batch <maxBatchSize>', 'turn on dynamic batching with this many rows per call at most')
    .option('--batch-delay <ms>', 'longest a request waits for a batch to fill while a worker is idle', '2')
    .option('--batch-queue <n>', 'most requests waiting for a batch; more get 503', '1024')
    .option('--body-limit <bytes>', 'largest request body; larger get 413 (default 64 MiB)')
    .option('--no-warm-up', 'do not run the saved input example before reporting ready')
    .option('--no-verify-integrity', "skip checking the model's files against its integrity record")
    .option('--flavors-from <dir>', "use the flavor packages installed in this app instead of the CLI's own")
    .addOption(new Option('--log-level <level>', 'log level').choices(['silent', 'error', 'warn', 'info', 'debug']).default('info'))
    .action(async (options) => {
      result.code = await serveCommand(options);
    });

  models
    .command('predict')
    .description('Score a file: it holds what an /invocations body holds; prints what /invocations answers.')
    .requiredOption('-m, --model <uri>', 'model URI or directory')
    .option('-i, --input <file>', 'input file (default: standard input)')
    .option('-o, --output <file>', 'output file (default: standard output)')
    .addOption(new Option('-t, --content-type <type>', 'input format').choices(['json', 'csv']).default('json'))
    .option('--no-verify-integrity', "skip checking the model's files against its integrity record")
    .option('--flavors-from <dir>', "use the flavor packages installed in this app instead of the CLI's own")
    .action(async (options) => {
      result.code = await predictCommand(options);
    });

  models
    .command('info')
    .description('Show flavors, signature, environment and integrity of a model, without loading it.')
    .requiredOption('-m, --model <uri>', 'model URI or directory')
    .option('--json', 'print JSON', false)
    .action(async (options) => {
      result.code = await infoCommand(options);
    });

  models
    .command('package')
    .description('Package an .onnx file or a TF.js model directory as a jsfunc model (signature inferred).')
    .addOption(new Option('--flavor <name>', 'flavor to package with').choices(['onnx', 'tfjs']).makeOptionMandatory())
    .requiredOption('--source <path>', '.onnx file, or TF.js model directory (model.json + weights)')
    .requiredOption('--output <dir>', 'model directory to create (must not exist)')
    .option('--flavors-from <dir>', "use the flavor packages installed in this app instead of the CLI's own")
    .action(async (options) => {
      result.code = await packageCommand(options);
    });

  models
    .command('generate-dockerfile')
    .description('Write a Dockerfile that serves a model with jsfunc (and, with --kserve, a KServe runtime manifest).')
    .option('-m, --model <dir>', 'model directory to copy into the image (default: mount it at /opt/ml/model)')
    .option('-d, --output-directory <dir>', 'where to write the files', 'jsfunc-dockerfile')
    .option('--node-version <version>', 'Node.js major version of the base image', '22')
    .option('--kserve', 'also write kserve-runtime.yaml (ClusterServingRuntime + InferenceService)', false)
    .option('-n, --name <name>', 'model/service name used in the KServe manifest', 'jsfunc-model')
    .action(async (options) => {
      result.code = await generateDockerfileCommand({ ...options, cliVersion: cliVersion() });
    });

  registerBatchCommands(program, { flavorCwd: CLI_ROOT, resolveModelUri: resolveCliModelUri });
  return program;
}
