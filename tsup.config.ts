// Package build. One entry per config below; add entries (a CLI, more Node helpers) to the config
// of their platform. Every config ships the kernels as dist/bytepiece.wasm and dist/bytepiece-train.wasm, beside the bundles.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * The kernels: the tokenizer's, and the trainer's (a module of its own, so tokenizer-only users
 * never load it). Each is named by a literal `new URL(source, import.meta.url)` in one module,
 * right for src/; the bundles must say `shipped`, right for dist/, where the file is copied.
 */
const KERNELS = [
  { file: /[\\/]src[\\/]engine[\\/]wasm-module\.ts$/, built: 'build/bytepiece.wasm', source: "'../../build/bytepiece.wasm'", shipped: "'./bytepiece.wasm'" },
  { file: /[\\/]src[\\/]train[\\/]kernel-module\.ts$/, built: 'build/bytepiece-train.wasm', source: "'../../build/bytepiece-train.wasm'", shipped: "'./bytepiece-train.wasm'" },
];

/** Points the kernel URLs at the copies in dist/ and puts the copies there. */
const kernelBesideBundles: EsbuildPlugin = {
  name: 'kernel-beside-bundles',
  setup(build) {
    for (const k of KERNELS) {
      build.onLoad({ filter: k.file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (source.split(k.source).length !== 2) throw new Error(`${args.path}: expected the literal ${k.source} exactly once`);
        return { contents: source.replace(k.source, k.shipped), loader: 'ts' };
      });
    }
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      for (const k of KERNELS) {
        if (!existsSync(k.built)) throw new Error(`${k.built} is missing: run npm run build:wasm first`);
        copyFileSync(k.built, `dist/${k.built.slice('build/'.length)}`);
      }
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
      train: 'src/train.ts',
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
    entry: { 'pool-worker': 'src/node/pool-worker.ts', cli: 'src/cli.ts', 'block-worker': 'src/cli/block-worker.ts', 'train-worker': 'src/node/train-worker.ts' },
    format: ['esm'],
    platform: 'node',
    dts: false,
  },
]);
