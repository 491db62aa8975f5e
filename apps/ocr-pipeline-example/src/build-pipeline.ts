import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelSignature, Schema, TensorSpec, ColSpec, arrayType, saveCustomModel, saveModel, silentLogger, type LoggerV1, type SavedModel } from '@jsfunc/core';
import { syntheticTextLine } from './synthetic-text-line.js';
import { onnxFlavor } from '@jsfunc/onnx';
import { tfjsFlavor } from '@jsfunc/tfjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The two third-party models the pipeline chains (from the repository's shared fixtures). */
export const fixtures = {
  upscaler: path.resolve(here, '../../../../shared/fixtures/tfjs/upscaler-layers'),
  classifier: path.resolve(here, '../../../../shared/fixtures/onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx'),
};

/**
 * Packages both sub-models as jsfunc models, then saves the custom pipeline model (this package's
 * `pipeline-model` source, bundled) with them as artifacts, at `target`.
 */
export async function buildPipeline(target: string, options: { logger?: LoggerV1 } = {}): Promise<SavedModel> {
  const logger = options.logger ?? silentLogger;
  const staging = await mkdtemp(path.join(tmpdir(), 'ocr-pipeline-parts-'));
  try {
    const upscaler = path.join(staging, 'upscaler');
    const classifier = path.join(staging, 'classifier');
    await saveModel(fixtures.upscaler, { flavor: tfjsFlavor(), path: upscaler, logger });
    await saveModel(fixtures.classifier, { flavor: onnxFlavor(), path: classifier, logger });
    const source = path.resolve(here, '../src/pipeline-model.ts');
    return await saveCustomModel({
      path: target,
      code: source,
      artifacts: { upscaler, classifier },
      metadata: { description: 'TF.js 2x super-resolution, then ONNX text orientation (0/180 degrees)' },
      signature: pipelineSignature(),
      inputExample: { dtype: 'float32', shape: [1, 24, 160, 3], data: syntheticTextLine(false) },
      logger,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The pipeline's signature: a float32 image batch [-1, 24, 160, 3] in; per image the angle, the
 * confidence and both probabilities out. The server casts JSON numbers to float32 by it.
 */
export function pipelineSignature(): ModelSignature {
  return new ModelSignature({
    inputs: new Schema([new TensorSpec('float32', [-1, 24, 160, 3])]),
    outputs: new Schema([new ColSpec('long', { name: 'angle' }), new ColSpec('double', { name: 'confidence' }), new ColSpec(arrayType('double'), { name: 'probabilities' })]),
  });
}
