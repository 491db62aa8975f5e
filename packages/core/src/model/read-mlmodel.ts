import path from 'node:path';
import { JsfuncError, jsfuncError } from '../errors/jsfunc-error.js';
import type { FileSystemV1 } from '../io/file-system.js';
import { parseMLmodel, type MLmodel } from '../mlmodel/mlmodel.js';

/**
 * Reads and parses `<directory>/MLmodel`.
 * @throws JsfuncError `ERR_MODEL_NOT_FOUND`, `ERR_MLMODEL_INVALID`
 */
export async function readMLmodel(fileSystem: FileSystemV1, directory: string): Promise<MLmodel> {
  const file = path.join(directory, 'MLmodel');
  const kind = await fileSystem.kind(file);
  if (kind !== 'file') {
    throw jsfuncError(
      'ERR_MODEL_NOT_FOUND',
      kind === 'symlink'
        ? `Refusing "${file}": MLmodel must be a regular file, not a symlink.`
        : `Could not find an "MLmodel" configuration file at "${directory}". Check the model path or URI; a model directory has MLmodel at its root.`,
      { path: directory },
    );
  }
  const text = new TextDecoder().decode(await fileSystem.readFile(file));
  try {
    return parseMLmodel(text, file);
  } catch (error) {
    if (JsfuncError.isInstance(error)) throw error;
    throw jsfuncError('ERR_MLMODEL_INVALID', `MLmodel at ${file} could not be read: ${(error as Error).message}`, { path: file }, error);
  }
}
