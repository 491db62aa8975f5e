import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEchoApp, type EchoApp } from '../../../packages/server/test/helpers/echo-flavor-app.js';
import { runCli, startServe } from './cli-harness.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
let app: EchoApp;
let scratch: string;

beforeAll(async () => {
  app = await createEchoApp();
  scratch = await mkdtemp(path.join(tmpdir(), 'jsfunc-cli-'));
}, 60_000);

describe('jsfunc models predict', () => {
  it('scores a JSON file and prints what /invocations answers', async () => {
    const model = await app.saveEchoModel({ signature: { inputs: [{ type: 'double', name: 'a' }] } });
    const input = path.join(scratch, 'input.json');
    await writeFile(input, JSON.stringify({ dataframe_records: [{ a: 1 }, { a: 2 }] }));
    const result = await runCli(['models', 'predict', '-m', model, '-i', input, '--flavors-from', app.directory]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ predictions: [{ a: 1 }, { a: 2 }] });
  });

  it('scores the model MLflow 2.8.1 wrote with nothing on stderr, and names a wrong input shape', async () => {
    const model = path.join(FIXTURES, 'mlflow-onnx-model-2.8.1');
    const input = path.join(scratch, 'zeros.json');
    await writeFile(input, JSON.stringify({ inputs: { input: [Array.from({ length: 10 }, () => 0)] } }));
    const result = await runCli(['models', 'predict', '-m', model, '-i', input]);
    // MLflow's default providers list CUDA first; its absence here is not worth a line on every run.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { predictions: { variable: number[][] } }).predictions.variable[0]![0]).toBeCloseTo(150.434, 3);

    await writeFile(input, JSON.stringify({ inputs: { input: [[0, 0, 0]] } }));
    const wrong = await runCli(['models', 'predict', '-m', model, '-i', input]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_ONNX_INPUT_SHAPE');
    expect(wrong.stderr).toContain('Got: 3 Expected: 10');
  });

  it('reads CSV from standard input and writes the output file', async () => {
    const model = await app.saveEchoModel();
    const output = path.join(scratch, 'out.json');
    const result = await runCli(['models', 'predict', '-m', model, '-t', 'csv', '-o', output, '--flavors-from', app.directory], { input: 'a,b\n1,x\n' });
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual({ predictions: [{ a: 1, b: 'x' }] });
  });

  it('a bad body exits 1 with the error code and message', async () => {
    const model = await app.saveEchoModel();
    const result = await runCli(['models', 'predict', '-m', model, '--flavors-from', app.directory], { input: '[1]' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_SERVER_INPUT_FORMAT');
    expect(result.stderr).toContain('exactly one of the input fields');
  });
});

describe('jsfunc models info', () => {
  it('describes a model whose flavor package is not installed', async () => {
    const model = await app.saveEchoModel({ signature: { inputs: [{ type: 'double', name: 'a' }] } });
    const result = await runCli(['models', 'info', '-m', model, '--json']);
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(info.flavors).toContain('echo');
    expect(info.signature.inputs).toEqual([{ type: 'double', name: 'a', required: true }]);
    expect(info.integrity.status).toBe('verified');
    const text = await runCli(['models', 'info', '-m', model]);
    expect(text.stdout).toContain('flavors:    echo');
  });

  it('describes a model written by MLflow', async () => {
    const result = await runCli(['models', 'info', '-m', path.join(FIXTURES, 'mlflow-onnx-model-2.8.1')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('onnx, python_function');
    expect(result.stdout).toContain('integrity:  absent');
  });

  it('a missing model exits 1 with ERR_MODEL_NOT_FOUND', async () => {
    const result = await runCli(['models', 'info', '-m', path.join(scratch, 'nope')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ERR_MODEL_NOT_FOUND|ERR_MLMODEL/);
  });
});

describe('usage', () => {
  it('--help lists the verbs; unknown options exit 2', async () => {
    const help = await runCli(['models', '--help']);
    expect(help.code).toBe(0);
    for (const verb of ['serve', 'predict', 'info', 'package', 'generate-dockerfile']) expect(help.stdout).toContain(verb);
    const bad = await runCli(['models', 'info', '-m', 'x', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
  });
});

describe('jsfunc models generate-dockerfile', () => {
  it('writes a Dockerfile and a KServe runtime manifest', async () => {
    const directory = path.join(scratch, 'docker');
    const result = await runCli(['models', 'generate-dockerfile', '-d', directory, '--kserve', '-n', 'iris']);
    expect(result.code).toBe(0);
    const dockerfile = await readFile(path.join(directory, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM node:22-slim');
    expect(dockerfile).toContain('EXPOSE 8080');
    expect(dockerfile).toContain('"models", "serve"');
    const manifest = await readFile(path.join(directory, 'kserve-runtime.yaml'), 'utf8');
    expect(manifest).toContain('kind: ClusterServingRuntime');
    expect(manifest).toContain('path: /v2/health/ready');
    expect(manifest).toContain('iris=/mnt/models');
  });
});

describe('serving machinery through the CLI', () => {
  it('process isolation: a process flavor runs in child processes', async () => {
    const model = await app.saveEchoModel({ flavor: 'echoproc' });
    const serve = await startServe(['-m', model, '--flavors-from', app.directory, '--workers', '2']);
    try {
      const response = await fetch(`${serve.url}/models/model/methods/countCalls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [1]}' });
      const { predictions } = (await response.json()) as { predictions: { pid: number } };
      expect(predictions.pid).not.toBe(serve.child.pid);
    } finally {
      await serve.stop();
    }
  });

  it('SIGTERM drains in-flight requests, then exits 0', async () => {
    const model = await app.saveEchoModel();
    const serve = await startServe(['-m', model, '--flavors-from', app.directory]);
    const slow = fetch(`${serve.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [7], "params": {"sleep_ms": 800}}' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = serve.stop('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ predictions: [7] });
    expect(await exited).toBe(0);
  });
});
