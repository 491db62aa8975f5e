import * as tf from '@tensorflow/tfjs';
import { saveModel, loadModel } from '@jsfunc/core';
import { tfjsFlavor, initializeTfjsBackend, describeTfjsModel } from './dist/index.js';
import { createTfjsPredictor } from './dist/tfjs-predictor.js';
import os from 'node:os'; import path from 'node:path'; import fs from 'node:fs';
await initializeTfjsBackend('wasm');
const flavor = tfjsFlavor({ backend: 'wasm' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-')) + '/m';
await saveModel('/work/shared/fixtures/tfjs/emotion-graph', { flavor, path: dir, logger: {warn(){}} });
const loaded = await loadModel(dir, { flavors: [flavor], logger: {warn(){}} });
const g = loaded.unwrap();
const pred = createTfjsPredictor(tf, g, describeTfjsModel(g));
const data = new Float32Array(4096).map((_, i) => (i % 17) / 17); const shape = [1,64,64,1];
const variants = {
  raw: async () => { const x = tf.tensor(data, shape); const y = g.predict(x); await y.data(); tf.dispose([x, y]); },
  rawTidy: async () => { const y = tf.tidy(() => g.predict(tf.tensor(data, shape))); await y.data(); y.dispose(); },
  flavor: () => pred({ kind: 'tensors', tensors: { input_1: { dtype: 'float32', shape, data } } }),
  predict: () => loaded.predict({ dtype: 'float32', shape, data }),
};

const pairs = [['raw','flavor'],['raw','predict'],['raw','rawTidy'],['raw','raw2']];
variants.raw2 = variants.raw;
for (const f of Object.values(variants)) for (let i = 0; i < 30; i++) await f();
async function cpu(f){ const c = process.cpuUsage(); for (let i = 0; i < 20; i++) await f(); const u = process.cpuUsage(c); return (u.user+u.system)/1000/20; }
for (const [a,b] of pairs) { const ratios=[]; for (let r=0;r<16;r++){ let ta,tb; if(r%2){ta=await cpu(variants[a]); tb=await cpu(variants[b]);} else {tb=await cpu(variants[b]); ta=await cpu(variants[a]);} ratios.push(tb/ta);} ratios.sort((x,y)=>x-y); console.log(b,'/',a, ratios[8].toFixed(3), 'min', ratios[0].toFixed(3), 'max', ratios[15].toFixed(3)); }
