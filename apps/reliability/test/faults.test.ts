/**
 * Faults, through the built CLI: a worker process killed mid-request (SIGKILL from outside, and a
 * model whose predict exits its process), `jsfunc models package` killed with SIGKILL mid-save, a
 * model file changed after save, and model directories whose paths escape them (`..` in MLmodel,
 * a symlink to a file outside).
 */
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { saveCustomModel } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, EMOTION_TFJS, MLFLOW_ONNX, copyModel, isAlive, jsonOf, keepAliveAgent, packageWithCli, runCli, send, startServe, temporaryDirectory, workerPids } from '../src/index.js';

let work: Awaited<ReturnType<typeof temporaryDirectory>>;
let onnxModel: string;
let crashyModel: string;

const CRASHY_CODE = `
// predict: 666 -> the worker process exits; 777 -> answers after 3 s; else doubles the input
export default {
  async predict(context, input) {
    const first = Number(input.data[0]);
    if (first === 666) process.exit(3);
    if (first === 777) await new Promise((resolve) => setTimeout(resolve, 3000));
    return { dtype: 'float64', shape: input.shape, data: Array.from(input.data, (x) => Number(x) * 2) };
  },
};
`;

beforeAll(async () => {
  work = await temporaryDirectory('jsfunc-faults-');
  onnxModel = await packageWithCli('onnx', path.join(MLFLOW_ONNX, 'model.onnx'), path.join(work.path, 'linear'));
  await writeFile(path.join(work.path, 'crashy.mjs'), CRASHY_CODE);
  crashyModel = (await saveCustomModel({ path: path.join(work.path, 'crashy'), code: path.join(work.path, 'crashy.mjs') })).path;
}, 180_000);

afterAll(async () => work?.remove());

const post = (port: number, agent: ReturnType<typeof keepAliveAgent>, value: number) =>
  send({ port }, agent, { method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [[value]] }) });

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a worker killed mid-request (process isolation)', () => {
  it('SIGKILL of the worker answering a slow request: that request gets a JSON 500 ERR_SERVER_WORKER_CRASHED, the pool heals', async () => {
    const server = await startServe(['-m', crashyModel, '--isolation', 'process', '--workers', '1', '--no-warm-up']);
    try {
      const agent = keepAliveAgent(8);
      const [worker] = workerPids(server.pid);
      expect(worker).toBeTypeOf('number');
      const slow = post(server.port, agent, 777);
      await new Promise((r) => setTimeout(r, 500));
      process.kill(worker!, 'SIGKILL');
      const answer = await slow;
      expect(answer.status).toBe(500);
      expect(jsonOf(answer)).toMatchObject({ error_code: 'INTERNAL_ERROR', jsfunc_code: 'ERR_SERVER_WORKER_CRASHED', message: expect.stringContaining('worker stopped') });
      expect(isAlive(server.pid)).toBe(true);
      const replacement = await waitFor(() => workerPids(server.pid).find((pid) => pid !== worker));
      await waitFor(() => (workerPids(server.pid).includes(replacement) ? true : undefined));
      let healed: Awaited<ReturnType<typeof post>> | undefined;
      for (let i = 0; i < 100 && healed?.status !== 200; i++) {
        healed = await post(server.port, agent, 21);
        if (healed.status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(healed?.status).toBe(200);
      expect((jsonOf(healed!) as { predictions: number[][] }).predictions).toEqual([[42]]);
      agent.destroy();
    } finally {
      await server.stop();
    }
  });

  it('a predict that exits its worker: only that request fails (JSON 500), 40 concurrent others succeed, the pool heals', async () => {
    const server = await startServe(['-m', crashyModel, '--isolation', 'process', '--workers', '2', '--no-warm-up']);
    try {
      const agent = keepAliveAgent(16);
      const before = workerPids(server.pid);
      expect(before).toHaveLength(2);
      const others = Array.from({ length: 40 }, (_, i) => post(server.port, agent, i));
      const crash = await post(server.port, agent, 666);
      const answers = await Promise.all(others);
      expect(crash.status).toBe(500);
      expect(jsonOf(crash)).toMatchObject({ jsfunc_code: 'ERR_SERVER_WORKER_CRASHED' });
      // requests that were in flight on the crashing worker fail with the same clean error; the rest succeed
      for (const [i, answer] of answers.entries()) {
        if (answer.status === 200) expect((jsonOf(answer) as { predictions: number[][] }).predictions).toEqual([[i * 2]]);
        else expect(jsonOf(answer)).toMatchObject({ jsfunc_code: 'ERR_SERVER_WORKER_CRASHED' });
      }
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(20);
      await waitFor(() => (workerPids(server.pid).filter((pid) => !before.includes(pid)).length === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1500)); // the replacement loads the model
      const after = await Promise.all(Array.from({ length: 40 }, (_, i) => post(server.port, agent, i)));
      expect(after.map((a) => a.status)).toEqual(Array(40).fill(200));
      expect(isAlive(server.pid)).toBe(true);
      agent.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('jsfunc models package killed with SIGKILL mid-save', () => {
  it('leaves no partial model at the target: the target is absent, or complete and verified', async () => {
    const outcomes: string[] = [];
    for (const delay of [300, 600, 800, 1000, 1200, 1400, 1700, 2200]) {
      const target = path.join(work.path, `killed-${delay}`);
      const child = spawn(process.execPath, [CLI, 'models', 'package', '--flavor', 'tfjs', '--source', EMOTION_TFJS, '--output', target], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      if (!existsSync(target)) {
        outcomes.push(`${delay}ms: absent`);
        continue;
      }
      const info = await runCli(['models', 'info', '-m', target, '--json']);
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout).integrity.status).toBe('verified');
      outcomes.push(`${delay}ms: complete`);
    }
    const leftovers = (await readdir(work.path)).filter((name) => !/^(linear|crashy|crashy\.mjs|killed-\d+)$/.test(name));
    console.log(`[faults] package killed at: ${outcomes.join(', ')}; other entries left in the parent directory: ${JSON.stringify(leftovers)}`);
    expect(outcomes.some((o) => o.endsWith('absent'))).toBe(true);
  }, 120_000);
});

describe('a model file changed after save', () => {
  it('models serve exits non-zero with ERR_MODEL_INTEGRITY; models info reports integrity failed', async () => {
    const tampered = await copyModel(onnxModel, path.join(work.path, 'tampered'));
    await appendFile(path.join(tampered, 'model.onnx'), Buffer.from([0]));
    const serve = await runCli(['models', 'serve', '-m', tampered, '--port', '0'], { timeoutMs: 60_000 });
    expect(serve.code).not.toBe(0);
    expect(serve.code).not.toBeNull();
    expect(serve.stderr).toContain('ERR_MODEL_INTEGRITY');
    const info = await runCli(['models', 'info', '-m', tampered, '--json']);
    expect(JSON.parse(info.stdout).integrity).toMatchObject({ status: 'failed', error: { code: 'ERR_MODEL_INTEGRITY' } });
  });
});

describe('model directories that point outside themselves', () => {
  const SECRET = 'OUTSIDE-SECRET-7f3a9c';

  /** An outside "file" that is a FIFO: any open() for reading blocks, so a read would hang the CLI past its time limit. */
  async function outsideFifo(name: string): Promise<string> {
    const directory = path.join(work.path, 'outside');
    await mkdir(directory, { recursive: true });
    const fifo = path.join(directory, name);
    execFileSync('mkfifo', [fifo]);
    return fifo;
  }

  async function expectRefused(model: string, what: RegExp): Promise<void> {
    for (const args of [['models', 'serve', '-m', model, '--port', '0'], ['models', 'predict', '-m', model, '-i', path.join(work.path, 'input.json')]]) {
      const result = await runCli(args, { timeoutMs: 30_000 });
      expect(result.signal, `${args[1]} was killed by the time limit: it blocked reading the outside FIFO`).toBeNull();
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(what);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
    const info = await runCli(['models', 'info', '-m', model, '--json'], { timeoutMs: 30_000 });
    expect(info.signal).toBeNull();
    expect(info.stdout + info.stderr).not.toContain(SECRET);
  }

  beforeAll(async () => writeFile(path.join(work.path, 'input.json'), JSON.stringify({ inputs: [Array(10).fill(0)] })));

  it('a `..` data path in MLmodel is refused (ERR_MODEL_PATH_ESCAPE) and the outside file is never opened', async () => {
    const model = await copyModel(onnxModel, path.join(work.path, 'dotdot'));
    await outsideFifo('dotdot.onnx');
    const mlmodel = await readFile(path.join(model, 'MLmodel'), 'utf8');
    expect(mlmodel).toContain('model.onnx');
    await writeFile(path.join(model, 'MLmodel'), mlmodel.replaceAll('model.onnx', '../outside/dotdot.onnx'));
    await rm(path.join(model, 'model.onnx'));
    await expectRefused(model, /ERR_MODEL_PATH_ESCAPE|ERR_MODEL_INTEGRITY/);
  });

  it('a symlink to a file outside the directory is refused and never followed', async () => {
    const model = await copyModel(onnxModel, path.join(work.path, 'symlinked'));
    const fifo = await outsideFifo('symlinked.onnx');
    await rm(path.join(model, 'model.onnx'));
    await symlink(fifo, path.join(model, 'model.onnx'));
    await expectRefused(model, /ERR_MODEL_PATH_ESCAPE|ERR_MODEL_INTEGRITY/);
  });

  it('a symlink to an outside file with a secret (integrity check off): refused, the secret never printed', async () => {
    const model = await copyModel(onnxModel, path.join(work.path, 'symlinked-secret'));
    const secret = path.join(work.path, 'outside', 'secret.onnx');
    await mkdir(path.dirname(secret), { recursive: true });
    await writeFile(secret, SECRET);
    await rm(path.join(model, 'model.onnx'));
    await symlink(secret, path.join(model, 'model.onnx'));
    const result = await runCli(['models', 'predict', '-m', model, '--no-verify-integrity', '-i', path.join(work.path, 'input.json')], { timeoutMs: 30_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ERR_MODEL_PATH_ESCAPE');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});
