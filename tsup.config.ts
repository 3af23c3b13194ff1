// Package build. One entry per config below; add entries (a CLI, more Node helpers) to the config
// of their platform. Every config ships the kernel as dist/bytepiece.wasm and the default model in
// dist/models/, beside the bundles.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const KERNEL = 'build/bytepiece.wasm';
const MODELS = 'build/models'; // the default model in binary form, with its LICENSE and NOTICE (scripts/build-model.ts)

/**
 * Files that name a shipped file by `new URL(literal, import.meta.url)`: the literal written for
 * src/ (right there) and the one the bundles must say (right for dist/, where the file is copied).
 */
const SHIPPED_URLS: { file: RegExp; source: string; shipped: string }[] = [
  { file: /[\\/]src[\\/]engine[\\/]wasm-module\.ts$/, source: "'../../build/bytepiece.wasm'", shipped: "'./bytepiece.wasm'" },
  { file: /[\\/]src[\\/]model[\\/]default-model\.ts$/, source: "'../../build/models/bytepiece.eu.plus.160k.bin'", shipped: "'./models/bytepiece.eu.plus.160k.bin'" },
];

/** Points the kernel's and the default model's URLs at their copies in dist/ and puts the copies there. */
const filesBesideBundles: EsbuildPlugin = {
  name: 'files-beside-bundles',
  setup(build) {
    for (const { file, source: from, shipped } of SHIPPED_URLS) {
      build.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (source.split(from).length !== 2) throw new Error(`${args.path}: expected the literal ${from} exactly once`);
        return { contents: source.replace(from, shipped), loader: 'ts' };
      });
    }
    build.onEnd(() => {
      if (!existsSync(KERNEL)) throw new Error(`${KERNEL} is missing: run npm run build:wasm first`);
      if (!existsSync(MODELS)) throw new Error(`${MODELS} is missing: run npm run build:model first`);
      mkdirSync('dist', { recursive: true });
      copyFileSync(KERNEL, 'dist/bytepiece.wasm');
      cpSync(MODELS, 'dist/models', { recursive: true });
    });
  },
};

const common: Options = {
  outDir: 'dist',
  target: 'es2022',
  // No source maps: the package ships no sources for them to point at (and maps with embedded
  // sources would double the tarball).
  sourcemap: false,
  dts: true,
  clean: false, // configs build in parallel; `npm run build` empties dist/ first
  esbuildPlugins: [filesBesideBundles],
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
  // Node: ESM and CJS. Dependencies are bundled in too: the package has none to install (so it
  // installs offline, and the CLI's libraries never reach a browser user's node_modules).
  {
    ...common,
    entry: { node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    platform: 'node',
    noExternal: [/.*/],
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
    noExternal: [/.*/],
    // commander and cli-progress are CommonJS: their require('events') etc. need a real require.
    banner: { js: "import { createRequire as __bytepieceRequire } from 'node:module'; const require = __bytepieceRequire(import.meta.url);" },
  },
]);
