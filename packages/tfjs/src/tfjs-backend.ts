import { createRequire } from 'node:module';
import path from 'node:path';
import { jsfuncError } from '@jsfunc/core';
import { loadTfjs, type TfjsModule } from './load-tfjs.js';

/**
 * Which TensorFlow.js backend runs the model.
 * - `auto` (default): `tensorflow` from `@tensorflow/tfjs-node` when the app has it installed and it
 *   imports, otherwise `wasm`.
 * - `tfjs-node`: the native libtensorflow backend; fails when `@tensorflow/tfjs-node` cannot be imported.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` with the `.wasm` files shipped in its npm package (offline).
 * - `cpu`: the pure-JavaScript backend that ships in `@tensorflow/tfjs` (slowest, always available).
 */
export type TfjsBackendOption = 'auto' | 'tfjs-node' | 'wasm' | 'cpu';

/** The backend names TensorFlow.js itself uses (`tf.getBackend()`). */
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The result of {@link initializeTfjsBackend}. */
export interface TfjsBackendState {
  /** The `@tensorflow/tfjs` module with the backend active. */
  readonly tf: TfjsModule;
  /** The active backend (`tf.getBackend()`). */
  readonly backend: TfjsBackendName;
}

const backendOptions: readonly TfjsBackendOption[] = ['auto', 'tfjs-node', 'wasm', 'cpu'];
const tfjsNodeSpecifier = '@tensorflow/tfjs-node';

/** True when `value` is a valid {@link TfjsBackendOption}. */
export function isTfjsBackendOption(value: unknown): value is TfjsBackendOption {
  return typeof value === 'string' && (backendOptions as readonly string[]).includes(value);
}

/**
 * Checks a backend option given by a user.
 * @throws JsfuncError `ERR_TFJS_BACKEND_INVALID`
 */
export function assertTfjsBackendOption(value: unknown): asserts value is TfjsBackendOption {
  if (!isTfjsBackendOption(value)) {
    throw jsfuncError(
      'ERR_TFJS_BACKEND_INVALID',
      `Expected the tfjs backend option to be one of ${backendOptions.map((option) => `"${option}"`).join(', ')}, found ${JSON.stringify(value)}. Pass one of those (or leave it out for "auto").`,
      { backend: String(value), allowed: [...backendOptions] },
    );
  }
}

let tfjsNodeProbe: Promise<unknown> | undefined;

/** Imports `@tensorflow/tfjs-node` once; resolves to the error when it is not installed or broken. */
function probeTfjsNode(): Promise<unknown> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional peer.
  tfjsNodeProbe ??= import(tfjsNodeSpecifier).then(
    () => undefined,
    (error: unknown) => error ?? new Error('import failed'),
  );
  return tfjsNodeProbe;
}

/** True when `@tensorflow/tfjs-node` is installed and imports in this process. */
export async function isTfjsNodeAvailable(): Promise<boolean> {
  return (await probeTfjsNode()) === undefined;
}

/**
 * The directory holding the `.wasm` binaries of the installed `@tensorflow/tfjs-backend-wasm`, with
 * a trailing separator (the form `setWasmPaths` expects for a prefix).
 * @throws JsfuncError `ERR_TFJS_NOT_INSTALLED`
 */
export function locateWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    return path.dirname(file) + path.sep;
  } catch (error) {
    throw jsfuncError(
      'ERR_TFJS_NOT_INSTALLED',
      'Expected the peer dependency @tensorflow/tfjs-backend-wasm to be installed (the wasm backend is the default), but its .wasm files could not be found. Install it (`npm install @tensorflow/tfjs-backend-wasm`), or choose the backend "cpu" or "tfjs-node".',
      { package: '@tensorflow/tfjs-backend-wasm' },
      error,
    );
  }
}

async function activateWasm(tf: TfjsModule): Promise<void> {
  let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasmModule = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw jsfuncError(
      'ERR_TFJS_NOT_INSTALLED',
      'Expected the peer dependency @tensorflow/tfjs-backend-wasm to be installed (the wasm backend is the default), but it could not be imported. Install it (`npm install @tensorflow/tfjs-backend-wasm`), or choose the backend "cpu" or "tfjs-node".',
      { package: '@tensorflow/tfjs-backend-wasm' },
      error,
    );
  }
  const directory = locateWasmDirectory();
  try {
    wasmModule.setWasmPaths(directory);
  } catch {
    // The app initialised the wasm backend itself before jsfunc: its paths stay in force.
  }
  await tf.setBackend('wasm');
}

async function activate(tf: TfjsModule, option: Exclude<TfjsBackendOption, 'auto'>): Promise<TfjsBackendName> {
  let ok: boolean;
  if (option === 'tfjs-node') {
    const error = await probeTfjsNode();
    if (error !== undefined) {
      throw jsfuncError(
        'ERR_TFJS_BACKEND_UNAVAILABLE',
        'Expected @tensorflow/tfjs-node to be importable for the backend "tfjs-node", but importing it failed. Install it in your app (`npm install @tensorflow/tfjs-node`; its install downloads libtensorflow), or use the backend "auto", "wasm" or "cpu".',
        { backend: option },
        error,
      );
    }
    ok = await tf.setBackend('tensorflow');
  } else if (option === 'wasm') {
    await activateWasm(tf);
    ok = tf.getBackend() === 'wasm';
  } else {
    ok = await tf.setBackend('cpu');
  }
  await tf.ready();
  const expected: TfjsBackendName = option === 'tfjs-node' ? 'tensorflow' : option;
  if (!ok || tf.getBackend() !== expected) {
    throw jsfuncError(
      'ERR_TFJS_BACKEND_UNAVAILABLE',
      `Expected TensorFlow.js to activate the backend "${expected}", but the active backend is "${String(tf.getBackend())}". Check the installed @tensorflow packages share one version, or choose another backend.`,
      { backend: option, active: String(tf.getBackend()) },
    );
  }
  return expected;
}

interface BackendRecord {
  readonly option: TfjsBackendOption;
  readonly promise: Promise<TfjsBackendState>;
}

let current: BackendRecord | undefined;

/**
 * Makes a TensorFlow.js backend active for this process. TensorFlow.js has one active backend per
 * process, so the first call decides it: later calls with the same option (or `auto`) share the
 * same initialisation, even when models load concurrently; a call asking for a different backend
 * fails instead of silently moving every loaded model's weights.
 * @throws JsfuncError `ERR_TFJS_BACKEND_CONFLICT`, `ERR_TFJS_BACKEND_UNAVAILABLE`,
 *   `ERR_TFJS_BACKEND_INVALID`, `ERR_TFJS_NOT_INSTALLED`
 */
export async function initializeTfjsBackend(option: TfjsBackendOption = 'auto'): Promise<TfjsBackendState> {
  assertTfjsBackendOption(option);
  if (current !== undefined) {
    const record = current;
    const state = await record.promise;
    if (option === 'auto' || option === record.option || backendNameOf(option) === state.backend) return state;
    if (record.option === 'auto' && (await resolveAuto()) === option && state.backend === backendNameOf(option)) return state;
    throw jsfuncError(
      'ERR_TFJS_BACKEND_CONFLICT',
      `Expected one TensorFlow.js backend per process, but this process already runs "${state.backend}" and a model asked for "${option}". Load every TF.js model of a process with the same backend option (or "auto"), or load the other one in a separate process.`,
      { requested: option, active: state.backend },
    );
  }
  const record: BackendRecord = {
    option,
    promise: (async () => {
      const tf = await loadTfjs();
      const resolved = option === 'auto' ? await resolveAuto() : option;
      const backend = await activate(tf, resolved);
      return { tf, backend };
    })(),
  };
  current = record;
  try {
    return await record.promise;
  } catch (error) {
    if (current === record) current = undefined;
    throw error;
  }
}

/** The backend TensorFlow.js is running for jsfunc in this process, if one was initialised. */
export async function activeTfjsBackend(): Promise<TfjsBackendName | undefined> {
  if (current === undefined) return undefined;
  try {
    return (await current.promise).backend;
  } catch {
    return undefined;
  }
}

async function resolveAuto(): Promise<Exclude<TfjsBackendOption, 'auto'>> {
  return (await isTfjsNodeAvailable()) ? 'tfjs-node' : 'wasm';
}

function backendNameOf(option: Exclude<TfjsBackendOption, 'auto'>): TfjsBackendName {
  return option === 'tfjs-node' ? 'tensorflow' : option;
}
