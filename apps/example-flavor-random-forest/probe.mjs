import { createTensor, loadModel, saveModel, silentLogger, enforceSchema } from '@jsfunc/core';
import { RandomForestClassifier } from 'ml-random-forest';
import { randomForestFlavor } from './dist/index.js';
import { mkdtempSync } from 'node:fs';
const rnd = () => Math.random();
const X = Array.from({length: 600}, (_, i) => [i%3 + rnd(), rnd(), rnd(), rnd()]);
const c = new RandomForestClassifier({ nEstimators: 50, noOOB: true }); c.train(X, X.map((_, i) => i % 3));
const dir = mkdtempSync('/tmp/rfp-') + '/m';
await saveModel(c, { flavor: randomForestFlavor(), path: dir, logger: silentLogger });
const m = await loadModel(dir, { flavors: [randomForestFlavor()], logger: silentLogger });
const rows = Array.from({length: 1000}, () => [rnd()*3, rnd(), rnd(), rnd()]);
const t = createTensor('float64', [1000, 4], Float64Array.from(rows.flat()));
const sig = m.signature.inputs;
const bench = async (name, f, n = 30) => { for (let i=0;i<5;i++) await f(); const s = performance.now(); for (let i=0;i<n;i++) await f(); console.log(name, ((performance.now()-s)/n).toFixed(3), 'ms'); };
for (let k=0;k<2;k++) {
await bench('native rows', () => c.predict(rows));
await bench('native (loaded)', () => m.unwrap().predict(rows));
await bench('enforceSchema', () => enforceSchema({kind:'tensor', tensor: t}, sig, silentLogger));
await bench('predictData', () => m.predictData({kind:'tensor', tensor: t}));
await bench('predict', () => m.predict(t));
}
