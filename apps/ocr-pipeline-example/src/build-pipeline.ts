import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveCustomModel, saveModel, silentLogger, type LoggerV1, type SavedModel } from '@jsfunc/core';
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
      logger,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
