import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorDTypeV1 } from '@jsfunc/core';
import { dtypeFromOrtType } from './dtypes.js';

type OrtModule = typeof import('onnxruntime-node');

/** One input or output of a session, as onnxruntime reports it. */
export interface OnnxValueInfo {
  readonly name: string;
  /** False for sequence, map and optional values (which onnxruntime-node cannot return). */
  readonly isTensor: boolean;
  /** The jsfunc dtype, when the value is a tensor of a dtype jsfunc holds. */
  readonly dtype?: TensorDTypeV1;
  /** onnxruntime-node's element type name (`float32`, `int64`, ...), for tensors. */
  readonly type?: string;
  /** Dimensions: numbers for fixed sizes, strings (possibly empty) for symbolic ones. */
  readonly shape?: readonly (number | string)[];
}

/** What a created session reports (the same in the main thread and in a worker). */
export interface CreatedSession {
  readonly session: InferenceSession;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** onnxruntime-node providers actually used. */
  readonly providers: readonly string[];
  /** Warnings to hand to the logger (provider fallback). */
  readonly warnings: readonly string[];
}

/** Where a session comes from: a file (so external data resolves) or rewritten bytes. */
export interface SessionSource {
  readonly path: string;
  readonly bytes?: Uint8Array;
}

/** Providers that failed to initialise in this process; they are not tried again. */
const unavailableProviders = new Set<string>();

/** Provider libraries onnxruntime-node loads at session creation, by provider (Linux file names). */
const providerLibraries: Record<string, string> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

/**
 * On Linux, a provider whose shared library is not shipped beside the onnxruntime-node binding
 * (the CPU-only install) cannot initialise: skip it without asking onnxruntime, which would print a
 * native error line to stderr.
 */
function providerLibraryMissing(provider: string): boolean {
  const library = providerLibraries[provider];
  if (library === undefined || process.platform !== 'linux') return false;
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const root = entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`));
    const directory = path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(directory) && !existsSync(path.join(directory, library));
  } catch {
    return false;
  }
}

/** Providers known not to initialise here (shared with session workers). */
export function knownUnavailableProviders(): string[] {
  return [...unavailableProviders];
}

/** Records providers another thread found unavailable. */
export function markProvidersUnavailable(providers: readonly string[]): void {
  for (const provider of providers) unavailableProviders.add(provider);
}

function describe(
  metadata: readonly unknown[] | undefined,
  names: readonly string[],
): OnnxValueInfo[] {
  return names.map((name, index) => {
    const entry = metadata?.[index] as { name?: string; isTensor?: boolean; type?: string; shape?: readonly (number | string)[] } | undefined;
    if (entry === undefined) return { name, isTensor: true };
    if (!entry.isTensor) return { name, isTensor: false };
    const dtype = entry.type === undefined ? undefined : dtypeFromOrtType(entry.type);
    return {
      name,
      isTensor: true,
      ...(dtype === undefined ? {} : { dtype }),
      ...(entry.type === undefined ? {} : { type: entry.type }),
      ...(entry.shape === undefined ? {} : { shape: [...entry.shape] }),
    };
  });
}

/**
 * Creates an onnxruntime-node session with the given providers, falling back to the CPU provider
 * (with a warning) when another provider cannot be initialised here, as MLflow does.
 */
export async function createOrtSession(
  ort: OrtModule,
  source: SessionSource,
  options: InferenceSession.SessionOptions,
  providers: readonly string[],
): Promise<CreatedSession> {
  const warnings: string[] = [];
  const missing = providers.filter((provider) => !unavailableProviders.has(provider) && providerLibraryMissing(provider));
  for (const provider of missing) unavailableProviders.add(provider);
  if (missing.length > 0) {
    warnings.push(
      `ONNX execution providers ${missing.join(', ')} are not available here (their libraries are not installed with onnxruntime-node); running on ${
        providers.some((provider) => provider !== 'cpu' && !unavailableProviders.has(provider)) ? 'the other providers' : 'cpu'
      }.`,
    );
  }
  const skipped = providers.filter((provider) => unavailableProviders.has(provider));
  let wanted = providers.filter((provider) => !unavailableProviders.has(provider));
  if (wanted.length === 0) wanted = ['cpu'];
  const create = (executionProviders: readonly string[]): Promise<InferenceSession> => {
    const sessionOptions = { ...options, executionProviders: [...executionProviders] } as InferenceSession.SessionOptions;
    return source.bytes === undefined
      ? ort.InferenceSession.create(source.path, sessionOptions)
      : ort.InferenceSession.create(source.bytes, sessionOptions);
  };
  let session: InferenceSession;
  let used = wanted;
  try {
    session = await create(wanted);
  } catch (error) {
    const others = wanted.filter((provider) => provider !== 'cpu');
    if (others.length === 0) throw error;
    try {
      session = await create(['cpu']);
    } catch {
      throw error;
    }
    for (const provider of others) unavailableProviders.add(provider);
    used = ['cpu'];
    warnings.push(
      `ONNX execution providers ${others.join(', ')} are not available here (${error instanceof Error ? error.message : String(error)}); running on cpu.`,
    );
  }
  if (skipped.length > 0 && used.length === 1 && used[0] === 'cpu' && !providers.includes('cpu')) {
    warnings.push(`ONNX execution providers ${skipped.join(', ')} are not available here; running on cpu.`);
  }
  const withMetadata = session as InferenceSession & { inputMetadata?: readonly unknown[]; outputMetadata?: readonly unknown[] };
  return {
    session,
    inputs: describe(withMetadata.inputMetadata, session.inputNames),
    outputs: describe(withMetadata.outputMetadata, session.outputNames),
    providers: used,
    warnings,
  };
}
