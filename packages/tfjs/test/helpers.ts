import { mkdtemp, readFile, rm, mkdir, writeFile, copyFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileSystem, resolveInsideModel, assertModelRelativePath, type ModelReaderV1, type ModelWriterV1 } from '@jsfunc/core';

/** The shared, read-only fixtures (repo root is /work/main; fixtures are at ../shared/fixtures). */
export const fixturesDirectory = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const emotionGraphDirectory = path.join(fixturesDirectory, 'tfjs', 'emotion-graph');
export const upscalerLayersDirectory = path.join(fixturesDirectory, 'tfjs', 'upscaler-layers');

export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'jsfunc-tfjs-'));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** A writer over a plain directory, with the same containment rule as core's. */
export function directoryWriter(directory: string): ModelWriterV1 {
  const resolve = (file: string) => path.resolve(directory, assertModelRelativePath(file));
  return {
    directory,
    resolve,
    async writeFile(file, data) {
      await mkdir(path.dirname(resolve(file)), { recursive: true });
      await writeFile(resolve(file), data);
    },
    async copyFile(source, file) {
      await mkdir(path.dirname(resolve(file)), { recursive: true });
      await copyFile(source, resolve(file));
    },
    async copyDirectory() {
      throw new Error('not used');
    },
  };
}

/** A reader over a plain directory that uses core's containment check (symlinks followed). */
export function directoryReader(directory: string): ModelReaderV1 {
  const resolve = (file: string) => path.resolve(directory, assertModelRelativePath(file));
  return {
    directory,
    resolve,
    async readFile(file) {
      return new Uint8Array(await readFile(await resolveInsideModel(nodeFileSystem, directory, file)));
    },
    async readText(file) {
      return readFile(await resolveInsideModel(nodeFileSystem, directory, file), 'utf8');
    },
    async exists(file) {
      return access(resolve(file)).then(() => true, () => false);
    },
  };
}

/** Largest absolute difference between two numeric arrays of the same length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs((a[index] as number) - (b[index] as number)));
  return max;
}

/** Deterministic pseudo-random floats in [0, 1). */
export function seededFloats(length: number, seed = 1): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[index] = state / 2 ** 32;
  }
  return out;
}
