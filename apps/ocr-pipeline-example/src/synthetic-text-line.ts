/**
 * A 24x160 RGB "text line" in [0, 1]: dark glyph-like strokes on a light background, with the
 * strokes' tails below the baseline (as in most Latin and Chinese text); `flipped` turns it 180°.
 */
export function syntheticTextLine(flipped: boolean, seed = 7): Float32Array {
  const height = 24;
  const width = 160;
  const image = new Float32Array(height * width * 3).fill(0.95);
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let glyph = 0; glyph < 12; glyph++) {
    const left = 6 + glyph * 12;
    const top = 5;
    const bottom = 16 + Math.floor(random() * 6);
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < left + 3 + Math.floor(random() * 4); x++) {
        const yy = flipped ? height - 1 - y : y;
        const xx = flipped ? width - 1 - x : x;
        for (let c = 0; c < 3; c++) image[(yy * width + xx) * 3 + c] = 0.1;
      }
    }
    for (let x = left; x < left + 8; x++) {
      const yy = flipped ? height - 1 - top : top;
      const xx = flipped ? width - 1 - x : x;
      for (let c = 0; c < 3; c++) image[(yy * width + xx) * 3 + c] = 0.1;
    }
  }
  return image;
}
