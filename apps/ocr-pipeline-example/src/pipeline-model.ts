/**
 * The custom model: a text-line image goes through a TF.js super-resolution model (2x), then an
 * ONNX classifier that tells whether the text is upright (0°) or upside down (180°).
 *
 * Input: an image tensor `{dtype: 'float32', shape: [N, 24, 160, 3], data}` with values in [0, 1].
 * Output: one record per image, `{angle: 0 | 180, confidence, probabilities: [p0, p180]}`.
 *
 * It is saved from this source file ("models from code"); its sub-models travel as artifacts and
 * are loaded in `loadContext` with whatever flavors the loading app installed.
 */
import type { CustomModelContextV1, SubModelV1, TensorV1 } from '@jsfunc/core';

/** Height and width the classifier expects (PaddleOCR's direction classifier). */
export const CLASSIFIER_HEIGHT = 48;
export const CLASSIFIER_WIDTH = 320;

/** NHWC in [0, 1] -> NCHW normalised to [-1, 1], as PaddleOCR's classifier was trained. */
export function toClassifierInput(image: TensorV1): TensorV1<'float32'> {
  const [count = 0, height = 0, width = 0, channels = 0] = image.shape;
  const source = image.data as Float32Array;
  const out = new Float32Array(count * channels * height * width);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          const value = Math.min(1, Math.max(0, source[((n * height + y) * width + x) * channels + c]!));
          out[((n * channels + c) * height + y) * width + x] = (value - 0.5) / 0.5;
        }
      }
    }
  }
  return { dtype: 'float32', shape: [count, channels, height, width], data: out };
}

/** A sub-model answers one tensor, or named tensors when the model names its outputs: take the first. */
export function firstTensor(output: unknown): TensorV1 {
  const value = output as TensorV1 | Record<string, TensorV1>;
  return 'dtype' in value && 'data' in value ? (value as TensorV1) : Object.values(value)[0]!;
}

class OcrOrientationPipeline {
  private upscaler: SubModelV1 | undefined;
  private classifier: SubModelV1 | undefined;

  async loadContext(context: CustomModelContextV1): Promise<void> {
    this.upscaler = await context.loadModel(context.artifacts.upscaler!);
    this.classifier = await context.loadModel(context.artifacts.classifier!);
  }

  async predict(_context: CustomModelContextV1, input: TensorV1) {
    const upscaled = firstTensor(await this.upscaler!.predict(input));
    const tensor = firstTensor(await this.classifier!.predict(toClassifierInput(upscaled)));
    const values = tensor.data as Float32Array;
    const rows = [];
    for (let row = 0; row < tensor.shape[0]!; row++) {
      const upright = values[row * 2]!;
      const flipped = values[row * 2 + 1]!;
      rows.push({ angle: flipped > upright ? 180 : 0, confidence: Math.max(upright, flipped), probabilities: [upright, flipped] });
    }
    return rows;
  }

  /** The intermediate super-resolved image, as a named inference method. */
  async upscale(_context: CustomModelContextV1, input: TensorV1) {
    return firstTensor(await this.upscaler!.predict(input));
  }
}

export default OcrOrientationPipeline;
