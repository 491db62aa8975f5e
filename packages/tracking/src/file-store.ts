import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { RunData } from './mlflow-types.js';
import { trackingError } from './tracking-error.js';

/** RunStatus integers MLflow's file store writes in a run's meta.yaml. */
const RUN_STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;

/** A run in a file store. */
export interface FileStoreRun {
  runId: string;
  experimentId: string;
  /** The run's artifact root, a `file:` URI. */
  artifactUri: string;
  /** Absolute directory of the run's artifacts. */
  artifactDirectory: string;
}

/** A registered model version in a file store. */
export interface FileStoreModelVersion {
  name: string;
  version: string;
  source: string;
  runId: string | null;
}

/**
 * A tracking store laid out exactly as MLflow's own file store (`mlruns/`): experiments, runs with
 * params / metrics / tags, run artifacts, and the model registry under `mlruns/models/`. MLflow's
 * Python client reads it with `MLFLOW_TRACKING_URI=file:///.../mlruns` (MLflow 3.7+ also asks for
 * `MLFLOW_ALLOW_FILE_STORE=true`, since its file store is in maintenance mode).
 */
export interface FileStore {
  readonly root: string;
  getOrCreateExperiment(name: string): Promise<string>;
  createRun(experimentId: string, options?: { runName?: string; tags?: Record<string, string> }): Promise<FileStoreRun>;
  getRun(runId: string): Promise<FileStoreRun>;
  logBatch(runId: string, data: RunData): Promise<void>;
  setRunStatus(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
  /** Copies a local directory into the run's artifacts at `artifactPath`. */
  logArtifacts(runId: string, localDirectory: string, artifactPath: string): Promise<void>;
  /** Registers a version (creating the registered model when missing); versions count from 1. */
  createModelVersion(name: string, source: string, runId: string | null): Promise<FileStoreModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  getModelVersion(name: string, version: string): Promise<FileStoreModelVersion>;
  getLatestVersion(name: string): Promise<FileStoreModelVersion>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<FileStoreModelVersion>;
}

async function readYaml(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = parseYaml(await fs.readFile(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object') {
      throw trackingError('ERR_TRACKING_STORE_CORRUPT', `Expected a YAML mapping in ${file}, found ${JSON.stringify(parsed)}.`, { file });
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes YAML the way PyYAML's safe_dump does (block style, sorted keys), atomically. */
async function writeYaml(file: string, value: Record<string, unknown>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, stringifyYaml(value, { sortMapEntries: true, lineWidth: 0 }));
  await fs.rename(temporary, file);
}

async function listDirectories(directory: string): Promise<string[]> {
  try {
    return (await fs.readdir(directory, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Rejects keys MLflow would refuse (and anything that could leave the store directory). */
function assertKey(kind: string, key: string): void {
  if (key === '' || key.includes('..') || key.startsWith('/') || key.includes('\\') || key.includes('\0')) {
    throw trackingError('ERR_TRACKING_BAD_REQUEST', `Invalid ${kind} name ${JSON.stringify(key)}: names must be non-empty relative names without "..".`, { kind, key });
  }
}

function notFound(message: string, details: Record<string, unknown>): Error {
  return trackingError('ERR_TRACKING_NOT_FOUND', message, details);
}

/** Opens (or starts) an MLflow file store rooted at `root` (a path or a `file:` URI). */
export function createFileStore(root: string): FileStore {
  const base = root.startsWith('file:') ? decodeURIComponent(new URL(root).pathname) : path.resolve(root);
  const now = () => Date.now();

  async function ensureDefaultExperiment(): Promise<void> {
    const meta = path.join(base, '0', 'meta.yaml');
    if ((await readYaml(meta)) !== undefined) return;
    const time = now();
    await writeYaml(meta, {
      artifact_location: pathToFileURL(path.join(base, '0')).href,
      creation_time: time,
      experiment_id: '0',
      last_update_time: time,
      lifecycle_stage: 'active',
      name: 'Default',
    });
  }

  async function findRunDirectory(runId: string): Promise<string> {
    assertKey('run id', runId);
    for (const experiment of await listDirectories(base)) {
      if (experiment === 'models' || experiment === '.trash') continue;
      const candidate = path.join(base, experiment, runId);
      if ((await readYaml(path.join(candidate, 'meta.yaml'))) !== undefined) return candidate;
    }
    throw notFound(`Run "${runId}" was not found in the file store ${base}.`, { runId, store: base });
  }

  function modelDirectory(name: string): string {
    assertKey('registered model', name);
    return path.join(base, 'models', name);
  }

  async function readVersion(name: string, version: string): Promise<FileStoreModelVersion> {
    const meta = await readYaml(path.join(modelDirectory(name), `version-${version}`, 'meta.yaml'));
    if (!meta) throw notFound(`Registered model "${name}" has no version ${version} in ${base}.`, { name, version });
    return { name, version: String(meta.version), source: String(meta.source), runId: typeof meta.run_id === 'string' ? meta.run_id : null };
  }

  const store: FileStore = {
    root: base,
    async getOrCreateExperiment(name) {
      await ensureDefaultExperiment();
      for (const id of await listDirectories(base)) {
        const meta = await readYaml(path.join(base, id, 'meta.yaml'));
        if (meta && meta.name === name && meta.lifecycle_stage !== 'deleted') return String(meta.experiment_id);
      }
      // MLflow's file store uses random positive integers as experiment ids.
      const id = String(randomInt(1, 2 ** 47)) + String(randomInt(0, 999)).padStart(3, '0');
      const time = now();
      await writeYaml(path.join(base, id, 'meta.yaml'), {
        artifact_location: pathToFileURL(path.join(base, id)).href,
        creation_time: time,
        experiment_id: id,
        last_update_time: time,
        lifecycle_stage: 'active',
        name,
      });
      return id;
    },
    async createRun(experimentId, options = {}) {
      assertKey('experiment id', experimentId);
      if ((await readYaml(path.join(base, experimentId, 'meta.yaml'))) === undefined) {
        throw notFound(`Experiment "${experimentId}" was not found in the file store ${base}.`, { experimentId });
      }
      const runId = randomBytes(16).toString('hex');
      const runDirectory = path.join(base, experimentId, runId);
      const artifactDirectory = path.join(runDirectory, 'artifacts');
      const artifactUri = pathToFileURL(artifactDirectory).href;
      const runName = options.runName ?? `jsfunc-${runId.slice(0, 8)}`;
      await fs.mkdir(artifactDirectory, { recursive: true });
      await fs.mkdir(path.join(runDirectory, 'metrics'), { recursive: true });
      await fs.mkdir(path.join(runDirectory, 'params'), { recursive: true });
      await writeYaml(path.join(runDirectory, 'meta.yaml'), {
        artifact_uri: artifactUri,
        end_time: null,
        entry_point_name: '',
        experiment_id: experimentId,
        lifecycle_stage: 'active',
        run_id: runId,
        run_name: runName,
        run_uuid: runId,
        source_name: '',
        source_type: 4,
        source_version: '',
        start_time: now(),
        status: RUN_STATUS.RUNNING,
        tags: [],
        user_id: process.env.USER ?? 'unknown',
      });
      await store.logBatch(runId, { tags: { 'mlflow.runName': runName, ...options.tags } });
      return { runId, experimentId, artifactUri, artifactDirectory };
    },
    async getRun(runId) {
      const runDirectory = await findRunDirectory(runId);
      const meta = (await readYaml(path.join(runDirectory, 'meta.yaml')))!;
      const artifactUri = String(meta.artifact_uri);
      return {
        runId,
        experimentId: String(meta.experiment_id),
        artifactUri,
        artifactDirectory: artifactUri.startsWith('file:') ? decodeURIComponent(new URL(artifactUri).pathname) : path.join(runDirectory, 'artifacts'),
      };
    },
    async logBatch(runId, data) {
      const runDirectory = await findRunDirectory(runId);
      for (const [key, value] of Object.entries(data.params ?? {})) {
        assertKey('param', key);
        const file = path.join(runDirectory, 'params', key);
        const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
        if (existing !== undefined && existing !== String(value)) {
          throw trackingError('ERR_TRACKING_BAD_REQUEST', `Param "${key}" of run ${runId} is already ${JSON.stringify(existing)}; MLflow params cannot change (got ${JSON.stringify(String(value))}).`, { runId, key });
        }
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, String(value));
      }
      const timestamp = now();
      for (const [key, value] of Object.entries(data.metrics ?? {})) {
        assertKey('metric', key);
        const file = path.join(runDirectory, 'metrics', key);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.appendFile(file, `${timestamp} ${value} 0\n`);
      }
      for (const [key, value] of Object.entries(data.tags ?? {})) {
        assertKey('tag', key);
        const file = path.join(runDirectory, 'tags', key);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, value);
      }
    },
    async setRunStatus(runId, status) {
      const runDirectory = await findRunDirectory(runId);
      const file = path.join(runDirectory, 'meta.yaml');
      const meta = (await readYaml(file))!;
      await writeYaml(file, { ...meta, status: RUN_STATUS[status], end_time: now() });
    },
    async logArtifacts(runId, localDirectory, artifactPath) {
      const run = await store.getRun(runId);
      const target = path.resolve(run.artifactDirectory, artifactPath);
      if (!target.startsWith(run.artifactDirectory + path.sep)) {
        throw trackingError('ERR_TRACKING_BAD_REQUEST', `Artifact path "${artifactPath}" leaves the run's artifact directory.`, { artifactPath });
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      // Copy into a staging directory, then rename: readers never see half a model.
      const staging = `${target}.jsfunc-staging-${randomBytes(4).toString('hex')}`;
      await fs.cp(localDirectory, staging, { recursive: true });
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(staging, target);
    },
    async createModelVersion(name, source, runId) {
      const directory = modelDirectory(name);
      const time = now();
      const metaFile = path.join(directory, 'meta.yaml');
      if ((await readYaml(metaFile)) === undefined) {
        await writeYaml(metaFile, { aliases: {}, creation_timestamp: time, description: null, last_updated_timestamp: time, name });
      }
      // Reserve the next version number with an exclusive mkdir (safe against a concurrent writer).
      const existing = (await listDirectories(directory)).filter((entry) => entry.startsWith('version-')).map((entry) => Number(entry.slice(8)));
      let version = Math.max(0, ...existing.filter(Number.isFinite)) + 1;
      for (;;) {
        try {
          await fs.mkdir(path.join(directory, `version-${version}`));
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          version += 1;
        }
      }
      await writeYaml(path.join(directory, `version-${version}`, 'meta.yaml'), {
        creation_timestamp: time,
        current_stage: 'None',
        description: null,
        last_updated_timestamp: time,
        name,
        run_id: runId,
        run_link: null,
        source,
        status: 'READY',
        status_message: null,
        storage_location: source,
        user_id: null,
        version,
      });
      return { name, version: String(version), source, runId };
    },
    async deleteModelVersion(name, version) {
      await fs.rm(path.join(modelDirectory(name), `version-${version}`), { recursive: true, force: true });
    },
    getModelVersion: readVersion,
    async getLatestVersion(name) {
      const versions = (await listDirectories(modelDirectory(name)))
        .filter((entry) => entry.startsWith('version-'))
        .map((entry) => Number(entry.slice(8)))
        .filter(Number.isFinite)
        .sort((a, b) => b - a);
      if (versions.length === 0) throw notFound(`Registered model "${name}" has no versions in ${base}.`, { name });
      return readVersion(name, String(versions[0]));
    },
    async setAlias(name, alias, version) {
      assertKey('alias', alias);
      await readVersion(name, version);
      const directory = modelDirectory(name);
      await fs.mkdir(path.join(directory, 'aliases'), { recursive: true });
      await fs.writeFile(path.join(directory, 'aliases', alias), version);
      const metaFile = path.join(directory, 'meta.yaml');
      const meta = (await readYaml(metaFile)) ?? { name };
      const aliases = { ...((meta.aliases as Record<string, string> | undefined) ?? {}), [alias]: version };
      await writeYaml(metaFile, { ...meta, aliases, last_updated_timestamp: now() });
    },
    async getModelVersionByAlias(name, alias) {
      assertKey('alias', alias);
      let version: string;
      try {
        version = (await fs.readFile(path.join(modelDirectory(name), 'aliases', alias), 'utf8')).trim();
      } catch {
        throw notFound(`Registered model "${name}" has no alias "${alias}" in ${base}.`, { name, alias });
      }
      return readVersion(name, version);
    },
  };
  return store;
}
