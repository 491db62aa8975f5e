// Bench scorer: the real PaddleOCR text-direction classifier (ONNX, fixtures/onnx/ppocr-cls) on
// onnxruntime-node, one synthetic 3x48x192 image per row (made from the row's seed), one thread
// per session so that N workers use N cores. Appends p0/p1 (the two class probabilities).
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const modelPath = fileURLToPath(new URL('../../../../shared/fixtures/onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));
const require = createRequire(import.meta.url);

export async function createScorer(options = {}) {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const batch = options.batch ?? 16;
  const [h, w] = [48, 192];
  return async (rows) => {
    const out = [];
    for (let start = 0; start < rows.length; start += batch) {
      const slice = rows.slice(start, start + batch);
      const data = new Float32Array(slice.length * 3 * h * w);
      slice.forEach((row, index) => {
        let state = (Number(row.seed) * 2654435761) >>> 0;
        const offset = index * 3 * h * w;
        for (let i = 0; i < 3 * h * w; i += 1) {
          state = (state * 1664525 + 1013904223) >>> 0;
          data[offset + i] = state / 4294967296 - 0.5;
        }
      });
      const result = await session.run({ x: new ort.Tensor('float32', data, [slice.length, 3, h, w]) });
      const probabilities = Object.values(result)[0].data;
      slice.forEach((_row, index) => out.push({ p0: probabilities[index * 2], p1: probabilities[index * 2 + 1] }));
    }
    return out;
  };
}
