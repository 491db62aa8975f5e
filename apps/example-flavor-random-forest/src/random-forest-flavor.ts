import { readFileSync } from 'node:fs';
import {
  createTensor,
  defineFlavor,
  jsfuncError,
  readSignature,
  type FlavorLoadContextV1,
  type FlavorModelV1,
  type FlavorV1,
  type ModelDataV1,
  type ModelSignature,
  type TableV1,
} from '@jsfunc/core';
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import { toForestRows } from './forest-input.js';
import { inferRandomForestSignature } from './infer-random-forest-signature.js';
import { LIBRARY_PACKAGE, libraryVersion } from './library-version.js';
import type { RandomForestFlavorConfig, RandomForestKind, RandomForestModel, RandomForestSaveOptions } from './random-forest-types.js';

/** The key under `flavors:` in MLmodel. */
export const RANDOM_FOREST_FLAVOR_NAME = 'ml_random_forest';

/** Model-relative path of the saved forest. */
const DATA_FILE = 'forest.json';

const LIBRARY_NAMES: Record<RandomForestKind, string> = { classifier: 'RFClassifier', regressor: 'RFRegression' };

/** Load options of the `ml_random_forest` flavor (it has none today). */
export type RandomForestLoadOptions = Record<string, never>;

/** The `ml_random_forest` flavor value: save a trained forest, load it back as a generic model. */
export type RandomForestFlavor = FlavorV1<RandomForestModel, RandomForestModel, RandomForestSaveOptions, RandomForestLoadOptions>;

const ownPackage = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Serialises the forest and tells a classifier from a regressor by the name the library writes. */
function serializeForest(source: unknown): { json: Record<string, unknown>; kind: RandomForestKind } {
  const found = isRecord(source) ? (source.constructor?.name ?? 'object') : source === null ? 'null' : typeof source;
  if (!isRecord(source) || typeof source.toJSON !== 'function' || typeof source.predict !== 'function') {
    throw jsfuncError(
      'ERR_RANDOM_FOREST_SOURCE_INVALID',
      `ml_random_forest saves a trained RandomForestClassifier or RandomForestRegression from ml-random-forest, found ${found}. Pass the forest object itself.`,
      { found },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify((source as { toJSON(): unknown }).toJSON()));
  } catch (error) {
    throw jsfuncError(
      'ERR_RANDOM_FOREST_SOURCE_INVALID',
      `The ${found} could not be serialised (${(error as Error).message}). Train it first: forest.train(features, labels).`,
      { found },
      error,
    );
  }
  const name = isRecord(json) ? json.name : undefined;
  const kind = (Object.keys(LIBRARY_NAMES) as RandomForestKind[]).find((candidate) => LIBRARY_NAMES[candidate] === name);
  if (kind === undefined || !isRecord(json) || !isRecord(json.baseModel) || !Array.isArray(json.baseModel.estimators)) {
    throw jsfuncError(
      'ERR_RANDOM_FOREST_SOURCE_INVALID',
      `ml_random_forest expected toJSON() to return an RFClassifier or RFRegression model, found name ${JSON.stringify(name)}. Pass a trained forest from ml-random-forest.`,
      { found, name: name === undefined ? null : String(name) },
    );
  }
  return { json, kind };
}

/** Number of classes of a classifier: the widest leaf distribution over every tree. */
function countClasses(json: Record<string, unknown>): number {
  let classes = 0;
  const visit = (node: unknown): void => {
    if (!isRecord(node)) return;
    const distribution = node.distribution;
    if (Array.isArray(distribution) && Array.isArray(distribution[0])) classes = Math.max(classes, distribution[0].length);
    visit(node.left);
    visit(node.right);
  };
  for (const estimator of (json.baseModel as { estimators: unknown[] }).estimators) visit(isRecord(estimator) ? estimator.root : undefined);
  return classes;
}

/** Features per row according to a signature the user gave: the tensor's second dimension, or the column count. */
function featureCountFromSignature(signature: ModelSignature | undefined): number | undefined {
  const inputs = signature?.inputs;
  if (inputs === undefined) return undefined;
  if (!inputs.isTensorSpec()) return inputs.inputNames().length;
  const shape = (inputs.toDict()[0]?.['tensor-spec'] as { shape?: unknown } | undefined)?.shape;
  return Array.isArray(shape) && shape.length === 2 && isPositiveInteger(shape[1]) ? shape[1] : undefined;
}

function invalidConfig(message: string, config: Record<string, unknown>): never {
  throw jsfuncError('ERR_RANDOM_FOREST_CONFIG_INVALID', `${message} The MLmodel was edited or written by another tool; save the model again with ${ownPackage.name}.`, {
    flavorConfig: config,
  });
}

/** Checks the MLmodel block and returns it typed. */
function parseFlavorConfig(config: Record<string, unknown>): RandomForestFlavorConfig {
  if (typeof config.data !== 'string' || config.data.length === 0) invalidConfig('flavors.ml_random_forest.data must be the path of the forest JSON file.', config);
  if (config.kind !== 'classifier' && config.kind !== 'regressor') {
    invalidConfig(`flavors.ml_random_forest.kind must be "classifier" or "regressor", found ${JSON.stringify(config.kind)}.`, config);
  }
  if (!isPositiveInteger(config.feature_count)) {
    invalidConfig(`flavors.ml_random_forest.feature_count must be a positive integer, found ${JSON.stringify(config.feature_count)}.`, config);
  }
  if (config.kind === 'classifier' && !isPositiveInteger(config.classes)) {
    invalidConfig(`flavors.ml_random_forest.classes must be a positive integer for a classifier, found ${JSON.stringify(config.classes)}.`, config);
  }
  const names = config.feature_names;
  if (names !== undefined && (!Array.isArray(names) || names.length !== config.feature_count || !names.every((name) => typeof name === 'string'))) {
    invalidConfig(`flavors.ml_random_forest.feature_names must list ${String(config.feature_count)} names.`, config);
  }
  return config as unknown as RandomForestFlavorConfig;
}

function majorOf(version: string): string {
  return version.split('.')[0] ?? version;
}

function featureNamesFor(context: FlavorLoadContextV1<RandomForestLoadOptions>, config: RandomForestFlavorConfig): string[] | undefined {
  if (config.feature_names !== undefined) return config.feature_names;
  const inputs = readSignature(context.mlmodel)?.inputs;
  if (inputs === undefined || inputs.isTensorSpec() || !inputs.hasInputNames()) return undefined;
  const names = inputs.inputNames().map(String);
  return names.length === config.feature_count ? names : undefined;
}

function labelsOutput(values: number[], kind: RandomForestKind, table: boolean): ModelDataV1 {
  if (table) {
    const result: TableV1 = { columns: ['prediction'], data: { prediction: values }, rowCount: values.length };
    return { kind: 'table', table: result };
  }
  if (kind === 'classifier') {
    const labels = new BigInt64Array(values.length);
    for (let index = 0; index < values.length; index++) labels[index] = BigInt(values[index]!);
    return { kind: 'tensor', tensor: createTensor('int64', [values.length], labels) };
  }
  return { kind: 'tensor', tensor: createTensor('float64', [values.length], Float64Array.from(values)) };
}

/** Share of the trees voting for each class, row by row (an `N x classes` row-major array). */
function voteShares(forest: RandomForestModel, rows: number[][], classes: number): Float64Array {
  const shares = new Float64Array(rows.length * classes);
  if (rows.length === 0) return shares;
  const votes = forest.predictionValues(rows);
  for (let row = 0; row < votes.rows; row++) {
    const trees = votes.getRow(row);
    for (const label of trees) {
      if (Number.isInteger(label) && label >= 0 && label < classes) shares[row * classes + label]! += 1 / trees.length;
    }
  }
  return shares;
}

function probabilityOutput(shares: Float64Array, rowCount: number, classes: number, table: boolean): ModelDataV1 {
  if (!table) return { kind: 'tensor', tensor: createTensor('float64', [rowCount, classes], shares) };
  const columns = Array.from({ length: classes }, (_, label) => `probability_${label}`);
  const data: Record<string, number[]> = {};
  columns.forEach((column, label) => {
    data[column] = Array.from({ length: rowCount }, (_, row) => shares[row * classes + label]!);
  });
  return { kind: 'table', table: { columns, data, rowCount } };
}

/**
 * Creates the `ml_random_forest` flavor for ml-random-forest (mljs) `RandomForestClassifier` and
 * `RandomForestRegression` models. Hand it to `saveModel` to save a trained forest, and to
 * `createModelLoader` / `loadModel` to load one. It registers nothing.
 *
 * - `predict` takes a `[N, F]` tensor (or nested array, or a table of the F feature columns) and
 *   answers with labels (`int64`) or values (`float64`): a `[N]` tensor, or a `prediction` column.
 * - Classifiers also have `predictProba`: the share of trees voting for each class, `[N, classes]`
 *   (or columns `probability_0 ...`).
 *
 * @example
 * ```ts
 * import { loadModel, saveModel } from '@jsfunc/core';
 * import { randomForestFlavor } from 'jsfunc-flavor-ml-random-forest';
 * await saveModel(forest, { flavor: randomForestFlavor(), path: 'models/iris' });
 * const model = await loadModel('models/iris', { flavors: [randomForestFlavor()] });
 * await model.predict([[5.1, 3.5, 1.4, 0.2]]); // [0]
 * ```
 */
export function randomForestFlavor(): RandomForestFlavor {
  return defineFlavor<RandomForestModel, RandomForestModel, RandomForestSaveOptions, RandomForestLoadOptions>({
    specificationVersion: 'v1',
    name: RANDOM_FOREST_FLAVOR_NAME,
    packageName: ownPackage.name,
    packageVersion: ownPackage.version,
    runtime: { isolation: 'thread' },

    async save(source, context) {
      const { json, kind } = serializeForest(source);
      const options = context.options ?? {};
      const featureNames = options.featureNames === undefined ? undefined : [...options.featureNames];
      const featureCount =
        options.featureCount ?? (isPositiveInteger(source.numberFeatures) ? source.numberFeatures : undefined) ?? featureNames?.length ?? featureCountFromSignature(context.signature);
      if (!isPositiveInteger(featureCount)) {
        throw jsfuncError(
          'ERR_RANDOM_FOREST_FEATURE_COUNT_UNKNOWN',
          `ml_random_forest needs the number of features per row, and this forest does not know it (it was loaded from JSON, not trained here). Pass saveOptions: { featureCount: <F> } or a signature.`,
          { featureCount: featureCount ?? null },
        );
      }
      if (featureNames !== undefined && featureNames.length !== featureCount) {
        throw jsfuncError(
          'ERR_RANDOM_FOREST_SOURCE_INVALID',
          `saveOptions.featureNames lists ${featureNames.length} names but the forest takes ${featureCount} features. Give one name per feature, in training order.`,
          { featureNames, featureCount },
        );
      }
      const version = libraryVersion();
      await context.writer.writeFile(DATA_FILE, JSON.stringify(json));
      const flavorConfig: RandomForestFlavorConfig = {
        data: DATA_FILE,
        kind,
        ml_random_forest_version: version,
        feature_count: featureCount,
        ...(featureNames === undefined ? {} : { feature_names: featureNames }),
        ...(kind === 'classifier' ? { classes: countClasses(json) } : {}),
      };
      return {
        flavorConfig: { ...flavorConfig },
        data: DATA_FILE,
        signature: inferRandomForestSignature(kind, featureCount, featureNames),
        runtimeDependencies: { [LIBRARY_PACKAGE]: version },
      };
    },

    async load(context): Promise<FlavorModelV1<RandomForestModel>> {
      const config = parseFlavorConfig(context.flavorConfig);
      const running = libraryVersion();
      if (majorOf(config.ml_random_forest_version) !== majorOf(running)) {
        context.logger.warn(
          `This ml_random_forest model was saved with ml-random-forest ${config.ml_random_forest_version} but ${running} is installed; predictions may differ. Install ml-random-forest@^${majorOf(config.ml_random_forest_version)}.`,
          { saved: config.ml_random_forest_version, installed: running },
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(await context.reader.readText(config.data));
      } catch (error) {
        if (error instanceof SyntaxError) {
          throw jsfuncError('ERR_RANDOM_FOREST_MODEL_INVALID', `The forest file ${config.data} is not valid JSON (${error.message}). Save the model again.`, { data: config.data }, error);
        }
        throw error;
      }
      const expected = LIBRARY_NAMES[config.kind];
      if (!isRecord(json) || json.name !== expected) {
        throw jsfuncError(
          'ERR_RANDOM_FOREST_MODEL_INVALID',
          `The forest file ${config.data} should hold an ${expected} model (kind ${config.kind}), found ${JSON.stringify(isRecord(json) ? json.name : typeof json)}. Save the model again.`,
          { data: config.data, expected },
        );
      }
      let native: RandomForestModel;
      try {
        native = (config.kind === 'classifier' ? RandomForestClassifier.load(json as never) : RandomForestRegression.load(json as never)) as unknown as RandomForestModel;
      } catch (error) {
        throw jsfuncError(
          'ERR_RANDOM_FOREST_MODEL_INVALID',
          `ml-random-forest ${running} could not load ${config.data}: ${(error as Error).message}. Save the model again with this version.`,
          { data: config.data },
          error,
        );
      }
      const featureCount = config.feature_count;
      const featureNames = featureNamesFor(context, config);

      const predict = async (input: ModelDataV1): Promise<ModelDataV1> => {
        const { rows, table } = toForestRows(input, featureCount, featureNames);
        return labelsOutput(rows.length === 0 ? [] : native.predict(rows), config.kind, table);
      };
      const classes = config.classes ?? 0;
      const methods =
        config.kind === 'classifier'
          ? {
              predictProba: async (input: ModelDataV1): Promise<ModelDataV1> => {
                const { rows, table } = toForestRows(input, featureCount, featureNames);
                return probabilityOutput(voteShares(native, rows, classes), rows.length, classes, table);
              },
            }
          : undefined;
      return {
        native,
        predict,
        ...(methods === undefined ? {} : { methods }),
        signature: inferRandomForestSignature(config.kind, featureCount, featureNames),
        // Pure JavaScript: nothing to release. Safe to call any number of times.
        async dispose() {},
      };
    },
  });
}
