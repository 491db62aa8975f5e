import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { createHttpTransport } from './http-transport.js';
import { resolveTrackingTarget } from './tracking-config.js';

let server: https.Server;
let baseUrl: string;
let directory: string;

beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfunc-tls-'));
  const key = path.join(directory, 'key.pem');
  const cert = path.join(directory, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  server = https.createServer({ key: await fs.readFile(key), cert: await fs.readFile(cert) }, (_request, response) => response.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(directory, { recursive: true, force: true });
});

describe('TLS to a tracking server with a self-signed certificate', () => {
  it('is refused by default', async () => {
    const target = resolveTrackingTarget({ trackingUri: baseUrl, env: {} });
    const error = await createHttpTransport({ ...(target.kind === 'rest' ? target.http : { baseUrl }), maxRetries: 0 })
      .json('GET', '/')
      .catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_TRACKING_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toMatch(/certificate/i);
  });

  it('is accepted with MLFLOW_TRACKING_INSECURE_TLS=true', async () => {
    const target = resolveTrackingTarget({ env: { MLFLOW_TRACKING_URI: baseUrl, MLFLOW_TRACKING_INSECURE_TLS: 'true' } });
    if (target.kind !== 'rest') throw new Error('expected a REST target');
    await expect(createHttpTransport(target.http).json('GET', '/')).resolves.toEqual({ ok: true });
  });

  it('is accepted with MLFLOW_TRACKING_SERVER_CERT_PATH naming the certificate', async () => {
    const target = resolveTrackingTarget({ env: { MLFLOW_TRACKING_URI: baseUrl, MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(directory, 'cert.pem') } });
    if (target.kind !== 'rest') throw new Error('expected a REST target');
    await expect(createHttpTransport(target.http).json('GET', '/')).resolves.toEqual({ ok: true });
  });
});
