import { defineConfig } from 'vitest/config';

// The Dask drivers in examples/dask/ (`npm run test:dask`, also run by .ci/run): each test starts a
// LocalCluster of worker processes, so one file at a time.
export default defineConfig({
  test: {
    include: ['test/dask/**/*.dask.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
