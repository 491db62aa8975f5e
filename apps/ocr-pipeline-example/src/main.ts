#!/usr/bin/env node
// Builds the OCR orientation pipeline model (if needed), loads it with the ONNX and TF.js flavors
// side by side, and classifies two synthetic text lines: one upright, one upside down.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadModel, type TensorV1 } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { tfjsFlavor } from '@jsfunc/tfjs';
import { buildPipeline } from './build-pipeline.js';
import { syntheticTextLine } from './synthetic-text-line.js';

const target = path.resolve(process.argv[2] ?? 'models/ocr-pipeline');
if (!existsSync(path.join(target, 'MLmodel'))) {
  await buildPipeline(target);
  console.log(`saved the pipeline model at ${target}`);
}
const model = await loadModel(target, { flavors: [onnxFlavor(), tfjsFlavor({ backend: 'wasm' })] });
const upright = syntheticTextLine(false);
const flipped = syntheticTextLine(true);
const batch: TensorV1 = { dtype: 'float32', shape: [2, 24, 160, 3], data: new Float32Array([...upright, ...flipped]) };
console.log(JSON.stringify(await model.predict(batch), null, 2));
await model.dispose();
