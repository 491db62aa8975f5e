import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JsfuncError } from '@jsfunc/core';
import { createFileStore } from './file-store.js';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-file-store-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const readYaml = async (...parts: string[]) => parse(await fs.readFile(path.join(...parts), 'utf8')) as Record<string, unknown>;

describe('createFileStore', () => {
  it('lays out experiments, runs, params, metrics and tags as MLflow does', async () => {
    const store = createFileStore(path.join(root, 'mlruns'));
    const experimentId = await store.getOrCreateExperiment('fraud');
    expect(await store.getOrCreateExperiment('fraud')).toBe(experimentId);
    const run = await store.createRun(experimentId, { runName: 'first', tags: { team: 'risk' } });
    await store.logBatch(run.runId, { params: { depth: 4 }, metrics: { auc: 0.91 }, tags: { stage: 'dev' } });
    await store.setRunStatus(run.runId, 'FINISHED');

    const base = path.join(root, 'mlruns');
    expect(await readYaml(base, '0', 'meta.yaml')).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
    expect(await readYaml(base, experimentId, 'meta.yaml')).toMatchObject({ experiment_id: experimentId, name: 'fraud' });
    const meta = await readYaml(base, experimentId, run.runId, 'meta.yaml');
    expect(meta).toMatchObject({ run_id: run.runId, run_uuid: run.runId, run_name: 'first', status: 3, experiment_id: experimentId, lifecycle_stage: 'active' });
    expect(meta.artifact_uri).toBe(`file://${base}/${experimentId}/${run.runId}/artifacts`);
    expect(await fs.readFile(path.join(base, experimentId, run.runId, 'params', 'depth'), 'utf8')).toBe('4');
    expect(await fs.readFile(path.join(base, experimentId, run.runId, 'metrics', 'auc'), 'utf8')).toMatch(/^\d+ 0\.91 0\n$/);
    expect(await fs.readFile(path.join(base, experimentId, run.runId, 'tags', 'team'), 'utf8')).toBe('risk');
    expect(await fs.readFile(path.join(base, experimentId, run.runId, 'tags', 'mlflow.runName'), 'utf8')).toBe('first');
  });

  it('refuses to change a param, as MLflow does', async () => {
    const store = createFileStore(root);
    const run = await store.createRun(await store.getOrCreateExperiment('x'));
    await store.logBatch(run.runId, { params: { lr: 0.1 } });
    await expect(store.logBatch(run.runId, { params: { lr: 0.2 } })).rejects.toMatchObject({ code: 'ERR_TRACKING_BAD_REQUEST' });
  });

  it('registers versions counting from 1, with aliases MLflow can read', async () => {
    const store = createFileStore(root);
    const one = await store.createModelVersion('fraud', 'runs:/abc/model', 'abc');
    const two = await store.createModelVersion('fraud', 'runs:/def/model', 'def');
    expect([one.version, two.version]).toEqual(['1', '2']);
    await store.setAlias('fraud', 'champion', '1');
    expect(await fs.readFile(path.join(root, 'models', 'fraud', 'aliases', 'champion'), 'utf8')).toBe('1');
    expect(await readYaml(root, 'models', 'fraud', 'meta.yaml')).toMatchObject({ name: 'fraud', aliases: { champion: '1' } });
    expect(await readYaml(root, 'models', 'fraud', 'version-2', 'meta.yaml')).toMatchObject({ version: 2, source: 'runs:/def/model', status: 'READY', run_id: 'def' });
    expect((await store.getModelVersionByAlias('fraud', 'champion')).source).toBe('runs:/abc/model');
    expect((await store.getLatestVersion('fraud')).version).toBe('2');
  });

  it('answers ERR_TRACKING_NOT_FOUND for unknown runs, versions and aliases', async () => {
    const store = createFileStore(root);
    for (const promise of [store.getRun('0'.repeat(32)), store.getModelVersion('nope', '1'), store.getModelVersionByAlias('nope', 'a')]) {
      const error = await promise.catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_TRACKING_NOT_FOUND')).toBe(true);
    }
  });

  it('refuses names that would leave the store', async () => {
    const store = createFileStore(root);
    await expect(store.createModelVersion('../evil', 'x', null)).rejects.toMatchObject({ code: 'ERR_TRACKING_BAD_REQUEST' });
  });
});
