import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  JsfuncError,
  createModelLoader,
  fromModelData,
  parseMLmodel,
  saveModel,
  serializeMLmodel,
  silentLogger,
  toModelData,
  type AnyFlavorV1,
  type InputSpecJson,
  type JsfuncModel,
} from '@jsfunc/core';
import { afterAll, describe, expect, it } from 'vitest';

/** A signature's inputs in MLflow's JSON form, as the generic model reads them. */
function inputSpecsOf(signature: JsfuncModel['signature']): InputSpecJson[] | undefined {
  const inputs = signature?.toDict().inputs;
  return inputs ? (JSON.parse(inputs) as InputSpecJson[]) : undefined;
}

/** What a flavor author gives the conformance suite. */
export interface FlavorConformanceOptions<TSource> {
  /** The flavor under test. */
  flavor: AnyFlavorV1;
  /** Builds a fresh native object (or path/bytes) the flavor saves. Called once per test. */
  createSource: () => TSource | Promise<TSource>;
  /** Save options for the flavor. */
  saveOptions?: Record<string, unknown>;
  /** Load options for the flavor. */
  loadOptions?: Record<string, unknown>;
  /** An input `predict` accepts. */
  input: unknown;
  /**
   * Checks the output of `predict(input)` (throw or use `expect` to fail). When absent, the suite
   * only requires a defined output.
   */
  checkOutput?: (output: unknown, model: JsfuncModel) => void | Promise<void>;
  /**
   * Flavor blocks that must be refused at load (each replaces `flavors.<name>` in MLmodel). The
   * suite always adds `{ data: '../outside' }`-style escapes where the block has a `data` key.
   */
  invalidFlavorConfigs?: Record<string, unknown>[];
  /** Test timeout in ms for slow runtimes (default 60 s). */
  timeout?: number;
}

/**
 * Registers the jsfunc flavor conformance tests with vitest (call it at the top level of a test
 * file): save -> load -> predict round trip through the generic loader; the MLmodel carries the
 * flavor block, `js_function` and the environment; bad flavor config rejected with a JsfuncError;
 * dispose twice is safe and predict after dispose fails cleanly; a flavor with an unknown
 * specification version is rejected by the loader.
 */
export function describeFlavorConformance<TSource>(options: FlavorConformanceOptions<TSource>): void {
  const { flavor } = options;
  const timeout = options.timeout ?? 60_000;
  const directories: string[] = [];
  const freshTarget = async () => {
    const directory = await mkdtemp(path.join(tmpdir(), `jsfunc-conformance-${flavor.name}-`));
    directories.push(directory);
    return path.join(directory, 'model');
  };
  const saveFresh = async () => {
    const target = await freshTarget();
    await saveModel(await options.createSource(), { flavor, path: target, saveOptions: options.saveOptions ?? {}, logger: silentLogger });
    return target;
  };
  const loader = createModelLoader({ flavors: [flavor], logger: silentLogger });

  describe(`jsfunc flavor conformance: ${flavor.name} (${flavor.packageName})`, () => {
    afterAll(async () => {
      await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
    });

    it('declares the v1 contract', () => {
      expect(flavor.specificationVersion).toBe('v1');
      expect(flavor.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(flavor.name).not.toBe('js_function');
      expect(flavor.name).not.toBe('python_function');
      expect(typeof flavor.save).toBe('function');
      expect(typeof flavor.load).toBe('function');
      expect(flavor.packageName.length).toBeGreaterThan(0);
      expect(flavor.packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    });

    it(
      'save -> load -> predict round trip through the generic loader',
      async () => {
        const target = await saveFresh();
        const mlmodel = parseMLmodel(await readFile(path.join(target, 'MLmodel'), 'utf8'));
        expect(Object.keys(mlmodel.flavors)).toContain(flavor.name);
        const jsFunction = mlmodel.flavors.js_function as Record<string, unknown>;
        expect(jsFunction.loader_flavor).toBe(flavor.name);
        expect(jsFunction.loader_package).toBe(flavor.packageName);
        const environment = JSON.parse(await readFile(path.join(target, String(jsFunction.env)), 'utf8')) as { dependencies: Record<string, string> };
        expect(environment.dependencies[flavor.packageName]).toBe(flavor.packageVersion);

        const model = await loader.load(target, { flavorOptions: options.loadOptions ?? {} });
        try {
          expect(model.flavor).toBe(flavor.name);
          const output = await model.predict(options.input);
          expect(output).toBeDefined();
          await options.checkOutput?.(output, model);
        } finally {
          await model.dispose();
        }
      },
      timeout,
    );

    it(
      'predict (which takes the flavor\'s optional predictInto fast path) answers as predictData does',
      async () => {
        const target = await saveFresh();
        const model = await loader.load(target, { flavorOptions: options.loadOptions ?? {} });
        try {
          const { data, form } = toModelData(options.input, inputSpecsOf(model.signature));
          const viaPredict = await model.predict(options.input);
          const viaPredictData = fromModelData(await model.predictData(data), form);
          expect(viaPredict).toEqual(viaPredictData);
        } finally {
          await model.dispose();
        }
      },
      timeout,
    );

    it(
      'rejects a bad flavor config with a JsfuncError',
      async () => {
        const target = await saveFresh();
        const file = path.join(target, 'MLmodel');
        const original = parseMLmodel(await readFile(file, 'utf8'));
        const block = original.flavors[flavor.name] ?? {};
        const invalid = [...(options.invalidFlavorConfigs ?? [])];
        if ('data' in block) invalid.push({ ...block, data: '../outside-the-model' }, { ...block, data: '/etc/passwd' });
        expect(invalid.length, 'give invalidFlavorConfigs or a flavor block with a data key').toBeGreaterThan(0);
        for (const config of invalid) {
          const mutated = { ...original, flavors: { ...original.flavors, [flavor.name]: config } };
          await writeFile(file, serializeMLmodel(mutated));
          const error = await loader.load(target, { flavorOptions: options.loadOptions ?? {} }).then(
            async (model) => {
              await model.dispose();
              return undefined;
            },
            (caught: unknown) => caught,
          );
          expect(JsfuncError.isInstance(error), `config ${JSON.stringify(config)} must be refused with a JsfuncError, got ${String(error)}`).toBe(true);
        }
      },
      timeout,
    );

    it(
      'dispose twice is safe and predict after dispose fails with ERR_MODEL_DISPOSED',
      async () => {
        const target = await saveFresh();
        const model = await loader.load(target, { flavorOptions: options.loadOptions ?? {} });
        await model.dispose();
        await expect(model.dispose()).resolves.toBeUndefined();
        const error = await model.predict(options.input).catch((caught: unknown) => caught);
        expect(JsfuncError.isInstance(error, 'ERR_MODEL_DISPOSED')).toBe(true);
      },
      timeout,
    );

    it(
      'a flavor with an unknown specification version is rejected',
      async () => {
        const target = await saveFresh();
        const future = { ...flavor, specificationVersion: 'v999' } as unknown as AnyFlavorV1;
        const error = await createModelLoader({ flavors: [future], logger: silentLogger })
          .load(target)
          .catch((caught: unknown) => caught);
        expect(JsfuncError.isInstance(error, 'ERR_FLAVOR_SPEC_UNSUPPORTED')).toBe(true);
      },
      timeout,
    );

    it(
      'refuses a model file changed after save (integrity)',
      async () => {
        const target = await saveFresh();
        const mlmodel = parseMLmodel(await readFile(path.join(target, 'MLmodel'), 'utf8'));
        const files = Object.keys((mlmodel.jsfunc_integrity as { files: Record<string, string> }).files).filter((file) => file !== 'package.json');
        expect(files.length).toBeGreaterThan(0);
        const victim = path.join(target, files[0]!);
        const bytes = await readFile(victim);
        bytes[0] = (bytes[0]! + 1) % 256;
        await writeFile(victim, bytes);
        const error = await loader.load(target).catch((caught: unknown) => caught);
        expect(JsfuncError.isInstance(error, 'ERR_MODEL_INTEGRITY')).toBe(true);
      },
      timeout,
    );
  });
}
