import path from 'node:path';
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { FileSystemV1 } from '../io/file-system.js';
import type { MLmodel } from '../mlmodel/mlmodel.js';
import { resolveInsideModel } from './model-path.js';

/** The top-level MLmodel key jsfunc writes its integrity record under (MLflow keeps and ignores it). */
export const INTEGRITY_KEY = 'jsfunc_integrity';

/** The integrity record: the sha-256 of every file of the model except MLmodel itself. */
export interface IntegrityRecord {
  algorithm: 'sha256';
  files: Record<string, string>;
}

/** Files MLflow itself adds to a model after it was saved; they are not covered by the record. */
function isAddedByMlflow(file: string): boolean {
  return file.startsWith('metadata/') || file === 'registered_model_meta';
}

/** Hashes every file of a model directory (MLmodel excluded), refusing symlinks that escape it. */
export async function computeIntegrity(fileSystem: FileSystemV1, directory: string): Promise<IntegrityRecord> {
  const entries = (await fileSystem.listEntries(directory)).filter((entry) => entry.path !== 'MLmodel' && !isAddedByMlflow(entry.path));
  const hashes = new Array<string | undefined>(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      // Regular files found by the listing are inside the directory; only symlinks can escape.
      const absolute = entry.symlink ? await resolveInsideModel(fileSystem, directory, entry.path, 'file') : path.join(directory, entry.path);
      if (entry.symlink) {
        // A link inside the model: hash what it points to; skip links to folders and dangling links.
        const target = await fileSystem.realPath(absolute).catch(() => undefined);
        if (target === undefined || (await fileSystem.kind(target)) !== 'file') continue;
      }
      hashes[index] = await fileSystem.sha256(absolute);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, entries.length) }, worker));
  const files: Record<string, string> = {};
  entries.forEach((entry, index) => {
    if (hashes[index] !== undefined) files[entry.path] = hashes[index]!;
  });
  return { algorithm: 'sha256', files };
}

/** Reads the integrity record of an MLmodel, or undefined when the model has none (e.g. saved by MLflow). */
export function readIntegrityRecord(mlmodel: MLmodel): IntegrityRecord | undefined {
  const record = mlmodel[INTEGRITY_KEY];
  if (record === undefined || record === null) return undefined;
  if (
    typeof record !== 'object' ||
    (record as IntegrityRecord).algorithm !== 'sha256' ||
    typeof (record as IntegrityRecord).files !== 'object' ||
    (record as IntegrityRecord).files === null
  ) {
    throw jsfuncError(
      'ERR_MODEL_INTEGRITY',
      `The ${INTEGRITY_KEY} record in MLmodel is malformed: expected {algorithm: sha256, files: {path: hex}}. Save the model again, or load with verifyIntegrity: false if you trust it.`,
      { file: 'MLmodel' },
    );
  }
  return record as IntegrityRecord;
}

/**
 * Verifies every file of a model against its integrity record: a changed, missing or added file is
 * refused before anything of the model is used.
 * @throws JsfuncError `ERR_MODEL_INTEGRITY`, `ERR_MODEL_PATH_ESCAPE`
 */
export async function verifyIntegrity(fileSystem: FileSystemV1, directory: string, record: IntegrityRecord): Promise<void> {
  const actual = await computeIntegrity(fileSystem, directory);
  for (const [file, expected] of Object.entries(record.files)) {
    const found = actual.files[file];
    if (found === undefined) {
      throw jsfuncError(
        'ERR_MODEL_INTEGRITY',
        `Model file "${file}" listed in MLmodel is missing from ${directory}. The model is incomplete: download or save it again.`,
        { file, expected, found: null, directory },
      );
    }
    if (found !== expected) {
      throw jsfuncError(
        'ERR_MODEL_INTEGRITY',
        `Model file "${file}" was changed after the model was saved (sha-256 ${found}, expected ${expected}). Restore the original file or save the model again; pass verifyIntegrity: false only if you trust the change.`,
        { file, expected, found, directory },
      );
    }
  }
  for (const file of Object.keys(actual.files)) {
    if (!(file in record.files)) {
      throw jsfuncError(
        'ERR_MODEL_INTEGRITY',
        `Model directory ${directory} holds "${file}", which was not there when the model was saved. Remove it or save the model again.`,
        { file, expected: null, found: actual.files[file], directory: path.resolve(directory) },
      );
    }
  }
}
