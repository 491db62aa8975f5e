import { discoverFlavors } from '@jsfunc/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's own package directory (where its bundled flavors @jsfunc/onnx and @jsfunc/tfjs resolve). */
export const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The flavor packages the CLI uses and the directory they resolve from: the app at `--flavors-from`
 * when given (its installed flavors), else the flavors installed with the CLI.
 */
export function cliFlavors(flavorsFrom?: string): { cwd: string; packages: string[] } {
  const cwd = flavorsFrom ? path.resolve(flavorsFrom) : CLI_ROOT;
  return { cwd, packages: discoverFlavors({ cwd }).map((flavor) => flavor.packageName) };
}
