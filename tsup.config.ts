import { defineConfig } from 'tsup';

// Node builds: the library's Node entry (ESM + CJS), the pool's worker script, and the CLI.
// The worker is an entry of its own so dist/node.{js,cjs} can start it as dist/pool-worker.js.
// The kernel stays in build/bytepiece.wasm, found relative to dist/ at run time.
export default defineConfig([
  {
    entry: { node: 'src/node.ts', 'pool-worker': 'src/pool-worker.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: true,
    sourcemap: true,
    clean: true,
    dts: { entry: { node: 'src/node.ts' } },
  },
  {
    entry: { node: 'src/node.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    shims: true, // import.meta.url, used to find the kernel and the worker script
    sourcemap: true,
  },
]);
