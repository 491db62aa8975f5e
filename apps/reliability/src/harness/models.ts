import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.js';

/** The shared read-only fixtures (`../shared/fixtures` from the repository root). */
export const FIXTURES = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));
/** MLflow 2.8.1 ONNX model: input f32[N,10] -> variable f32[N,1]; zeros -> 150.434, ones -> 1373.035. */
export const MLFLOW_ONNX = path.join(FIXTURES, 'mlflow-onnx-model-2.8.1');
/** TF.js GraphModel: input_1 f32[-1,64,64,1] -> f32[N,7]. */
export const EMOTION_TFJS = path.join(FIXTURES, 'tfjs', 'emotion-graph');

/** A temporary directory removed by `remove()`. */
export async function temporaryDirectory(prefix = 'jsfunc-reliability-'): Promise<{ path: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** Packages a framework file or directory as a jsfunc model with `jsfunc models package`. */
export async function packageWithCli(flavor: 'onnx' | 'tfjs', source: string, output: string): Promise<string> {
  const result = await runCli(['models', 'package', '--flavor', flavor, '--source', source, '--output', output]);
  if (result.code !== 0) throw new Error(`jsfunc models package failed (${result.code}): ${result.stderr}`);
  return output;
}

/** Copies a model directory (to tamper with the copy). */
export async function copyModel(source: string, target: string): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  await cp(source, target, { recursive: true });
  return target;
}
