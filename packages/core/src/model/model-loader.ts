import path from 'node:path';
import { JsfuncError, jsfuncError } from '../errors/jsfunc-error.js';
import { nodeFileSystem, type FileSystemV1 } from '../io/file-system.js';
import type { MLmodel } from '../mlmodel/mlmodel.js';
import { ModelSignature } from '../schema/model-signature.js';
import { CUSTOM_FLAVOR, customModelFlavor } from '../custom/custom-flavor.js';
import type { AnyFlavorV1, LoggerV1, ModelReaderV1 } from '../spec/v1/flavor.js';
import { ENVIRONMENT_FILE, coreVersion, installedVersion, warnOnEnvironmentMismatch, type ModelEnvironment } from './environment.js';
import { createGenericModel, type JsfuncModel } from './generic-model.js';
import { readIntegrityRecord, verifyIntegrity } from './integrity.js';
import { JS_FUNCTION, readJsFunctionBlock } from './js-function-block.js';
import { defaultLogger } from './logger.js';
import { assertModelRelativePath, resolveInsideModel } from './model-path.js';
import { resolveModelUri, type ModelUriResolverV1 } from './model-uri.js';
import { readMLmodel } from './read-mlmodel.js';

/** Options of {@link createModelLoader}. */
export interface ModelLoaderOptions {
  /** The flavors this app can load (for example `[onnxFlavor(), tfjsFlavor()]`). */
  flavors: readonly AnyFlavorV1[];
  /** Check every file against the integrity record before use (default true). */
  verifyIntegrity?: boolean;
  /** Resolvers for non-local model URIs (`runs:/`, `models:/`). */
  resolvers?: readonly ModelUriResolverV1[];
  logger?: LoggerV1;
  fileSystem?: FileSystemV1;
}

/** Per-load options. */
export interface LoadModelOptions {
  /** Overrides the loader's integrity setting for this load. */
  verifyIntegrity?: boolean;
  /** Options handed to the flavor's `load` (for example ONNX session options). */
  flavorOptions?: Record<string, unknown>;
  /** Load-time configuration overrides for code models (only keys that were saved apply). */
  modelConfig?: Record<string, unknown>;
}

/** A loader bound to a set of flavors. */
export interface ModelLoader {
  /** The flavors it can load. */
  readonly flavors: readonly AnyFlavorV1[];
  /** Loads a model by local path, `file://` URI, or a URI one of the resolvers handles. */
  load<TNative = unknown>(uri: string, options?: LoadModelOptions): Promise<JsfuncModel<TNative>>;
}

/** The npm package that provides a flavor, for flavors jsfunc knows of. */
const knownFlavorPackages: Record<string, string> = { onnx: '@jsfunc/onnx', tfjs: '@jsfunc/tfjs' };

function createReader(fileSystem: FileSystemV1, directory: string): ModelReaderV1 {
  let root: Promise<string> | undefined;
  const inside = async (relative: string) => resolveInsideModel(fileSystem, directory, relative, 'path', await (root ??= fileSystem.realPath(directory)));
  return {
    directory,
    resolve(relative) {
      // Synchronous resolve checks the lexical form; symlinks were checked by the integrity walk
      // or are checked by the async readers below.
      return resolvePath(directory, relative);
    },
    async readFile(relative) {
      return fileSystem.readFile(await inside(relative));
    },
    async readText(relative) {
      return new TextDecoder().decode(await fileSystem.readFile(await inside(relative)));
    },
    async exists(relative) {
      return (await fileSystem.kind(await inside(relative))) !== 'missing';
    },
  };
}

function resolvePath(directory: string, relative: string): string {
  return path.resolve(directory, assertModelRelativePath(relative));
}

/**
 * Picks the installed flavor that loads a model: the one `js_function` names, else the first
 * installed flavor whose name or alias is a key under `flavors`.
 * @throws JsfuncError `ERR_FLAVOR_NOT_INSTALLED`, `ERR_FLAVOR_SPEC_UNSUPPORTED`
 */
export function selectFlavor(mlmodel: MLmodel, givenFlavors: readonly AnyFlavorV1[]): { flavor: AnyFlavorV1; key: string } {
  const flavors = withBuiltInFlavors(givenFlavors);
  for (const flavor of flavors) {
    if ((flavor as { specificationVersion?: unknown }).specificationVersion !== 'v1') {
      throw jsfuncError(
        'ERR_FLAVOR_SPEC_UNSUPPORTED',
        `Flavor "${String(flavor.name)}" implements flavor specification ${JSON.stringify((flavor as { specificationVersion?: unknown }).specificationVersion)}, but this @jsfunc/core (${coreVersion()}) supports only "v1". Upgrade @jsfunc/core or use a flavor release built for v1.`,
        { flavor: String(flavor.name), specificationVersion: String((flavor as { specificationVersion?: unknown }).specificationVersion) },
      );
    }
  }
  const jsFunction = readJsFunctionBlock(mlmodel);
  const modelFlavors = Object.keys(mlmodel.flavors);
  const wanted = jsFunction ? [jsFunction.loader_flavor, ...modelFlavors] : modelFlavors;
  for (const key of wanted) {
    if (key === JS_FUNCTION) continue;
    if (!(key in mlmodel.flavors)) continue;
    const flavor = flavors.find((candidate) => candidate.name === key || candidate.aliases?.includes(key));
    if (flavor) return { flavor, key };
  }
  const suggestion =
    jsFunction?.loader_package !== undefined
      ? `${jsFunction.loader_package}@${jsFunction.loader_package_range ?? 'latest'}`
      : modelFlavors.map((key) => knownFlavorPackages[key]).find((name) => name !== undefined);
  const pythonOnly = jsFunction === undefined && suggestion === undefined;
  const noGeneric = jsFunction === undefined ? 'Model does not have the "js_function" flavor. ' : '';
  throw jsfuncError(
    'ERR_FLAVOR_NOT_INSTALLED',
    `${noGeneric}No installed flavor can load this model. The model has flavors: ${modelFlavors.join(', ') || '(none)'}; installed flavors: ${
      flavors.map((flavor) => flavor.name).join(', ') || '(none)'
    }. ${
      suggestion
        ? `Install ${suggestion} and pass its flavor to the loader.`
        : pythonOnly
          ? 'It was saved for Python only (no js_function block and no flavor jsfunc knows); re-export it in a format a jsfunc flavor loads (for example ONNX).'
          : 'Install the package that provides one of its flavors.'
    } Its metadata and signature can still be read with readModelInfo().`,
    { modelFlavors, installedFlavors: flavors.map((flavor) => flavor.name), package: suggestion ?? null },
  );
}

/** The given flavors plus the ones every loader has (custom code models, `js_model`). */
export function withBuiltInFlavors(flavors: readonly AnyFlavorV1[]): readonly AnyFlavorV1[] {
  return flavors.some((flavor) => flavor.name === CUSTOM_FLAVOR) ? flavors : [...flavors, customModelFlavor()];
}

/** Parses the signature of an MLmodel, or undefined. */
export function readSignature(mlmodel: MLmodel): ModelSignature | undefined {
  const signature = mlmodel.signature;
  if (signature === undefined || signature === null) return undefined;
  try {
    return ModelSignature.fromDict(signature as never);
  } catch (error) {
    if (JsfuncError.isInstance(error)) throw error;
    throw jsfuncError('ERR_MLMODEL_INVALID', `The signature in MLmodel is invalid: ${(error as Error).message}. Save the model again.`, {}, error);
  }
}

/**
 * Creates a loader bound to a set of flavors. Nothing is registered globally: two loaders with
 * different flavors can live in one app.
 */
export function createModelLoader(options: ModelLoaderOptions): ModelLoader {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const logger = options.logger ?? defaultLogger;
  const flavors = withBuiltInFlavors(options.flavors);
  const loader: ModelLoader = {
    flavors,
    async load<TNative>(uri: string, loadOptions: LoadModelOptions = {}): Promise<JsfuncModel<TNative>> {
      const directory = await resolveModelUri(uri, options.resolvers);
      const mlmodel = await readMLmodel(fileSystem, directory);
      const { flavor, key } = selectFlavor(mlmodel, flavors);
      const verify = loadOptions.verifyIntegrity ?? options.verifyIntegrity ?? true;
      const record = readIntegrityRecord(mlmodel);
      if (verify && record) await verifyIntegrity(fileSystem, directory, record);

      const jsFunction = readJsFunctionBlock(mlmodel);
      const envFile = jsFunction?.env ?? (mlmodel.flavors[JS_FUNCTION] ? ENVIRONMENT_FILE : undefined);
      const reader = createReader(fileSystem, directory);
      if (envFile) {
        const text = await reader.readText(envFile).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw error;
        });
        if (text !== undefined) {
          try {
            const saved = JSON.parse(text) as Partial<ModelEnvironment>;
            const running: Record<string, string | undefined> = {
              '@jsfunc/core': coreVersion(),
              [flavor.packageName]: flavor.packageVersion,
            };
            for (const name of Object.keys(saved.dependencies ?? {})) {
              if (!(name in running)) running[name] = installedVersion(name);
            }
            warnOnEnvironmentMismatch(saved, running, logger);
          } catch (error) {
            logger.warn(`The environment file ${envFile} of the model could not be read (${(error as Error).message}); skipping the version check.`);
          }
        }
      }

      const savedSignature = readSignature(mlmodel);
      const flavorModel = await flavor
        .load({
          reader,
          mlmodel,
          flavorConfig: (mlmodel.flavors[key] ?? {}) as Record<string, unknown>,
          flavorKey: key,
          signature: savedSignature,
          options: {
            ...loadOptions.flavorOptions,
            ...(loadOptions.modelConfig ? { modelConfig: loadOptions.modelConfig } : {}),
            verifyIntegrity: verify,
          },
          logger,
          loadModel: (childUri, childOptions) => loader.load(childUri, childOptions as LoadModelOptions),
        })
        .catch((error: unknown) => {
          if (JsfuncError.isInstance(error)) throw error;
          throw jsfuncError(
            'ERR_MODEL_LOAD_FAILED',
            `Flavor "${flavor.name}" (${flavor.packageName}) failed to load the model at ${directory}: ${(error as Error)?.message ?? String(error)}`,
            { flavor: flavor.name, directory },
            error,
          );
        });
      const signature = savedSignature ?? flavorModel.signature;
      return createGenericModel<TNative>({ flavorModel: flavorModel as never, flavor: flavor.name, metadata: mlmodel, signature, directory, logger });
    },
  };
  return loader;
}

/** Loads one model: shorthand for `createModelLoader(options).load(uri, options)`. */
export function loadModel<TNative = unknown>(uri: string, options: ModelLoaderOptions & LoadModelOptions): Promise<JsfuncModel<TNative>> {
  return createModelLoader(options).load<TNative>(uri, options);
}
