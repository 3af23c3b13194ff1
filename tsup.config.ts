// Package build. One entry per config below; add entries (a CLI, more Node helpers) to the config
// of their platform. Every config ships the kernel as dist/bytepiece.wasm, beside the bundles.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const KERNEL = 'build/bytepiece.wasm';
const SOURCE_URL = "'../../build/bytepiece.wasm'"; // what src/engine/wasm-module.ts says (right there)
const SHIPPED_URL = "'./bytepiece.wasm'"; // what the bundles must say (right for dist/)

/** Points the kernel URL at the copy in dist/ and puts the copy there. */
const kernelBesideBundles: EsbuildPlugin = {
  name: 'kernel-beside-bundles',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]engine[\\/]wasm-module\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (source.split(SOURCE_URL).length !== 2) throw new Error(`${args.path}: expected the literal ${SOURCE_URL} exactly once`);
      return { contents: source.replace(SOURCE_URL, SHIPPED_URL), loader: 'ts' };
    });
    build.onEnd(() => {
      if (!existsSync(KERNEL)) throw new Error(`${KERNEL} is missing: run npm run build:wasm first`);
      mkdirSync('dist', { recursive: true });
      copyFileSync(KERNEL, 'dist/bytepiece.wasm');
    });
  },
};

const common: Options = {
  outDir: 'dist',
  target: 'es2022',
  sourcemap: true,
  dts: true,
  clean: false, // configs build in parallel; `npm run build` empties dist/ first
  esbuildPlugins: [kernelBesideBundles],
};

export default defineConfig([
  // Browsers, workers, edge runtimes (and the default export condition): self-contained ES modules,
  // every dependency bundled in, no bare or node: imports, so a static server can serve them as is.
  {
    ...common,
    entry: {
      browser: 'src/index.ts',
      worker: 'src/web-worker/worker.ts',
      'worker-thread': 'src/web-worker/worker-thread.ts',
    },
    format: ['esm'],
    platform: 'browser',
    noExternal: [/.*/],
    splitting: false,
  },
  // Node: ESM and CJS, dependencies left to npm.
  {
    ...common,
    entry: { node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    platform: 'node',
    shims: true, // import.meta.url in the CJS build
  },
  // Node scripts started by path: the pool's worker thread (dist/node.{js,cjs} start it as
  // dist/pool-worker.js), the CLI (the package's bin) and its worker thread (dist/block-worker.js).
  {
    ...common,
    entry: { 'pool-worker': 'src/node/pool-worker.ts', cli: 'src/cli.ts', 'block-worker': 'src/cli/block-worker.ts' },
    format: ['esm'],
    platform: 'node',
    dts: false,
  },
]);
