// Model URIs everywhere a URI is taken: the jsfunc CLI (serve, predict, score) given
// models:/name@alias and runs:/ URIs of a model logged on a real `mlflow server`, with
// MLFLOW_TRACKING_URI in the environment, as a user would.
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { logModel } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../../apps/cli/bin/jsfunc.js');
const onnxFile = path.resolve(here, '../../../../shared/fixtures/mlflow-onnx-model-2.8.1/model.onnx');
const run = promisify(execFile);

let env: NodeJS.ProcessEnv;
let tmp: string;
let name: string;
let runUri: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(inject('interopTmp'), 'cli-uris-'));
  name = `jsfunc-cli-${Date.now()}`;
  const logged = await logModel(onnxFile, {
    flavor: onnxFlavor(),
    trackingUri: inject('mlflowUri'),
    experimentName: 'jsfunc-cli',
    artifactPath: 'model',
    registeredModelName: name,
    aliases: ['prod'],
    logger: silentLogger,
  });
  runUri = `runs:/${logged.runId}/model`;
  env = { ...process.env, MLFLOW_TRACKING_URI: inject('mlflowUri'), JSFUNC_MODEL_CACHE: path.join(tmp, 'cache') };
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the jsfunc CLI takes MLflow model URIs', () => {
  it('models predict -m models:/name@alias answers what /invocations would', async () => {
    const input = path.join(tmp, 'request.json');
    await fs.writeFile(input, JSON.stringify({ inputs: [Array(10).fill(0), Array(10).fill(1)] }));
    const { stdout } = await run(process.execPath, [cli, 'models', 'predict', '-m', `models:/${name}@prod`, '-i', input], { env });
    const predictions = (JSON.parse(stdout) as { predictions: unknown }).predictions;
    const values = (JSON.stringify(predictions).match(/-?\d+\.\d+/g) ?? []).map(Number);
    expect(values[0]).toBeCloseTo(150.434, 3);
    expect(values[1]).toBeCloseTo(1373.035, 3);
  });

  it('models info -m runs:/<run>/model reads the logged model without loading it', async () => {
    const { stdout } = await run(process.execPath, [cli, 'models', 'info', '-m', runUri, '--json'], { env });
    const info = JSON.parse(stdout) as { flavors: string[]; integrity: { status: string } };
    expect(info.flavors).toContain('onnx');
    expect(info.integrity.status).toBe('verified');
  });

  it('models serve -m models:/name/1 serves it over HTTP', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [cli, 'models', 'serve', '-m', `models:/${name}/1`, '-p', String(port), '--log-level', 'warn'], { env, stdio: 'ignore' });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let attempt = 0; attempt < 600; attempt++) {
        if (await fetch(`${base}/v2/health/ready`).then((response) => response.ok, () => false)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const response = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [Array(10).fill(1)] }),
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain('1373.03');
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('models score -m models:/name@prod scores a CSV file', async () => {
    const input = path.join(tmp, 'rows.csv');
    const columns = Array.from({ length: 10 }, (_unused, index) => `f${index}`);
    await fs.writeFile(input, `${columns.join(',')}\n${Array(10).fill('0').join(',')}\n${Array(10).fill('1').join(',')}\n`);
    const output = path.join(tmp, 'scored.csv');
    await run(process.execPath, [cli, 'models', 'score', '-m', `models:/${name}@prod`, '-i', input, '-o', output, '--columns', columns.join(','), '--no-progress'], { env });
    const lines = (await fs.readFile(output, 'utf8')).trim().split('\n');
    expect(lines[0]).toContain('prediction');
    expect(Number(lines[1]!.split(',').at(-1))).toBeCloseTo(150.434, 3);
    expect(Number(lines[2]!.split(',').at(-1))).toBeCloseTo(1373.035, 3);
  });
});
