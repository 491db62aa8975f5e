import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsfuncError } from '@jsfunc/core';
import { createFileStore, type FileStore } from './file-store.js';
import { createMlflowRestClient, joinArtifactPath, localPathOf, proxyPathOf, type MlflowRestClient } from './mlflow-rest-client.js';
import type { MlflowModelVersion, RunData } from './mlflow-types.js';
import { parseMlflowModelUri, type MlflowModelUri } from './parse-mlflow-model-uri.js';
import type { TrackingTarget } from './tracking-config.js';
import { trackingError } from './tracking-error.js';

/** Fields written into the MLmodel of a logged model before it is uploaded. */
export interface LoggedModelFields {
  run_id: string;
  artifact_path: string;
  model_id?: string;
}

/** Where a model ended up after {@link TrackingBackend.storeModel}. */
export interface StoredModel {
  /** `runs:/<run_id>/<artifact path>`. */
  runUri: string;
  /** The URI MLflow registers the model from (`models:/<model_id>` for MLflow 3 logged models). */
  source: string;
  /** The MLflow 3 logged model id, when one was created. */
  modelId?: string;
  /** The artifact location of the model files. */
  artifactUri: string;
}

/** Where to fetch a model from, and the cache key that identifies its (immutable) content. */
export interface ModelLocation {
  /** A local directory that can be used in place (file stores, local artifact roots). */
  localDirectory?: string;
  /** Stable key for the download cache (remote models only). */
  cacheKey?: string;
  /** Downloads the model files into `destination` (remote models only). */
  download?(destination: string): Promise<void>;
}

/** The operations `logModel` and the URI resolver need, over a REST server or a file store. */
export interface TrackingBackend {
  readonly target: TrackingTarget;
  getOrCreateExperiment(name: string): Promise<string>;
  createRun(experimentId: string, options: { runName?: string; tags?: Record<string, string> }): Promise<{ runId: string; experimentId: string }>;
  getRunExperiment(runId: string): Promise<string>;
  logBatch(runId: string, data: RunData): Promise<void>;
  setRunStatus(runId: string, status: 'FINISHED' | 'FAILED'): Promise<void>;
  storeModel(options: {
    experimentId: string;
    runId: string;
    artifactPath: string;
    directory: string;
    loggedModel: 'auto' | boolean;
    modelType?: string;
    writeFields(fields: LoggedModelFields): Promise<void>;
  }): Promise<StoredModel>;
  /** Registers a version and waits until it is READY; on any failure nothing stays registered. */
  registerModelVersion(options: {
    name: string;
    source: string;
    runId: string;
    modelId?: string;
    tags?: Record<string, string>;
    aliases?: readonly string[];
    awaitTimeoutMs: number;
  }): Promise<string>;
  locate(uri: MlflowModelUri): Promise<ModelLocation>;
}

async function listLocalFiles(root: string, relative = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listLocalFiles(root, child)));
    else if (entry.isFile()) out.push(child);
    else throw trackingError('ERR_TRACKING_BAD_REQUEST', `Refusing to upload "${child}": only regular files and folders can be logged (found a link or device).`, { file: child });
  }
  return out.sort();
}

/** Upload order: everything else first, `MLmodel` last, so a half-uploaded model is never loadable. */
function uploadOrder(files: string[]): string[] {
  return [...files.filter((file) => file !== 'MLmodel'), ...files.filter((file) => file === 'MLmodel')];
}

async function existingLocalDirectory(uri: string): Promise<string | undefined> {
  if (!uri.startsWith('file:') && !path.isAbsolute(uri)) return undefined;
  const local = localPathOf(uri);
  try {
    return (await fs.stat(local)).isDirectory() ? local : undefined;
  } catch {
    return undefined;
  }
}

function noModelAt(uri: string, where: string): JsfuncError {
  return trackingError('ERR_TRACKING_NOT_FOUND', `No model was found for ${uri}: ${where} holds no MLmodel file.`, { uri, where });
}

function createRestBackend(target: Extract<TrackingTarget, { kind: 'rest' }>): TrackingBackend {
  const client: MlflowRestClient = createMlflowRestClient(target.http);
  const host = new URL(target.uri).host;

  async function upload(proxyRoot: string, directory: string): Promise<void> {
    for (const file of uploadOrder(await listLocalFiles(directory))) {
      await client.uploadArtifact(joinArtifactPath(proxyRoot, file), path.join(directory, file));
    }
  }

  async function downloadTree(proxyRoot: string, destination: string, relative = ''): Promise<number> {
    let count = 0;
    for (const entry of await client.listProxyArtifacts(joinArtifactPath(proxyRoot, relative))) {
      const name = entry.path.split('/').pop()!;
      if (name === '' || name === '.' || name === '..') continue;
      const child = relative === '' ? name : `${relative}/${name}`;
      if (entry.is_dir) count += await downloadTree(proxyRoot, destination, child);
      else {
        const file = path.join(destination, ...child.split('/'));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await client.downloadArtifact(joinArtifactPath(proxyRoot, child), file);
        count += 1;
      }
    }
    return count;
  }

  /** A location for an artifact URI (`mlflow-artifacts:/…`, an http(s) proxy URL, or a local path). */
  async function locationOf(uri: string, artifactUri: string, cacheKey: string): Promise<ModelLocation> {
    const proxyRoot = proxyPathOf(artifactUri);
    if (proxyRoot !== undefined) {
      return {
        cacheKey,
        async download(destination) {
          const files = await downloadTree(proxyRoot, destination);
          try {
            await fs.access(path.join(destination, 'MLmodel'));
          } catch {
            throw noModelAt(uri, `${artifactUri} (${files} file(s))`);
          }
        },
      };
    }
    const local = await existingLocalDirectory(artifactUri);
    if (local !== undefined) return { localDirectory: local };
    throw trackingError(
      'ERR_TRACKING_ARTIFACT_UNSUPPORTED',
      `The artifacts of ${uri} live at ${artifactUri}, which jsfunc cannot read directly (only the server's artifact proxy, mlflow-artifacts:/, and local paths are supported).`,
      { uri, artifactUri },
    );
  }

  async function versionLocation(uri: string, version: MlflowModelVersion): Promise<ModelLocation> {
    const key = `${host}/models/${version.name}/${version.version}`;
    if (version.source.startsWith('models:/') || version.source.startsWith('runs:/')) {
      // MLflow 3 versions are registered from models:/<model_id>; MLflow 2 often from runs:/.
      const inner = await locate(parseMlflowModelUri(version.source));
      return inner.localDirectory !== undefined ? inner : { ...inner, cacheKey: key };
    }
    const downloadUri = await client.getModelVersionDownloadUri(version.name, version.version);
    return locationOf(uri, downloadUri, key);
  }

  async function locate(parsed: MlflowModelUri): Promise<ModelLocation> {
    switch (parsed.kind) {
      case 'run': {
        const run = await client.getRun(parsed.runId);
        const artifactUri = joinArtifactPath(run.info.artifact_uri, parsed.path);
        const key = `${host}/runs/${parsed.runId}/${parsed.path}`;
        // MLflow 3 keeps a logged model's files with the model, linked to the run as an output.
        const outputs = run.outputs?.model_outputs ?? [];
        if (outputs.length > 0 && parsed.path !== '') {
          const proxyRoot = proxyPathOf(artifactUri);
          const runHasFiles = proxyRoot !== undefined ? (await client.listProxyArtifacts(proxyRoot)).length > 0 : false;
          if (!runHasFiles) {
            for (const output of outputs) {
              const model = await client.getLoggedModel(output.model_id);
              if (model.info.name === parsed.path) return locationOf(parsed.uri, model.info.artifact_uri, key);
            }
          }
        }
        return locationOf(parsed.uri, artifactUri, key);
      }
      case 'logged-model': {
        const model = await client.getLoggedModel(parsed.modelId);
        return locationOf(parsed.uri, joinArtifactPath(model.info.artifact_uri, parsed.path), `${host}/logged-models/${parsed.modelId}/${parsed.path}`);
      }
      case 'version':
        return versionLocation(parsed.uri, await client.getModelVersion(parsed.name, parsed.version));
      case 'alias':
        return versionLocation(parsed.uri, await client.getModelVersionByAlias(parsed.name, parsed.alias));
      case 'latest':
        return versionLocation(parsed.uri, await client.getLatestVersion(parsed.name));
    }
  }

  return {
    target,
    getOrCreateExperiment: (name) => client.getOrCreateExperiment(name),
    async createRun(experimentId, options) {
      const run = await client.createRun(experimentId, options);
      return { runId: run.info.run_id, experimentId: run.info.experiment_id };
    },
    async getRunExperiment(runId) {
      return (await client.getRun(runId)).info.experiment_id;
    },
    logBatch: (runId, data) => client.logBatch(runId, data),
    setRunStatus: (runId, status) => client.setRunStatus(runId, status),
    async storeModel(options) {
      const run = await client.getRun(options.runId);
      const useLoggedModel = options.loggedModel === false ? false : await client.supportsLoggedModels();
      if (options.loggedModel === true && !useLoggedModel) {
        throw trackingError('ERR_TRACKING_BAD_REQUEST', `The tracking server at ${target.uri} has no MLflow 3 logged models (it is older than MLflow 3); log with loggedModel: 'auto' or false.`, { trackingUri: target.uri });
      }
      const runUri = `runs:/${options.runId}/${options.artifactPath}`;
      if (useLoggedModel) {
        const model = await client.createLoggedModel({
          experimentId: options.experimentId,
          name: options.artifactPath,
          sourceRunId: options.runId,
          ...(options.modelType ? { modelType: options.modelType } : {}),
        });
        const { model_id: modelId, artifact_uri: artifactUri } = model.info;
        const proxyRoot = proxyPathOf(artifactUri);
        if (proxyRoot === undefined) {
          await client.finalizeLoggedModel(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
          throw trackingError('ERR_TRACKING_ARTIFACT_UNSUPPORTED', `The server stores logged model ${modelId} at ${artifactUri}, which is not reachable through its artifact proxy.`, { artifactUri });
        }
        await options.writeFields({ run_id: options.runId, artifact_path: artifactUri, model_id: modelId });
        try {
          await upload(proxyRoot, options.directory);
        } catch (error) {
          await client.finalizeLoggedModel(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
          throw error;
        }
        await client.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY');
        await client.logOutputs(options.runId, modelId);
        return { runUri, source: `models:/${modelId}`, modelId, artifactUri };
      }
      const artifactUri = joinArtifactPath(run.info.artifact_uri, options.artifactPath);
      const proxyRoot = proxyPathOf(artifactUri);
      await options.writeFields({ run_id: options.runId, artifact_path: options.artifactPath });
      if (proxyRoot !== undefined) await upload(proxyRoot, options.directory);
      else {
        const local = run.info.artifact_uri.startsWith('file:') || path.isAbsolute(run.info.artifact_uri) ? localPathOf(artifactUri) : undefined;
        if (local === undefined) {
          throw trackingError('ERR_TRACKING_ARTIFACT_UNSUPPORTED', `Run ${options.runId} stores artifacts at ${run.info.artifact_uri}, which is not the server's artifact proxy.`, { artifactUri: run.info.artifact_uri });
        }
        await fs.cp(options.directory, local, { recursive: true });
      }
      return { runUri, source: artifactUri, artifactUri };
    },
    async registerModelVersion(options) {
      await client.createRegisteredModel(options.name);
      let version: MlflowModelVersion;
      try {
        version = await client.createModelVersion({
          name: options.name,
          source: options.source,
          runId: options.runId,
          ...(options.modelId ? { modelId: options.modelId } : {}),
          ...(options.tags ? { tags: options.tags } : {}),
        });
      } catch (error) {
        // A timeout or 5xx may hide a version the server did create: find it and remove it.
        if (JsfuncError.isInstance(error, 'ERR_TRACKING_TIMEOUT') || JsfuncError.isInstance(error, 'ERR_TRACKING_SERVER') || JsfuncError.isInstance(error, 'ERR_TRACKING_UNREACHABLE')) {
          await removeStrayVersions(options.name, options.source).catch(() => undefined);
        }
        throw error;
      }
      const cleanUp = async (cause: unknown, why: string): Promise<never> => {
        await client.deleteModelVersion(options.name, version.version).catch(() => undefined);
        if (JsfuncError.isInstance(cause) && cause.code !== 'ERR_TRACKING_REGISTRATION_FAILED') throw cause;
        throw trackingError('ERR_TRACKING_REGISTRATION_FAILED', `Registering ${options.source} as "${options.name}" failed (${why}); version ${version.version} was deleted again.`, { name: options.name, version: version.version, source: options.source }, cause);
      };
      const deadline = Date.now() + options.awaitTimeoutMs;
      let status = version.status;
      while (status === 'PENDING_REGISTRATION') {
        if (Date.now() > deadline) await cleanUp(undefined, `still pending after ${options.awaitTimeoutMs} ms`);
        await sleep(250);
        try {
          const current = await client.getModelVersion(options.name, version.version);
          status = current.status;
          version = current;
        } catch (error) {
          await cleanUp(error, (error as Error).message);
        }
      }
      if (status !== undefined && status !== 'READY') await cleanUp(undefined, `status ${status}: ${version.status_message ?? 'no message'}`);
      for (const alias of options.aliases ?? []) {
        try {
          await client.setAlias(options.name, alias, version.version);
        } catch (error) {
          await cleanUp(error, `setting alias "${alias}" failed: ${(error as Error).message}`);
        }
      }
      return version.version;
    },
    locate,
  };

  async function removeStrayVersions(name: string, source: string): Promise<void> {
    const answer = await client.transport.json<{ model_versions?: MlflowModelVersion[] }>(
      'GET',
      `/api/2.0/mlflow/model-versions/search?${new URLSearchParams({ filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: '1000' }).toString()}`,
    );
    for (const version of answer.model_versions ?? []) {
      if (version.source === source) await client.deleteModelVersion(name, version.version);
    }
  }
}

function createFileBackend(target: Extract<TrackingTarget, { kind: 'file' }>): TrackingBackend {
  const store: FileStore = createFileStore(target.root);

  async function sourceLocation(uri: string, source: string): Promise<ModelLocation> {
    if (source.startsWith('runs:/') || source.startsWith('models:/')) return locate(parseMlflowModelUri(source));
    const local = await existingLocalDirectory(source);
    if (local !== undefined) return { localDirectory: local };
    throw trackingError('ERR_TRACKING_ARTIFACT_UNSUPPORTED', `The model ${uri} is stored at ${source}, which is not a local directory.`, { uri, source });
  }

  async function locate(parsed: MlflowModelUri): Promise<ModelLocation> {
    switch (parsed.kind) {
      case 'run': {
        const run = await store.getRun(parsed.runId);
        const directory = path.join(run.artifactDirectory, ...parsed.path.split('/').filter(Boolean));
        try {
          await fs.access(path.join(directory, 'MLmodel'));
        } catch {
          throw noModelAt(parsed.uri, directory);
        }
        return { localDirectory: directory };
      }
      case 'version':
        return sourceLocation(parsed.uri, (await store.getModelVersion(parsed.name, parsed.version)).source);
      case 'alias':
        return sourceLocation(parsed.uri, (await store.getModelVersionByAlias(parsed.name, parsed.alias)).source);
      case 'latest':
        return sourceLocation(parsed.uri, (await store.getLatestVersion(parsed.name)).source);
      case 'logged-model':
        throw trackingError('ERR_TRACKING_ARTIFACT_UNSUPPORTED', `${parsed.uri} names an MLflow 3 logged model; jsfunc's file store logs models as run artifacts, so use runs:/ or models:/<name>/<version> URIs with it.`, { uri: parsed.uri });
    }
  }

  return {
    target,
    getOrCreateExperiment: (name) => store.getOrCreateExperiment(name),
    async createRun(experimentId, options) {
      const run = await store.createRun(experimentId, options);
      return { runId: run.runId, experimentId: run.experimentId };
    },
    async getRunExperiment(runId) {
      return (await store.getRun(runId)).experimentId;
    },
    logBatch: (runId, data) => store.logBatch(runId, data),
    setRunStatus: (runId, status) => store.setRunStatus(runId, status),
    async storeModel(options) {
      if (options.loggedModel === true) {
        throw trackingError('ERR_TRACKING_BAD_REQUEST', 'MLflow 3 logged models need a tracking server; the file store logs models as run artifacts. Use loggedModel: "auto" or false.', {});
      }
      const run = await store.getRun(options.runId);
      await options.writeFields({ run_id: options.runId, artifact_path: options.artifactPath });
      await store.logArtifacts(options.runId, options.directory, options.artifactPath);
      const runUri = `runs:/${options.runId}/${options.artifactPath}`;
      return { runUri, source: runUri, artifactUri: joinArtifactPath(run.artifactUri, options.artifactPath) };
    },
    async registerModelVersion(options) {
      const version = await store.createModelVersion(options.name, options.source, options.runId);
      try {
        for (const alias of options.aliases ?? []) await store.setAlias(options.name, alias, version.version);
      } catch (error) {
        await store.deleteModelVersion(options.name, version.version).catch(() => undefined);
        throw error;
      }
      return version.version;
    },
    locate,
  };
}

/** Creates the backend for a resolved tracking target. */
export function createTrackingBackend(target: TrackingTarget): TrackingBackend {
  return target.kind === 'rest' ? createRestBackend(target) : createFileBackend(target);
}
