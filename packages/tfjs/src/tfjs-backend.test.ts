import { readdir } from 'node:fs/promises';
import { JsfuncError } from '@jsfunc/core';
import { describe, expect, it } from 'vitest';
import {
  activeTfjsBackend,
  initializeTfjsBackend,
  isTfjsNodeAvailable,
  locateWasmDirectory,
} from './tfjs-backend.js';

// One test file = one process-wide TF.js engine, so the order of these tests is deliberate.
describe('initializeTfjsBackend', () => {
  it('finds the .wasm binaries inside the installed @tensorflow/tfjs-backend-wasm (offline)', async () => {
    const directory = locateWasmDirectory();
    expect(directory).toMatch(/tfjs-backend-wasm[\\/]dist[\\/]$/);
    const files = await readdir(directory);
    expect(files).toEqual(expect.arrayContaining(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']));
  });

  it('rejects an unknown backend option with a code that names the allowed ones', async () => {
    const error = await initializeTfjsBackend('webgl' as never).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_BACKEND_INVALID')).toBe(true);
    expect((error as Error).message).toContain('"wasm"');
  });

  it('reports tfjs-node as unavailable on this machine (it is not installed) and leaves no backend behind', async () => {
    expect(await isTfjsNodeAvailable()).toBe(false);
    const error = await initializeTfjsBackend('tfjs-node').catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('npm install @tensorflow/tfjs-node');
    expect(await activeTfjsBackend()).toBeUndefined();
  });

  it('auto falls back to wasm, and concurrent initialisations share one backend', async () => {
    const states = await Promise.all([initializeTfjsBackend('auto'), initializeTfjsBackend('wasm'), initializeTfjsBackend()]);
    for (const state of states) expect(state.backend).toBe('wasm');
    expect(states[0]?.tf.getBackend()).toBe('wasm');
    const sum = states[0]!.tf.tidy(() => states[0]!.tf.add(states[0]!.tf.tensor([1, 2]), 1).dataSync());
    expect(Array.from(sum)).toEqual([2, 3]);
  });

  it('refuses a second, different backend in the same process instead of switching every model', async () => {
    const error = await initializeTfjsBackend('cpu').catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TFJS_BACKEND_CONFLICT')).toBe(true);
    expect((error as JsfuncError).details).toMatchObject({ requested: 'cpu', active: 'wasm' });
    expect(await activeTfjsBackend()).toBe('wasm');
  });
});
