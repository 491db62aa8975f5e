import { readdir, readFile, writeFile, mkdir, copyFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { JsfuncError } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryReader, directoryWriter, temporaryDirectory, upscalerLayersDirectory } from '../test/helpers.js';
import { createReaderLoadHandler, createWriterSaveHandler } from './io-handlers.js';
import { initializeTfjsBackend } from './tfjs-backend.js';

let work: Awaited<ReturnType<typeof temporaryDirectory>>;
beforeAll(async () => {
  await initializeTfjsBackend('cpu');
  work = await temporaryDirectory();
});
afterAll(() => work.remove());

function tinyModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}

describe('createWriterSaveHandler', () => {
  it("writes model.json + weights.bin in the layout of tfjs-node's file:// handler", async () => {
    const directory = path.join(work.path, 'saved');
    const model = tinyModel();
    const result = await model.save(createWriterSaveHandler(tf, directoryWriter(directory), 'model'));
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect((await readdir(path.join(directory, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(path.join(directory, 'model', 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bytes = await readFile(path.join(directory, 'model', 'weights.bin'));
    // 4*3 + 3 + 3*2 + 2 float32 weights.
    expect(bytes.byteLength).toBe((12 + 3 + 6 + 2) * 4);

    const loaded = await tf.loadLayersModel(createReaderLoadHandler(tf, directoryReader(directory), 'model/model.json'));
    const x = tf.tensor2d([[1, -2, 3, 0.5]]);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const actual = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(actual)).toEqual(Array.from(expected));
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });
});

describe('createReaderLoadHandler', () => {
  it('reads every shard the manifest names, relative to model.json', async () => {
    const loaded = await tf.loadLayersModel(createReaderLoadHandler(tf, directoryReader(upscalerLayersDirectory), 'model.json'));
    expect(loaded.inputNames).toEqual(['LR']);
    loaded.dispose();
  });

  it('refuses a weight path that leaves the model directory', async () => {
    const directory = path.join(work.path, 'escape', 'inner');
    await mkdir(directory, { recursive: true });
    const json = JSON.parse(await readFile(path.join(upscalerLayersDirectory, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../outside.bin'];
    await writeFile(path.join(directory, 'model.json'), JSON.stringify(json));
    await copyFile(path.join(upscalerLayersDirectory, 'group1-shard1of1.bin'), path.join(work.path, 'escape', 'outside.bin'));
    const error = await tf
      .loadLayersModel(createReaderLoadHandler(tf, directoryReader(directory), 'model.json'))
      .catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_PATH_ESCAPE')).toBe(true);
  });
});
