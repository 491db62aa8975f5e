import path from 'node:path';
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { FileSystemV1 } from '../io/file-system.js';

/**
 * Checks that `relative` (a path written in MLmodel or given by a flavor) is relative, has no `..`
 * segment and no drive or scheme, and returns it normalised with `/` separators.
 * @throws JsfuncError `ERR_MODEL_PATH_ESCAPE`
 */
export function assertModelRelativePath(relative: unknown, field = 'path'): string {
  if (typeof relative !== 'string' || relative.length === 0) {
    throw jsfuncError(
      'ERR_MODEL_PATH_ESCAPE',
      `Expected ${field} to be a non-empty path relative to the model directory, found ${JSON.stringify(relative)}. Fix the MLmodel file or save the model again.`,
      { field, path: String(relative) },
    );
  }
  const posix = relative.replace(/\\/g, '/');
  const segments = posix.split('/');
  if (
    path.posix.isAbsolute(posix) ||
    path.win32.isAbsolute(relative) ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(posix) ||
    segments.includes('..') ||
    posix.includes('\0')
  ) {
    throw jsfuncError(
      'ERR_MODEL_PATH_ESCAPE',
      `Refusing ${field} "${relative}": every path in a model must be relative and stay inside the model directory (no "..", no absolute path). The model directory was tampered with or written by a faulty tool; do not load it.`,
      { field, path: relative },
    );
  }
  const normalised = path.posix.normalize(posix).replace(/^\.\//, '');
  return normalised === '' ? '.' : normalised;
}

/**
 * Resolves a model-relative path to an absolute one and checks, following symlinks, that the
 * result is still inside the model directory. Pass `rootRealPath` (the directory's real path) when
 * resolving many paths of one model.
 * @throws JsfuncError `ERR_MODEL_PATH_ESCAPE`
 */
export async function resolveInsideModel(
  fileSystem: FileSystemV1,
  directory: string,
  relative: string,
  field = 'path',
  rootRealPath?: string,
): Promise<string> {
  const clean = assertModelRelativePath(relative, field);
  const absolute = path.resolve(directory, clean);
  const root = rootRealPath ?? (await fileSystem.realPath(directory));
  let real: string;
  try {
    real = await fileSystem.realPath(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A missing file cannot escape; its absence is reported by whoever reads it.
      return absolute;
    }
    throw error;
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw jsfuncError(
      'ERR_MODEL_PATH_ESCAPE',
      `Refusing ${field} "${relative}": it resolves through a symlink to "${real}", outside the model directory "${root}". Replace the link with the file itself and save the model again.`,
      { field, path: relative, resolved: real },
    );
  }
  return absolute;
}
