import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The built `jsfunc` CLI entry (`apps/cli/bin/jsfunc.js`, run `pnpm build` first). */
export const CLI = path.join(path.dirname(require.resolve('jsfunc/package.json')), 'bin', 'jsfunc.js');

/** Result of a CLI run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node apps/cli/bin/jsfunc.js ...args` to completion. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running `jsfunc models serve`. */
export interface ServeProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `jsfunc models serve --port 0 ...args` and resolves once it prints `jsfunc: ready`. */
export function startServe(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'models', 'serve', '--port', '0', '--log-level', 'error', ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let url: string | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`jsfunc models serve not ready in time:\n${output}`));
    }, options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 1_000_000) output = output.slice(-500_000);
      url ??= /listening on (http:\/\/[^\s]+)/.exec(output)?.[1];
      if (!settled && url && output.includes('jsfunc: ready')) {
        settled = true;
        clearTimeout(timer);
        resolve({
          url,
          port: Number(new URL(url).port),
          pid: child.pid!,
          child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
              const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', (code) => {
                clearTimeout(force);
                done(code);
              });
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`jsfunc models serve exited with ${code}:\n${output}`));
    });
  });
}
