import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMLmodel, saveModel, serializeMLmodel, type MLmodel, type SaveModelOptions } from '@jsfunc/core';
import type { RunData } from './mlflow-types.js';
import { createTrackingBackend, type LoggedModelFields } from './tracking-backend.js';
import { resolveTrackingTarget, type TrackingOptions } from './tracking-config.js';
import { trackingError } from './tracking-error.js';

/** Options of {@link logModel}: where to log, what to record, and how to save the model. */
export interface LogModelOptions extends TrackingOptions, Omit<SaveModelOptions, 'path'> {
  /** Name of the model in the run (the run-relative artifact path; MLflow 3's `name`). Default `model`. */
  artifactPath?: string;
  /** Log into this existing run (left running). Without it a run is created and finished. */
  runId?: string;
  /** Experiment for a new run: default `MLFLOW_EXPERIMENT_NAME`, else `Default`. */
  experimentName?: string;
  /** Name of a new run. */
  runName?: string;
  /** Params, metrics and tags recorded on the run. */
  params?: RunData['params'];
  metrics?: RunData['metrics'];
  tags?: RunData['tags'];
  /** Register the model under this name (a new version is created). */
  registeredModelName?: string;
  /** Aliases pointed at the new version (for example `champion`). */
  aliases?: readonly string[];
  /** Tags on the new model version. */
  versionTags?: Record<string, string>;
  /**
   * MLflow 3 logged model: `auto` (default) creates one when the server has them, as MLflow 3's
   * Python `log_model` does; `false` stores the files as plain run artifacts; `true` requires one.
   */
  loggedModel?: 'auto' | boolean;
  /** How long to wait for a registered version to become READY (default 300 000 ms). */
  awaitRegistrationMs?: number;
}

/** What {@link logModel} recorded. */
export interface LoggedModelInfo {
  /** The tracking URI the model was logged to. */
  trackingUri: string;
  experimentId: string;
  runId: string;
  artifactPath: string;
  /** `runs:/<run_id>/<artifact path>`: loads the model (with `mlflowResolver()`). */
  modelUri: string;
  /** The MLflow 3 logged model id (`m-…`), when one was created. */
  modelId?: string;
  /** Where the model files are stored. */
  artifactUri: string;
  /** The registered version, when `registeredModelName` was given. */
  registeredModel?: { name: string; version: string; aliases: readonly string[]; uri: string };
  /** The MLmodel as uploaded. */
  mlmodel: MLmodel;
}

const VALID_NAME = /^[^/\\]+(\/[^/\\]+)*$/;

/**
 * Saves a model with `saveModel` into a temporary directory and logs it to MLflow: as an artifact
 * of a run (plus an MLflow 3 logged model where the server has them), with params, metrics and
 * tags, and optionally registers a version with aliases. Works with an MLflow tracking server
 * (`http(s)://…`) and with a local `mlruns/` directory laid out as MLflow's file store.
 *
 * Uploads are retried where safe, `MLmodel` is uploaded last, and a version that fails to become
 * READY (or to get its aliases) is deleted again, so nothing half-registered is left behind.
 *
 * @throws JsfuncError `ERR_TRACKING_*` for tracking failures, and whatever `saveModel` throws.
 */
export async function logModel(source: unknown, options: LogModelOptions): Promise<LoggedModelInfo> {
  const target = resolveTrackingTarget(options);
  const backend = createTrackingBackend(target);
  const env = options.env ?? process.env;
  const artifactPath = options.artifactPath ?? 'model';
  if (!VALID_NAME.test(artifactPath) || artifactPath.split('/').some((part) => part === '..' || part === '.')) {
    throw trackingError('ERR_TRACKING_BAD_REQUEST', `artifactPath "${artifactPath}" must be a relative path without "." or ".." segments.`, { artifactPath });
  }

  let runId = options.runId;
  let experimentId: string;
  const ownsRun = runId === undefined;
  if (runId === undefined) {
    experimentId = await backend.getOrCreateExperiment(options.experimentName ?? env.MLFLOW_EXPERIMENT_NAME ?? 'Default');
    const run = await backend.createRun(experimentId, {
      ...(options.runName ? { runName: options.runName } : {}),
      tags: { 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': 'jsfunc', ...(env.USER ? { 'mlflow.user': env.USER } : {}) },
    });
    runId = run.runId;
  } else {
    experimentId = await backend.getRunExperiment(runId);
  }

  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-log-model-'));
  try {
    const data: RunData = {};
    if (options.params) data.params = options.params;
    if (options.metrics) data.metrics = options.metrics;
    if (options.tags) data.tags = options.tags;
    if (data.params || data.metrics || data.tags) await backend.logBatch(runId, data);

    const { trackingUri: _t, username: _u, password: _p, token: _k, insecureTls: _i, caCertPath: _c, timeoutMs: _m, maxRetries: _r, retryDelayMs: _d, env: _e, artifactPath: _a, runId: _ri, experimentName: _en, runName: _rn, params: _pa, metrics: _me, tags: _ta, registeredModelName: _rm, aliases: _al, versionTags: _vt, loggedModel: _lm, awaitRegistrationMs: _aw, ...saveOptions } = options;
    const directory = path.join(workspace, 'model');
    await saveModel(source, { ...saveOptions, path: directory });

    const mlmodelFile = path.join(directory, 'MLmodel');
    let mlmodel = parseMLmodel(await fs.readFile(mlmodelFile, 'utf8'), mlmodelFile);
    const stored = await backend.storeModel({
      experimentId,
      runId,
      artifactPath,
      directory,
      loggedModel: options.loggedModel ?? 'auto',
      modelType: options.flavor.name,
      async writeFields(fields: LoggedModelFields) {
        // MLmodel is outside the integrity record, so recording where the model was logged is safe.
        mlmodel = { ...mlmodel, ...fields } as MLmodel;
        await fs.writeFile(mlmodelFile, serializeMLmodel(mlmodel));
      },
    });

    const info: LoggedModelInfo = {
      trackingUri: target.uri,
      experimentId,
      runId,
      artifactPath,
      modelUri: stored.runUri,
      artifactUri: stored.artifactUri,
      mlmodel,
      ...(stored.modelId ? { modelId: stored.modelId } : {}),
    };
    if (options.registeredModelName !== undefined) {
      const aliases = options.aliases ?? [];
      const version = await backend.registerModelVersion({
        name: options.registeredModelName,
        source: stored.source,
        runId,
        ...(stored.modelId ? { modelId: stored.modelId } : {}),
        ...(options.versionTags ? { tags: options.versionTags } : {}),
        aliases,
        awaitTimeoutMs: options.awaitRegistrationMs ?? 300_000,
      });
      info.registeredModel = { name: options.registeredModelName, version, aliases, uri: `models:/${options.registeredModelName}/${version}` };
    }
    if (ownsRun) await backend.setRunStatus(runId, 'FINISHED');
    return info;
  } catch (error) {
    if (ownsRun) await backend.setRunStatus(runId, 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    await fs.rm(workspace, { recursive: true, force: true });
  }
}
