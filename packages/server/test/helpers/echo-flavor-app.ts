/**
 * Builds, in a temporary directory, a tiny app with a third-party flavor package
 * (`jsfunc-flavor-echo`, plain JS, written here) and saves models with it through core. The echo
 * model returns its (schema-enforced) input unchanged: MLflow's `TestModel` identity trick from
 * tests/pyfunc/test_pyfunc_schema_enforcement.py. Params steer it for server tests:
 * `sleep_ms` (delay), `crash` (the worker exits), `echo_params` (answer {input, params}).
 */
import { ModelSignature, importFlavorPackages, saveModel } from '@jsfunc/core';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const FLAVOR_SOURCE = (isolation: string, name: string) => `
function unwrap(input) {
  if (input.kind === 'value') return input.value;
  return input;
}
export function ${name}Flavor() {
  return {
    specificationVersion: 'v1',
    name: '${name}',
    packageName: 'jsfunc-flavor-${name}',
    packageVersion: '1.0.0',
    runtime: { isolation: '${isolation}' },
    async save(source, context) {
      await context.writer.writeFile('echo.json', JSON.stringify(source ?? {}));
      return { flavorConfig: { config: 'echo.json' }, data: 'echo.json' };
    },
    async load(context) {
      const config = JSON.parse(await context.reader.readText('echo.json'));
      if (config.load_delay_ms) await new Promise((resolve) => setTimeout(resolve, Number(config.load_delay_ms)));
      let calls = 0;
      const predict = async (input, params) => {
        calls += 1;
        if (params && params.sleep_ms) await new Promise((resolve) => setTimeout(resolve, Number(params.sleep_ms)));
        if (params && params.crash) process.exit(3);
        if (config.mode === 'params') return { kind: 'value', value: { input: unwrap(input), params: params ?? {} } };
        if (config.mode === 'dtypes' && input.kind === 'table') {
          const row = {};
          for (const column of input.table.columns) {
            const values = input.table.data[column];
            row[column] = Array.isArray(values) ? (values[0] instanceof Uint8Array ? 'bytes' : values[0] instanceof Date ? 'datetime' : typeof values[0]) : values.constructor.name;
          }
          return { kind: 'table', table: { columns: Object.keys(row), data: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, [v]])), rowCount: 1 } };
        }
        return input;
      };
      return {
        predict,
        methods: {
          countCalls: async () => ({ kind: 'value', value: { calls, pid: process.pid } }),
        },
        async *predictStream(input) {
          const text = String(unwrap(input).prompt ?? 'abc');
          for (const character of text) yield { kind: 'value', value: { delta: character } };
        },
        native: config,
        async dispose() {},
      };
    },
  };
}
`;

/** A temporary app with the echo flavor packages installed (thread and process isolation). */
export interface EchoApp {
  /** The app directory: pass it as `cwd` / `--flavors-from`. */
  readonly directory: string;
  readonly flavorPackages: string[];
  /** Saves an echo model and returns its directory. */
  saveEchoModel(options?: {
    name?: string;
    flavor?: 'echo' | 'echoproc';
    mode?: 'identity' | 'params' | 'dtypes';
    signature?: { inputs?: unknown[]; outputs?: unknown[]; params?: unknown[] };
    inputExample?: unknown;
    /** The model takes this long to load (in every worker). */
    loadDelayMs?: number;
  }): Promise<string>;
}

/** Creates the app. */
export async function createEchoApp(): Promise<EchoApp> {
  const directory = await mkdtemp(path.join(tmpdir(), 'jsfunc-echo-app-'));
  const packages = [
    ['echo', 'thread'],
    ['echoproc', 'process'],
  ] as const;
  const dependencies: Record<string, string> = {};
  for (const [name, isolation] of packages) {
    const packageDirectory = path.join(directory, 'node_modules', `jsfunc-flavor-${name}`);
    await mkdir(packageDirectory, { recursive: true });
    await writeFile(
      path.join(packageDirectory, 'package.json'),
      JSON.stringify({ name: `jsfunc-flavor-${name}`, version: '1.0.0', type: 'module', exports: './index.js', jsfunc: { flavor: `${name}Flavor` } }),
    );
    await writeFile(path.join(packageDirectory, 'index.js'), FLAVOR_SOURCE(isolation, name));
    dependencies[`jsfunc-flavor-${name}`] = '1.0.0';
  }
  // the app reaches @jsfunc/core the way an installed app would
  const coreLink = path.join(directory, 'node_modules', '@jsfunc');
  await mkdir(coreLink, { recursive: true });
  const { symlink } = await import('node:fs/promises');
  await symlink(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../core'), path.join(coreLink, 'core'));
  await writeFile(path.join(directory, 'package.json'), JSON.stringify({ name: 'echo-app', private: true, type: 'module', dependencies }));
  const flavorPackages = Object.keys(dependencies);
  const flavors = await importFlavorPackages(flavorPackages, { cwd: directory });
  let count = 0;
  return {
    directory,
    flavorPackages,
    async saveEchoModel(options = {}) {
      const target = path.join(directory, 'models', options.name ?? `model-${(count += 1)}`);
      const flavor = flavors.find((f) => f.name === (options.flavor ?? 'echo'))!;
      const signature = options.signature
        ? ModelSignature.fromDict({
            inputs: options.signature.inputs ? JSON.stringify(options.signature.inputs) : null,
            outputs: options.signature.outputs ? JSON.stringify(options.signature.outputs) : null,
            params: options.signature.params ? JSON.stringify(options.signature.params) : null,
          })
        : undefined;
      await saveModel({ mode: options.mode ?? 'identity', ...(options.loadDelayMs ? { load_delay_ms: options.loadDelayMs } : {}) }, {
        flavor,
        path: target,
        ...(signature ? { signature } : {}),
        ...(options.inputExample !== undefined ? { inputExample: options.inputExample } : {}),
      });
      return target;
    },
  };
}
