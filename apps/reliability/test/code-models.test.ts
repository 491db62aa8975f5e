/**
 * Code models end to end through `jsfunc models serve`: the code inside a model directory is
 * imported only after the directory passed its integrity check. The model's code writes a marker
 * file when imported; with another file of the model tampered with, serving refuses with
 * ERR_MODEL_INTEGRITY and the marker never appears. Also: the server has no model-management
 * (load/unload) routes at all; the OIP repository index is read-only.
 */
import { existsSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { saveCustomModel } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyModel, jsonOf, keepAliveAgent, runCli, send, startServe, temporaryDirectory } from '../src/index.js';

let work: Awaited<ReturnType<typeof temporaryDirectory>>;
let model: string;
let marker: string;

beforeAll(async () => {
  work = await temporaryDirectory('jsfunc-code-models-');
  marker = path.join(work.path, 'imported.marker');
  await writeFile(
    path.join(work.path, 'marking.mjs'),
    `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.JSFUNC_TEST_MARKER, 'imported ' + process.pid + '\\n');
export default { predict(context, input) { return { dtype: 'float64', shape: input.shape, data: Array.from(input.data, (x) => Number(x) + 1) }; } };
`,
  );
  await writeFile(path.join(work.path, 'notes.txt'), 'artifact');
  model = (await saveCustomModel({ path: path.join(work.path, 'model'), code: path.join(work.path, 'marking.mjs'), artifacts: { notes: path.join(work.path, 'notes.txt') } })).path;
  expect(existsSync(marker)).toBe(false); // saving bundles the code; it does not run it
}, 120_000);

afterAll(async () => work?.remove());

describe('code models through jsfunc models serve', () => {
  it('an intact code model is imported and served (the marker appears)', async () => {
    const own = path.join(work.path, 'intact.marker');
    const server = await startServe(['-m', model, '--no-warm-up'], { env: { JSFUNC_TEST_MARKER: own } });
    try {
      const answer = await send({ port: server.port }, keepAliveAgent(1), { method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [[1, 2]] }) });
      expect(answer.status).toBe(200);
      expect(jsonOf(answer)).toEqual({ predictions: [[2, 3]] });
      expect(existsSync(own)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('another file of the model tampered with: serving refuses with ERR_MODEL_INTEGRITY and the code is never imported', async () => {
    const tampered = await copyModel(model, path.join(work.path, 'tampered'));
    const info = JSON.parse((await runCli(['models', 'info', '-m', tampered, '--json'])).stdout) as { integrity: { status: string } };
    expect(info.integrity.status).toBe('verified');
    await appendFile(path.join(tampered, 'artifacts', 'notes.txt'), ' changed');
    for (const isolation of ['auto', 'process', 'main']) {
      const result = await runCli(['models', 'serve', '-m', tampered, '--port', '0', '--isolation', isolation, '--log-level', 'error'], { env: { JSFUNC_TEST_MARKER: marker }, timeoutMs: 60_000 });
      expect(result.code, isolation).toBe(1);
      expect(result.stderr).toContain('ERR_MODEL_INTEGRITY');
      expect(existsSync(marker), `code imported under isolation ${isolation}`).toBe(false);
    }
    const predict = await runCli(['models', 'predict', '-m', tampered], { env: { JSFUNC_TEST_MARKER: marker } });
    expect(predict.stderr).toContain('ERR_MODEL_INTEGRITY');
    expect(existsSync(marker)).toBe(false);
  });

  it('the server has no model-management routes: load/unload are 404 JSON; the repository index only lists', async () => {
    const server = await startServe(['-m', model, '--no-warm-up'], { env: { JSFUNC_TEST_MARKER: path.join(work.path, 'routes.marker') } });
    try {
      const agent = keepAliveAgent(1);
      for (const route of ['/v2/repository/models/model/load', '/v2/repository/models/model/unload', '/v2/repository/models/other/load']) {
        const answer = await send({ port: server.port }, agent, { method: 'POST', path: route, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parameters: { uri: work.path } }) });
        expect(answer.status, route).toBe(404);
        expect(jsonOf(answer)).toEqual({ error: expect.any(String) });
      }
      const index = await send({ port: server.port }, agent, { method: 'POST', path: '/v2/repository/index', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(jsonOf(index)).toEqual([{ name: 'model', state: 'READY', reason: '' }]);
      const still = await send({ port: server.port }, agent, { method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [[0]] }) });
      expect(jsonOf(still)).toEqual({ predictions: [[1]] });
    } finally {
      await server.stop();
    }
  });
});
