import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelLoader, createTensor, JsfuncError, parseMLmodel, silentLogger } from '@jsfunc/core';
import { scaleFlavor } from '../test/scale-flavor.js';
import { logModel } from './log-model.js';
import { mlflowResolver } from './mlflow-resolver.js';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-log-model-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('logModel to a local mlruns/ store', () => {
  it('records the run and the model, registers it, and loads back by runs:/, version and alias', async () => {
    const store = path.join(root, 'mlruns');
    const logged = await logModel(
      { scale: 3, offset: 1 },
      { flavor: scaleFlavor(), trackingUri: store, experimentName: 'e', params: { k: 'v' }, registeredModelName: 'scaler', aliases: ['prod'], logger: silentLogger },
    );
    expect(logged).toMatchObject({ artifactPath: 'model', modelUri: `runs:/${logged.runId}/model`, registeredModel: { name: 'scaler', version: '1' } });
    const mlmodel = parseMLmodel(await fs.readFile(path.join(store, logged.experimentId, logged.runId, 'artifacts', 'model', 'MLmodel'), 'utf8'));
    expect(mlmodel).toMatchObject({ run_id: logged.runId, artifact_path: 'model' });

    const loader = createModelLoader({ flavors: [scaleFlavor()], resolvers: [mlflowResolver({ trackingUri: store })], logger: silentLogger });
    for (const uri of [logged.modelUri, 'models:/scaler/1', 'models:/scaler@prod', 'models:/scaler/latest']) {
      const model = await loader.load(uri);
      const output = (await model.predict(createTensor('float64', [2], Float64Array.from([1, 2])))) as { data: Float64Array };
      expect(Array.from(output.data), uri).toEqual([4, 7]);
      await model.dispose();
    }
  });

  it('marks a run it created FAILED when saving the model fails, and registers nothing', async () => {
    const store = path.join(root, 'mlruns');
    const flavor = { ...scaleFlavor(), save: async () => Promise.reject(new Error('disk full')) };
    await expect(logModel({}, { flavor, trackingUri: store, registeredModelName: 'never', logger: silentLogger })).rejects.toThrow('disk full');
    const experiments = (await fs.readdir(store)).filter((entry) => entry !== 'models');
    const metas = [];
    for (const experiment of experiments) {
      for (const run of await fs.readdir(path.join(store, experiment))) {
        if (run !== 'meta.yaml') metas.push(await fs.readFile(path.join(store, experiment, run, 'meta.yaml'), 'utf8'));
      }
    }
    expect(metas).toHaveLength(1);
    expect(metas[0]).toContain('status: 4');
    await expect(fs.access(path.join(store, 'models', 'never'))).rejects.toThrow();
  });

  it('refuses an artifact path that leaves the run', async () => {
    const error = await logModel({}, { flavor: scaleFlavor(), trackingUri: path.join(root, 'mlruns'), artifactPath: '../x', logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TRACKING_BAD_REQUEST')).toBe(true);
  });
});
