/**
 * Regression (found by the reliability suite): after a model failed to load, `close()` must resolve
 * even when nothing else keeps the process alive. Its timers were unref'd, so the CLI's
 * `models serve` exited with Node's code 13 (unsettled top-level await) and never printed the error.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('close() after a failed load resolves in a process with nothing else pending', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const script = `
    const { createServer } = await import(${JSON.stringify(dist)});
    const server = await createServer({ models: [{ name: 'm', uri: '/nonexistent/model', isolation: 'thread' }], flavorPackages: [], warmUp: false });
    await server.ready.catch((error) => console.log('load failed:', error.code));
    await server.close();
    console.log('closed');
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(result.stdout).toMatch(/load failed: ERR_/);
  expect(result.stdout).toContain('closed');
  expect(result.status).toBe(0);
});
