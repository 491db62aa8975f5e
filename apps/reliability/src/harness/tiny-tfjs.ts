import { saveModel } from '@jsfunc/core';
import { tfjsFlavor } from '@jsfunc/tfjs';
import * as tf from '@tensorflow/tfjs';

/**
 * Builds a tiny TF.js LayersModel (x f32[N,4] -> dense(8, relu) -> dense(3, softmax)) with fixed
 * weights and saves it with @jsfunc/tfjs at `target`.
 */
export async function saveTinyTfjsModel(target: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'ones', biasInitializer: 'zeros' }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'ones' })],
  });
  await saveModel(model, { flavor: tfjsFlavor({ backend: 'cpu' }), path: target, inputExample: [[0.1, 0.2, 0.3, 0.4]] });
  model.dispose();
  return target;
}
