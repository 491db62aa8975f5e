import type * as Tfjs from '@tensorflow/tfjs';
import { jsfuncError } from '@jsfunc/core';

/** The `@tensorflow/tfjs` module, as this package uses it. */
export type TfjsModule = typeof Tfjs;

let tfjsPromise: Promise<TfjsModule> | undefined;

/**
 * Imports `@tensorflow/tfjs` once per process (lazily, so that importing `@jsfunc/tfjs` has no side
 * effect and costs nothing until a model is saved or loaded).
 * @throws JsfuncError `ERR_TFJS_NOT_INSTALLED` when the peer dependency is missing.
 */
export function loadTfjs(): Promise<TfjsModule> {
  tfjsPromise ??= import('@tensorflow/tfjs').then(
    (module) => ((module as unknown as { default?: TfjsModule }).default ?? module) as TfjsModule,
    (error: unknown) => {
      tfjsPromise = undefined;
      throw jsfuncError(
        'ERR_TFJS_NOT_INSTALLED',
        'Expected the peer dependency @tensorflow/tfjs to be installed, but it could not be imported. Install it next to @jsfunc/tfjs: `npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm`.',
        { package: '@tensorflow/tfjs' },
        error,
      );
    },
  );
  return tfjsPromise;
}
