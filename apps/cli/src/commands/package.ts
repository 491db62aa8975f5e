import { importFlavorPackages, saveModel } from '@jsfunc/core';
import { jsfuncError } from '@jsfunc/core';
import path from 'node:path';
import { cliFlavors } from '../flavor-packages.js';

/** Options of `jsfunc models package`. */
export interface PackageCommandOptions {
  flavor: string;
  source: string;
  output: string;
  flavorsFrom?: string;
}

/**
 * `jsfunc models package`: turns an existing `.onnx` file or TF.js model directory into a jsfunc
 * model directory with the installed flavor; the flavor infers the signature.
 */
export async function packageCommand(options: PackageCommandOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const installed = cliFlavors(options.flavorsFrom);
  const flavors = await importFlavorPackages(installed.packages, { cwd: installed.cwd });
  const flavor = flavors.find((f) => f.name === options.flavor);
  if (!flavor) {
    throw jsfuncError(
      'ERR_CLI_FLAVOR_UNKNOWN',
      `No installed flavor is named '${options.flavor}'. Installed: ${flavors.map((f) => f.name).join(', ') || 'none'}. Install the flavor package (e.g. npm install @jsfunc/${options.flavor}) or pick one of those.`,
      { flavor: options.flavor, installed: flavors.map((f) => f.name) },
    );
  }
  const saved = await saveModel(path.resolve(options.source), { flavor, path: path.resolve(options.output) });
  write(`jsfunc: saved ${flavor.name} model to ${saved.path}\n`);
  return 0;
}
