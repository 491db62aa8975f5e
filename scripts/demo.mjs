// The main job, end to end, with the jsfunc CLI: package a real third-party ONNX model (an sklearn
// iris classifier exported by skl2onnx, from MLflow's test resources), inspect it, serve it, and
// score it over HTTP with both the MLflow protocol and the Open Inference Protocol.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'apps/cli/bin/jsfunc.js');
const source = path.resolve(root, '../shared/fixtures/onnx/sklearn_model.onnx');
const work = mkdtempSync(path.join(tmpdir(), 'jsfunc-demo-'));
const model = path.join(work, 'iris-classifier');

function run(args) {
  console.log(`\n$ jsfunc ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`jsfunc ${args[1]} failed with exit code ${result.status}`);
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

let server;
try {
  run(['models', 'package', '--flavor', 'onnx', '--source', source, '--output', model]);
  run(['models', 'info', '-m', model]);
  const port = await freePort();
  console.log(`\n$ jsfunc models serve -m iris=${model} -p ${port} --workers 2`);
  server = spawn(process.execPath, [cli, 'models', 'serve', '-m', `iris=${model}`, '-p', String(port), '--workers', '2', '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/v2/health/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    if (attempt > 300) throw new Error('the server did not become ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const rows = [
    [5.1, 3.5, 1.4, 0.2],
    [7.0, 3.2, 4.7, 1.4],
    [6.3, 3.3, 6.0, 2.5],
  ];
  console.log('\nPOST /invocations {"inputs": <3 iris flowers>}');
  const mlflow = await post(`${base}/invocations`, { inputs: rows });
  console.log(mlflow.status, JSON.stringify(mlflow.body));
  console.log('\nPOST /v2/models/iris/infer (Open Inference Protocol)');
  const oip = await post(`${base}/v2/models/iris/infer`, {
    inputs: [{ name: 'float_input', shape: [3, 4], datatype: 'FP32', data: rows.flat() }],
  });
  console.log(oip.status, JSON.stringify(oip.body));
  console.log('\nPOST /invocations with a bad body (a client error, answered as JSON)');
  const bad = await post(`${base}/invocations`, { instances: [[1, 2]] });
  console.log(bad.status, JSON.stringify(bad.body).slice(0, 300));
  const labels = mlflow.body?.predictions?.output_label;
  if (mlflow.status !== 200 || JSON.stringify(labels) !== JSON.stringify([0, 1, 2])) {
    throw new Error(`expected labels [0, 1, 2] for the three flowers, got ${JSON.stringify(mlflow.body)}`);
  }
  console.log('\nThe three flowers were classified as setosa (0), versicolor (1) and virginica (2). Demo done.');
} finally {
  server?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
