// The pipeline served by the jsfunc CLI over real HTTP: MLflow's /invocations, OIP, the named
// method, and a clean 501 for streaming (the pipeline does not stream).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline } from './build-pipeline.js';
import { syntheticTextLine } from './synthetic-text-line.js';

const cli = fileURLToPath(new URL('../../cli/bin/jsfunc.js', import.meta.url));
let root: string;
let server: ChildProcess | undefined;
let base: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ocr-serve-'));
  const model = path.join(root, 'pipeline');
  await buildPipeline(model);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [cli, 'models', 'serve', '-m', `ocr=${model}`, '-p', String(port), '--log-level', 'warn'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await fetch(`${base}/v2/health/ready`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become ready');
}, 120_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

function image(flipped: boolean): number[][][] {
  const flat = syntheticTextLine(flipped);
  return Array.from({ length: 24 }, (_y, y) => Array.from({ length: 160 }, (_x, x) => Array.from(flat.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3))));
}

async function post(route: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the OCR pipeline served by `jsfunc models serve`', () => {
  it('answers /invocations with the orientation of each line (JSON cast to float32 by the signature)', async () => {
    const { status, body } = await post('/invocations', { inputs: [image(false), image(true)] });
    expect(status).toBe(200);
    const predictions = body.predictions as { angle: number }[];
    expect(predictions.map((row) => row.angle)).toEqual([0, 180]);
  }, 60_000);

  it('answers the OIP infer route with the same model', async () => {
    const { status, body } = await post('/v2/models/ocr/infer', {
      inputs: [{ name: 'input-0', shape: [1, 24, 160, 3], datatype: 'FP32', data: Array.from(syntheticTextLine(true)) }],
    });
    expect(status).toBe(200);
    const outputs = body.outputs as { name: string; data: number[] }[];
    expect(outputs.find((output) => output.name === 'angle')?.data).toEqual([180]);
  }, 60_000);

  it('calls the named method `upscale` over HTTP', async () => {
    const { status, body } = await post('/models/ocr/methods/upscale', { inputs: [image(false)] });
    expect(status).toBe(200);
    const upscaled = body.predictions as number[][][][];
    expect([upscaled.length, upscaled[0]!.length, upscaled[0]![0]!.length, upscaled[0]![0]![0]!.length]).toEqual([1, 48, 320, 3]);
  }, 60_000);

  it('refuses streaming with 501 and a JSON error, since the pipeline does not stream', async () => {
    const response = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ inputs: [image(false)] }),
    });
    expect(response.status).toBe(501);
    expect(((await response.json()) as { message?: string; error_code?: string }).error_code).toBeDefined();
  }, 60_000);
});
