import type { ModelDataV1 } from '@jsfunc/core';

/** What a worker needs to load one model. Flavors are imported by package name, never from MLmodel. */
export interface WorkerLoadRequest {
  /** Model URI or local path. */
  readonly uri: string;
  /** Flavor package names to import (resolved from `cwd`). */
  readonly flavorPackages: readonly string[];
  /** Directory flavor packages are resolved from. */
  readonly cwd: string;
  /** Verify the integrity record before loading (core's default: true). */
  readonly verifyIntegrity?: boolean;
  /** Options for the flavor's `load`. */
  readonly flavorOptions?: Record<string, unknown>;
  /** Load-time configuration for code models. */
  readonly modelConfig?: Record<string, unknown>;
  /** Run the saved serving input example once before reporting ready. */
  readonly warmUp: boolean;
}

/** What a loaded worker reports. */
export interface WorkerModelDescription {
  readonly flavor: string;
  /** The signature in MLflow's dictionary form (`toDict()`), if any. */
  readonly signature: Record<string, unknown> | undefined;
  readonly methods: readonly string[];
  readonly streams: boolean;
  readonly directory: string;
  /** Outcome of the warm-up: `done`, `skipped` (no example) or the failure message. */
  readonly warmUp: string;
}

/** An error as it crosses the worker boundary. */
export interface WorkerError {
  readonly code: string | undefined;
  readonly message: string;
  readonly details: Record<string, unknown> | undefined;
  readonly stack: string | undefined;
  /** True when the error was a JsfuncError. */
  readonly jsfunc: boolean;
}

/** Messages to a worker. */
export type ToWorkerMessage =
  | { readonly type: 'load'; readonly request: WorkerLoadRequest }
  | { readonly type: 'run'; readonly id: number; readonly method: string; readonly data: ModelDataV1; readonly params: Record<string, unknown> | undefined }
  | { readonly type: 'stream'; readonly id: number; readonly data: ModelDataV1; readonly params: Record<string, unknown> | undefined }
  | { readonly type: 'dispose' };

/** Messages from a worker. */
export type FromWorkerMessage =
  | { readonly type: 'ready'; readonly description: WorkerModelDescription }
  | { readonly type: 'load-error'; readonly error: WorkerError }
  | { readonly type: 'result'; readonly id: number; readonly data: ModelDataV1; readonly computeMs: number }
  | { readonly type: 'chunk'; readonly id: number; readonly data: ModelDataV1 }
  | { readonly type: 'end'; readonly id: number; readonly computeMs: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WorkerError }
  | { readonly type: 'disposed' };
