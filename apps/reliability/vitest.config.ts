import { defineConfig } from 'vitest/config';

// The end-to-end files each start real servers and load both CPU cores: run them one after another.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
