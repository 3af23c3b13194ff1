import { defineConfig } from 'vitest/config';

// Slow tests with large inputs built at run time (`npm run test:stress`, also run by .ci/run):
// one file at a time, since each may take a few GB of memory.
export default defineConfig({
  test: {
    include: ['test/stress/**/*.stress.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
