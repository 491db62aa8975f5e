import { jsfuncError } from '@jsfunc/core';
import type { InferenceSession } from 'onnxruntime-node';

/** Graph optimization levels, by onnxruntime-node name or by MLflow's (onnxruntime's) number. */
export type OnnxGraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all' | 0 | 1 | 2 | 99;

/**
 * Session options saved in MLmodel (`flavors.onnx.onnx_session_options`, MLflow's snake_case
 * form) and applied when the model loads.
 */
export interface OnnxSessionOptions {
  /** `sequential` (default) or `parallel` execution of the graph's nodes. */
  readonly executionMode?: 'sequential' | 'parallel';
  /** How much onnxruntime optimises the graph (`all` / 99 by default). */
  readonly graphOptimizationLevel?: OnnxGraphOptimizationLevel;
  /** Threads used inside one operator (0: onnxruntime's default). */
  readonly intraOpNumThreads?: number;
  /** Threads used across operators when `executionMode` is `parallel` (0: default). */
  readonly interOpNumThreads?: number;
  /** Raw onnxruntime session config entries (`session.intra_op.allow_spinning: '0'`, ...). */
  readonly extraSessionConfig?: Readonly<Record<string, string>>;
}

const LEVEL_NUMBERS: Readonly<Record<string, 0 | 1 | 2 | 99>> = { disabled: 0, basic: 1, extended: 2, all: 99 };
const LEVEL_NAMES: Readonly<Record<number, 'disabled' | 'basic' | 'extended' | 'all'>> = { 0: 'disabled', 1: 'basic', 2: 'extended', 99: 'all' };

function invalid(key: string, found: unknown, expected: string): Error {
  return jsfuncError(
    'ERR_ONNX_SESSION_OPTIONS',
    `Invalid ONNX session option ${key}: expected ${expected}, found ${JSON.stringify(found)}. Fix the option (or the onnx_session_options block of MLmodel).`,
    { option: key, found },
  );
}

function threads(key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid(key, value, 'an integer >= 0');
  return value;
}

/** Validates session options given in JavaScript and returns them in MLflow's MLmodel form (or null). */
export function toMlflowSessionOptions(options: OnnxSessionOptions | undefined): Record<string, unknown> | null {
  if (options === undefined) return null;
  const parsed = parseSessionOptions(options, 'camel');
  const result: Record<string, unknown> = {};
  if (parsed.executionMode !== undefined) result['execution_mode'] = parsed.executionMode;
  if (parsed.graphOptimizationLevel !== undefined) result['graph_optimization_level'] = LEVEL_NUMBERS[parsed.graphOptimizationLevel as string];
  if (parsed.interOpNumThreads !== undefined) result['inter_op_num_threads'] = parsed.interOpNumThreads;
  if (parsed.intraOpNumThreads !== undefined) result['intra_op_num_threads'] = parsed.intraOpNumThreads;
  if (parsed.extraSessionConfig !== undefined) result['extra_session_config'] = { ...parsed.extraSessionConfig };
  return Object.keys(result).length === 0 ? null : result;
}

/**
 * Reads session options from MLflow's MLmodel form (`snake`) or from JavaScript (`camel`), with
 * MLflow's validation (execution mode case-insensitive; levels 0, 1, 2, 99; threads >= 0). Other
 * keys of an MLmodel written by MLflow (any `ort.SessionOptions` attribute) are ignored, as MLflow
 * ignores them at load. The level comes back as an onnxruntime-node name.
 */
export function parseSessionOptions(source: unknown, form: 'snake' | 'camel'): OnnxSessionOptions {
  if (source === undefined || source === null) return {};
  if (typeof source !== 'object' || Array.isArray(source)) throw invalid('onnx_session_options', source, 'a mapping');
  const record = source as Record<string, unknown>;
  const key = (camel: string, snake: string): string => (form === 'camel' ? camel : snake);
  const result: { -readonly [K in keyof OnnxSessionOptions]: OnnxSessionOptions[K] } = {};
  const modeKey = key('executionMode', 'execution_mode');
  const mode = record[modeKey];
  if (mode !== undefined && mode !== null) {
    const text = typeof mode === 'string' ? mode.toLowerCase().replace(/^(executionmode\.)?ort_/, '') : '';
    if (text !== 'sequential' && text !== 'parallel') throw invalid(modeKey, mode, "'sequential' or 'parallel'");
    result.executionMode = text;
  }
  const levelKey = key('graphOptimizationLevel', 'graph_optimization_level');
  const level = record[levelKey];
  if (level !== undefined && level !== null) {
    const name = typeof level === 'number' ? LEVEL_NAMES[level] : typeof level === 'string' && level in LEVEL_NUMBERS ? level : undefined;
    if (name === undefined) throw invalid(levelKey, level, "0, 1, 2, 99 or 'disabled', 'basic', 'extended', 'all'");
    result.graphOptimizationLevel = name as OnnxGraphOptimizationLevel;
  }
  const intra = threads(key('intraOpNumThreads', 'intra_op_num_threads'), record[key('intraOpNumThreads', 'intra_op_num_threads')]);
  if (intra !== undefined) result.intraOpNumThreads = intra;
  const inter = threads(key('interOpNumThreads', 'inter_op_num_threads'), record[key('interOpNumThreads', 'inter_op_num_threads')]);
  if (inter !== undefined) result.interOpNumThreads = inter;
  const extraKey = key('extraSessionConfig', 'extra_session_config');
  const extra = record[extraKey];
  if (extra !== undefined && extra !== null) {
    if (typeof extra !== 'object' || Array.isArray(extra)) throw invalid(extraKey, extra, 'a mapping of config keys to string values');
    result.extraSessionConfig = Object.fromEntries(Object.entries(extra as Record<string, unknown>).map(([entry, value]) => [entry, String(value)]));
  }
  if (form === 'camel') {
    const known = new Set(['executionMode', 'graphOptimizationLevel', 'intraOpNumThreads', 'interOpNumThreads', 'extraSessionConfig']);
    for (const name of Object.keys(record)) if (!known.has(name)) throw invalid(name, record[name], `one of ${[...known].join(', ')}`);
  }
  return result;
}

/** Session options as onnxruntime-node takes them. */
export function toOrtSessionOptions(options: OnnxSessionOptions): InferenceSession.SessionOptions {
  const result: InferenceSession.SessionOptions = {};
  if (options.executionMode !== undefined) result.executionMode = options.executionMode;
  if (options.graphOptimizationLevel !== undefined) {
    const level = options.graphOptimizationLevel;
    result.graphOptimizationLevel = typeof level === 'number' ? LEVEL_NAMES[level]! : level;
  }
  if (options.intraOpNumThreads !== undefined) result.intraOpNumThreads = options.intraOpNumThreads;
  if (options.interOpNumThreads !== undefined) result.interOpNumThreads = options.interOpNumThreads;
  if (options.extraSessionConfig !== undefined) result.extra = { ...options.extraSessionConfig };
  return result;
}

/** MLflow's default providers, written when the user names none. */
export const MLFLOW_DEFAULT_PROVIDERS: readonly string[] = ['CUDAExecutionProvider', 'CPUExecutionProvider'];

const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  CPUExecutionProvider: 'cpu',
  CUDAExecutionProvider: 'cuda',
  TensorrtExecutionProvider: 'tensorrt',
  DmlExecutionProvider: 'dml',
  CoreMLExecutionProvider: 'coreml',
  WebGpuExecutionProvider: 'webgpu',
  QNNExecutionProvider: 'qnn',
  OpenVINOExecutionProvider: 'openvino',
  XnnpackExecutionProvider: 'xnnpack',
};

/** The onnxruntime-node name of a provider given by MLflow/onnxruntime-python name or by node name. */
export function toOrtProvider(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider.toLowerCase().replace(/executionprovider$/, '');
}

/** The MLflow (onnxruntime-python) name of a provider given by either name. */
export function toMlflowProvider(provider: string): string {
  const node = toOrtProvider(provider);
  return Object.entries(PROVIDER_NAMES).find(([, name]) => name === node)?.[0] ?? provider;
}
