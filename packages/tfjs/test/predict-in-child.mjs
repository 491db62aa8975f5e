// Loads a saved jsfunc TF.js model in this (child) process and predicts once: how a server runs
// TF.js models in parallel (one model copy per child process, never several worker threads).
import { loadModel } from '@jsfunc/core';
import { tfjsFlavor } from '../dist/index.js';

const [directory, backend, seedText] = process.argv.slice(2);
const model = await loadModel(directory, { flavors: [tfjsFlavor({ backend })], logger: { warn: () => undefined } });
const data = new Float32Array(64 * 64);
let state = Number(seedText) >>> 0;
for (let index = 0; index < data.length; index++) {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  data[index] = state / 2 ** 32;
}
const result = await model.predict({ dtype: 'float32', shape: [1, 64, 64, 1], data });
process.stdout.write(JSON.stringify({ pid: process.pid, shape: result.shape, data: Array.from(result.data) }));
await model.dispose();
