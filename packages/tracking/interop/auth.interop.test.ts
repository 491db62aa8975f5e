// Server errors from a real MLflow with authentication (`mlflow server --app-name basic-auth`):
// 401 and 403 become named errors carrying MLflow's message; MLflow's credential variables work
// for logging, artifact upload and the registry download path.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createModelLoader, JsfuncError, silentLogger } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { logModel, mlflowResolver } from '../src/index.js';
import { freePort, startHttpProcess, venvMlflow, type RunningProcess } from './mlflow-processes.mjs';

const onnxFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/mlflow-onnx-model-2.8.1/model.onnx');
const admin = { MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: 'admin-Passw0rd-123' };
const reader = { MLFLOW_TRACKING_USERNAME: 'reader', MLFLOW_TRACKING_PASSWORD: 'reader-Passw0rd-123456' };
let server: RunningProcess;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(inject('interopTmp'), 'auth-'));
  const port = await freePort();
  server = await startHttpProcess(
    venvMlflow,
    ['server', '--app-name', 'basic-auth', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--backend-store-uri', `sqlite:///${path.join(tmp, 'mlflow.db')}`, '--artifacts-destination', path.join(tmp, 'artifacts')],
    {
      port,
      healthPath: '/health',
      cwd: tmp,
      env: { MLFLOW_AUTH_ADMIN_PASSWORD: admin.MLFLOW_TRACKING_PASSWORD, MLFLOW_FLASK_SERVER_SECRET_KEY: 'jsfunc-interop'},
    },
  );
  const response = await fetch(`${server.url}/api/2.0/mlflow/users/create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`admin:${admin.MLFLOW_TRACKING_PASSWORD}`).toString('base64')}` },
    body: JSON.stringify({ username: reader.MLFLOW_TRACKING_USERNAME, password: reader.MLFLOW_TRACKING_PASSWORD }),
  });
  expect(response.status).toBe(200);
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

describe('an MLflow server with basic auth', () => {
  it('answers 401 without or with wrong credentials: ERR_TRACKING_UNAUTHENTICATED with the server message', async () => {
    for (const env of [{ MLFLOW_TRACKING_URI: server.url }, { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: 'wrong' }]) {
      const error = await logModel(onnxFile, { flavor: onnxFlavor(), env, logger: silentLogger }).catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_TRACKING_UNAUTHENTICATED')).toBe(true);
      expect((error as JsfuncError).details).toMatchObject({ status: 401 });
      expect((error as Error).message).toContain('You are not authenticated');
      expect((error as Error).message).toContain('MLFLOW_TRACKING_USERNAME');
    }
  });

  it('answers 403 to a user without permission: ERR_TRACKING_PERMISSION_DENIED', async () => {
    // Default experiment belongs to nobody; the default permission (READ) does not allow runs.
    const error = await logModel(onnxFile, { flavor: onnxFlavor(), env: { MLFLOW_TRACKING_URI: server.url, ...reader }, experimentName: 'Default', logger: silentLogger }).catch(
      (caught: unknown) => caught,
    );
    expect(JsfuncError.isInstance(error, 'ERR_TRACKING_PERMISSION_DENIED')).toBe(true);
    expect((error as JsfuncError).details).toMatchObject({ status: 403, serverMessage: 'Permission denied' });
  });

  it('logs, registers and loads back with MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD', async () => {
    const env = { MLFLOW_TRACKING_URI: server.url, ...admin };
    const logged = await logModel(onnxFile, { flavor: onnxFlavor(), env, registeredModelName: 'secured', aliases: ['prod'], logger: silentLogger });
    expect(logged.registeredModel?.version).toBe('1');
    const loader = createModelLoader({ flavors: [onnxFlavor()], resolvers: [mlflowResolver({ env, cacheDirectory: path.join(tmp, 'cache') })], logger: silentLogger });
    const model = await loader.load('models:/secured@prod');
    expect(model.flavor).toBe('onnx');
    await model.dispose();
    const denied = await mlflowResolver({ env: { MLFLOW_TRACKING_URI: server.url }, cacheDirectory: path.join(tmp, 'cache-2') })
      .resolve('models:/secured/1')
      .catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(denied, 'ERR_TRACKING_UNAUTHENTICATED')).toBe(true);
  });
});
