import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { jsfuncError, type ModelReaderV1, type ModelWriterV1 } from '@jsfunc/core';
import type { TfjsModule } from './load-tfjs.js';
import { parseTfjsModelJson, type TfjsModelJson } from './model-json.js';

/** File name of the topology and manifest, as tfjs-node's `file://` handler writes it. */
export const MODEL_JSON_FILE = 'model.json';
/** File name of the single weights file, as tfjs-node's `file://` handler writes it. */
export const WEIGHTS_FILE = 'weights.bin';

function joinWeightData(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    out.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  return out;
}

/**
 * A TensorFlow.js save handler (`model.save(handler)`) that writes `<directory>/model.json` and
 * `<directory>/weights.bin` through a jsfunc {@link ModelWriterV1}: the layout of tfjs-node's
 * `file://` handler, without needing tfjs-node.
 */
export function createWriterSaveHandler(tf: TfjsModule, writer: ModelWriterV1, directory: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw jsfuncError(
          'ERR_TFJS_SAVE_FAILED',
          'Expected a model with a JSON topology (a LayersModel or a GraphModel loaded from model.json), found a binary GraphDef topology. Convert the model to the model.json format with tensorflowjs_converter first.',
          {},
        );
      }
      const weightData = joinWeightData(artifacts.weightData);
      const weightSpecs = artifacts.weightSpecs ?? [];
      const modelJson: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature != null) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
      await writer.writeFile(path.posix.join(directory, MODEL_JSON_FILE), JSON.stringify(modelJson));
      await writer.writeFile(path.posix.join(directory, WEIGHTS_FILE), weightData);
      return {
        modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weightData.buffer as ArrayBuffer }),
      };
    },
  };
}

/**
 * Reads `model.json` from a model directory through a {@link ModelReaderV1} (so every path is
 * checked to stay inside the directory).
 * @throws JsfuncError `ERR_TFJS_MODEL_JSON_INVALID`
 */
export async function readModelJson(reader: ModelReaderV1, file: string): Promise<TfjsModelJson> {
  return parseTfjsModelJson(await reader.readText(file), file);
}

/**
 * A TensorFlow.js load handler (`tf.loadLayersModel(handler)`, `tf.loadGraphModel(handler)`) that
 * reads `file` (a model.json) and every weight shard its manifest names, relative to its folder,
 * through a jsfunc {@link ModelReaderV1}. A shard path that leaves the model directory is refused.
 */
export function createReaderLoadHandler(tf: TfjsModule, reader: ModelReaderV1, file: string, json?: TfjsModelJson): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const modelJson = json ?? (await readModelJson(reader, file));
      const folder = path.posix.dirname(file);
      return tf.io.getModelArtifactsForJSON(modelJson as unknown as io.ModelJSON, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) {
            const bytes = await reader.readFile(path.posix.join(folder, shard));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, buffers];
      });
    },
  };
}
