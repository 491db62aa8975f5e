import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real TF.js models on the wasm and cpu backends: loading and 10,000 predictions take seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
