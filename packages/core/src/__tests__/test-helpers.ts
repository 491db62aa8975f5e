// Helpers shared by core's tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsfuncError } from '../errors/jsfunc-error.js';

/** Runs `run` and returns the JsfuncError it throws; fails when it throws nothing or something else. */
export function thrownJsfuncError(run: () => unknown): JsfuncError {
  try {
    run();
  } catch (error) {
    if (JsfuncError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

/** A logger that keeps every warning. */
export function recordingLogger(): { messages: string[]; warn: (message: string) => void } {
  const messages: string[] = [];
  return { messages, warn: (message: string) => void messages.push(message) };
}

/** Fresh temporary directories, all removed by `removeAll()` (call it in `afterAll`). */
export function temporaryDirectories(prefix: string): { create: () => Promise<string>; removeAll: () => Promise<void> } {
  const created: string[] = [];
  return {
    async create() {
      const directory = await mkdtemp(path.join(tmpdir(), prefix));
      created.push(directory);
      return directory;
    },
    async removeAll() {
      await Promise.all(created.map((directory) => rm(directory, { recursive: true, force: true })));
    },
  };
}
