import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsfuncError, ModelSignature, createTensor, loadModel, parseMLmodel, saveModel, serializeMLmodel, silentLogger, type TensorV1 } from '@jsfunc/core';
import { describeFlavorConformance } from '@jsfunc/testkit';
import { RandomForestClassifier } from 'ml-random-forest';
import { afterAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES, IRIS_QUERIES, trainIrisClassifier, trainPetalWidthRegressor } from './__tests__/iris.js';
import { randomForestFlavor } from './index.js';

const flavor = randomForestFlavor();

describeFlavorConformance({
  flavor,
  createSource: trainIrisClassifier,
  input: IRIS_QUERIES,
  checkOutput(output) {
    // Nested arrays in, nested arrays out: the same labels the library itself gives.
    expect(output).toEqual(trainIrisClassifier().predict(IRIS_QUERIES));
  },
  invalidFlavorConfigs: [
    {},
    { data: 'forest.json', kind: 'decision_tree', ml_random_forest_version: '2.1.0', feature_count: 4, classes: 3 },
    { data: 'forest.json', kind: 'classifier', ml_random_forest_version: '2.1.0', feature_count: 0, classes: 3 },
    // The file holds a classifier; claiming a regressor must be refused, not mispredicted.
    { data: 'forest.json', kind: 'regressor', ml_random_forest_version: '2.1.0', feature_count: 4 },
  ],
});

const directories: string[] = [];
async function target(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'jsfunc-rf-'));
  directories.push(directory);
  return path.join(directory, 'model');
}
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

function tensorOf(rows: number[][]): TensorV1 {
  return createTensor('float64', [rows.length, rows[0]!.length], Float64Array.from(rows.flat()));
}

describe('ml_random_forest classifier', () => {
  it('records kind, library version, feature count and classes in MLmodel, and infers a tensor signature', async () => {
    const { path: saved, mlmodel } = await saveModel(trainIrisClassifier(), { flavor, path: await target(), logger: silentLogger });
    const block = mlmodel.flavors.ml_random_forest as Record<string, unknown>;
    expect(block).toMatchObject({ data: 'forest.json', kind: 'classifier', ml_random_forest_version: '2.1.0', feature_count: 4, classes: 3 });
    const onDisk = parseMLmodel(await readFile(path.join(saved, 'MLmodel'), 'utf8'));
    expect(JSON.parse(String((onDisk.signature as { inputs: string }).inputs))).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 4] } },
    ]);
    expect(JSON.parse(String((onDisk.signature as { outputs: string }).outputs))).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } },
    ]);
    const environment = JSON.parse(await readFile(path.join(saved, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(environment.dependencies['ml-random-forest']).toBe('2.1.0');
  });

  it('predicts the same labels as the library, for a tensor and at batch 1', async () => {
    const forest = trainIrisClassifier();
    const { path: saved } = await saveModel(forest, { flavor, path: await target(), logger: silentLogger });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    const expected = forest.predict(IRIS_QUERIES);
    const output = (await model.predict(tensorOf(IRIS_QUERIES))) as TensorV1;
    expect(output.dtype).toBe('int64');
    expect(output.shape).toEqual([IRIS_QUERIES.length]);
    expect(Array.from(output.data as BigInt64Array, Number)).toEqual(expected);
    expect(await model.predict([IRIS_QUERIES[2]])).toEqual([expected[2]]);
    expect(model.unwrap()).toBeInstanceOf(RandomForestClassifier);
    await model.dispose();
  });

  it('offers predictProba: the share of trees voting for each class', async () => {
    const forest = trainIrisClassifier();
    const { path: saved } = await saveModel(forest, { flavor, path: await target(), logger: silentLogger });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    expect(model.methods).toEqual(['predict', 'predictProba']);
    const probabilities = (await model.invoke('predictProba', IRIS_QUERIES)) as number[][];
    const votes = forest.predictionValues(IRIS_QUERIES);
    probabilities.forEach((row, index) => {
      const trees = votes.getRow(index);
      expect(row).toHaveLength(3);
      row.forEach((share, label) => expect(share).toBeCloseTo(trees.filter((vote) => vote === label).length / trees.length, 12));
      expect(row.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12);
      // The most voted class is the predicted label.
      expect(row.indexOf(Math.max(...row))).toBe(forest.predict([IRIS_QUERIES[index]!])[0]);
    });
    await model.dispose();
  });

  it('with featureNames, takes records in any column order and answers with a prediction column', async () => {
    const forest = trainIrisClassifier();
    const { path: saved } = await saveModel(forest, {
      flavor,
      path: await target(),
      saveOptions: { featureNames: [...FEATURE_NAMES] },
      logger: silentLogger,
    });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    expect(model.signature?.inputs?.inputNames()).toEqual([...FEATURE_NAMES]);
    const records = IRIS_QUERIES.map(([sepalLength, sepalWidth, petalLength, petalWidth]) => ({
      petal_width: petalWidth,
      sepal_length: sepalLength,
      petal_length: petalLength,
      sepal_width: sepalWidth,
    }));
    const expected = forest.predict(IRIS_QUERIES);
    expect(await model.predict(records)).toEqual(expected.map((prediction) => ({ prediction })));
    const proba = (await model.invoke('predictProba', records.slice(0, 1))) as Record<string, number>[];
    expect(Object.keys(proba[0]!)).toEqual(['probability_0', 'probability_1', 'probability_2']);
    await model.dispose();
  });

  it('keeps a signature the user gave', async () => {
    const signature = ModelSignature.fromDict({
      inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] } }]),
      outputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }]),
    });
    const forest = trainIrisClassifier();
    const { path: saved } = await saveModel(forest, { flavor, path: await target(), signature, logger: silentLogger });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    expect(model.signature?.equals(signature)).toBe(true);
    const input = createTensor('float32', [IRIS_QUERIES.length, 4], Float32Array.from(IRIS_QUERIES.flat()));
    const output = (await model.predict(input)) as TensorV1;
    expect(Array.from(output.data as BigInt64Array, Number)).toEqual(forest.predict(IRIS_QUERIES.map((row) => Array.from(Float32Array.from(row)))));
    await model.dispose();
  });

  it('saves a forest restored with RandomForestClassifier.load() once told its feature count', async () => {
    const restored = RandomForestClassifier.load(JSON.parse(JSON.stringify(trainIrisClassifier().toJSON())));
    const error = await saveModel(restored, { flavor, path: await target(), logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_RANDOM_FOREST_FEATURE_COUNT_UNKNOWN')).toBe(true);
    expect((error as Error).message).toContain('featureCount');

    const { path: saved } = await saveModel(restored, { flavor, path: await target(), saveOptions: { featureCount: 4 }, logger: silentLogger });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    expect(await model.predict(IRIS_QUERIES)).toEqual(restored.predict(IRIS_QUERIES));
    await model.dispose();
  });

  it('refuses to save something that is not a trained forest', async () => {
    for (const source of [{ weights: [1, 2] }, new RandomForestClassifier({ nEstimators: 3 }), null]) {
      const error = await saveModel(source, { flavor, path: await target(), logger: silentLogger }).catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_RANDOM_FOREST_SOURCE_INVALID'), String(error)).toBe(true);
    }
  });

  it('refuses missing or non-numeric features instead of guessing', async () => {
    const { path: saved } = await saveModel(trainIrisClassifier(), { flavor, path: await target(), logger: silentLogger });
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    const nan = await model.predict([[5.1, 3.5, 1.4, Number.NaN]]).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(nan, 'ERR_RANDOM_FOREST_INPUT_INVALID'), String(nan)).toBe(true);
    expect((nan as Error).message).toContain('row 0');
    // A string in a numeric tensor is refused by core before the flavor sees it.
    const text = await model.predict([[5.1, 3.5, 1.4, 'wide']]).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(text, 'ERR_INPUT_INVALID'), String(text)).toBe(true);
    const named = await loadModel(
      (await saveModel(trainIrisClassifier(), { flavor, path: await target(), saveOptions: { featureNames: [...FEATURE_NAMES] }, logger: silentLogger })).path,
      { flavors: [flavor], logger: silentLogger },
    );
    const error = await named
      .predict([{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: null }])
      .catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error), String(error)).toBe(true);
    await Promise.all([model.dispose(), named.dispose()]);
  });

  it('refuses a forest file that is not JSON, naming the file', async () => {
    const { path: saved } = await saveModel(trainIrisClassifier(), { flavor, path: await target(), logger: silentLogger });
    await writeFile(path.join(saved, 'forest.json'), '{ not json');
    const error = await loadModel(saved, { flavors: [flavor], logger: silentLogger, verifyIntegrity: false }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_RANDOM_FOREST_MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toContain('forest.json');
  });

  it('warns when the model was saved with another major version of ml-random-forest', async () => {
    const { path: saved } = await saveModel(trainIrisClassifier(), { flavor, path: await target(), logger: silentLogger });
    const file = path.join(saved, 'MLmodel');
    const mlmodel = parseMLmodel(await readFile(file, 'utf8'));
    (mlmodel.flavors.ml_random_forest as Record<string, unknown>).ml_random_forest_version = '1.0.0';
    await writeFile(file, serializeMLmodel(mlmodel));
    const warnings: string[] = [];
    const model = await loadModel(saved, { flavors: [flavor], logger: { warn: (message) => warnings.push(message) } });
    expect(warnings.some((message) => message.includes('ml-random-forest 1.0.0') && message.includes('ml-random-forest@^1'))).toBe(true);
    await model.dispose();
  });
});

describe('ml_random_forest regressor', () => {
  it('saves kind regressor, infers float64 in and out, and predicts what the library predicts', async () => {
    const forest = trainPetalWidthRegressor();
    const { path: saved, mlmodel } = await saveModel(forest, { flavor, path: await target(), logger: silentLogger });
    expect(mlmodel.flavors.ml_random_forest).toMatchObject({ kind: 'regressor', feature_count: 3 });
    expect(mlmodel.flavors.ml_random_forest).not.toHaveProperty('classes');
    const model = await loadModel(saved, { flavors: [flavor], logger: silentLogger });
    expect(model.methods).toEqual(['predict']);
    const rows = IRIS_QUERIES.map((row) => row.slice(0, 3));
    const output = (await model.predict(tensorOf(rows))) as TensorV1;
    expect(output.dtype).toBe('float64');
    expect(Array.from(output.data as Float64Array)).toEqual(forest.predict(rows));
    const error = await model.invoke('predictProba', rows).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_METHOD_NOT_FOUND')).toBe(true);
    await model.dispose();
  });
});
