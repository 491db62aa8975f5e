import * as tf from '@tensorflow/tfjs';
import type { TensorV1 } from '@jsfunc/core';
import { runFlavorConformance } from '@jsfunc/testkit';
import { expect } from 'vitest';
import { tfjsFlavor } from './tfjs-flavor.js';

// A tiny LayersModel built here: y = x · [1, 2] (+ 0), on the cpu backend.
function createSource() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [2], name: 'y', weights: [tf.tensor2d([[1], [2]]), tf.tensor1d([0])] }));
  return model;
}

runFlavorConformance({
  flavor: tfjsFlavor({ backend: 'cpu' }),
  createSource,
  input: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 1, 3, 4]) },
  checkOutput(output) {
    // One tensor in, one tensor out: the single named output `y` is unwrapped.
    const tensor = output as TensorV1;
    expect(tensor.shape).toEqual([2, 1]);
    expect(Array.from(tensor.data as Float32Array)).toEqual([3, 11]);
  },
  invalidFlavorConfigs: [
    { data: 'model', model_format: 'saved-model', tfjs_version: '4.22.0' },
    { model_format: 'layers-model', data: 42 },
    { data: 'missing-folder', model_format: 'layers-model', tfjs_version: '4.22.0' },
  ],
});
