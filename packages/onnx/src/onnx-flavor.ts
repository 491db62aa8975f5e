import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsfuncError, jsfuncError, type FlavorModelV1, type FlavorV1, type LoggerV1, type ModelDataV1, type TensorV1 } from '@jsfunc/core';
import type { InferenceSession } from 'onnxruntime-node';
import { createSessionHandle, type OnnxRunIn, type OnnxSessionHandle } from './session-handle.js';
import type { OnnxValueInfo } from './create-ort-session.js';
import { inferOnnxSignature } from './infer-signature.js';
import { fromOutputs, toFeeds } from './input-mapping.js';
import { inspectOnnxModel, onnxVersionForOpset, removeZipMaps, type OnnxModelInfo, type OnnxZipMap } from './onnx-model-proto.js';
import { CONDA_FILE, PYTHON_ENV_FILE, pythonEnvironmentFiles, type OnnxPythonEnvironment } from './python-environment.js';
import {
  MLFLOW_DEFAULT_PROVIDERS,
  parseSessionOptions,
  toMlflowProvider,
  toMlflowSessionOptions,
  toOrtProvider,
  toOrtSessionOptions,
  type OnnxSessionOptions,
} from './session-options.js';

/** The package's own name and version, recorded in the model's `js_function` block. */
const PACKAGE_NAME = '@jsfunc/onnx';
const PACKAGE_VERSION = '0.1.0';
/** Where the model file sits: at the model root, as `mlflow.onnx` requires. */
export const ONNX_MODEL_FILE = 'model.onnx';
/** Models larger than this are not parsed at load (no ZipMap rewrite; non-tensor outputs are skipped). */
const INSPECT_LIMIT_BYTES = 64 * 1024 * 1024;
const RESERVED_FILES = new Set(['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt', 'package.json', ONNX_MODEL_FILE]);

/**
 * What `save` accepts: a path to an `.onnx` file, the model's bytes, or a path with the external
 * data files that sit beside it (found automatically from the model when not given).
 */
export type OnnxModelSource = string | Uint8Array | { readonly path: string; readonly externalData?: readonly string[] };

/** Options of `saveModel(source, { flavor: onnxFlavor(), saveOptions })`. */
export interface OnnxSaveOptions {
  /** Session options written to MLmodel and applied at every load. */
  readonly sessionOptions?: OnnxSessionOptions;
  /** Execution providers, by MLflow or onnxruntime-node name (default: CUDA then CPU, like MLflow). */
  readonly providers?: readonly string[];
  /** The Python environment written for `mlflow.pyfunc.load_model`. */
  readonly python?: OnnxPythonEnvironment;
  /**
   * Infer a tensor signature from the session when the user gives none (default true). A
   * signature turns on MLflow's schema enforcement (in jsfunc and in Python): exact dtypes, a
   * variable first dimension for tables. Give `false` to save as `mlflow.onnx` does (no
   * signature), where the ONNX wrapper's own rules apply (float64 cast to float32, tables with
   * fixed-size inputs).
   */
  readonly inferSignature?: boolean;
}

/** Options of a load (`flavorOptions`), and the defaults given to `onnxFlavor(options)`. */
export interface OnnxLoadOptions {
  /** Overrides the saved session options, key by key. */
  readonly sessionOptions?: OnnxSessionOptions;
  /** Overrides the saved providers (MLflow or onnxruntime-node names). */
  readonly providers?: readonly string[];
  /**
   * Where inference runs. `main` (default): on the calling thread; each run blocks the event loop
   * while it computes. `worker`: in a worker thread owned by the model, so the event loop stays
   * free (costs a copy of inputs and ~0.1 ms a call).
   */
  readonly runIn?: OnnxRunIn;
}

/** The native object of a loaded ONNX model (what `model.unwrap()` returns). */
export interface OnnxNativeModel {
  /** The InferenceSession, when the session runs on this thread (`runIn: 'main'`). */
  readonly session: InferenceSession | undefined;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** onnxruntime-node providers in use. */
  readonly providers: readonly string[];
  /** ZipMap outputs rewritten to probability tensors (see the README). */
  readonly zipMaps: readonly OnnxZipMap[];
  readonly runIn: OnnxRunIn;
  /** The session options given to onnxruntime-node (saved options merged with load overrides). */
  readonly sessionOptions: InferenceSession.SessionOptions;
}

/** The ONNX flavor type. */
export type OnnxFlavor = FlavorV1<OnnxNativeModel, OnnxModelSource, OnnxSaveOptions, OnnxLoadOptions>;

type OrtModule = typeof import('onnxruntime-node');

let ortModule: OrtModule | undefined;

async function importOrt(): Promise<OrtModule> {
  if (ortModule !== undefined) return ortModule;
  try {
    ortModule = (await import('onnxruntime-node')) as OrtModule;
    return ortModule;
  } catch (error) {
    throw jsfuncError(
      'ERR_ONNX_RUNTIME_MISSING',
      'The ONNX flavor needs the peer dependency onnxruntime-node (>= 1.20), which could not be imported. Install it: npm install onnxruntime-node.',
      {},
      error,
    );
  }
}

function invalidModel(where: string, error: unknown): Error {
  return jsfuncError(
    'ERR_ONNX_MODEL_INVALID',
    `${where} is not a valid ONNX model: ${error instanceof Error ? error.message : String(error)}. Give an .onnx file exported by an ONNX converter.`,
    { source: where },
    error,
  );
}

function safeInspect(bytes: Uint8Array, where: string): OnnxModelInfo {
  try {
    return inspectOnnxModel(bytes);
  } catch (error) {
    throw invalidModel(where, error);
  }
}

function checkSidecar(location: string, where: string): void {
  const normalized = path.posix.normalize(location.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(normalized) || normalized.startsWith('../') || normalized === '..' || RESERVED_FILES.has(normalized)) {
    throw jsfuncError(
      'ERR_ONNX_EXTERNAL_DATA',
      `${where} references external data at '${location}', which must be a file name beside the model (not absolute, not outside its folder, not ${[...RESERVED_FILES].join(', ')}). Re-export the model with a plain external data file name.`,
      { location },
    );
  }
}

function providerLogger(logger: LoggerV1, providers: readonly string[]): (message: string) => void {
  const isDefault = providers.length === MLFLOW_DEFAULT_PROVIDERS.length && providers.every((provider, index) => toMlflowProvider(provider) === MLFLOW_DEFAULT_PROVIDERS[index]);
  // MLflow's default lists CUDA first; on a CPU-only host that is expected, not worth a warning.
  return (message) => (isDefault ? (logger.info ?? logger.warn).call(logger, message) : logger.warn(message));
}

/** Writes the rewritten model beside links to its external data, so the session can resolve them. */
async function stageRewrittenModel(bytes: Uint8Array, modelPath: string, locations: readonly string[]): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'jsfunc-onnx-'));
  const target = path.join(directory, ONNX_MODEL_FILE);
  await writeFile(target, bytes);
  for (const location of locations) {
    const link = path.join(directory, location);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.resolve(path.dirname(modelPath), location), link);
  }
  return { path: target, cleanup: () => rm(directory, { recursive: true, force: true }) };
}

/**
 * The ONNX flavor, on onnxruntime-node. Saves an `.onnx` model (with its external data) the way
 * `mlflow.onnx.save_model` does, so MLflow in Python loads it, and loads models MLflow wrote.
 *
 * @param defaults load options used when a load does not give them (e.g. `{ runIn: 'worker' }`).
 * @example
 * ```ts
 * import { loadModel, saveModel } from '@jsfunc/core';
 * import { onnxFlavor } from '@jsfunc/onnx';
 * await saveModel('model.onnx', { flavor: onnxFlavor(), path: 'my-model' });
 * const model = await loadModel('my-model', { flavors: [onnxFlavor()] });
 * const { variable } = await model.predict({ input: { dtype: 'float32', shape: [1, 10], data: new Float32Array(10) } });
 * ```
 */
export function onnxFlavor(defaults: OnnxLoadOptions = {}): OnnxFlavor {
  return {
    specificationVersion: 'v1',
    name: 'onnx',
    packageName: PACKAGE_NAME,
    packageVersion: PACKAGE_VERSION,
    runtime: { isolation: 'thread' },

    async save(source, context) {
      const options = context.options ?? {};
      const ort = await importOrt();
      let bytes: Uint8Array;
      let sourcePath: string | undefined;
      let declared: readonly string[] = [];
      if (typeof source === 'string' || (typeof source === 'object' && source !== null && !(source instanceof Uint8Array) && typeof source.path === 'string')) {
        sourcePath = path.resolve(typeof source === 'string' ? source : source.path);
        declared = typeof source === 'string' ? [] : (source.externalData ?? []);
        try {
          bytes = await readFile(sourcePath);
        } catch (error) {
          throw jsfuncError('ERR_ONNX_SOURCE', `Cannot read the ONNX model at ${sourcePath}: ${(error as Error).message}. Give the path of an existing .onnx file.`, { path: sourcePath }, error);
        }
      } else if (source instanceof Uint8Array) {
        bytes = source;
      } else {
        throw jsfuncError(
          'ERR_ONNX_SOURCE',
          `The ONNX flavor saves a path to an .onnx file, its bytes (Uint8Array) or { path, externalData }; found ${source === null ? 'null' : typeof source}. Give one of those.`,
          { found: typeof source },
        );
      }
      const where = sourcePath ?? 'The given bytes';
      const info = safeInspect(bytes, where);
      const locations = [...new Set([...info.externalDataLocations, ...declared])];
      for (const location of locations) checkSidecar(location, where);
      if (locations.length > 0 && sourcePath === undefined) {
        throw jsfuncError(
          'ERR_ONNX_EXTERNAL_DATA',
          `The ONNX model keeps tensors in external data files (${locations.join(', ')}), which bytes cannot carry. Save from the .onnx file path instead, with the data files beside it.`,
          { locations },
        );
      }
      await context.writer.writeFile(ONNX_MODEL_FILE, bytes);
      for (const location of locations) {
        const from = path.resolve(path.dirname(sourcePath!), location);
        try {
          await stat(from);
        } catch (error) {
          throw jsfuncError(
            'ERR_ONNX_EXTERNAL_DATA',
            `The ONNX model references external data '${location}', but ${from} does not exist. Put the data file beside the .onnx file (or fix externalData).`,
            { location, path: from },
            error,
          );
        }
        await context.writer.copyFile(from, location);
      }

      // Validate the model and read its inputs and outputs with a real session.
      const sessionOptions = toMlflowSessionOptions(options.sessionOptions);
      let inputs: readonly OnnxValueInfo[];
      let outputs: readonly OnnxValueInfo[];
      {
        const rewritten = info.zipMaps.length > 0 ? removeZipMaps(bytes) : undefined;
        const handle = await createSessionHandle(ort, 'main', {
          source: rewritten === undefined ? { path: context.writer.resolve(ONNX_MODEL_FILE) } : { path: context.writer.resolve(ONNX_MODEL_FILE), bytes: rewritten },
          options: toOrtSessionOptions(parseSessionOptions(sessionOptions, 'snake')),
          providers: ['cpu'],
          warn: (message) => context.logger.warn(message),
        }).catch((error: unknown) => {
          throw JsfuncErrorOr(error, () => invalidModel(where, error));
        });
        inputs = handle.inputs;
        outputs = handle.outputs;
        await handle.dispose();
      }

      const environment = pythonEnvironmentFiles(options.python);
      for (const [file, text] of Object.entries(environment.files)) await context.writer.writeFile(file, text);
      const providers = (options.providers ?? MLFLOW_DEFAULT_PROVIDERS).map(toMlflowProvider);
      const signature = options.inferSignature === false ? undefined : inferOnnxSignature(inputs, outputs);
      return {
        flavorConfig: {
          code: null,
          data: ONNX_MODEL_FILE,
          onnx_session_options: sessionOptions,
          onnx_version: onnxVersionForOpset(info.opsets),
          providers,
        },
        data: ONNX_MODEL_FILE,
        additionalFlavors: {
          python_function: {
            data: ONNX_MODEL_FILE,
            env: { conda: CONDA_FILE, virtualenv: PYTHON_ENV_FILE },
            loader_module: 'mlflow.onnx',
            python_version: environment.python,
          },
        },
        ...(signature === undefined ? {} : { signature }),
        runtimeDependencies: ['onnxruntime-node'],
      };
    },

    async load(context) {
      const options: OnnxLoadOptions = { ...defaults, ...(context.options ?? {}) };
      const config = context.flavorConfig ?? {};
      const data = typeof config['data'] === 'string' ? config['data'] : ONNX_MODEL_FILE;
      const modelPath = context.reader.resolve(data);
      const saved = parseSessionOptions(config['onnx_session_options'], 'snake');
      const override = parseSessionOptions(options.sessionOptions, 'camel');
      const sessionOptions = toOrtSessionOptions({ ...saved, ...override });
      const savedProviders = Array.isArray(config['providers']) ? (config['providers'] as unknown[]).map(String) : [...MLFLOW_DEFAULT_PROVIDERS];
      const providers = [...(options.providers ?? savedProviders)];
      const runIn = options.runIn ?? 'main';
      if (runIn !== 'main' && runIn !== 'worker') {
        throw jsfuncError('ERR_ONNX_LOAD_OPTIONS', `runIn must be 'main' or 'worker', found ${JSON.stringify(runIn)}.`, { found: runIn });
      }

      // onnxruntime opens the file itself: check first, through the reader, that the path (and any
      // symlink on it) stays inside the model directory.
      const present = await context.reader.exists(data);
      let size: number;
      try {
        if (!present) throw new Error('missing');
        // One synchronous stat (microseconds) instead of a thread-pool round trip on every load.
        size = statSync(modelPath).size;
      } catch (error) {
        throw jsfuncError('ERR_ONNX_MODEL_MISSING', `The ONNX model file ${data} named by MLmodel is missing from ${context.reader.directory}. Save the model again.`, { data }, error);
      }
      if (context.options.verifyIntegrity === false && size <= INSPECT_LIMIT_BYTES) {
        // Without the integrity check nothing vouches for the external-data paths inside the
        // file: check each stays beside the model before onnxruntime follows it.
        const info = safeInspect(await context.reader.readFile(data), data);
        for (const location of info.externalDataLocations) {
          checkSidecar(location, data);
          await context.reader.exists(path.posix.join(path.posix.dirname(data), location));
        }
      }
      const ort = runIn === 'main' ? await importOrt() : undefined;
      let cleanup: (() => Promise<void>) | undefined;
      const open = async (source: { path: string; bytes?: Uint8Array }): Promise<OnnxSessionHandle> => {
        try {
          return await createSessionHandle(ort, runIn, {
            source,
            options: sessionOptions,
            providers: providers.map(toOrtProvider),
            warn: providerLogger(context.logger, providers),
          });
        } catch (error) {
          await cleanup?.();
          throw JsfuncErrorOr(error, () => invalidModel(data, error));
        }
      };
      // Created from its path, as raw onnxruntime would (external data resolves beside it). Only a
      // model with non-tensor outputs (or an onnxruntime too old to report output types) is read
      // and inspected, to rewrite its ZipMaps (docs/decisions/0003-zipmap-outputs.md).
      let handle = await open({ path: modelPath });
      const metadataMissing = handle.outputs.every((output) => output.isTensor && output.type === undefined);
      let zipMaps: OnnxModelInfo['zipMaps'] = [];
      if ((metadataMissing || handle.outputs.some((output) => !output.isTensor)) && size <= INSPECT_LIMIT_BYTES) {
        const bytes = await context.reader.readFile(data);
        const info = safeInspect(bytes, data);
        zipMaps = info?.zipMaps ?? [];
        if (info !== undefined && zipMaps.length > 0) {
          const rewritten = removeZipMaps(bytes);
          await handle.dispose();
          if (info.externalDataLocations.length > 0) {
            const staged = await stageRewrittenModel(rewritten, modelPath, info.externalDataLocations);
            cleanup = staged.cleanup;
            handle = await open({ path: staged.path });
          } else handle = await open({ path: modelPath, bytes: rewritten });
        }
      }
      const skipped = handle.outputs.filter((output) => !output.isTensor).map((output) => output.name);
      if (skipped.length > 0) {
        context.logger.warn(
          `ONNX outputs ${skipped.join(', ')} are not tensors (sequences or maps), which onnxruntime-node cannot return; predictions leave them out.`,
        );
      }
      const fetches = handle.outputs.filter((output) => output.isTensor).map((output) => output.name);
      // Decided once per model: when every output is a tensor, the session is run without a fetch list.
      const allOutputs = skipped.length === 0;
      const native: OnnxNativeModel = { session: handle.session, inputs: handle.inputs, outputs: handle.outputs, providers: handle.providers, zipMaps, runIn, sessionOptions };
      // No signature is offered for models whose MLmodel has none: MLflow enforces no schema on
      // them either, and onnxruntime checks dtypes and shapes itself.
      let disposed = false;
      // One promise from onnxruntime and one step after it: the outputs are converted, wrapped and
      // handed to the caller's `finish` together.
      const run = <T>(input: ModelDataV1, finish: (output: ModelDataV1) => T): Promise<T> => {
        try {
          const feeds = toFeeds(input, handle.inputs);
          return input.kind === 'table'
            ? handle.run(feeds, fetches, allOutputs, (outputs) => finish(fromOutputs(input, outputs, fetches, zipMaps)))
            : handle.run(feeds, fetches, allOutputs, (outputs) => finish({ kind: 'tensors', tensors: outputs }));
        } catch (error) {
          return Promise.reject(error);
        }
      };
      const model: FlavorModelV1<OnnxNativeModel> = {
        native,
        predict(input: ModelDataV1): Promise<ModelDataV1> {
          return run(input, identity);
        },
        predictInto<T>(input: ModelDataV1, _params: unknown, finish: (output: ModelDataV1) => T): Promise<T> {
          return run(input, finish);
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          await handle.dispose();
          await cleanup?.();
        },
      };
      return model;
    },
  };
}

function identity(output: ModelDataV1): ModelDataV1 {
  return output;
}

function JsfuncErrorOr(error: unknown, otherwise: () => Error): Error {
  return JsfuncError.isInstance(error) ? error : otherwise();
}
