import type { Row } from './row.js';

/**
 * Score a jsfunc model directory (or any URI the loader resolves). The model is loaded with
 * `@jsfunc/core`'s loader and the flavors installed in the app.
 */
export interface ModelScorerSpec {
  /** Model URI: a local directory, `file://` URI, or one a resolver of the app handles. */
  model: string;
  /**
   * Flavor packages to import by name (resolved from `cwd`), for example `['@jsfunc/onnx']`.
   * Default: every flavor package `@jsfunc/core`'s `discoverFlavors({ cwd })` finds.
   */
  flavorPackages?: string[];
  /** Directory whose package.json and node_modules supply the flavors (default `process.cwd()`). */
  cwd?: string;
  /** Options handed to the flavor's load (for example ONNX session options). */
  flavorOptions?: Record<string, unknown>;
  /**
   * Input columns packed, in this order, into one `[rows, columns]` tensor. Use for a model that
   * takes a single tensor. Without it, rows are given to the model as records and mapped to its
   * column signature by `@jsfunc/core`.
   */
  columns?: string[];
  /** Element type of the packed tensor (default `float32`). */
  dtype?: 'float32' | 'float64' | 'int32';
  /** Base name of the appended prediction column(s) (default `prediction`). */
  predictionColumn?: string;
  /** Inference parameters passed to every `predict` call. */
  params?: Record<string, unknown>;
  /** Check the model files against their integrity record (default: the loader's default). */
  verifyIntegrity?: boolean;
}

/**
 * Score with a scoring function from an ES module: `export function createScorer(options)`
 * returning `(rows) => predictionRows` (sync or async), one prediction row per input row.
 * Use for pre/post-processing around a model or for models that are plain code.
 */
export interface ModuleScorerSpec {
  /** Absolute path or `file://` URL of the module. */
  module: string;
  /** Name of the factory export (default `createScorer`). */
  exportName?: string;
  /** Options passed to the factory (must be structured-clonable). */
  options?: unknown;
}

/** What a worker loads once and scores many chunks with. */
export type ScorerSpec = ModelScorerSpec | ModuleScorerSpec;

/** A loaded scoring function: rows in, one prediction row per input row out. */
export type ScoreFunction = (rows: Row[]) => Row[] | Promise<Row[]>;

/** The factory a {@link ModuleScorerSpec} module exports. */
export type CreateScorer = (options: unknown) => ScoreFunction | Promise<ScoreFunction>;

/** True when `spec` names a model (rather than a scorer module). */
export function isModelScorerSpec(spec: ScorerSpec): spec is ModelScorerSpec {
  return typeof (spec as ModelScorerSpec).model === 'string';
}

/** A short human label for a spec (its model URI or module path). */
export function describeScorer(spec: ScorerSpec): string {
  return isModelScorerSpec(spec) ? spec.model : spec.module;
}
