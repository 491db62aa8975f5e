// An app that depends on this package finds it through core's discovery, the way the jsfunc CLI and
// server do: by the "jsfunc": { "flavor": ... } declaration in this package's package.json.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModelLoader, discoverFlavors, importFlavors, saveModel, silentLogger } from '@jsfunc/core';
import { afterAll, expect, it } from 'vitest';
import { IRIS_QUERIES, trainIrisClassifier } from './__tests__/iris.js';
import { randomForestFlavor } from './index.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const ownPackage = JSON.parse(await readFile(path.join(packageDirectory, 'package.json'), 'utf8')) as { name: string; version: string };

const app = await mkdtemp(path.join(tmpdir(), 'jsfunc-rf-app-'));
afterAll(() => rm(app, { recursive: true, force: true }));

it('discoverFlavors finds the package in an app that depends on it, and the flavor it builds loads models', async () => {
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'iris-app', private: true, type: 'module', dependencies: { [ownPackage.name]: `^${ownPackage.version}`, 'left-pad': '^1.0.0' } }),
  );
  await mkdir(path.join(app, 'node_modules'), { recursive: true });
  await symlink(packageDirectory, path.join(app, 'node_modules', ownPackage.name), 'dir');

  const discovered = discoverFlavors({ cwd: app });
  expect(discovered).toHaveLength(1);
  expect(discovered[0]).toMatchObject({ packageName: 'jsfunc-flavor-ml-random-forest', version: ownPackage.version, exportName: 'randomForestFlavor' });
  expect(discovered[0]!.entry).toBe(path.join(packageDirectory, 'dist', 'index.js'));

  const flavors = await importFlavors(discovered);
  expect(flavors.map((flavor) => flavor.name)).toEqual(['ml_random_forest']);

  const forest = trainIrisClassifier();
  const saved = path.join(app, 'model');
  await saveModel(forest, { flavor: randomForestFlavor(), path: saved, logger: silentLogger });
  const model = await createModelLoader({ flavors, logger: silentLogger }).load(saved);
  expect(await model.predict(IRIS_QUERIES)).toEqual(forest.predict(IRIS_QUERIES));
  await model.dispose();
});
