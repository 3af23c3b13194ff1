// Package build. One entry per config below; add entries (a CLI, more Node helpers) to the config
// of their platform. Every config ships the kernels (dist/bytepiece.wasm, dist/bytepiece-train.wasm)
// and the default model (dist/models/) beside the bundles.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Files shipped beside the bundles: the tokenizer's kernel, the trainer's (a module of its own, so
 * tokenizer-only users never load it) and the default model with its LICENSE and NOTICE
 * (scripts/build-model.ts). Each is named by a literal `new URL(source, import.meta.url)` in one
 * module, right for src/; the bundles must say `shipped`, right for dist/, where `built` is copied.
 */
const SHIPPED = [
  {
    file: /[\\/]src[\\/]engine[\\/]wasm-module\.ts$/,
    built: 'build/bytepiece.wasm',
    source: "'../../build/bytepiece.wasm'",
    shipped: "'./bytepiece.wasm'",
    step: 'build:wasm',
  },
  {
    file: /[\\/]src[\\/]train[\\/]kernel-module\.ts$/,
    built: 'build/bytepiece-train.wasm',
    source: "'../../build/bytepiece-train.wasm'",
    shipped: "'./bytepiece-train.wasm'",
    step: 'build:wasm',
  },
  {
    file: /[\\/]src[\\/]model[\\/]default-model\.ts$/,
    built: 'build/models',
    source: "'../../build/models/bytepiece.eu.plus.160k.bin'",
    shipped: "'./models/bytepiece.eu.plus.160k.bin'",
    step: 'build:model',
  },
];

/** Points the shipped files' URLs at their copies in dist/ and puts the copies there. */
const filesBesideBundles: EsbuildPlugin = {
  name: 'files-beside-bundles',
  setup(build) {
    for (const k of SHIPPED) {
      build.onLoad({ filter: k.file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (source.split(k.source).length !== 2) throw new Error(`${args.path}: expected the literal ${k.source} exactly once`);
        return { contents: source.replace(k.source, k.shipped), loader: 'ts' };
      });
    }
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      for (const k of SHIPPED) {
        if (!existsSync(k.built)) throw new Error(`${k.built} is missing: run npm run ${k.step} first`);
        cpSync(k.built, `dist/${k.built.slice('build/'.length)}`, { recursive: true });
      }
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
      train: 'src/train.ts',
      'trainer-worker': 'src/web-worker/trainer-worker.ts',
      'train-thread': 'src/web-worker/train-thread.ts',
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
    entry: {
      'pool-worker': 'src/node/pool-worker.ts',
      cli: 'src/cli.ts',
      'block-worker': 'src/cli/block-worker.ts',
      'train-worker': 'src/node/train-worker.ts',
    },
    format: ['esm'],
    platform: 'node',
    dts: false,
    noExternal: [/.*/],
    // commander and cli-progress are CommonJS: their require('events') etc. need a real require.
    banner: { js: "import { createRequire as __bytepieceRequire } from 'node:module'; const require = __bytepieceRequire(import.meta.url);" },
  },
]);
