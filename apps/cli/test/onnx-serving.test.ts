/**
 * Real models on the real onnxruntime-node, through the built CLI: an MLflow-written ONNX model
 * directory served as is, and a bare .onnx file packaged with `jsfunc models package`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from './cli-harness.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const MLFLOW_ONNX = path.join(FIXTURES, 'mlflow-onnx-model-2.8.1');
let serve: ServeProcess;
let packaged: string;

beforeAll(async () => {
  packaged = path.join(await mkdtemp(path.join(tmpdir(), 'jsfunc-onnx-')), 'two-inputs');
  const result = await runCli(['models', 'package', '--flavor', 'onnx', '--source', path.join(FIXTURES, 'onnx/tf_model_multiple_inputs_float32.onnx'), '--output', packaged]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  serve = await startServe(['-m', `linear=${MLFLOW_ONNX}`, '-m', `product=${packaged}`, '--workers', '2']);
}, 120_000);

afterAll(async () => serve?.stop());

const post = async (route: string, body: unknown) => {
  const response = await fetch(`${serve.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};

describe('ONNX models through the CLI', () => {
  it('package infers the signature (visible in models info)', async () => {
    const info = await runCli(['models', 'info', '-m', packaged, '--json']);
    const json = JSON.parse(info.stdout);
    expect(json.flavors).toContain('onnx');
    expect(json.signature.inputs.map((i: { name: string }) => i.name).sort()).toEqual(['first_input:0', 'second_input:0']);
    expect(json.integrity.status).toBe('verified');
  });

  it('/invocations on the MLflow 2.8.1 model: 10 zeros → 150.434, 10 ones → 1373.035', async () => {
    const { status, json } = await post('/models/linear/invocations', { inputs: { input: [Array(10).fill(0), Array(10).fill(1)] } });
    expect(status).toBe(200);
    const values = (json.predictions.variable as number[][]).map((row) => row[0]);
    expect(values[0]).toBeCloseTo(150.434, 3);
    expect(values[1]).toBeCloseTo(1373.035, 3);
  });

  it('OIP infer on the MLflow model, with metadata from the ONNX signature', async () => {
    const metadata = await (await fetch(`${serve.url}/v2/models/linear`)).json();
    expect(metadata).toMatchObject({ name: 'linear', platform: 'onnx_onnxv1' });
    const { status, json } = await post('/v2/models/linear/infer', { inputs: [{ name: 'input', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(0.1) }] });
    expect(status).toBe(200);
    expect(json.outputs[0].name).toBe('variable');
    expect(json.outputs[0].data[0]).toBeCloseTo(272.6941, 3);
  });

  it('F8: two named inputs as "inputs" → elementwise product', async () => {
    const a = Array.from({ length: 10 }, (_, i) => i);
    const b = Array(10).fill(2);
    const { status, json } = await post('/models/product/invocations', { inputs: { 'first_input:0': a, 'second_input:0': b } });
    expect(status).toBe(200);
    expect(json.predictions['output:0']).toEqual(a.map((v) => v * 2));
  });

  it('F5: input the model cannot score → 400 BAD_REQUEST with message and stack_trace', async () => {
    const { status, json } = await post('/models/linear/invocations', { dataframe_split: { columns: ['x'], data: Array.from({ length: 10 }, (_, i) => [i]) } });
    expect(status).toBe(400);
    expect(json.error_code).toBe('BAD_REQUEST');
    expect(json.stack_trace).toBeTypeOf('string');
  });
});
