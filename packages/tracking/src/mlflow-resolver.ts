import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelUriResolverV1 } from '@jsfunc/core';
import { parseMlflowModelUri } from './parse-mlflow-model-uri.js';
import { createTrackingBackend } from './tracking-backend.js';
import { resolveTrackingTarget, type TrackingOptions } from './tracking-config.js';

/** Options of {@link mlflowResolver}. */
export interface MlflowResolverOptions extends TrackingOptions {
  /**
   * Where downloaded models are kept: default `JSFUNC_MODEL_CACHE`, else
   * `$XDG_CACHE_HOME/jsfunc/models` (or `~/.cache/jsfunc/models`).
   */
  cacheDirectory?: string;
}

/** The default download cache directory. */
export function defaultModelCacheDirectory(env: Record<string, string | undefined> = process.env): string {
  if (env.JSFUNC_MODEL_CACHE) return path.resolve(env.JSFUNC_MODEL_CACHE);
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'jsfunc', 'models');
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * A model URI resolver for MLflow: `runs:/<run_id>/<path>`, `models:/<name>/<version>`,
 * `models:/<name>@<alias>`, `models:/<name>/latest` and `models:/<model_id>`. Hand it to the
 * loader: `createModelLoader({ flavors, resolvers: [mlflowResolver()] })`.
 *
 * Remote models are downloaded once into the cache (into a staging folder renamed into place, so
 * a crash never leaves half a model) and reused afterwards; the loader then checks every file
 * against the model's integrity record. An alias is looked up on every resolve (it can move);
 * the version it points at is cached. Models in a local `mlruns/` store are used in place.
 */
export function mlflowResolver(options: MlflowResolverOptions = {}): ModelUriResolverV1 {
  const target = resolveTrackingTarget(options);
  const backend = createTrackingBackend(target);
  const cacheDirectory = options.cacheDirectory ?? defaultModelCacheDirectory(options.env ?? process.env);
  const inFlight = new Map<string, Promise<string>>();

  return {
    schemes: ['runs', 'models'],
    async resolve(uri) {
      const location = await backend.locate(parseMlflowModelUri(uri));
      if (location.localDirectory !== undefined) return location.localDirectory;
      const key = location.cacheKey!;
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
      const directory = path.join(cacheDirectory, hash);
      if (await exists(path.join(directory, 'MLmodel'))) return directory;
      let pending = inFlight.get(directory);
      if (!pending) {
        pending = (async () => {
          await fs.mkdir(cacheDirectory, { recursive: true });
          const staging = path.join(cacheDirectory, `.${hash}.staging-${randomBytes(6).toString('hex')}`);
          await fs.mkdir(staging);
          try {
            await location.download!(staging);
            await fs.writeFile(path.join(cacheDirectory, `${hash}.source.txt`), `${key}\n${uri}\n`);
            try {
              await fs.rename(staging, directory);
            } catch (error) {
              // Another process finished the same download first: keep theirs.
              if (!(await exists(path.join(directory, 'MLmodel')))) throw error;
            }
            return directory;
          } finally {
            await fs.rm(staging, { recursive: true, force: true });
          }
        })().finally(() => inFlight.delete(directory));
        inFlight.set(directory, pending);
      }
      return pending;
    },
  };
}
