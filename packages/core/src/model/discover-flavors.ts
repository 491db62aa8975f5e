import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsfuncError } from '../errors/jsfunc-error.js';
import type { AnyFlavorV1 } from '../spec/v1/flavor.js';

/** A flavor package found in an app's dependencies. */
export interface DiscoveredFlavor {
  /** npm package name. */
  packageName: string;
  /** Installed version. */
  version: string;
  /** Name of the factory export (`onnxFlavor`) declared in its package.json `jsfunc.flavor`. */
  exportName: string;
  /** Absolute path of the package's entry, as resolved from the app. */
  entry: string;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function findPackageJson(entry: string, name: string): Record<string, unknown> | undefined {
  let directory = path.dirname(entry);
  for (;;) {
    const json = readJson(path.join(directory, 'package.json'));
    if (json?.name === name) return json;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Finds the flavor packages an app installed: dependencies of `<cwd>/package.json` whose own
 * package.json declares `"jsfunc": { "flavor": "<factory export>" }`. Nothing is imported here, and
 * nothing named in a model file is ever considered.
 */
export function discoverFlavors(options: { cwd?: string } = {}): DiscoveredFlavor[] {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const app = readJson(path.join(cwd, 'package.json'));
  if (!app) return [];
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
    for (const name of Object.keys((app[field] as Record<string, string> | undefined) ?? {})) names.add(name);
  }
  const require = createRequire(path.join(cwd, 'package.json'));
  const found: DiscoveredFlavor[] = [];
  for (const name of [...names].sort()) {
    let entry: string;
    try {
      entry = require.resolve(name);
    } catch {
      continue;
    }
    const json = findPackageJson(entry, name);
    const declaration = json?.jsfunc as { flavor?: unknown } | undefined;
    if (typeof declaration?.flavor !== 'string') continue;
    found.push({ packageName: name, version: String(json?.version ?? '0.0.0'), exportName: declaration.flavor, entry });
  }
  return found;
}

/**
 * Imports discovered flavor packages and calls their factories with `options[packageName]`.
 * @throws JsfuncError `ERR_FLAVOR_INVALID` when a package's declared export is not a v1 flavor factory.
 */
export async function importFlavors(
  discovered: readonly DiscoveredFlavor[],
  options: Record<string, unknown> = {},
): Promise<AnyFlavorV1[]> {
  const flavors: AnyFlavorV1[] = [];
  for (const item of discovered) {
    const module = (await import(pathToFileURL(item.entry).href)) as Record<string, unknown>;
    const factory = module[item.exportName];
    const flavor = typeof factory === 'function' ? (factory as (o?: unknown) => unknown)(options[item.packageName]) : undefined;
    if (
      typeof flavor !== 'object' ||
      flavor === null ||
      typeof (flavor as AnyFlavorV1).name !== 'string' ||
      typeof (flavor as AnyFlavorV1).load !== 'function'
    ) {
      throw jsfuncError(
        'ERR_FLAVOR_INVALID',
        `Package ${item.packageName} declares jsfunc flavor export "${item.exportName}", but that export is not a function returning a flavor. Report it to the package's authors.`,
        { package: item.packageName, export: item.exportName },
      );
    }
    flavors.push(flavor as AnyFlavorV1);
  }
  return flavors;
}

/** Imports flavor packages by name, resolved from `cwd` (what worker threads use). */
export async function importFlavorPackages(packageNames: readonly string[], options: { cwd?: string } = {}): Promise<AnyFlavorV1[]> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const require = createRequire(path.join(cwd, 'package.json'));
  const discovered: DiscoveredFlavor[] = packageNames.map((name) => {
    let entry: string;
    try {
      entry = require.resolve(name);
    } catch (error) {
      throw jsfuncError('ERR_FLAVOR_NOT_INSTALLED', `Flavor package ${name} is not installed where ${cwd} can resolve it. Install it: npm install ${name}`, { package: name }, error);
    }
    const json = findPackageJson(entry, name);
    const exportName = (json?.jsfunc as { flavor?: unknown } | undefined)?.flavor;
    if (typeof exportName !== 'string') {
      throw jsfuncError('ERR_FLAVOR_INVALID', `Package ${name} does not declare a jsfunc flavor ("jsfunc": {"flavor": "<export>"} in its package.json).`, { package: name });
    }
    return { packageName: name, version: String(json?.version ?? '0.0.0'), exportName, entry };
  });
  return importFlavors(discovered);
}
