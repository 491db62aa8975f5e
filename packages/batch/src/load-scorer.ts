import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { batchError, JsfuncError } from './batch-error.js';
import { predictionsToRows, rowsToTensor, selectColumns } from './map-columns.js';
import type { Row } from './row.js';
import { isModelScorerSpec, type CreateScorer, type ModelScorerSpec, type ScoreFunction, type ScorerSpec } from './scorer-spec.js';

/** What a loaded scorer exposes to the pool. */
export interface LoadedScorer {
  /** Scores one chunk. */
  score: ScoreFunction;
  /** The cache key: URI (or module path) plus content digest. */
  key: string;
  /** Releases the model. */
  dispose(): Promise<void>;
  /** The scorer never changes the row objects it is given (it packs them into a tensor or new records). */
  rowsIntact?: boolean;
}

const cache = new Map<string, Promise<LoadedScorer>>();

async function digestPath(path: string): Promise<string> {
  const hash = createHash('sha256');
  const info = await stat(path);
  if (info.isFile()) {
    hash.update(await readFile(path));
    return hash.digest('hex');
  }
  const walk = async (directory: string): Promise<string[]> => {
    const entries = await readdir(directory, { withFileTypes: true });
    const files: string[] = [];
    for (const entry of entries) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) files.push(...(await walk(full)));
      else if (entry.isFile()) files.push(full);
    }
    return files;
  };
  for (const file of (await walk(path)).sort()) {
    hash.update(relative(path, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The content digest of a model (every file of a local model directory, or the module file), so
 * a changed model at the same URI is not served from the cache. Non-local URIs use the URI alone.
 */
export async function scorerDigest(spec: ScorerSpec): Promise<string> {
  const target = isModelScorerSpec(spec) ? spec.model : spec.module;
  const local = target.startsWith('file://') ? fileURLToPath(target) : /^[a-z][a-z0-9+.-]*:\//i.test(target) ? undefined : resolve(target);
  if (local === undefined) return 'uri';
  try {
    return await digestPath(local);
  } catch (error) {
    throw batchError(
      'ERR_BATCH_SCORER_LOAD',
      `Expected a model directory or scorer module at "${local}"; it could not be read (${(error as Error).message}). Check the path.`,
      { path: local },
      error,
    );
  }
}

interface LoadedModelLike {
  predict(input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  readonly signature?: unknown;
  dispose(): Promise<void>;
}

function signatureColumns(signature: unknown): string[] | undefined {
  // A column signature (MLflow ColSpecs, in their MLmodel JSON form) names the columns to send, in order.
  const dict = (signature as { toDict?: () => { inputs: string | null } } | undefined)?.toDict?.();
  if (!dict?.inputs) return undefined;
  const specs = JSON.parse(dict.inputs) as { type: string; name?: string }[];
  if (specs.length === 0 || specs.some((spec) => spec.type === 'tensor' || typeof spec.name !== 'string')) return undefined;
  return specs.map((spec) => spec.name!);
}

async function loadModelScorer(spec: ModelScorerSpec): Promise<Omit<LoadedScorer, 'key'>> {
  const cwd = resolve(spec.cwd ?? process.cwd());
  let core: typeof import('@jsfunc/core');
  try {
    core = await import('@jsfunc/core');
  } catch (error) {
    throw batchError('ERR_BATCH_SCORER_LOAD', 'Expected @jsfunc/core to be installed beside @jsfunc/batch; it could not be imported. Install it: npm install @jsfunc/core', {}, error);
  }
  const flavorPackages = spec.flavorPackages ?? core.discoverFlavors({ cwd }).map((flavor) => flavor.packageName);
  let model: LoadedModelLike;
  try {
    const flavors = await core.importFlavorPackages(flavorPackages, { cwd });
    const loader = core.createModelLoader({
      flavors,
      ...(spec.verifyIntegrity === undefined ? {} : { verifyIntegrity: spec.verifyIntegrity }),
      logger: { debug() {}, info() {}, warn(message: string) { process.stderr.write(`jsfunc: ${message}\n`); }, error(message: string) { process.stderr.write(`jsfunc: ${message}\n`); } } as never,
    });
    const uri = /^[a-z][a-z0-9+.-]*:\//i.test(spec.model) || isAbsolute(spec.model) ? spec.model : resolve(cwd, spec.model);
    model = (await loader.load(uri, spec.flavorOptions ? { flavorOptions: spec.flavorOptions } : {})) as unknown as LoadedModelLike;
  } catch (error) {
    if (JsfuncError.isInstance(error)) throw error;
    throw batchError(
      'ERR_BATCH_SCORER_LOAD',
      `Expected to load the model "${spec.model}"; loading failed: ${(error as Error).message}.`,
      { model: spec.model },
      error,
    );
  }
  const signatureNames = spec.columns === undefined ? signatureColumns(model.signature) : undefined;
  const predictionColumn = spec.predictionColumn ?? 'prediction';
  return {
    async score(rows: Row[]) {
      const input =
        spec.columns !== undefined
          ? rowsToTensor(rows, { columns: spec.columns, ...(spec.dtype ? { dtype: spec.dtype } : {}) })
          : signatureNames !== undefined
            ? selectColumns(rows, signatureNames)
            : rows;
      const output = await model.predict(input, spec.params);
      return predictionsToRows(output, rows.length, predictionColumn);
    },
    dispose: () => model.dispose(),
    rowsIntact: spec.columns !== undefined || signatureNames !== undefined,
  };
}

async function loadModuleScorer(spec: Extract<ScorerSpec, { module: string }>): Promise<Omit<LoadedScorer, 'key'>> {
  const href = spec.module.startsWith('file://') ? spec.module : pathToFileURL(resolve(spec.module)).href;
  const exportName = spec.exportName ?? 'createScorer';
  let factory: unknown;
  try {
    factory = ((await import(href)) as Record<string, unknown>)[exportName];
  } catch (error) {
    throw batchError('ERR_BATCH_SCORER_LOAD', `Expected an ES module at "${spec.module}"; importing it failed: ${(error as Error).message}.`, { module: spec.module }, error);
  }
  if (typeof factory !== 'function') {
    throw batchError(
      'ERR_BATCH_SCORER_LOAD',
      `Expected "${spec.module}" to export a function "${exportName}(options)" returning a scoring function; found ${typeof factory}. Export it, or pass the right export name.`,
      { module: spec.module, exportName },
    );
  }
  const score = await (factory as CreateScorer)(spec.options);
  if (typeof score !== 'function') {
    throw batchError('ERR_BATCH_SCORER_LOAD', `Expected ${exportName}() of "${spec.module}" to return a function (rows) => predictions; found ${typeof score}.`, { module: spec.module });
  }
  return { score, dispose: async () => undefined };
}

/**
 * Loads a scorer once per process (or worker thread): memoised by URI plus content digest, so
 * scoring many chunks, or several runs of the same model, reuses one model copy.
 */
export async function loadScorer(spec: ScorerSpec): Promise<LoadedScorer> {
  const digest = await scorerDigest(spec);
  const key = `${isModelScorerSpec(spec) ? spec.model : spec.module}#${digest}#${JSON.stringify(spec)}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = (isModelScorerSpec(spec) ? loadModelScorer(spec) : loadModuleScorer(spec)).then((scorer) => ({ ...scorer, key }));
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

/** How many distinct scorers this process holds (for tests and memory reports). */
export function loadedScorerCount(): number {
  return cache.size;
}
