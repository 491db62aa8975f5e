import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureVenv, freePort, startHttpProcess, venvMlflow } from './mlflow-processes.mjs';

declare module 'vitest' {
  interface ProvidedContext {
    /** Base URL of the real `mlflow server` the suite started. */
    mlflowUri: string;
    /** Scratch directory of this suite run. */
    interopTmp: string;
  }
}

export default async function setup(project: TestProject) {
  await ensureVenv();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-interop-'));
  const port = await freePort();
  const server = await startHttpProcess(
    venvMlflow,
    [
      'server',
      '--host', '127.0.0.1',
      '--port', String(port),
      '--workers', '1',
      '--backend-store-uri', `sqlite:///${path.join(tmp, 'mlflow.db')}`,
      '--artifacts-destination', path.join(tmp, 'artifacts'),
    ],
    { port, healthPath: '/health', cwd: tmp },
  );
  project.provide('mlflowUri', server.url);
  project.provide('interopTmp', tmp);
  return async () => {
    await server.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  };
}
