import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Parity suites load large models; two forks match this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
