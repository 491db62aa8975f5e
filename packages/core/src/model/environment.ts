import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerV1 } from '../spec/v1/flavor.js';

/** The environment file every jsfunc model carries (a package.json). */
export const ENVIRONMENT_FILE = 'package.json';

/** What jsfunc records about the environment that saved a model. */
export interface ModelEnvironment {
  name: string;
  private: true;
  type: 'module';
  description: string;
  engines: { node: string };
  dependencies: Record<string, string>;
  jsfunc: { node: string; platform: string; arch: string };
}

let coreVersionCache: string | undefined;

/** The version of this copy of @jsfunc/core. */
export function coreVersion(): string {
  if (coreVersionCache === undefined) {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
    coreVersionCache = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return coreVersionCache;
}

function readPackageVersion(file: string, name: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    return json.name === name ? json.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The installed version of an npm package as seen from `fromDirectory` (default: the working
 * directory, then this package), or undefined when it is not installed. Cached per process:
 * packages do not change under a running process.
 */
const installedVersions = new Map<string, string | undefined>();

export function installedVersion(name: string, fromDirectory: string = process.cwd()): string | undefined {
  const key = `${fromDirectory}\0${name}`;
  if (!installedVersions.has(key)) installedVersions.set(key, findInstalledVersion(name, fromDirectory));
  return installedVersions.get(key);
}

function findInstalledVersion(name: string, fromDirectory: string): string | undefined {
  for (const base of [path.join(fromDirectory, 'noop.js'), fileURLToPath(import.meta.url)]) {
    const require = createRequire(base);
    try {
      const version = readPackageVersion(require.resolve(`${name}/package.json`), name);
      if (version) return version;
    } catch {
      // package.json not exported: find it above the entry point.
    }
    try {
      let directory = path.dirname(require.resolve(name));
      for (;;) {
        const version = readPackageVersion(path.join(directory, 'package.json'), name);
        if (version) return version;
        const parent = path.dirname(directory);
        if (parent === directory) break;
        directory = parent;
      }
    } catch {
      // not resolvable from here
    }
  }
  return undefined;
}

/** Builds the environment record of a model saved now. */
export function captureEnvironment(modelName: string, packages: Record<string, string>): ModelEnvironment {
  const major = process.versions.node.split('.')[0];
  return {
    name: modelName,
    private: true,
    type: 'module',
    description: 'Environment captured by jsfunc when this model was saved: install these to load it.',
    engines: { node: `>=${major}` },
    dependencies: Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    jsfunc: { node: process.versions.node, platform: process.platform, arch: process.arch },
  };
}

/**
 * Compares a saved environment with the running one and warns (never fails) for each package whose
 * running version differs, and for a different Node.js major version.
 */
export function warnOnEnvironmentMismatch(
  saved: Partial<ModelEnvironment>,
  running: Record<string, string | undefined>,
  logger: LoggerV1,
): string[] {
  const warnings: string[] = [];
  for (const [name, savedVersion] of Object.entries(saved.dependencies ?? {})) {
    if (!(name in running)) continue;
    const runningVersion = running[name];
    if (runningVersion !== savedVersion) {
      const message = `Package ${name} differs from the one that saved this model: saved ${savedVersion}, running ${runningVersion ?? 'not installed'}. Predictions may differ; install ${name}@${savedVersion} to match.`;
      warnings.push(message);
      logger.warn(message, { code: 'ENVIRONMENT_MISMATCH', package: name, saved: savedVersion, running: runningVersion ?? null });
    }
  }
  const savedNode = saved.jsfunc?.node;
  if (savedNode && savedNode.split('.')[0] !== process.versions.node.split('.')[0]) {
    const message = `Node.js differs from the one that saved this model: saved ${savedNode}, running ${process.versions.node}.`;
    warnings.push(message);
    logger.warn(message, { code: 'ENVIRONMENT_MISMATCH', package: 'node', saved: savedNode, running: process.versions.node });
  }
  return warnings;
}
