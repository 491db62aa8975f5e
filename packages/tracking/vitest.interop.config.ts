import { defineConfig } from 'vitest/config';

// The interoperability suite: real Python MLflow (a pinned virtualenv the setup creates) and a
// real `mlflow server` on loopback. Run with `pnpm test:interop` (root) or in this package.
export default defineConfig({
  test: {
    include: ['interop/**/*.interop.test.ts'],
    globalSetup: ['interop/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
