import type { ChildProcess } from 'node:child_process';

export declare const interopDirectory: string;
export declare const repoRoot: string;
export declare const venvDirectory: string;
export declare const venvPython: string;
export declare const venvMlflow: string;
export declare const jsfuncBin: string;
export interface RunningProcess {
  readonly url: string;
  readonly child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}
export declare function ensureVenv(): Promise<void>;
export declare function freePort(): Promise<number>;
export declare function startHttpProcess(
  command: string,
  args: string[],
  options: { port: number; healthPath: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<RunningProcess>;
export declare function startMlflowModelsServe(modelDirectory: string, extraArgs?: string[]): Promise<RunningProcess>;
export declare function startJsfuncModelsServe(modelDirectory: string, extraArgs?: string[]): Promise<RunningProcess>;
export declare function runPython<T = unknown>(script: string, args: string[], env?: NodeJS.ProcessEnv): Promise<T>;
