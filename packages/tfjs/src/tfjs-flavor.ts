import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphModel, LayersModel } from '@tensorflow/tfjs';
import {
  assertModelRelativePath,
  installedVersion,
  JsfuncError,
  jsfuncError,
  type FlavorLoadContextV1,
  type FlavorModelV1,
  type FlavorSaveContextV1,
  type FlavorSaveResultV1,
  type FlavorV1,
  type ModelReaderV1,
  type ModelSignature,
  type ModelWriterV1,
} from '@jsfunc/core';
import { createReaderLoadHandler, createWriterSaveHandler, MODEL_JSON_FILE, readModelJson } from './io-handlers.js';
import { inferTfjsSignature } from './infer-tfjs-signature.js';
import { loadTfjs, type TfjsModule } from './load-tfjs.js';
import { parseTfjsModelJson, tfjsModelFormatOf, weightFilesOf, type TfjsModelFormat } from './model-json.js';
import { assertTfjsBackendOption, initializeTfjsBackend, type TfjsBackendName, type TfjsBackendOption } from './tfjs-backend.js';
import { describeTfjsModel, isGraphModel, isLayersModel, type TfjsModel } from './tfjs-model-info.js';
import { createTfjsPredictor } from './tfjs-predictor.js';

/** Options of {@link tfjsFlavor}. */
export interface TfjsFlavorOptions {
  /** The backend models load on (default `auto`: tfjs-node when installed, else wasm). */
  readonly backend?: TfjsBackendOption;
}

/** Options a user may pass when saving (`saveModel(model, { saveOptions })`); none today. */
export type TfjsSaveOptions = Record<string, never>;

/** Options a user may pass when loading (`loader.load(uri, { flavorOptions })`). */
export interface TfjsLoadOptions {
  /** Overrides the flavor's backend for this load. */
  readonly backend?: TfjsBackendOption;
}

/**
 * What the tfjs flavor saves: a `tf.LayersModel`, a `tf.GraphModel`, or the path of an existing
 * TF.js model (a directory with `model.json`, or the `.json` file itself) with its weight shards.
 */
export type TfjsModelSource = LayersModel | GraphModel | string;

/** The `flavors.tfjs` block of MLmodel. */
export interface TfjsFlavorConfig {
  /** Model-relative folder holding `model.json` and the weight files. */
  readonly data: string;
  /** `layers-model` or `graph-model`. */
  readonly model_format: TfjsModelFormat;
  /** The `@tensorflow/tfjs` version that saved the model. */
  readonly tfjs_version: string;
}

/** The native object of a loaded tfjs model, as `model.unwrap()` returns it. */
export type TfjsNativeModel = TfjsModel;

const DATA_DIRECTORY = 'model';
const packageVersion = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** A {@link ModelReaderV1} over a staging directory while a save runs (reads go through the writer's containment check). */
function stagingReader(writer: ModelWriterV1): ModelReaderV1 {
  return {
    directory: writer.directory,
    async readFile(file) {
      return new Uint8Array(await fs.readFile(writer.resolve(file)));
    },
    async readText(file) {
      return fs.readFile(writer.resolve(file), 'utf8');
    },
    async exists(file) {
      try {
        await fs.access(writer.resolve(file));
        return true;
      } catch {
        return false;
      }
    },
    resolve: (file) => writer.resolve(file),
  };
}

async function locateModelJson(source: string): Promise<string> {
  const absolute = path.resolve(source);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch (error) {
    throw jsfuncError(
      'ERR_TFJS_SOURCE_INVALID',
      `Expected a TF.js model directory or model.json file at "${absolute}", found nothing there. Pass the folder written by model.save('file://...') or tensorflowjs_converter.`,
      { path: absolute },
      error,
    );
  }
  if (stat.isFile()) return absolute;
  const preferred = path.join(absolute, MODEL_JSON_FILE);
  if (await fs.stat(preferred).then((entry) => entry.isFile(), () => false)) return preferred;
  const candidates = (await fs.readdir(absolute)).filter((name) => name.endsWith('.json'));
  if (candidates.length === 1) return path.join(absolute, candidates[0] as string);
  throw jsfuncError(
    'ERR_TFJS_SOURCE_INVALID',
    `Expected "${absolute}" to hold a TF.js model.json, found ${candidates.length === 0 ? 'no .json file' : `several .json files (${candidates.join(', ')})`}. Pass the path of the model's .json file itself.`,
    { path: absolute, candidates },
  );
}

function shardPath(shard: string, file: string): string {
  const posix = shard.replace(/\\/g, '/');
  const normalised = path.posix.normalize(posix).replace(/^\.\//, '');
  if (path.posix.isAbsolute(posix) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(posix) || normalised.split('/').includes('..')) {
    throw jsfuncError(
      'ERR_TFJS_SOURCE_INVALID',
      `Expected the weight files named in ${file} to sit beside it, found "${shard}". Move the shards next to model.json and name them by relative path.`,
      { file, shard },
    );
  }
  return normalised;
}

async function copyModelDirectory(source: string, writer: ModelWriterV1): Promise<TfjsModelFormat> {
  const file = await locateModelJson(source);
  const text = await fs.readFile(file, 'utf8');
  const json = parseTfjsModelJson(text, file);
  const format = tfjsModelFormatOf(json, file);
  await writer.copyFile(file, path.posix.join(DATA_DIRECTORY, MODEL_JSON_FILE));
  for (const shard of new Set(weightFilesOf(json))) {
    const relative = shardPath(shard, file);
    await writer.copyFile(path.join(path.dirname(file), ...relative.split('/')), path.posix.join(DATA_DIRECTORY, relative));
  }
  return format;
}

async function loadNative(tf: TfjsModule, reader: ModelReaderV1, folder: string): Promise<TfjsModel> {
  const file = path.posix.join(folder, MODEL_JSON_FILE);
  const json = await readModelJson(reader, file);
  const format = tfjsModelFormatOf(json, file);
  const handler = createReaderLoadHandler(tf, reader, file, json);
  try {
    return format === 'layers-model' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
  } catch (error) {
    if (JsfuncError.isInstance(error)) throw error;
    throw jsfuncError(
      'ERR_TFJS_LOAD_FAILED',
      `TensorFlow.js could not load the ${format} in ${file}: ${error instanceof Error ? error.message : String(error)}. Check that the weight files are complete and that the model's ops and layers are supported by @tensorflow/tfjs ${tf.version.tfjs}.`,
      { file, format },
      error,
    );
  }
}

function parseConfig(config: Record<string, unknown>): TfjsFlavorConfig {
  const data = config.data ?? DATA_DIRECTORY;
  const format = config.model_format;
  if (typeof data !== 'string' || data.length === 0 || (format !== 'layers-model' && format !== 'graph-model')) {
    throw jsfuncError(
      'ERR_TFJS_CONFIG_INVALID',
      `Expected the MLmodel "tfjs" block to have "data" (a folder) and "model_format" ("layers-model" or "graph-model"), found ${JSON.stringify(config)}. Save the model again with @jsfunc/tfjs.`,
      { config },
    );
  }
  return { data: assertModelRelativePath(data, 'flavors.tfjs.data'), model_format: format, tfjs_version: String(config.tfjs_version ?? '') };
}

/** The runtime packages a model needs, at the versions this flavor resolves (from its own location). */
function runtimeDependenciesFor(backend: TfjsBackendName | undefined): Record<string, string> {
  const names = ['@tensorflow/tfjs', backend === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-backend-wasm'];
  const here = path.dirname(fileURLToPath(import.meta.url));
  const versions: Record<string, string> = {};
  for (const name of names) {
    const version = installedVersion(name, here);
    if (version) versions[name] = version;
  }
  return versions;
}

/**
 * The TensorFlow.js flavor. Saves a `tf.LayersModel`, a `tf.GraphModel` or an existing TF.js model
 * folder as `model/model.json` + weights (the layout of tfjs-node's `file://` handler), and loads it
 * back as the same kind of model, on the backend chosen by `options.backend`.
 *
 * TF.js models run with `runtime.isolation: 'process'`: tfjs-node is not safe in several worker
 * threads, so servers run TF.js models in child processes (or in the main thread), never in a
 * worker-thread pool.
 *
 * @example
 * ```ts
 * import { saveModel, loadModel } from '@jsfunc/core';
 * import { tfjsFlavor } from '@jsfunc/tfjs';
 * await saveModel(layersModel, { flavor: tfjsFlavor(), path: 'my-model' });
 * const model = await loadModel('my-model', { flavors: [tfjsFlavor({ backend: 'wasm' })] });
 * ```
 */
export function tfjsFlavor(
  options: TfjsFlavorOptions = {},
): FlavorV1<TfjsNativeModel, TfjsModelSource, TfjsSaveOptions, TfjsLoadOptions> {
  const flavorBackend = options.backend ?? 'auto';
  assertTfjsBackendOption(flavorBackend);

  return {
    specificationVersion: 'v1',
    name: 'tfjs',
    packageName: '@jsfunc/tfjs',
    packageVersion,
    runtime: { isolation: 'process' },

    async save(source: TfjsModelSource, context: FlavorSaveContextV1<TfjsSaveOptions>): Promise<FlavorSaveResultV1> {
      const tf = await loadTfjs();
      let format: TfjsModelFormat;
      let signature: ModelSignature | undefined;
      let backend: TfjsBackendName | undefined;
      if (typeof source === 'string') {
        format = await copyModelDirectory(source, context.writer);
        if (context.signature === undefined) {
          // Read the signature from the model itself: load the copy, describe it, release it.
          const state = await initializeTfjsBackend(flavorBackend);
          backend = state.backend;
          const model = await loadNative(tf, stagingReader(context.writer), DATA_DIRECTORY);
          try {
            signature = inferTfjsSignature(describeTfjsModel(model), context.logger);
          } finally {
            model.dispose();
          }
        }
      } else if (isLayersModel(source) || isGraphModel(source)) {
        format = isLayersModel(source) ? 'layers-model' : 'graph-model';
        try {
          await (source as TfjsModel).save(createWriterSaveHandler(tf, context.writer, DATA_DIRECTORY));
        } catch (error) {
          if (JsfuncError.isInstance(error)) throw error;
          throw jsfuncError(
            'ERR_TFJS_SAVE_FAILED',
            `TensorFlow.js could not serialise the ${format}: ${error instanceof Error ? error.message : String(error)}. A GraphModel can only be saved when it was loaded from model.json artifacts.`,
            { format },
            error,
          );
        }
        if (context.signature === undefined) signature = inferTfjsSignature(describeTfjsModel(source as TfjsModel), context.logger);
        backend = tf.getBackend() as TfjsBackendName;
      } else {
        throw jsfuncError(
          'ERR_TFJS_SOURCE_INVALID',
          `Expected a tf.LayersModel, a tf.GraphModel or the path of a TF.js model directory, found ${source === null ? 'null' : typeof source}. Pass the model object or its folder.`,
          { found: source === null ? 'null' : typeof source },
        );
      }
      const flavorConfig: TfjsFlavorConfig = { data: DATA_DIRECTORY, model_format: format, tfjs_version: tf.version.tfjs };
      return {
        flavorConfig: { ...flavorConfig },
        data: DATA_DIRECTORY,
        ...(signature === undefined ? {} : { signature }),
        runtimeDependencies: runtimeDependenciesFor(backend),
      };
    },

    async load(context: FlavorLoadContextV1<TfjsLoadOptions>): Promise<FlavorModelV1<TfjsNativeModel>> {
      const config = parseConfig(context.flavorConfig);
      const backendOption = context.options?.backend ?? flavorBackend;
      assertTfjsBackendOption(backendOption);
      const { tf } = await initializeTfjsBackend(backendOption);
      const savedMajor = config.tfjs_version.split('.')[0];
      if (savedMajor !== '' && savedMajor !== tf.version.tfjs.split('.')[0]) {
        context.logger.warn(
          `This TF.js model was saved with @tensorflow/tfjs ${config.tfjs_version}; @tensorflow/tfjs ${tf.version.tfjs} is loading it.`,
          { saved: config.tfjs_version, running: tf.version.tfjs },
        );
      }
      const model = await loadNative(tf, context.reader, config.data);
      const info = describeTfjsModel(model);
      if (info.format !== config.model_format) {
        context.logger.warn(`MLmodel says the tfjs model is a ${config.model_format}, its model.json says ${info.format}; loading it as a ${info.format}.`);
      }
      const predictor = createTfjsPredictor(tf, model, info);
      const signature = inferTfjsSignature(info, context.logger);
      let disposed = false;
      return {
        predict: (input) => predictor(input),
        native: model,
        ...(signature === undefined ? {} : { signature }),
        async dispose() {
          if (disposed) return;
          disposed = true;
          model.dispose();
        },
      };
    },
  };
}
