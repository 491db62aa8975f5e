import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsfuncError, jsfuncError } from '../errors/jsfunc-error.js';
import { fromModelData, toModelData, type InputForm } from '../input/model-data.js';
import { readIntegrityRecord } from '../model/integrity.js';
import { assertModelRelativePath } from '../model/model-path.js';
import type { FlavorModelV1, FlavorV1 } from '../spec/v1/flavor.js';
import type { ModelDataV1, ParamsV1 } from '../spec/v1/tensor.js';
import { coreVersion } from '../model/environment.js';
import type { CustomModelContextV1, CustomModelExportV1, CustomModelV1, SubModelV1 } from './custom-model.js';

/** The flavor name of custom (code) models. */
export const CUSTOM_FLAVOR = 'js_model';

/** Prefix written in bundles in place of external package imports; resolved from the app at load. */
export const EXTERNAL_PREFIX = 'jsfunc-external:';

/** The `js_model` flavor block. */
export interface CustomFlavorConfig {
  /** Model-relative folder holding the code. */
  code: string;
  /** Model-relative path of the entry module (inside `code`). */
  entry: string;
  /** Name of the export holding the model (`default` by default). */
  export: string;
  /** External packages the bundle imports, resolved from the loading app. */
  externals: string[];
  /** Artifacts: name -> {path (model-relative), uri (where it was copied from)}. */
  artifacts?: Record<string, { path: string; uri: string }>;
  /** Saved configuration. */
  config?: Record<string, unknown>;
}

const reserved = new Set(['constructor', 'loadContext', 'predict', 'predictStream', 'close']);

/** Names of the extra inference methods of a custom model (own and prototype functions). */
export function customMethodNames(model: CustomModelV1): string[] {
  const names = new Set<string>();
  for (let object: object | null = model; object && object !== Object.prototype; object = Object.getPrototypeOf(object)) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (reserved.has(name) || name.startsWith('_')) continue;
      if (typeof (model as unknown as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** Builds the model instance from a module export (instance, class or factory). */
export async function instantiateCustomModel(exported: unknown, exportName: string): Promise<CustomModelV1> {
  let candidate: unknown = exported;
  if (typeof exported === 'function') {
    const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exported));
    candidate = isClass ? new (exported as new () => CustomModelV1)() : await (exported as () => unknown)();
  }
  if (typeof candidate !== 'object' || candidate === null || typeof (candidate as CustomModelV1).predict !== 'function') {
    throw jsfuncError(
      'ERR_CUSTOM_MODEL_INVALID',
      `Export "${exportName}" of the model code is not a custom model: expected an object or class with predict(context, input, params) (and optionally loadContext(context)), found ${typeof candidate}.`,
      { export: exportName },
    );
  }
  return candidate as CustomModelV1;
}

function userForm(data: ModelDataV1): { value: unknown; form: InputForm } {
  switch (data.kind) {
    case 'table':
      return { value: fromModelData(data, 'records'), form: 'records' };
    case 'tensor':
      return { value: data.tensor, form: 'tensor' };
    case 'tensors':
      return { value: data.tensors, form: 'tensors' };
    case 'value':
      return { value: data.value, form: 'value' };
  }
}

function toOutput(value: unknown): ModelDataV1 {
  return toModelData(value).data;
}

/**
 * Writes the bundle with its external imports pointed at the packages the loading app installed,
 * in a cache outside the model directory (the model directory itself is never modified).
 */
async function linkBundle(source: string, externals: readonly string[], cwd: string): Promise<string> {
  const require = createRequire(path.join(cwd, 'package.json'));
  let linked = source;
  for (const name of externals) {
    const specifier = `${EXTERNAL_PREFIX}${name}`;
    if (!linked.includes(specifier)) continue;
    let resolved: string;
    try {
      resolved = pathToFileURL(require.resolve(name)).href;
    } catch (error) {
      throw jsfuncError(
        'ERR_CUSTOM_MODEL_DEPENDENCY',
        `The model's code imports ${name}, which is not installed where ${cwd} can resolve it. Install it in the app that loads the model: npm install ${name}`,
        { package: name },
        error,
      );
    }
    linked = linked.split(JSON.stringify(specifier)).join(JSON.stringify(resolved));
  }
  const digest = createHash('sha256').update(linked).digest('hex').slice(0, 32);
  const directory = path.join(tmpdir(), 'jsfunc-code-cache', digest);
  const file = path.join(directory, 'model.mjs');
  await mkdir(directory, { recursive: true });
  await writeFile(file, linked);
  return file;
}

function readConfig(block: Record<string, unknown>): CustomFlavorConfig {
  const code = assertModelRelativePath(block.code, 'js_model.code');
  const entry = assertModelRelativePath(block.entry, 'js_model.entry');
  if (!(entry === code || entry.startsWith(`${code}/`))) {
    throw jsfuncError('ERR_CUSTOM_MODEL_INVALID', `js_model.entry (${entry}) must lie inside js_model.code (${code}).`, { entry, code });
  }
  const externals = Array.isArray(block.externals) ? block.externals.map(String) : [];
  const artifacts = (block.artifacts ?? {}) as Record<string, { path: string; uri: string }>;
  for (const [name, artifact] of Object.entries(artifacts)) assertModelRelativePath(artifact?.path, `js_model.artifacts.${name}.path`);
  return { code, entry, export: typeof block.export === 'string' ? block.export : 'default', externals, artifacts, config: (block.config ?? {}) as Record<string, unknown> };
}

/**
 * The built-in flavor of custom (code) models: the model's code is a bundled ES module inside the
 * model directory, imported only after the loader verified its integrity. Every loader includes it.
 * Save custom models with `saveCustomModel`.
 */
export function customModelFlavor(): FlavorV1<CustomModelV1, never> {
  return {
    specificationVersion: 'v1',
    name: CUSTOM_FLAVOR,
    packageName: '@jsfunc/core',
    packageVersion: coreVersion(),
    runtime: { isolation: 'thread' },
    async save() {
      throw jsfuncError('ERR_CUSTOM_MODEL_INVALID', 'Save custom models with saveCustomModel(), not saveModel().', {});
    },
    async load(context): Promise<FlavorModelV1<CustomModelV1>> {
      const config = readConfig(context.flavorConfig);
      const source = await context.reader.readText(config.entry);
      const record = readIntegrityRecord(context.mlmodel);
      const expected = record?.files[config.entry];
      const actual = createHash('sha256').update(source).digest('hex');
      if (context.options.verifyIntegrity !== false && expected !== undefined && expected !== actual) {
        throw jsfuncError('ERR_MODEL_INTEGRITY', `Model code ${config.entry} changed while it was being loaded. Load the model again.`, { file: config.entry });
      }
      const cwd = typeof context.options.cwd === 'string' ? context.options.cwd : process.cwd();
      const file = await linkBundle(source, config.externals, cwd);
      let module: Record<string, unknown>;
      try {
        module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (error) {
        throw jsfuncError('ERR_CUSTOM_MODEL_LOAD_FAILED', `Importing the model's code (${config.entry}) failed: ${(error as Error).message}`, { entry: config.entry }, error);
      }
      const model = await instantiateCustomModel(module[config.export], config.export);

      const overrides = (context.options.modelConfig ?? {}) as Record<string, unknown>;
      const modelConfig: Record<string, unknown> = { ...config.config };
      for (const [key, value] of Object.entries(overrides)) {
        if (key in modelConfig) modelConfig[key] = value;
        else context.logger.warn(`Model config override "${key}" is ignored: only keys saved with the model can be overridden (saved: ${Object.keys(modelConfig).join(', ') || 'none'}).`);
      }
      const artifacts = Object.fromEntries(Object.entries(config.artifacts ?? {}).map(([name, artifact]) => [name, context.reader.resolve(artifact.path)]));
      const subModels: SubModelV1[] = [];
      const modelContext: CustomModelContextV1 = {
        artifacts,
        modelConfig,
        modelDirectory: context.reader.directory,
        async loadModel(uri, options) {
          const sub = (await context.loadModel(uri, options)) as SubModelV1;
          subModels.push(sub);
          return sub;
        },
      };
      try {
        await model.loadContext?.(modelContext);
      } catch (error) {
        await Promise.allSettled(subModels.map((sub) => sub.dispose()));
        if (JsfuncError.isInstance(error)) throw error;
        throw jsfuncError('ERR_CUSTOM_MODEL_LOAD_FAILED', `loadContext() of the custom model failed: ${(error as Error).message}`, {}, error);
      }

      const call = (name: string) => async (input: ModelDataV1, params: ParamsV1 | undefined) => {
        const { value } = userForm(input);
        const method = (model as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
        return toOutput(await method.call(model, modelContext, value, params));
      };
      const methods = Object.fromEntries(customMethodNames(model).map((name) => [name, call(name)]));
      let disposed = false;
      const flavorModel: FlavorModelV1<CustomModelV1> = {
        native: model,
        methods,
        predict: call('predict'),
        async dispose() {
          if (disposed) return;
          disposed = true;
          await model.close?.();
          await Promise.allSettled(subModels.map((sub) => sub.dispose()));
        },
      };
      if (typeof model.predictStream === 'function') {
        flavorModel.predictStream = async function* (input, params) {
          const { value } = userForm(input);
          for await (const chunk of model.predictStream!(modelContext, value, params) as AsyncIterable<unknown>) yield toOutput(chunk);
        };
      }
      return flavorModel;
    },
  };
}

export type { CustomModelExportV1 };
