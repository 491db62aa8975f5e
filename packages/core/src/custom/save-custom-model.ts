import { builtinModules } from 'node:module';
import path from 'node:path';
import { jsfuncError } from '../errors/jsfunc-error.js';
import { nodeFileSystem, type FileSystemV1 } from '../io/file-system.js';
import { coreVersion, installedVersion } from '../model/environment.js';
import { defaultLogger } from '../model/logger.js';
import { resolveModelUri, type ModelUriResolverV1 } from '../model/model-uri.js';
import { saveModel, type SavedModel } from '../model/save-model.js';
import type { ModelSignature } from '../schema/model-signature.js';
import type { FlavorV1, LoggerV1 } from '../spec/v1/flavor.js';
import type { ParamsV1 } from '../spec/v1/tensor.js';
import { CUSTOM_FLAVOR, EXTERNAL_PREFIX, customModelFlavor, type CustomFlavorConfig } from './custom-flavor.js';

/**
 * Packages never bundled into a model's code: jsfunc itself and the framework runtimes (native
 * addons, wasm), which the loading app installs. Patterns ending in `/*` match a whole scope.
 */
export const DEFAULT_EXTERNALS: readonly string[] = [
  '@jsfunc/*',
  'onnxruntime-node',
  'onnxruntime-web',
  'onnxruntime-common',
  '@tensorflow/*',
];

/** Options of {@link saveCustomModel}. */
export interface SaveCustomModelOptions {
  /** Target directory: must not exist, or be empty. */
  path: string;
  /**
   * Source file (TypeScript or JavaScript) that exports the model ("models from code"): an object
   * or class with `predict(context, input, params)`, or a factory returning one. It is bundled with
   * its npm dependencies into the model; `externals` stay outside.
   */
  code: string;
  /** The export holding the model (default `default`). */
  exportName?: string;
  /**
   * Files or directories copied into the model: name -> local path, `file://` URI, or any model URI
   * a resolver handles (a jsfunc model to load as a sub-model).
   */
  artifacts?: Record<string, string>;
  /** Configuration saved with the model (`context.modelConfig`). */
  modelConfig?: Record<string, unknown>;
  /** Further packages to keep external (not bundled), added to {@link DEFAULT_EXTERNALS}. */
  externals?: readonly string[];
  signature?: ModelSignature;
  inputExample?: unknown;
  inputExampleParams?: ParamsV1;
  metadata?: Record<string, unknown>;
  /** Extra keys written into the `js_model` flavor block. */
  extraFlavorConfig?: Record<string, unknown>;
  /** Resolvers for artifact URIs such as `runs:/` and `models:/`. */
  resolvers?: readonly ModelUriResolverV1[];
  logger?: LoggerV1;
  fileSystem?: FileSystemV1;
}

function matchesExternal(specifier: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern.endsWith('/*')) return specifier.startsWith(pattern.slice(0, -1));
    return specifier === pattern || specifier.startsWith(`${pattern}/`);
  });
}

function assertWorkflow(options: SaveCustomModelOptions): void {
  const record = options as unknown as Record<string, unknown>;
  const flavorSet = ['flavor', 'source'].filter((key) => record[key] !== undefined);
  if (options.code !== undefined && flavorSet.length > 0) {
    throw jsfuncError(
      'ERR_SAVE_OPTIONS_CONFLICT',
      'The following sets of parameters cannot be specified together: ["flavor", "source"] and ["code", "artifacts"]. All parameters in one set must be undefined: save a framework object with saveModel(source, { flavor }), or custom code with saveCustomModel({ code, artifacts }).',
      { given: [...flavorSet, 'code'] },
    );
  }
  if (typeof options.code !== 'string' || options.code.length === 0) {
    throw jsfuncError(
      'ERR_SAVE_OPTIONS_CONFLICT',
      'Either `flavor` (with saveModel) or `code` (with saveCustomModel) must be specified. `code` is the path of a source file exporting an object or class with predict(context, input, params).',
      { given: flavorSet },
    );
  }
}

async function bundle(entry: string, externals: readonly string[]): Promise<{ code: string; used: string[] }> {
  type Esbuild = typeof import('esbuild');
  let esbuild: Esbuild;
  try {
    esbuild = (await import('esbuild')) as Esbuild;
  } catch (error) {
    throw jsfuncError(
      'ERR_CUSTOM_MODEL_BUNDLE',
      'Saving a custom model bundles its code with esbuild, which is not installed. Install it where you save models: npm install --save-dev esbuild',
      {},
      error,
    );
  }
  const used = new Set<string>();
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      legalComments: 'inline',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __jsfuncCreateRequire } from 'node:module'; const require = __jsfuncCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'jsfunc-externals',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (args) => {
              if (builtins.has(args.path)) return { path: args.path, external: true };
              if (!matchesExternal(args.path, externals)) return undefined;
              used.add(args.path);
              return { path: `${EXTERNAL_PREFIX}${args.path}`, external: true };
            });
          },
        },
      ],
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    return { code: output.text, used: [...used].sort() };
  } catch (error) {
    throw jsfuncError(
      'ERR_CUSTOM_MODEL_BUNDLE',
      `Bundling the model code ${entry} failed: ${(error as Error).message}. Fix the code (or mark a package that cannot be bundled as external).`,
      { entry },
      error,
    );
  }
}

/**
 * Saves a custom model: its code (bundled with its npm dependencies into `code/model.mjs`), its
 * artifacts (under `artifacts/`), its configuration and signature. The result loads in any app that
 * has @jsfunc/core and the flavors of its sub-models installed, wherever it sits on disk.
 * @throws JsfuncError `ERR_SAVE_OPTIONS_CONFLICT`, `ERR_CUSTOM_MODEL_BUNDLE`, `ERR_MODEL_TARGET_EXISTS`
 */
export async function saveCustomModel(options: SaveCustomModelOptions): Promise<SavedModel> {
  assertWorkflow(options);
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const logger = options.logger ?? defaultLogger;
  const entry = path.resolve(options.code);
  if ((await fileSystem.kind(entry)) !== 'file') {
    throw jsfuncError('ERR_CUSTOM_MODEL_INVALID', `Model code file ${entry} does not exist. Give the path of the source file that exports the model.`, { code: entry });
  }
  const externals = [...DEFAULT_EXTERNALS, ...(options.externals ?? [])];
  const built = await bundle(entry, externals);
  const loader = customModelFlavor();
  const flavor: FlavorV1<unknown, null> = {
    ...loader,
    async save(_source, context) {
      await context.writer.writeFile('code/model.mjs', built.code);
      const artifacts: Record<string, { path: string; uri: string }> = {};
      for (const [name, uri] of Object.entries(options.artifacts ?? {})) {
        if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') {
          throw jsfuncError('ERR_CUSTOM_MODEL_INVALID', `Artifact name "${name}" must use letters, digits, "_", "-" or ".".`, { artifact: name });
        }
        const local = await resolveModelUri(uri, options.resolvers);
        const kind = await fileSystem.kind(local);
        if (kind === 'directory') {
          await context.writer.copyDirectory(local, `artifacts/${name}`);
          artifacts[name] = { path: `artifacts/${name}`, uri };
        } else if (kind === 'file') {
          const relative = `artifacts/${name}/${path.basename(local)}`;
          await context.writer.copyFile(local, relative);
          artifacts[name] = { path: relative, uri };
        } else {
          throw jsfuncError('ERR_ARTIFACT_NOT_FOUND', `Artifact "${name}" (${uri}) was not found at ${local}${kind === 'symlink' ? ' (symlinks are refused; point at the file itself)' : ''}.`, { artifact: name, uri });
        }
      }
      const config: CustomFlavorConfig & Record<string, unknown> = {
        ...options.extraFlavorConfig,
        code: 'code',
        entry: 'code/model.mjs',
        export: options.exportName ?? 'default',
        externals: built.used,
        ...(Object.keys(artifacts).length > 0 ? { artifacts } : {}),
        ...(options.modelConfig ? { config: options.modelConfig } : {}),
      };
      return { flavorConfig: config, data: 'code/model.mjs' };
    },
  };
  const saved = await saveModel(null, {
    flavor,
    path: options.path,
    signature: options.signature,
    inputExample: options.inputExample,
    inputExampleParams: options.inputExampleParams,
    metadata: options.metadata,
    logger,
    fileSystem,
    jsFunction: { code: 'code', ...(options.modelConfig ? { config: options.modelConfig } : {}) },
    extraDependencies: {
      '@jsfunc/core': coreVersion(),
      ...Object.fromEntries(
        built.used
          .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'))
          .map((name) => [name, installedVersion(name, path.dirname(entry))] as const)
          .filter((pair): pair is readonly [string, string] => pair[1] !== undefined),
      ),
    },
  });
  if (saved.mlmodel.flavors[CUSTOM_FLAVOR] === undefined) throw new Error('unreachable: custom flavor block missing');
  return saved;
}
