// Part 3 of the interop suite: jsfunc logs and registers on a real `mlflow server`; MLflow's own
// client sees the run, the version and the files and loads the model; jsfunc loads it back by
// models:/name/1 and models:/name@alias. Also: the local mlruns/ store read by MLflow, and the
// server's errors as jsfunc reports them.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createModelLoader, createTensor, JsfuncError, silentLogger } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { createMlflowRestClient, logModel, mlflowResolver } from '../src/index.js';
import { runPython } from './mlflow-processes.mjs';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
const onnxFile = path.join(fixtures, 'mlflow-onnx-model-2.8.1', 'model.onnx');
// Ten features; expected outputs from the fixture README (onnxruntime): zeros -> 150.4340, ones -> 1373.0350.
const rows = [Array(10).fill(0), Array(10).fill(1), Array(10).fill(0.1)];
const expected = [150.434, 1373.035, 272.6941];

let mlflowUri: string;
let tmp: string;
let inputsFile: string;

beforeAll(async () => {
  mlflowUri = inject('mlflowUri');
  tmp = await fs.mkdtemp(path.join(inject('interopTmp'), 'tracking-'));
  inputsFile = path.join(tmp, 'inputs.json');
  await fs.writeFile(inputsFile, JSON.stringify(rows));
});

function tensorOf(values: number[][]) {
  return createTensor('float32', [values.length, values[0]!.length], Float32Array.from(values.flat()));
}

async function predictWith(uri: string, resolverOptions: Parameters<typeof mlflowResolver>[0]): Promise<number[]> {
  const loader = createModelLoader({ flavors: [onnxFlavor()], resolvers: [mlflowResolver(resolverOptions)], logger: silentLogger });
  const model = await loader.load(uri);
  try {
    const output = (await model.predict(tensorOf(rows))) as Record<string, { data: Float32Array }> | { data: Float32Array };
    const tensor = 'data' in output ? output : Object.values(output)[0]!;
    return Array.from(tensor.data as Float32Array);
  } finally {
    await model.dispose();
  }
}

interface TrackingView {
  run: { status: string; params: Record<string, string>; metrics: Record<string, number>; tags: Record<string, string>; model_outputs: string[] };
  version: { source: string; status: string; run_id: string; version: string; model_id: string | null };
  alias_version: string;
  files: string[];
  predictions: Record<string, number[][]>;
}

describe('a jsfunc model logged to a real MLflow tracking server', () => {
  let logged: Awaited<ReturnType<typeof logModel>>;
  const name = `jsfunc-interop-${Date.now()}`;

  beforeAll(async () => {
    logged = await logModel(onnxFile, {
      flavor: onnxFlavor(),
      trackingUri: mlflowUri,
      experimentName: 'jsfunc-interop',
      runName: 'log-onnx',
      artifactPath: 'model',
      params: { alpha: 0.5, features: 10 },
      metrics: { rmse: 12.5 },
      tags: { team: 'jsfunc' },
      registeredModelName: name,
      aliases: ['champion'],
      logger: silentLogger,
    });
  });

  it('is seen by MlflowClient: run, params, metrics, version, alias, files, and loads in Python', async () => {
    expect(logged.registeredModel).toMatchObject({ name, version: '1', aliases: ['champion'], uri: `models:/${name}/1` });
    expect(logged.modelId).toMatch(/^m-[0-9a-f]{32}$/);
    const view = await runPython<TrackingView>('check_tracking.py', [mlflowUri, logged.runId, name, '1', 'champion', inputsFile]);
    expect(view.run).toMatchObject({ status: 'FINISHED', params: { alpha: '0.5', features: '10' }, metrics: { rmse: 12.5 }, tags: { team: 'jsfunc' } });
    expect(view.run.model_outputs).toEqual([logged.modelId]);
    expect(view.version).toMatchObject({ status: 'READY', run_id: logged.runId, source: `models:/${logged.modelId}` });
    expect(view.alias_version).toBe('1');
    expect(view.files).toEqual(expect.arrayContaining(['MLmodel', 'model.onnx', 'package.json', 'conda.yaml', 'requirements.txt', 'python_env.yaml']));
    const python = Object.values(view.predictions)[0]!.flat();
    python.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
  });

  it('loads back in jsfunc by models:/name/1, models:/name@champion, runs:/ and models:/<model_id>', async () => {
    const cacheDirectory = path.join(tmp, 'cache');
    for (const uri of [`models:/${name}/1`, `models:/${name}@champion`, logged.modelUri, `models:/${logged.modelId}`]) {
      const values = await predictWith(uri, { trackingUri: mlflowUri, cacheDirectory });
      values.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
    }
  });

  it('downloads once: a second resolve reuses the cached copy', async () => {
    const cacheDirectory = path.join(tmp, 'cache-once');
    const resolver = mlflowResolver({ trackingUri: mlflowUri, cacheDirectory });
    const first = await resolver.resolve(`models:/${name}/1`);
    const before = await fs.stat(path.join(first, 'model.onnx'));
    const second = await resolver.resolve(`models:/${name}@champion`);
    expect(second).toBe(first);
    expect((await fs.stat(path.join(second, 'model.onnx'))).mtimeMs).toBe(before.mtimeMs);
    expect((await fs.readdir(cacheDirectory)).filter((entry) => !entry.endsWith('.source.txt'))).toHaveLength(1);
  });

  it('uploads an MLmodel that records run, artifact location and model id, parsed by Model.load', async () => {
    const directory = await mlflowResolver({ trackingUri: mlflowUri, cacheDirectory: path.join(tmp, 'cache-parse') }).resolve(`models:/${name}/1`);
    const [parsed] = await runPython<Array<{ run_id: string; artifact_path: string; model_id: string; flavors: string[] }>>('parse_mlmodel.py', [directory]);
    expect(parsed).toMatchObject({ run_id: logged.runId, model_id: logged.modelId, artifact_path: logged.artifactUri });
    expect(parsed!.flavors).toEqual(['js_function', 'onnx', 'python_function']);
  });

  it('refuses a cached copy that was tampered with (integrity check on load)', async () => {
    const cacheDirectory = path.join(tmp, 'cache-tampered');
    const directory = await mlflowResolver({ trackingUri: mlflowUri, cacheDirectory }).resolve(`models:/${name}/1`);
    await fs.appendFile(path.join(directory, 'model.onnx'), Buffer.from([0]));
    const error = await predictWith(`models:/${name}/1`, { trackingUri: mlflowUri, cacheDirectory }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
  });

  it('logs as plain run artifacts (MLflow 2 style) when asked, and Python loads runs:/ from them', async () => {
    const plain = await logModel(onnxFile, { flavor: onnxFlavor(), trackingUri: mlflowUri, experimentName: 'jsfunc-interop', loggedModel: false, logger: silentLogger });
    expect(plain.modelId).toBeUndefined();
    expect(plain.artifactUri).toMatch(/^mlflow-artifacts:\/.*\/artifacts\/model$/);
    const result = await runPython<{ outputs: Record<string, number[][]> }>('pyfunc_predict.py', [plain.modelUri, inputsFile, mlflowUri]);
    Object.values(result.outputs)[0]!.flat().forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
    const values = await predictWith(plain.modelUri, { trackingUri: mlflowUri, cacheDirectory: path.join(tmp, 'cache-plain') });
    values.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
  });

  it('reports unknown models, versions and aliases as ERR_TRACKING_NOT_FOUND with the server message', async () => {
    const resolver = mlflowResolver({ trackingUri: mlflowUri, cacheDirectory: path.join(tmp, 'cache-missing') });
    const cases: [string, RegExp][] = [
      ['models:/no-such-model/1', /no-such-model/],
      [`models:/${name}/99`, /99/],
      [`models:/${name}@nobody`, /nobody/],
      ['runs:/00000000000000000000000000000000/model', /00000000000000000000000000000000/],
    ];
    for (const [uri, message] of cases) {
      const error = await resolver.resolve(uri).catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_TRACKING_NOT_FOUND'), uri).toBe(true);
      expect((error as JsfuncError).details.status).toBeGreaterThanOrEqual(400);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('leaves no half-registered version when registration fails (refused alias)', async () => {
    const failing = `${name}-failing`;
    const error = await logModel(onnxFile, {
      flavor: onnxFlavor(),
      trackingUri: mlflowUri,
      experimentName: 'jsfunc-interop',
      registeredModelName: failing,
      aliases: ['latest'], // MLflow reserves "latest": the alias call fails after the version exists
      logger: silentLogger,
    }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error)).toBe(true);
    expect((error as JsfuncError).code).toBe('ERR_TRACKING_BAD_REQUEST');
    expect((error as Error).message).toMatch(/latest/);
    const client = createMlflowRestClient({ baseUrl: mlflowUri });
    const versions = await client.transport.json<{ model_versions?: unknown[] }>('GET', `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${failing}'`)}`);
    expect(versions.model_versions ?? []).toEqual([]);
  });

  it('reports a tracking server that is down as ERR_TRACKING_UNREACHABLE', async () => {
    const error = await logModel(onnxFile, { flavor: onnxFlavor(), trackingUri: 'http://127.0.0.1:9', maxRetries: 0, logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TRACKING_UNREACHABLE')).toBe(true);
  });
});

describe('a jsfunc model logged to a local mlruns/ store', () => {
  it('is read by MlflowClient from the file store, and loads back in jsfunc by alias', async () => {
    const store = path.join(tmp, 'mlruns');
    const logged = await logModel(onnxFile, {
      flavor: onnxFlavor(),
      trackingUri: store,
      experimentName: 'local-exp',
      runName: 'local-run',
      params: { alpha: 1 },
      metrics: { rmse: 3.25 },
      tags: { where: 'disk' },
      registeredModelName: 'local-model',
      aliases: ['prod'],
      logger: silentLogger,
    });
    await logModel(onnxFile, { flavor: onnxFlavor(), trackingUri: store, experimentName: 'local-exp', registeredModelName: 'local-model', logger: silentLogger });
    const view = await runPython<Record<string, unknown>>('read_file_store.py', [store, logged.runId, 'local-model', 'prod']);
    expect(view).toMatchObject({
      experiment: 'local-exp',
      status: 'FINISHED',
      run_name: 'local-run',
      params: { alpha: '1' },
      metrics: { rmse: 3.25 },
      version: '1',
      source: `runs:/${logged.runId}/model`,
      run_id_in_mlmodel: logged.runId,
      versions: ['1', '2'],
    });
    expect(view.tags).toMatchObject({ where: 'disk', 'mlflow.runName': 'local-run' });
    expect(view.artifacts).toEqual(expect.arrayContaining(['model/MLmodel', 'model/model.onnx']));
    expect(view.flavors).toEqual(expect.arrayContaining(['js_function', 'onnx', 'python_function']));
    const values = await predictWith('models:/local-model@prod', { trackingUri: store });
    values.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
  });
});
