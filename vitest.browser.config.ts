import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the built package (dist/) and the demo page in headless Chromium.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false, // one Chromium at a time on this 2-core machine
  },
});
