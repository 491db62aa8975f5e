import { JsfuncError } from '../errors/jsfunc-error.js';
import { nodeFileSystem, type FileSystemV1 } from '../io/file-system.js';
import type { MLmodel } from '../mlmodel/mlmodel.js';
import type { ModelSignature } from '../schema/model-signature.js';
import { ENVIRONMENT_FILE, type ModelEnvironment } from './environment.js';
import { readIntegrityRecord, verifyIntegrity } from './integrity.js';
import { readJsFunctionBlock, type JsFunctionBlock } from './js-function-block.js';
import { readSignature } from './model-loader.js';
import { resolveInsideModel } from './model-path.js';
import { resolveModelUri, type ModelUriResolverV1 } from './model-uri.js';
import { readMLmodel } from './read-mlmodel.js';

/** What {@link readModelInfo} reports about a model, without loading it. */
export interface ModelInfo {
  directory: string;
  mlmodel: MLmodel;
  flavors: string[];
  jsFunction: JsFunctionBlock | undefined;
  signature: ModelSignature | undefined;
  environment: Partial<ModelEnvironment> | undefined;
  /** `verified`, `failed` (with the error), or `absent` (no record, e.g. saved by MLflow). */
  integrity: { status: 'verified' | 'failed' | 'absent'; error?: { code: string; message: string } };
}

/**
 * Reads a model's metadata, signature, environment and integrity status without importing any
 * flavor: works for a model whose flavor package is not installed.
 */
export async function readModelInfo(
  uri: string,
  options: { resolvers?: readonly ModelUriResolverV1[]; fileSystem?: FileSystemV1 } = {},
): Promise<ModelInfo> {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const directory = await resolveModelUri(uri, options.resolvers);
  const mlmodel = await readMLmodel(fileSystem, directory);
  const jsFunction = readJsFunctionBlock(mlmodel);
  let environment: Partial<ModelEnvironment> | undefined;
  const envFile = jsFunction?.env ?? ENVIRONMENT_FILE;
  try {
    const file = await resolveInsideModel(fileSystem, directory, envFile, 'js_function.env');
    if ((await fileSystem.kind(file)) === 'file' && jsFunction) {
      environment = JSON.parse(new TextDecoder().decode(await fileSystem.readFile(file))) as Partial<ModelEnvironment>;
    }
  } catch {
    environment = undefined;
  }
  let integrity: ModelInfo['integrity'] = { status: 'absent' };
  const record = readIntegrityRecord(mlmodel);
  if (record) {
    try {
      await verifyIntegrity(fileSystem, directory, record);
      integrity = { status: 'verified' };
    } catch (error) {
      if (!JsfuncError.isInstance(error)) throw error;
      integrity = { status: 'failed', error: { code: error.code, message: error.message } };
    }
  }
  return {
    directory,
    mlmodel,
    flavors: Object.keys(mlmodel.flavors),
    jsFunction,
    signature: readSignature(mlmodel),
    environment,
    integrity,
  };
}
