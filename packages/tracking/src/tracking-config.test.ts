import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { resolveTrackingTarget } from './tracking-config.js';

describe('resolveTrackingTarget', () => {
  it('reads MLflow environment variables for a tracking server', () => {
    const target = resolveTrackingTarget({
      env: {
        MLFLOW_TRACKING_URI: 'https://mlflow.example:8443',
        MLFLOW_TRACKING_USERNAME: 'ada',
        MLFLOW_TRACKING_PASSWORD: 'secret',
        MLFLOW_TRACKING_TOKEN: 'tok',
        MLFLOW_TRACKING_INSECURE_TLS: 'true',
        MLFLOW_HTTP_REQUEST_TIMEOUT: '7',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1',
      },
    });
    expect(target).toMatchObject({
      kind: 'rest',
      http: { baseUrl: 'https://mlflow.example:8443', username: 'ada', password: 'secret', token: 'tok', insecureTls: true, timeoutMs: 7000, maxRetries: 1 },
    });
  });

  it('prefers explicit options over the environment', () => {
    const target = resolveTrackingTarget({ trackingUri: 'http://127.0.0.1:1', env: { MLFLOW_TRACKING_URI: 'http://elsewhere' } });
    expect(target.uri).toBe('http://127.0.0.1:1');
  });

  it('uses a local mlruns/ store for paths, file: URIs and by default', () => {
    expect(resolveTrackingTarget({ env: {} })).toEqual({ kind: 'file', uri: './mlruns', root: path.resolve('mlruns') });
    expect(resolveTrackingTarget({ trackingUri: 'file:///tmp/x/mlruns', env: {} })).toMatchObject({ kind: 'file', root: '/tmp/x/mlruns' });
  });

  it('refuses database and databricks URIs with a way out', () => {
    for (const uri of ['sqlite:///mlflow.db', 'databricks', 'postgresql://u:p@host/db']) {
      try {
        resolveTrackingTarget({ trackingUri: uri, env: {} });
        expect.unreachable();
      } catch (error) {
        expect(JsfuncError.isInstance(error, 'ERR_TRACKING_URI_INVALID')).toBe(true);
        expect((error as Error).message).toContain('mlflow server');
        expect((error as Error).message).not.toContain(':p@');
      }
    }
  });
});
