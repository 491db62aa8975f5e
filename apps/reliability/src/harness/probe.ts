import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What the SIGUSR2 probe (probe/worker-probe.mjs, a test-only preload) writes for a process after a
 * full garbage collection of every isolate. The soak test reads the fields it asserts on; the
 * trace script prints the whole report.
 */
export interface ProbeReport {
  time: number;
  rss: number;
  heapUsed: number;
  tfjs: { numTensors: number } | null;
  /** Per V8 space: [used, committed] MiB after the collection. */
  heap: { spaces: Record<string, [number, number]> };
  threads: Array<{ threadId: number; heap: { spaces: Record<string, [number, number]> } }>;
  [key: string]: unknown;
}

/**
 * Asks process `pid` for a probe report (SIGUSR2) and waits up to 5 s for the answer the probe
 * writes to `<probeDirectory>/<pid>.json`.
 */
export async function probeProcess(pid: number, probeDirectory: string): Promise<ProbeReport> {
  const file = path.join(probeDirectory, `${pid}.json`);
  const asked = Date.now();
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      const report = JSON.parse(await readFile(file, 'utf8')) as ProbeReport;
      if (report.time >= asked) return report;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    }
  }
  throw new Error(`process ${pid} did not answer the probe`);
}
