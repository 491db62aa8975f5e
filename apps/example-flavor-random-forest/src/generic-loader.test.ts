// The random forest flavor goes through the same generic loader as first-party flavors: one loader,
// several flavors, each model picked up by the flavor that saved it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsfuncError, createModelLoader, createTensor, defineFlavor, jsfuncError, saveModel, silentLogger, type ModelDataV1 } from '@jsfunc/core';
import { afterAll, expect, it } from 'vitest';
import { IRIS_QUERIES, trainIrisClassifier, trainPetalWidthRegressor } from './__tests__/iris.js';
import { randomForestFlavor } from './index.js';

/** Another flavor in the same app: y = 2x, stored as JSON. */
const doubleFlavor = defineFlavor<{ factor: number }, { factor: number }>({
  specificationVersion: 'v1',
  name: 'double_json',
  packageName: 'jsfunc-flavor-double-json',
  packageVersion: '1.0.0',
  async save(model, context) {
    await context.writer.writeFile('double.json', JSON.stringify(model));
    return { flavorConfig: { data: 'double.json' }, data: 'double.json' };
  },
  async load(context) {
    const native = JSON.parse(await context.reader.readText(String(context.flavorConfig.data))) as { factor: number };
    return {
      native,
      async predict(input: ModelDataV1): Promise<ModelDataV1> {
        if (input.kind !== 'tensor') throw jsfuncError('ERR_INPUT_INVALID', 'double_json takes a tensor.', {});
        return { kind: 'tensor', tensor: createTensor('float64', input.tensor.shape, Float64Array.from(input.tensor.data as Float64Array, (value) => value * native.factor)) };
      },
      async dispose() {},
    };
  },
});

const root = await mkdtemp(path.join(tmpdir(), 'jsfunc-rf-loader-'));
afterAll(() => rm(root, { recursive: true, force: true }));

it('one loader with several flavors loads each model with the flavor that saved it', async () => {
  const classifier = trainIrisClassifier();
  const regressor = trainPetalWidthRegressor();
  await saveModel(classifier, { flavor: randomForestFlavor(), path: path.join(root, 'classifier'), logger: silentLogger });
  await saveModel(regressor, { flavor: randomForestFlavor(), path: path.join(root, 'regressor'), logger: silentLogger });
  await saveModel({ factor: 2 }, { flavor: doubleFlavor, path: path.join(root, 'double'), logger: silentLogger });

  const loader = createModelLoader({ flavors: [doubleFlavor, randomForestFlavor()], logger: silentLogger });
  const [forest, regression, double] = await Promise.all([
    loader.load(path.join(root, 'classifier')),
    loader.load(path.join(root, 'regressor')),
    loader.load(path.join(root, 'double')),
  ]);
  expect([forest.flavor, regression.flavor, double.flavor]).toEqual(['ml_random_forest', 'ml_random_forest', 'double_json']);
  expect(await forest.predict(IRIS_QUERIES)).toEqual(classifier.predict(IRIS_QUERIES));
  const rows = IRIS_QUERIES.map((row) => row.slice(0, 3));
  expect(await regression.predict(rows)).toEqual(regressor.predict(rows));
  expect(await double.predict([[1.5]])).toEqual([[3]]);
  await Promise.all([forest.dispose(), regression.dispose(), double.dispose()]);
});

it('a loader without the random forest flavor names the package to install', async () => {
  await saveModel(trainIrisClassifier(), { flavor: randomForestFlavor(), path: path.join(root, 'missing'), logger: silentLogger });
  const error = await createModelLoader({ flavors: [doubleFlavor], logger: silentLogger })
    .load(path.join(root, 'missing'))
    .catch((caught: unknown) => caught);
  expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_NOT_INSTALLED')).toBe(true);
  expect((error as Error).message).toContain('jsfunc-flavor-ml-random-forest@^0.1');
  expect((error as Error).message).toContain('ml_random_forest');
});
