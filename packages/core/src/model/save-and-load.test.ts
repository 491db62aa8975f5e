import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createJsonFlavor } from '../__tests__/json-flavor.js';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { parseMLmodel, serializeMLmodel } from '../mlmodel/mlmodel.js';
import type { LoggerV1 } from '../spec/v1/flavor.js';
import { createModelLoader, loadModel } from './model-loader.js';
import { readModelInfo } from './read-model-info.js';
import { saveModel } from './save-model.js';
import { silentLogger } from './logger.js';
import { recordingLogger, temporaryDirectories } from '../__tests__/test-helpers.js';

const directories = temporaryDirectories('jsfunc-core-');
const tempDirectory = directories.create;
afterAll(directories.removeAll);

async function savedModel(name = 'model', inputExample?: unknown) {
  const flavor = createJsonFlavor();
  const target = path.join(await tempDirectory(), name);
  const saved = await saveModel({ scale: 2, offset: 1 }, { flavor, path: target, inputExample, logger: silentLogger });
  return { flavor, target, saved };
}

async function loadError(target: string, flavor = createJsonFlavor()): Promise<{ error: unknown; calls: string[] }> {
  const error = await loadModel(target, { flavors: [flavor], logger: silentLogger }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, calls: flavor.calls };
}

describe('saveModel', () => {
  it('writes MLmodel with the flavor block, js_function, uuid, time, size, integrity and the environment', async () => {
    const example = { dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2, 3]) };
    const { target, saved } = await savedModel('model', example);
    const text = await readFile(path.join(target, 'MLmodel'), 'utf8');
    const mlmodel = parseMLmodel(text);
    expect(serializeMLmodel(mlmodel)).toBe(text);
    expect(mlmodel.flavors.scale_json).toEqual({ data: 'data/model.json', kind: 'scale' });
    expect(mlmodel.flavors.js_function).toMatchObject({
      loader_flavor: 'scale_json',
      loader_package: 'jsfunc-test-scale-json',
      loader_package_range: '^1.2.0',
      data: 'data/model.json',
      env: 'package.json',
      spec_version: 'v1',
    });
    expect(mlmodel.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(mlmodel.model_size_bytes).toBeGreaterThan(0);
    expect(mlmodel.saved_input_example_info).toEqual({ artifact_path: 'input_example.json', type: 'ndarray', serving_input_path: 'serving_input_example.json' });
    expect(JSON.parse(await readFile(path.join(target, 'input_example.json'), 'utf8'))).toEqual([[1, 2, 3]]);
    expect(JSON.parse(await readFile(path.join(target, 'serving_input_example.json'), 'utf8'))).toEqual({ inputs: [[1, 2, 3]] });
    const integrity = mlmodel.jsfunc_integrity as { algorithm: string; files: Record<string, string> };
    expect(integrity.algorithm).toBe('sha256');
    expect(Object.keys(integrity.files).sort()).toEqual(['data/model.json', 'input_example.json', 'package.json', 'serving_input_example.json']);
    expect(mlmodel.signature?.inputs).toBe('[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]');
    const environment = JSON.parse(await readFile(path.join(target, 'package.json'), 'utf8'));
    expect(environment.dependencies['jsfunc-test-scale-json']).toBe('1.2.3');
    expect(environment.dependencies['@jsfunc/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(environment.jsfunc.node).toBe(process.versions.node);
    expect(saved.path).toBe(target);
  });

  it('a columns-form input example infers the same columns the example file holds', async () => {
    const { saved } = await savedModel('columns', { x: [1, 2], name: ['a', 'b'] });
    expect(saved.mlmodel.signature?.inputs).toBe('[{"type": "long", "name": "x", "required": true}, {"type": "string", "name": "name", "required": true}]');
    expect(saved.mlmodel.saved_input_example_info).toMatchObject({ type: 'dataframe', pandas_orient: 'split' });
  });

  it('two saves get different model_uuid values', async () => {
    const first = await savedModel('a');
    const second = await savedModel('b');
    expect(first.saved.mlmodel.model_uuid).not.toBe(second.saved.mlmodel.model_uuid);
  });

  it('refuses a non-empty target ("already exists and is not empty") and keeps its content', async () => {
    const target = path.join(await tempDirectory(), 'busy');
    await mkdir(target);
    await writeFile(path.join(target, 'keep.txt'), 'precious');
    const error = await saveModel({ scale: 1, offset: 0 }, { flavor: createJsonFlavor(), path: target, logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_TARGET_EXISTS')).toBe(true);
    expect((error as Error).message).toContain('already exists and is not empty');
    expect(await readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('saves into an existing empty directory', async () => {
    const target = path.join(await tempDirectory(), 'empty');
    await mkdir(target);
    await saveModel({ scale: 1, offset: 0 }, { flavor: createJsonFlavor(), path: target, logger: silentLogger });
    expect((await readdir(target)).sort()).toContain('MLmodel');
  });

  it('a failing flavor leaves nothing at the target and no staging directory behind', async () => {
    const parent = await tempDirectory();
    const flavor = { ...createJsonFlavor(), save: async () => Promise.reject(new Error('disk on fire')) };
    const error = await saveModel({ scale: 1, offset: 0 }, { flavor, path: path.join(parent, 'model'), logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_SAVE_FAILED')).toBe(true);
    expect((error as Error).message).toContain('disk on fire');
    expect(await readdir(parent)).toEqual([]);
  });

  it('a process killed mid-save leaves no partial model at the target', async () => {
    const parent = await tempDirectory();
    const target = path.join(parent, 'model');
    const marker = path.join(parent, 'flavor-is-writing');
    const coreEntry = pathToFileURL(path.resolve(__dirname, '../../dist/index.js')).href;
    // The child saves with a flavor that writes one file, signals, then hangs forever.
    const script = `
      import { saveModel } from ${JSON.stringify(coreEntry)};
      import { writeFileSync } from 'node:fs';
      const flavor = {
        specificationVersion: 'v1', name: 'slow', packageName: 'slow', packageVersion: '1.0.0',
        async save(_source, context) {
          await context.writer.writeFile('weights.bin', new Uint8Array(1024));
          writeFileSync(${JSON.stringify(marker)}, 'x');
          await new Promise(() => setInterval(() => {}, 1000));
        },
        async load() { throw new Error('unused'); },
      };
      await saveModel({}, { flavor, path: ${JSON.stringify(target)} });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    for (let waited = 0; waited < 200; waited++) {
      const exists = await readFile(marker).then(() => true, () => false);
      if (exists) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr).toBe('');
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    const entries = await readdir(parent);
    expect(entries).toContain('flavor-is-writing');
    expect(entries).not.toContain('model');
    // The dead save's staging folder is beside the target; the next save of that target removes it.
    expect(entries.filter((entry) => entry.startsWith('.model.jsfunc-staging-'))).toHaveLength(1);
    await saveModel({ scale: 1, offset: 0 }, { flavor: createJsonFlavor(), path: target, logger: silentLogger });
    expect((await readdir(parent)).filter((entry) => entry.startsWith('.model.jsfunc-staging-'))).toEqual([]);
    await rm(target, { recursive: true });
    const error = await loadModel(target, { flavors: [createJsonFlavor()], logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_NOT_FOUND')).toBe(true);
  }, 30_000);
});

describe('loadModel', () => {
  it('loads through the generic interface and predicts in the family of the input', async () => {
    const { target, flavor } = await savedModel();
    const model = await createModelLoader({ flavors: [flavor], logger: silentLogger }).load(pathToFileURL(target).href);
    expect(model.flavor).toBe('scale_json');
    expect(model.directory).toBe(target);
    expect(model.unwrap()).toEqual({ scale: 2, offset: 1 });
    expect(model.methods).toEqual(['predict']);
    expect(await model.predict([[1, 2], [3, 4]])).toEqual([[3, 5], [7, 9]]);
    const tensor = (await model.predict({ dtype: 'float32', shape: [2], data: new Float32Array([0, 1]) })) as { data: Float64Array; shape: number[] };
    expect(Array.from(tensor.data)).toEqual([1, 3]);
    expect(await model.predict([{ x: 1 }, { x: 2 }])).toEqual([{ y: 3 }, { y: 5 }]);
    expect(await model.predict({ columns: ['x'], data: [[4]] })).toEqual({ columns: ['y'], data: [[9]] });
    expect(await model.predict({ x: [0, 10] })).toEqual({ y: [1, 21] });
    await model.dispose();
    await model.dispose();
    expect(flavor.calls.filter((call) => call.startsWith('dispose'))).toEqual(['dispose:1']);
    const error = await model.predict([[1]]).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_DISPOSED')).toBe(true);
  });

  it('warns (never fails) when the running environment differs, naming package, saved and running versions', async () => {
    const { target } = await savedModel();
    const newer = { ...createJsonFlavor(), packageVersion: '1.3.0' };
    const logger = recordingLogger();
    const model = await loadModel(target, { flavors: [newer], logger });
    expect(logger.messages.join('\n')).toContain('jsfunc-test-scale-json');
    expect(logger.messages.join('\n')).toContain('saved 1.2.3, running 1.3.0');
    await model.dispose();
  });

  it('integrity can be turned off for a changed file', async () => {
    const { target } = await savedModel();
    await writeFile(path.join(target, 'data/model.json'), JSON.stringify({ scale: 10, offset: 0 }));
    const model = await loadModel(target, { flavors: [createJsonFlavor()], logger: silentLogger, verifyIntegrity: false });
    expect(await model.predict([[1]])).toEqual([[10]]);
  });
});

describe('malformed model directories give a named error and nothing is loaded', () => {
  it('bad YAML -> ERR_MLMODEL_INVALID', async () => {
    const { target } = await savedModel();
    await writeFile(path.join(target, 'MLmodel'), 'flavors: [unclosed\n  : : :');
    const { error, calls } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MLMODEL_INVALID')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('no MLmodel -> ERR_MODEL_NOT_FOUND (MLflow\'s wording)', async () => {
    const { error } = await loadError(await tempDirectory());
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('Could not find an "MLmodel" configuration file');
  });

  it('missing data file -> ERR_MODEL_INTEGRITY naming the file', async () => {
    const { target } = await savedModel();
    await rm(path.join(target, 'data/model.json'));
    const { error, calls } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
    expect((error as JsfuncError).details.file).toBe('data/model.json');
    expect(calls).toEqual([]);
  });

  it('changed file -> ERR_MODEL_INTEGRITY', async () => {
    const { target } = await savedModel();
    await writeFile(path.join(target, 'data/model.json'), JSON.stringify({ scale: 1000, offset: 0 }));
    const { error, calls } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
    expect((error as Error).message).toContain('was changed after the model was saved');
    expect(calls).toEqual([]);
  });

  it('added file -> ERR_MODEL_INTEGRITY', async () => {
    const { target } = await savedModel();
    await writeFile(path.join(target, 'data/evil.js'), 'process.exit(1)');
    const { error, calls } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('".." path in MLmodel -> ERR_MODEL_PATH_ESCAPE', async () => {
    const { target } = await savedModel();
    const file = path.join(target, 'MLmodel');
    const mlmodel = parseMLmodel(await readFile(file, 'utf8'));
    (mlmodel.flavors.js_function as Record<string, unknown>).data = '../../etc/passwd';
    await writeFile(file, serializeMLmodel(mlmodel));
    const { error, calls } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_PATH_ESCAPE')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('absolute path in a flavor block -> ERR_MODEL_PATH_ESCAPE when the flavor reads it', async () => {
    const { target } = await savedModel();
    const file = path.join(target, 'MLmodel');
    const mlmodel = parseMLmodel(await readFile(file, 'utf8'));
    (mlmodel.flavors.scale_json as Record<string, unknown>).data = '/etc/hostname';
    await writeFile(file, serializeMLmodel(mlmodel));
    const { error } = await loadError(target);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_PATH_ESCAPE')).toBe(true);
  });

  it('symlink escaping the directory -> ERR_MODEL_PATH_ESCAPE, even with integrity off', async () => {
    const { target } = await savedModel();
    const outside = path.join(await tempDirectory(), 'secret.json');
    await writeFile(outside, JSON.stringify({ scale: 5, offset: 5 }));
    await rm(path.join(target, 'data/model.json'));
    await symlink(outside, path.join(target, 'data/model.json'));
    const checked = await loadError(target);
    expect(JsfuncError.isInstance(checked.error, 'ERR_MODEL_PATH_ESCAPE')).toBe(true);
    expect(checked.calls).toEqual([]);
    const unchecked = await loadModel(target, { flavors: [createJsonFlavor()], logger: silentLogger, verifyIntegrity: false }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(unchecked, 'ERR_MODEL_PATH_ESCAPE')).toBe(true);
  });

  it('unknown flavor -> ERR_FLAVOR_NOT_INSTALLED listing model flavors, installed flavors and the package', async () => {
    const { target } = await savedModel();
    const { error } = await loadError(target, createJsonFlavor('other_flavor'));
    expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_NOT_INSTALLED')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('The model has flavors: js_function, scale_json');
    expect(message).toContain('installed flavors: other_flavor');
    expect(message).toContain('Install jsfunc-test-scale-json@^1.2.0');
    const info = await readModelInfo(target);
    expect(info.flavors).toEqual(['js_function', 'scale_json']);
    expect(info.integrity.status).toBe('verified');
    expect(info.environment?.dependencies?.['jsfunc-test-scale-json']).toBe('1.2.3');
  });

  it('the MLflow ONNX model (no js_function) names @jsfunc/onnx when no flavor is installed', async () => {
    const fixture = path.resolve(__dirname, '../../../../../shared/fixtures/mlflow-onnx-model-2.8.1');
    const { error } = await loadError(fixture);
    expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_NOT_INSTALLED')).toBe(true);
    expect((error as Error).message).toContain('@jsfunc/onnx');
    const info = await readModelInfo(fixture);
    expect(info.flavors).toEqual(['onnx', 'python_function']);
    expect(info.integrity.status).toBe('absent');
    expect(info.signature).toBeUndefined();
  });
});
