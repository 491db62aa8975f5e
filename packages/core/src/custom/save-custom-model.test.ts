import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createJsonFlavor } from '../__tests__/json-flavor.js';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { parseMLmodel } from '../mlmodel/mlmodel.js';
import { createModelLoader, loadModel } from '../model/model-loader.js';
import { saveModel } from '../model/save-model.js';
import { silentLogger } from '../model/logger.js';
import type { LoggerV1 } from '../spec/v1/flavor.js';
import { saveCustomModel } from './save-custom-model.js';
import { recordingLogger, temporaryDirectories } from '../__tests__/test-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const echoModel = path.join(here, '../__tests__/models/echo-model.ts');
const markerModel = path.join(here, '../__tests__/models/marker-model.ts');
const directories = temporaryDirectories('jsfunc-custom-');
const temp = directories.create;
afterAll(directories.removeAll);
const loader = createModelLoader({ flavors: [], logger: silentLogger });

describe('custom models', () => {
  it('B1: code and flavor/source together, or neither, are refused with MLflow\'s wording', async () => {
    const target = path.join(await temp(), 'm');
    const both = await saveCustomModel({ path: target, code: echoModel, flavor: createJsonFlavor() } as never).catch((error: unknown) => error);
    expect(JsfuncError.isInstance(both, 'ERR_SAVE_OPTIONS_CONFLICT')).toBe(true);
    expect((both as Error).message).toContain('The following sets of parameters cannot be specified together');
    const neither = await saveCustomModel({ path: target } as never).catch((error: unknown) => error);
    expect((neither as Error).message).toContain('Either `flavor` (with saveModel) or `code` (with saveCustomModel) must be specified');
    expect(existsSync(target)).toBe(false);
  });

  it('B3: a nested artifact directory is copied; context.artifacts maps to absolute paths with identical content', async () => {
    const source = await temp();
    const nested = path.join(source, 'my/somewhat/heavily/nested/directory');
    await mkdir(nested, { recursive: true });
    await writeFile(path.join(nested, 'myfile.txt'), 'nested content');
    const greeting = path.join(source, 'greeting.txt');
    await writeFile(greeting, 'hello\n');
    const target = path.join(await temp(), 'model');
    await saveCustomModel({ path: target, code: echoModel, artifacts: { testdir: source, greeting: pathToFileURL(greeting).href }, logger: silentLogger });
    const model = await loader.load(target);
    const native = model.unwrap() as { greeting: string };
    expect(native.greeting).toBe('hello');
    const output = (await model.predict('x')) as { greeting: string };
    expect(output.greeting).toBe('hello');
    const mlmodel = parseMLmodel(await readFile(path.join(target, 'MLmodel'), 'utf8'));
    const artifacts = (mlmodel.flavors.js_model as { artifacts: Record<string, { path: string; uri: string }> }).artifacts;
    expect(artifacts.testdir).toEqual({ path: 'artifacts/testdir', uri: source });
    const copied = path.join(target, artifacts.testdir!.path, 'my/somewhat/heavily/nested/directory/myfile.txt');
    expect(path.isAbsolute(copied)).toBe(true);
    expect(await readFile(copied, 'utf8')).toBe('nested content');
  });

  it('B4: no artifacts -> no artifacts/ directory and no artifacts key', async () => {
    const target = path.join(await temp(), 'model');
    const saved = await saveCustomModel({ path: target, code: echoModel, logger: silentLogger });
    expect(await readdir(target)).not.toContain('artifacts');
    expect(saved.mlmodel.flavors.js_model).not.toHaveProperty('artifacts');
  });

  it('B5: extra flavor options appear in the flavor block', async () => {
    const target = path.join(await temp(), 'model');
    const saved = await saveCustomModel({ path: target, code: echoModel, extraFlavorConfig: { key1: 'value1', key2: 20 }, logger: silentLogger });
    expect(saved.mlmodel.flavors.js_model).toMatchObject({ key1: 'value1', key2: 20 });
  });

  it('B7: predictStream yields exactly the chunks; a model without it -> "This model does not support predict_stream method."', async () => {
    const target = path.join(await temp(), 'model');
    await saveCustomModel({ path: target, code: echoModel, logger: silentLogger });
    const model = await loader.load(target);
    expect(model.streamable).toBe(true);
    const chunks: unknown[] = [];
    for await (const chunk of model.predictStream('single-input')) chunks.push(chunk);
    expect(chunks).toEqual(['test1', 'test2:single-input']);

    const plain = path.join(await temp(), 'plain');
    await saveCustomModel({ path: plain, code: markerModel, exportName: 'model', logger: silentLogger });
    const other = await loader.load(plain);
    expect(other.streamable).toBe(false);
    const error = await (async () => {
      for await (const _chunk of other.predictStream('x')) void _chunk;
    })().catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_STREAM_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toContain('This model does not support predict_stream method.');
  });

  it('B8: toString names the flavor; B9: metadata survives save and load', async () => {
    const target = path.join(await temp(), 'model');
    await saveCustomModel({ path: target, code: echoModel, metadata: { metadata_key: 'metadata_value' }, logger: silentLogger });
    const model = await loader.load(target);
    expect(String(model)).toContain('flavor: js_model');
    expect((model.metadata.metadata as Record<string, unknown>).metadata_key).toBe('metadata_value');
  });

  it('B10: load-time config overrides apply only to saved keys; unknown keys warn; no saved config ignores all', async () => {
    const target = path.join(await temp(), 'model');
    await saveCustomModel({ path: target, code: echoModel, modelConfig: { temperature: 0.1, top_k: 3 }, logger: silentLogger });
    const logger = recordingLogger();
    const model = await createModelLoader({ flavors: [], logger }).load(target, { modelConfig: { temperature: 0.9, unknown: 1 } });
    const output = (await model.predict('x')) as { config: Record<string, unknown> };
    expect(output.config).toEqual({ temperature: 0.9, top_k: 3 });
    expect(logger.messages.join('\n')).toContain('Model config override "unknown" is ignored');

    const bare = path.join(await temp(), 'bare');
    await saveCustomModel({ path: bare, code: echoModel, logger: silentLogger });
    const bareLogger = recordingLogger();
    const bareModel = await createModelLoader({ flavors: [], logger: bareLogger }).load(bare, { modelConfig: { temperature: 0.9 } });
    expect(((await bareModel.predict('x')) as { config: unknown }).config).toEqual({});
    expect(bareLogger.messages.join('\n')).toContain('"temperature" is ignored');
  });

  it('named inference methods are exposed and callable by name; private ones are not', async () => {
    const target = path.join(await temp(), 'model');
    await saveCustomModel({ path: target, code: echoModel, logger: silentLogger });
    const model = await loader.load(target);
    expect(model.methods).toEqual(['predict', 'toYaml']);
    expect(await model.invoke('toYaml', { a: 1 })).toBe('a: 1');
    const error = await model.invoke('_helper', 'x').catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_METHOD_NOT_FOUND')).toBe(true);
  });

  it('records the code in MLmodel and bundles npm dependencies (yaml) into code/model.mjs', async () => {
    const target = path.join(await temp(), 'model');
    const saved = await saveCustomModel({ path: target, code: echoModel, logger: silentLogger });
    expect(saved.mlmodel.flavors.js_function).toMatchObject({ loader_flavor: 'js_model', code: 'code', data: 'code/model.mjs' });
    expect(saved.mlmodel.flavors.js_model).toMatchObject({ code: 'code', entry: 'code/model.mjs', export: 'default', externals: [] });
    const bundle = await readFile(path.join(target, 'code/model.mjs'), 'utf8');
    expect(bundle).not.toMatch(/from\s+["']yaml["']/);
    expect(Object.keys((saved.mlmodel.jsfunc_integrity as { files: Record<string, string> }).files)).toContain('code/model.mjs');
  });

  it('code is imported only after the integrity check passes', async () => {
    const directory = await temp();
    const marker = path.join(directory, 'imported.txt');
    process.env.JSFUNC_TEST_MARKER = marker;
    try {
      const target = path.join(directory, 'model');
      await saveCustomModel({ path: target, code: markerModel, exportName: 'model', logger: silentLogger });
      const file = path.join(target, 'code/model.mjs');
      await writeFile(file, `${await readFile(file, 'utf8')}\n// tampered\n`);
      const error = await loader.load(target).catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
      expect(existsSync(marker)).toBe(false);
      const trusted = await loader.load(target, { verifyIntegrity: false });
      expect(existsSync(marker)).toBe(true);
      expect(await trusted.predict({ a: 1 })).toEqual({ a: 1 });
    } finally {
      delete process.env.JSFUNC_TEST_MARKER;
    }
  });

  it('a sub-model artifact loads through the same loader (mixing flavors in one custom model)', async () => {
    const directory = await temp();
    const subModel = path.join(directory, 'scale');
    await saveModel({ scale: 3, offset: 0 }, { flavor: createJsonFlavor(), path: subModel, logger: silentLogger });
    const code = path.join(directory, 'chain.ts');
    await writeFile(
      code,
      `export default {
        async loadContext(context) { this.scale = await context.loadModel(context.artifacts.scale); },
        async predict(_context, input) { return this.scale.predict(input); },
      };`,
    );
    const target = path.join(directory, 'chain');
    await saveCustomModel({ path: target, code, artifacts: { scale: subModel }, logger: silentLogger });
    const model = await createModelLoader({ flavors: [createJsonFlavor()], logger: silentLogger }).load(target);
    expect(await model.predict([[1, 2]])).toEqual([[3, 6]]);
    await model.dispose();
  });

  it('a custom model saved in one app loads from a second app elsewhere whose node_modules holds only @jsfunc/core', async () => {
    const appA = await temp();
    await writeFile(path.join(appA, 'package.json'), JSON.stringify({ name: 'app-a', type: 'module', private: true }));
    const target = path.join(appA, 'saved-model');
    await saveCustomModel({ path: target, code: echoModel, logger: silentLogger });

    const appB = await temp();
    await writeFile(path.join(appB, 'package.json'), JSON.stringify({ name: 'app-b', type: 'module', private: true, dependencies: { '@jsfunc/core': '*' } }));
    await mkdir(path.join(appB, 'node_modules/@jsfunc'), { recursive: true });
    await symlink(path.resolve(here, '../..'), path.join(appB, 'node_modules/@jsfunc/core'), 'dir');
    const elsewhere = path.join(await temp(), 'moved-model');
    await (await import('node:fs/promises')).cp(target, elsewhere, { recursive: true });
    const script = `
      import { loadModel } from '@jsfunc/core';
      const model = await loadModel(${JSON.stringify(elsewhere)}, { flavors: [] });
      console.log(JSON.stringify({ out: await model.predict('hi'), yaml: await model.invoke('toYaml', { b: 'x', c: { d: 1 } }) }));
    `;
    await writeFile(path.join(appB, 'main.mjs'), script);
    const { stdout } = await promisify(execFile)(process.execPath, ['main.mjs'], { cwd: appB });
    const result = JSON.parse(stdout) as { out: { input: unknown; greeting: string }; yaml: string };
    expect(result.out.input).toBe('hi');
    expect(result.yaml).toBe('b: x\nc:\n  d: 1');
  }, 30_000);
});

describe('signatures and params with custom models', () => {
  it('B11: params inferred from the input example; defaults filled; overrides applied; unknown params ignored with a warning', async () => {
    const target = path.join(await temp(), 'model');
    const saved = await saveCustomModel({
      path: target,
      code: path.join(here, '../__tests__/models/params-model.ts'),
      inputExample: [{ text: 'a' }],
      inputExampleParams: { str_param: 'string', int_array: [1, 2, 3] },
      logger: silentLogger,
    });
    expect(saved.mlmodel.signature?.params).toBe(
      '[{"name": "str_param", "default": "string", "shape": null, "type": "string"}, {"name": "int_array", "default": [1, 2, 3], "shape": [-1], "type": "long"}]',
    );
    expect(JSON.parse(await readFile(path.join(target, 'input_example.json'), 'utf8'))).toEqual({
      inputs: { columns: ['text'], data: [['a']] },
      params: { str_param: 'string', int_array: [1, 2, 3] },
    });
    const logger = recordingLogger();
    const model = await createModelLoader({ flavors: [], logger }).load(target);
    expect(await model.predict([{ text: 'b' }])).toEqual({ str_param: 'string', int_array: [1, 2, 3] });
    expect(await model.predict([{ text: 'b' }], { str_param: 'new_string' })).toEqual({ str_param: 'new_string', int_array: [1, 2, 3] });
    expect(await model.predict([{ text: 'b' }], { new_param: 1 })).toEqual({ str_param: 'string', int_array: [1, 2, 3] });
    expect(logger.messages.join('\n')).toContain("Unrecognized params ['new_param'] are ignored for inference");
    const error = await model.predict([{ other: 'b' }]).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_SCHEMA_ENFORCEMENT')).toBe(true);
    expect((error as Error).message).toContain('text');
  });

  it('B6: a model without the js_function flavor and no installed flavor for it names what is missing', async () => {
    const fixture = path.resolve(here, '../../../../../shared/fixtures/mlmodel');
    const directory = await temp();
    await writeFile(path.join(directory, 'MLmodel'), await readFile(path.join(fixture, '01_mlflow1.30_sklearn.MLmodel')));
    const error = await loadModel(directory, { flavors: [], logger: silentLogger }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_NOT_INSTALLED')).toBe(true);
    expect((error as Error).message).toContain('Model does not have the "js_function" flavor');
  });
});
