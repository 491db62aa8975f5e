import path from 'node:path';
import { JsfuncError } from '@jsfunc/core';
import { createHttpTransport, type HttpTransport, type HttpTransportOptions } from './http-transport.js';
import type {
  MlflowExperiment,
  MlflowFileInfo,
  MlflowLoggedModel,
  MlflowModelVersion,
  MlflowRun,
  RunData,
} from './mlflow-types.js';
import { trackingError } from './tracking-error.js';

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

function query(values: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, value);
  return `?${search.toString()}`;
}

function encodePath(relative: string): string {
  return relative
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * The MLflow tracking server REST API (`/api/2.0/mlflow/...` and the artifact proxy
 * `/api/2.0/mlflow-artifacts/artifacts/...`), typed for what jsfunc needs.
 */
export interface MlflowRestClient {
  readonly transport: HttpTransport;
  getExperimentByName(name: string): Promise<MlflowExperiment | undefined>;
  createExperiment(name: string): Promise<string>;
  /** The id of the named experiment, created when missing (a concurrent create is tolerated). */
  getOrCreateExperiment(name: string): Promise<string>;
  createRun(experimentId: string, options?: { runName?: string; tags?: Record<string, string> }): Promise<MlflowRun>;
  getRun(runId: string): Promise<MlflowRun>;
  logBatch(runId: string, data: RunData): Promise<void>;
  setRunStatus(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
  /** Lists run artifacts under `artifactPath` (the run's own API, works with any artifact store). */
  listRunArtifacts(runId: string, artifactPath?: string): Promise<{ rootUri: string; files: MlflowFileInfo[] }>;
  /** Uploads one file to the artifact proxy; `proxyPath` is the path after `mlflow-artifacts:/`. */
  uploadArtifact(proxyPath: string, file: string): Promise<void>;
  downloadArtifact(proxyPath: string, destination: string): Promise<void>;
  listProxyArtifacts(proxyPath: string): Promise<MlflowFileInfo[]>;
  createRegisteredModel(name: string): Promise<void>;
  createModelVersion(options: { name: string; source: string; runId?: string; modelId?: string; tags?: Record<string, string> }): Promise<MlflowModelVersion>;
  getModelVersion(name: string, version: string): Promise<MlflowModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;
  getLatestVersion(name: string): Promise<MlflowModelVersion>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion>;
  /** True when the server has MLflow 3 logged models (checked once, by probing the endpoint). */
  supportsLoggedModels(): Promise<boolean>;
  createLoggedModel(options: {
    experimentId: string;
    name: string;
    sourceRunId?: string;
    modelType?: string;
    params?: Record<string, string>;
    tags?: Record<string, string>;
  }): Promise<MlflowLoggedModel>;
  getLoggedModel(modelId: string): Promise<MlflowLoggedModel>;
  finalizeLoggedModel(modelId: string, status: 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'): Promise<void>;
  searchLoggedModels(experimentIds: string[], filter: string): Promise<MlflowLoggedModel[]>;
  logOutputs(runId: string, modelId: string, step?: number): Promise<void>;
}

/** Creates a REST client for the MLflow tracking server at `options.baseUrl`. */
export function createMlflowRestClient(options: HttpTransportOptions): MlflowRestClient {
  const transport = createHttpTransport(options);
  const json = transport.json.bind(transport);
  let loggedModels: Promise<boolean> | undefined;

  const client: MlflowRestClient = {
    transport,
    async getExperimentByName(name) {
      try {
        const answer = await json<{ experiment: MlflowExperiment }>('GET', `${API}/experiments/get-by-name${query({ experiment_name: name })}`);
        return answer.experiment;
      } catch (error) {
        if (JsfuncError.isInstance(error, 'ERR_TRACKING_NOT_FOUND')) return undefined;
        throw error;
      }
    },
    async createExperiment(name) {
      const answer = await json<{ experiment_id: string }>('POST', `${API}/experiments/create`, { name });
      return answer.experiment_id;
    },
    async getOrCreateExperiment(name) {
      const found = await client.getExperimentByName(name);
      if (found) return found.experiment_id;
      try {
        return await client.createExperiment(name);
      } catch (error) {
        // Another writer created it between our two calls.
        const again = await client.getExperimentByName(name);
        if (again) return again.experiment_id;
        throw error;
      }
    },
    async createRun(experimentId, runOptions = {}) {
      const tags = Object.entries(runOptions.tags ?? {}).map(([key, value]) => ({ key, value }));
      const answer = await json<{ run: MlflowRun }>('POST', `${API}/runs/create`, {
        experiment_id: experimentId,
        start_time: Date.now(),
        ...(runOptions.runName ? { run_name: runOptions.runName } : {}),
        tags,
      });
      return answer.run;
    },
    async getRun(runId) {
      const answer = await json<{ run: MlflowRun }>('GET', `${API}/runs/get${query({ run_id: runId })}`);
      return answer.run;
    },
    async logBatch(runId, data) {
      const timestamp = Date.now();
      const params = Object.entries(data.params ?? {}).map(([key, value]) => ({ key, value: String(value) }));
      const metrics = Object.entries(data.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp, step: 0 }));
      const tags = Object.entries(data.tags ?? {}).map(([key, value]) => ({ key, value }));
      // log-batch accepts at most 100 params, 1000 metrics, 100 tags per call.
      for (let index = 0; index < Math.max(params.length, metrics.length, tags.length); index += 100) {
        await json('POST', `${API}/runs/log-batch`, {
          run_id: runId,
          params: params.slice(index, index + 100),
          metrics: metrics.slice(index, index + 100),
          tags: tags.slice(index, index + 100),
        });
      }
    },
    async setRunStatus(runId, status) {
      await json('POST', `${API}/runs/update`, { run_id: runId, status, end_time: Date.now() }, true);
    },
    async listRunArtifacts(runId, artifactPath) {
      const answer = await json<{ root_uri: string; files?: MlflowFileInfo[] }>(
        'GET',
        `${API}/artifacts/list${query({ run_id: runId, path: artifactPath })}`,
      );
      return { rootUri: answer.root_uri, files: answer.files ?? [] };
    },
    async uploadArtifact(proxyPath, file) {
      // PUT of the same bytes to the same path is idempotent: safe to retry.
      await transport.request({ method: 'PUT', path: `${ARTIFACTS}/${encodePath(proxyPath)}`, bodyFile: file, idempotent: true });
    },
    async downloadArtifact(proxyPath, destination) {
      await transport.request({ method: 'GET', path: `${ARTIFACTS}/${encodePath(proxyPath)}`, downloadTo: destination, idempotent: true });
    },
    async listProxyArtifacts(proxyPath) {
      const answer = await json<{ files?: MlflowFileInfo[] }>('GET', `${ARTIFACTS}${query({ path: proxyPath })}`);
      return answer.files ?? [];
    },
    async createRegisteredModel(name) {
      try {
        await json('POST', `${API}/registered-models/create`, { name });
      } catch (error) {
        if (JsfuncError.isInstance(error) && (error.details as { serverErrorCode?: string }).serverErrorCode === 'RESOURCE_ALREADY_EXISTS') return;
        throw error;
      }
    },
    async createModelVersion(versionOptions) {
      const tags = Object.entries(versionOptions.tags ?? {}).map(([key, value]) => ({ key, value }));
      const answer = await json<{ model_version: MlflowModelVersion }>('POST', `${API}/model-versions/create`, {
        name: versionOptions.name,
        source: versionOptions.source,
        ...(versionOptions.runId ? { run_id: versionOptions.runId } : {}),
        ...(versionOptions.modelId ? { model_id: versionOptions.modelId } : {}),
        tags,
      });
      return answer.model_version;
    },
    async getModelVersion(name, version) {
      const answer = await json<{ model_version: MlflowModelVersion }>('GET', `${API}/model-versions/get${query({ name, version })}`);
      return answer.model_version;
    },
    async deleteModelVersion(name, version) {
      await json('DELETE', `${API}/model-versions/delete`, { name, version }, true);
    },
    async getModelVersionDownloadUri(name, version) {
      const answer = await json<{ artifact_uri: string }>('GET', `${API}/model-versions/get-download-uri${query({ name, version })}`);
      return answer.artifact_uri;
    },
    async getLatestVersion(name) {
      const answer = await json<{ model_versions?: MlflowModelVersion[] }>('GET', `${API}/model-versions/search${query({ filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: '1000' })}`);
      const versions = (answer.model_versions ?? []).filter((version) => version.status === undefined || version.status === 'READY');
      versions.sort((a, b) => Number(b.version) - Number(a.version));
      const latest = versions[0];
      if (!latest) {
        throw trackingError('ERR_TRACKING_NOT_FOUND', `Registered model "${name}" has no ready version.`, { name });
      }
      return latest;
    },
    async setAlias(name, alias, version) {
      await json('POST', `${API}/registered-models/alias`, { name, alias, version }, true);
    },
    async getModelVersionByAlias(name, alias) {
      try {
        const answer = await json<{ model_version: MlflowModelVersion }>('GET', `${API}/registered-models/alias${query({ name, alias })}`);
        return answer.model_version;
      } catch (error) {
        // MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE; it is a "not found".
        if (JsfuncError.isInstance(error, 'ERR_TRACKING_BAD_REQUEST') && /alias .* not found/i.test(String(error.details.serverMessage))) {
          throw trackingError('ERR_TRACKING_NOT_FOUND', error.message.replace(/ The server refused.*$/, ''), error.details, error);
        }
        throw error;
      }
    },
    supportsLoggedModels() {
      loggedModels ??= (async () => {
        try {
          await json('GET', `${API}/logged-models/m-00000000000000000000000000000000`);
          return true;
        } catch (error) {
          // An MLflow 3 server answers RESOURCE_DOES_NOT_EXIST for an unknown id; an MLflow 2
          // server has no such route and answers 404 with an HTML or empty body.
          if (JsfuncError.isInstance(error, 'ERR_TRACKING_NOT_FOUND')) {
            return (error.details as { serverErrorCode?: string | null }).serverErrorCode === 'RESOURCE_DOES_NOT_EXIST';
          }
          throw error;
        }
      })();
      return loggedModels;
    },
    async createLoggedModel(modelOptions) {
      const answer = await json<{ model: MlflowLoggedModel }>('POST', `${API}/logged-models`, {
        experiment_id: modelOptions.experimentId,
        name: modelOptions.name,
        ...(modelOptions.sourceRunId ? { source_run_id: modelOptions.sourceRunId } : {}),
        ...(modelOptions.modelType ? { model_type: modelOptions.modelType } : {}),
        params: Object.entries(modelOptions.params ?? {}).map(([key, value]) => ({ key, value })),
        tags: Object.entries(modelOptions.tags ?? {}).map(([key, value]) => ({ key, value })),
      });
      return answer.model;
    },
    async getLoggedModel(modelId) {
      const answer = await json<{ model: MlflowLoggedModel }>('GET', `${API}/logged-models/${encodeURIComponent(modelId)}`);
      return answer.model;
    },
    async finalizeLoggedModel(modelId, status) {
      await json('PATCH', `${API}/logged-models/${encodeURIComponent(modelId)}`, { model_id: modelId, status }, true);
    },
    async searchLoggedModels(experimentIds, filter) {
      const answer = await json<{ models?: MlflowLoggedModel[] }>(
        'POST',
        `${API}/logged-models/search`,
        { experiment_ids: experimentIds, filter, max_results: 50 },
        true,
      );
      return answer.models ?? [];
    },
    async logOutputs(runId, modelId, step = 0) {
      await json('POST', `${API}/runs/outputs`, { run_id: runId, models: [{ model_id: modelId, step }] }, true);
    },
  };
  return client;
}

/** Splits `mlflow-artifacts:/a/b` (or `mlflow-artifacts://host/a/b`) into the proxy path `a/b`. */
export function proxyPathOf(artifactUri: string): string | undefined {
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const url = new URL(artifactUri);
    return decodeURIComponent(url.pathname).replace(/^\/+/, '');
  }
  const anchor = '/api/2.0/mlflow-artifacts/artifacts/';
  if (/^https?:/.test(artifactUri) && artifactUri.includes(anchor)) {
    return decodeURIComponent(artifactUri.slice(artifactUri.indexOf(anchor) + anchor.length));
  }
  return undefined;
}

/** Joins artifact-path segments with `/`, dropping empty ones. */
export function joinArtifactPath(...parts: (string | undefined)[]): string {
  return parts
    .filter((part): part is string => part !== undefined && part !== '')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
}

/** Converts a `file:` URI to a local path (other strings are returned as-is). */
export function localPathOf(uri: string): string {
  if (uri.startsWith('file:')) return decodeURIComponent(new URL(uri).pathname);
  return path.resolve(uri);
}
