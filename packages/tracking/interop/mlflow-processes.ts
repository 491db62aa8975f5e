// Helpers shared by the interop suite and bench:mlflow: the virtualenv, free ports, and
// starting/stopping `mlflow server` and `mlflow models serve` as child processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
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

/** Runs setup-venv.sh (idempotent: a no-op when the pinned venv exists). */
export async function ensureVenv(): Promise<void> {
  await execFileAsync('bash', [path.join(interopDirectory, 'setup-venv.sh')], { maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
}

/** An unused TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running child process with its log. */
export interface RunningProcess {
  readonly url: string;
  readonly child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a command in its own process group and waits until `healthPath` answers 200. */
export async function startHttpProcess(
  command: string,
  args: string[],
  options: { port: number; healthPath: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
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

/** Runs a Python script of interop/python with the venv's interpreter and parses its JSON output. */
export async function runPython<T = unknown>(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const { stdout } = await execFileAsync(venvPython, [path.join(interopDirectory, 'python', script), ...args], {
    env: { ...process.env, PYTHONWARNINGS: 'ignore', ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`${script} failed: ${error.message}\n${error.stderr ?? ''}`);
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
