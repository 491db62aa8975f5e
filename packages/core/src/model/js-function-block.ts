import { jsfuncError } from '../errors/jsfunc-error.js';
import type { MLmodel } from '../mlmodel/mlmodel.js';
import { assertModelRelativePath } from './model-path.js';

/** The key of the generic flavor block every jsfunc model carries. */
export const JS_FUNCTION = 'js_function';

/**
 * The `js_function` block: which flavor (and npm package, with a version range) loads the model, its
 * data path, its environment file, and for code models its code path and configuration.
 */
export interface JsFunctionBlock {
  /** The flavor name (a key under `flavors`) that loads the model. */
  loader_flavor: string;
  /** The npm package that provides that flavor. */
  loader_package: string;
  /** Semver range of that package known to load the model. */
  loader_package_range: string;
  /** Version of the flavor contract the model was saved with. */
  spec_version: 'v1';
  /** Model-relative path of the main data file or folder. */
  data?: string;
  /** Model-relative path of the environment file (package.json). */
  env: string;
  /** Model-relative path of the model's own code, for code models. */
  code?: string;
  /** Saved model configuration, for code models. */
  config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `^major.minor.0` (or `^0.minor.0`) range from an exact version. */
export function caretRange(version: string): string {
  const [major = '0', minor = '0'] = version.split('.');
  return `^${major}.${minor}.0`;
}

/**
 * Reads and checks the js_function block of an MLmodel; undefined when the model has none (e.g. a
 * model saved by MLflow for Python).
 * @throws JsfuncError `ERR_MLMODEL_INVALID`, `ERR_MODEL_PATH_ESCAPE`
 */
export function readJsFunctionBlock(mlmodel: MLmodel): JsFunctionBlock | undefined {
  const block = mlmodel.flavors[JS_FUNCTION];
  if (block === undefined) return undefined;
  if (typeof block !== 'object' || block === null || typeof block.loader_flavor !== 'string') {
    throw jsfuncError(
      'ERR_MLMODEL_INVALID',
      'The js_function block of MLmodel must be a map with a loader_flavor name. Save the model again with jsfunc.',
      { key: JS_FUNCTION },
    );
  }
  for (const field of ['data', 'env', 'code'] as const) {
    if (block[field] !== undefined && block[field] !== null) assertModelRelativePath(block[field], `js_function.${field}`);
  }
  return block as JsFunctionBlock;
}
