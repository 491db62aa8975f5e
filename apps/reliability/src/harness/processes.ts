import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** Resident set size of a process in KiB (`VmRSS` of /proc/<pid>/status). */
export function residentKib(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`No VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** Open file descriptors of a process (entries of /proc/<pid>/fd). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Direct child processes of `pid` (from /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  const children = new Set<number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const file = `/proc/${pid}/task/${task}/children`;
    if (!existsSync(file)) continue;
    for (const value of readFileSync(file, 'utf8').trim().split(/\s+/)) if (value) children.add(Number(value));
  }
  return [...children];
}

/** The command line of a process. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Child processes of `pid` that are jsfunc inference workers (`worker-entry.js`). */
export function workerPids(pid: number): number[] {
  return childPids(pid).filter((child) => commandLine(child).includes('worker-entry.js'));
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const state = /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Threads of a process (`Threads:` of /proc/<pid>/status). */
export function threadCount(pid: number): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}
