import { jsfuncError } from '@jsfunc/core';

/** The two TensorFlow.js model formats, as written in `model.json` (`format`). */
export type TfjsModelFormat = 'layers-model' | 'graph-model';

/** One group of the weights manifest of a `model.json`. */
export interface TfjsWeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly Record<string, unknown>[];
}

/** The parts of a TensorFlow.js `model.json` that jsfunc reads. */
export interface TfjsModelJson {
  readonly format?: string;
  readonly modelTopology?: unknown;
  readonly weightsManifest?: readonly TfjsWeightsGroup[];
  readonly [key: string]: unknown;
}

/**
 * Parses the text of a TensorFlow.js `model.json`.
 * @throws JsfuncError `ERR_TFJS_MODEL_JSON_INVALID`
 */
export function parseTfjsModelJson(text: string, file: string): TfjsModelJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(file, 'it is not valid JSON', error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, 'it is not a JSON object');
  const json = value as TfjsModelJson;
  if (json.modelTopology === undefined || json.modelTopology === null) throw invalid(file, 'it has no "modelTopology"');
  if (json.weightsManifest !== undefined) {
    if (!Array.isArray(json.weightsManifest)) throw invalid(file, '"weightsManifest" is not an array');
    for (const group of json.weightsManifest) {
      if (
        typeof group !== 'object' ||
        group === null ||
        !Array.isArray(group.paths) ||
        !group.paths.every((entry: unknown) => typeof entry === 'string' && entry.length > 0) ||
        !Array.isArray(group.weights)
      ) {
        throw invalid(file, 'a "weightsManifest" group lacks string "paths" or a "weights" array');
      }
    }
  }
  return json;
}

/**
 * The format of a parsed `model.json`: its `format` field, or, for files written before that field
 * existed, the shape of its topology (a GraphDef has `node`, a Keras topology has `model_config`
 * or `class_name`).
 * @throws JsfuncError `ERR_TFJS_MODEL_JSON_INVALID`
 */
export function tfjsModelFormatOf(json: TfjsModelJson, file: string): TfjsModelFormat {
  if (json.format === 'layers-model' || json.format === 'graph-model') return json.format;
  const topology = json.modelTopology as Record<string, unknown>;
  if (Array.isArray(topology.node)) return 'graph-model';
  if (topology.model_config !== undefined || topology.class_name !== undefined) return 'layers-model';
  throw invalid(file, `its format ${JSON.stringify(json.format)} is neither "layers-model" nor "graph-model"`);
}

/** Every weight file named in the manifest, in order. */
export function weightFilesOf(json: TfjsModelJson): string[] {
  return (json.weightsManifest ?? []).flatMap((group) => [...group.paths]);
}

function invalid(file: string, problem: string, cause?: unknown) {
  return jsfuncError(
    'ERR_TFJS_MODEL_JSON_INVALID',
    `Expected ${file} to be a TensorFlow.js model.json (an object with "modelTopology" and "weightsManifest"), but ${problem}. Point jsfunc at the model.json written by tfjs (model.save) or tensorflowjs_converter.`,
    { file, problem },
    cause,
  );
}
