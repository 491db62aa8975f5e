import path from 'node:path';
import { JsfuncError, jsfuncError } from '../errors/jsfunc-error.js';
import { nodeFileSystem, type FileSystemV1 } from '../io/file-system.js';
import { createModelUuid, formatUtcTimeCreated, serializeMLmodel, type MLmodel } from '../mlmodel/mlmodel.js';
import type { ModelSignature } from '../schema/model-signature.js';
import { inferSignature } from '../schema/infer-signature.js';
import { toModelData } from '../input/model-data.js';
import type { AnyFlavorV1, FlavorSaveResultV1, LoggerV1, ModelWriterV1 } from '../spec/v1/flavor.js';
import type { ParamsV1 } from '../spec/v1/tensor.js';
import { ENVIRONMENT_FILE, captureEnvironment, coreVersion, installedVersion } from './environment.js';
import { INPUT_EXAMPLE_FILE, SERVING_INPUT_EXAMPLE_FILE, serializeInputExample } from './input-example.js';
import { INTEGRITY_KEY, computeIntegrity } from './integrity.js';
import { JS_FUNCTION, caretRange, type JsFunctionBlock } from './js-function-block.js';
import { assertModelRelativePath, resolveInsideModel } from './model-path.js';
import { defaultLogger } from './logger.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions<TSaveOptions = Record<string, unknown>> {
  /** The flavor that writes the native object. */
  flavor: AnyFlavorV1;
  /** Target directory: must not exist, or be empty. */
  path: string;
  /**
   * The model's signature; when absent, the one the flavor infers from the native model, else one
   * inferred from `inputExample` (and `inputExampleParams`), is written.
   */
  signature?: ModelSignature;
  /** An example input (any form `predict` accepts), saved as MLflow's input_example.json. */
  inputExample?: unknown;
  /** Example params saved with the input example. */
  inputExampleParams?: ParamsV1;
  /** Free metadata, written under `metadata`. */
  metadata?: Record<string, unknown>;
  /** Flavor-specific save options. */
  saveOptions?: TSaveOptions;
  /** Extra keys of the js_function block (used by code models: `code`, `config`). */
  jsFunction?: Partial<JsFunctionBlock>;
  /** Further npm packages to record in the environment, name -> version. */
  extraDependencies?: Record<string, string>;
  logger?: LoggerV1;
  /** Storage seam (defaults to the local file system). */
  fileSystem?: FileSystemV1;
}

/** What {@link saveModel} returns. */
export interface SavedModel {
  /** Absolute path of the saved model directory. */
  path: string;
  /** The MLmodel that was written. */
  mlmodel: MLmodel;
}

function createWriter(fileSystem: FileSystemV1, directory: string): ModelWriterV1 {
  const resolve = (relative: string) => path.resolve(directory, assertModelRelativePath(relative));
  const writer: ModelWriterV1 = {
    directory,
    resolve,
    async writeFile(relative, data) {
      await fileSystem.writeFile(resolve(relative), data);
    },
    async copyFile(source, relative) {
      await fileSystem.copyFile(source, resolve(relative));
    },
    async copyDirectory(source, relative) {
      const target = resolve(relative);
      await fileSystem.makeDirectory(target);
      for (const file of await fileSystem.listFiles(source)) {
        const from = path.join(source, file);
        if ((await fileSystem.kind(from)) === 'symlink') {
          throw jsfuncError(
            'ERR_MODEL_PATH_ESCAPE',
            `Refusing to copy symlink "${from}" into a model: copy the file it points to instead.`,
            { path: from },
          );
        }
        await fileSystem.copyFile(from, path.join(target, file));
      }
    },
  };
  return writer;
}

async function assertTargetUsable(fileSystem: FileSystemV1, target: string): Promise<'missing' | 'empty'> {
  const kind = await fileSystem.kind(target);
  if (kind === 'missing') return 'missing';
  if (kind === 'directory' && (await fileSystem.listFiles(target)).length === 0) return 'empty';
  throw jsfuncError(
    'ERR_MODEL_TARGET_EXISTS',
    `Path "${target}" already exists and is not empty. Choose a new path, or delete the old model first.`,
    { path: target },
  );
}

/**
 * Saves a native model with a flavor into a new jsfunc model directory. The directory is built
 * beside the target and renamed into place, so a crash never leaves a partial model at the target.
 * Writes MLmodel (the flavor's blocks, `js_function`, signature, input example, integrity record)
 * and the captured environment (package.json).
 * @throws JsfuncError `ERR_MODEL_TARGET_EXISTS`, `ERR_FLAVOR_SAVE_FAILED`, and the flavor's own errors.
 */
export async function saveModel(source: unknown, options: SaveModelOptions): Promise<SavedModel> {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const logger = options.logger ?? defaultLogger;
  const flavor = options.flavor;
  const target = path.resolve(options.path);
  const state = await assertTargetUsable(fileSystem, target);
  const staging = await fileSystem.makeStagingDirectory(target);
  try {
    const writer = createWriter(fileSystem, staging);
    let result: FlavorSaveResultV1;
    try {
      result = await flavor.save(source, { writer, options: options.saveOptions ?? {}, signature: options.signature, logger });
    } catch (error) {
      if (JsfuncError.isInstance(error)) throw error;
      throw jsfuncError(
        'ERR_FLAVOR_SAVE_FAILED',
        `Flavor "${flavor.name}" (${flavor.packageName}) failed to save the model: ${(error as Error)?.message ?? String(error)}`,
        { flavor: flavor.name },
        error,
      );
    }
    if (result.data !== undefined) await resolveInsideModel(fileSystem, staging, result.data, 'data');

    let signature = options.signature ?? result.signature;
    if (signature === undefined && options.inputExample !== undefined) {
      // MLflow infers the signature from the input example when none is given (inputs and params).
      try {
        signature = inferSignature(toModelData(options.inputExample).data, undefined, options.inputExampleParams);
      } catch (error) {
        logger.warn(`No signature was given and none could be inferred from the input example (${(error as Error).message}); the model is saved without one.`);
      }
    }
    const mlmodel: MLmodel = { flavors: {} };
    if (options.inputExample !== undefined) {
      const example = serializeInputExample(options.inputExample, options.inputExampleParams);
      await writer.writeFile(INPUT_EXAMPLE_FILE, example.inputExample);
      await writer.writeFile(SERVING_INPUT_EXAMPLE_FILE, example.servingInputExample);
      mlmodel.saved_input_example_info = example.info;
    }

    let size = 0;
    for (const file of await fileSystem.listFiles(staging)) size += (await fileSystem.readFile(path.join(staging, file))).byteLength;

    const runtime: Record<string, string> = {};
    const declared = result.runtimeDependencies ?? [];
    if (Array.isArray(declared)) {
      for (const name of declared as readonly string[]) {
        const version = installedVersion(name);
        if (version) runtime[name] = version;
        else logger.warn(`Runtime dependency ${name} of flavor ${flavor.name} is not resolvable from ${process.cwd()}; it is not recorded in the model environment.`);
      }
    } else Object.assign(runtime, declared);
    const environment = captureEnvironment(`jsfunc-model-${path.basename(target).toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, {
      '@jsfunc/core': coreVersion(),
      [flavor.packageName]: flavor.packageVersion,
      ...runtime,
      ...options.extraDependencies,
    });
    await writer.writeFile(ENVIRONMENT_FILE, `${JSON.stringify(environment, null, 2)}\n`);

    const jsFunction: JsFunctionBlock = {
      loader_flavor: flavor.name,
      loader_package: flavor.packageName,
      loader_package_range: caretRange(flavor.packageVersion),
      spec_version: 'v1',
      env: ENVIRONMENT_FILE,
      ...(result.data === undefined ? {} : { data: result.data }),
      ...options.jsFunction,
    };
    mlmodel.flavors = { ...result.additionalFlavors, [flavor.name]: result.flavorConfig, [JS_FUNCTION]: jsFunction };
    mlmodel.model_uuid = createModelUuid();
    mlmodel.utc_time_created = formatUtcTimeCreated(new Date());
    if (signature !== undefined) {
      mlmodel.signature = signature.toDict();
      mlmodel.is_signature_from_type_hint = false;
      mlmodel.type_hint_from_example = false;
    }
    if (options.metadata !== undefined) mlmodel.metadata = options.metadata;
    mlmodel.model_size_bytes = size;
    mlmodel[INTEGRITY_KEY] = await computeIntegrity(fileSystem, staging);
    await writer.writeFile('MLmodel', serializeMLmodel(mlmodel));

    if (state === 'empty') await fileSystem.remove(target);
    try {
      await fileSystem.rename(staging, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw jsfuncError('ERR_MODEL_TARGET_EXISTS', `Path "${target}" already exists and is not empty (it appeared while saving). Choose a new path.`, { path: target }, error);
      }
      throw error;
    }
    return { path: target, mlmodel };
  } catch (error) {
    await fileSystem.remove(staging).catch(() => undefined);
    throw error;
  }
}
