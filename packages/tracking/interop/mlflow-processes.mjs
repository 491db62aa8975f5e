// Helpers shared by the interop suite and bench:mlflow: the virtualenv, free ports, and
// starting/stopping `mlflow server`, `mlflow models serve` and `jsfunc models serve`.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const interopDirectory = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(interopDirectory, '../../..');
export const venvDirectory = process.env.JSFUNC_INTEROP_VENV ?? path.join(repoRoot, '.venv-interop');
export const venvPython = path.join(venvDirectory, 'bin', 'python');
export const venvMlflow = path.join(venvDirectory, 'bin', 'mlflow');
export const jsfuncBin = path.join(repoRoot, 'apps', 'cli', 'bin', 'jsfunc.js');

/** Runs setup-venv.sh (idempotent: a no-op when the pinned venv exists). */
export async function ensureVenv() {
  await execFileAsync('bash', [path.join(interopDirectory, 'setup-venv.sh')], { maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
}

/** An unused TCP port on 127.0.0.1. @returns {Promise<number>} */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a command in its own process group and waits until `healthPath` answers 200.
 * @param {string} command
 * @param {string[]} args
 * @param {{ port: number, healthPath: string, env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number }} options
 */
export async function startHttpProcess(command, args, options) {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(url + options.healthPath);
      if (response.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not become healthy on ${url}${options.healthPath}:\n${output}`);
    }
    await sleep(250);
  }
  return { url, child, log: () => output, stop };
}

/** `mlflow models serve` on a model directory, in the current (venv) environment. */
export async function startMlflowModelsServe(modelDirectory, extraArgs = []) {
  const port = await freePort();
  return startHttpProcess(
    venvMlflow,
    ['models', 'serve', '-m', modelDirectory, '-h', '127.0.0.1', '-p', String(port), '--env-manager', 'local', ...extraArgs],
    { port, healthPath: '/ping', env: { PATH: `${path.dirname(venvPython)}:${process.env.PATH}` } },
  );
}

/** `jsfunc models serve` (the built CLI) on a model directory. */
export async function startJsfuncModelsServe(modelDirectory, extraArgs = []) {
  const port = await freePort();
  return startHttpProcess(process.execPath, [jsfuncBin, 'models', 'serve', '-m', modelDirectory, '-h', '127.0.0.1', '-p', String(port), '--log-level', 'warn', ...extraArgs], {
    port,
    healthPath: '/ping',
  });
}

/**
 * Runs a Python script of interop/python with the venv's interpreter and parses its last stdout line as JSON.
 * @param {string} script
 * @param {string[]} args
 */
export async function runPython(script, args, env = {}) {
  const { stdout } = await execFileAsync(venvPython, [path.join(interopDirectory, 'python', script), ...args], {
    env: { ...process.env, PYTHONWARNINGS: 'ignore', ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  }).catch((error) => {
    throw new Error(`${script} failed: ${error.message}\n${error.stderr ?? ''}`);
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
