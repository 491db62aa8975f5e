// pnpm bench (package): resolving a registered model from a local mlruns/ store with
// mlflowResolver (alias -> version -> run artifacts) vs the raw baseline of using the directory
// path directly. Shows the cost the resolver adds in front of every load. Runs against dist/.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFileStore, mlflowResolver } from '../dist/index.js';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 2000);
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-bench-tracking-'));
try {
  const store = createFileStore(path.join(tmp, 'mlruns'));
  const run = await store.createRun(await store.getOrCreateExperiment('bench'));
  const model = path.join(tmp, 'model');
  await fs.mkdir(model);
  await fs.writeFile(path.join(model, 'MLmodel'), 'flavors: {}\n');
  await store.logArtifacts(run.runId, model, 'model');
  await store.createModelVersion('bench', `runs:/${run.runId}/model`, run.runId);
  await store.setAlias('bench', 'prod', '1');
  const resolver = mlflowResolver({ trackingUri: path.join(tmp, 'mlruns') });
  const directory = await resolver.resolve('models:/bench@prod');

  async function time(label, fn) {
    for (let index = 0; index < 100; index++) await fn();
    const start = performance.now();
    for (let index = 0; index < iterations; index++) await fn();
    const perCall = ((performance.now() - start) / iterations) * 1000;
    return { label, perCall };
  }
  const baseline = await time('raw: fs.access(<dir>/MLmodel)', () => fs.access(path.join(directory, 'MLmodel')));
  const alias = await time('mlflowResolver models:/bench@prod', () => resolver.resolve('models:/bench@prod'));
  const runs = await time(`mlflowResolver runs:/<run>/model`, () => resolver.resolve(`runs:/${run.runId}/model`));
  for (const result of [baseline, alias, runs]) {
    console.log(`${result.label.padEnd(40)} ${result.perCall.toFixed(1).padStart(8)} µs/call  ${(result.perCall / baseline.perCall).toFixed(1).padStart(6)}x baseline`);
  }
} finally {
  await fs.rm(tmp, { recursive: true, force: true });
}
