// Probes run as plain `node` on JavaScript bundled here with esbuild, not through tsx: tsx's hooks
// add ~35 MB of resident memory and a transpile step to every process, which would pollute the
// load-time and peak-RSS figures. Our package is bundled the way users get it (src/node.ts → one
// ES module, dependencies external); the bundle sits two folders below OUT as src/engine/wasm-module.ts
// sits two below the repo, so `new URL('../../build/…', import.meta.url)` finds the kernel copied to OUT/build/.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { OUT, REPO } from './shared.js';

export const PROBES = join(OUT, 'probes');
/**
 * file: URL of the package the probes `import()`: the bundle of src/node.ts, or $BENCH_PKG (a path
 * or URL of another build of the Node entry, e.g. dist/node.js, to benchmark that instead).
 */
export const PKG_URL = process.env.BENCH_PKG
  ? /^[a-z]+:/.test(process.env.BENCH_PKG)
    ? process.env.BENCH_PKG
    : pathToFileURL(process.env.BENCH_PKG).href
  : pathToFileURL(join(OUT, 'pkg', 'src', 'node.mjs')).href;

export async function bundleProbes(): Promise<void> {
  const kernelDir = join(REPO, 'build');
  const kernels = existsSync(kernelDir) ? readdirSync(kernelDir).filter((f) => f.endsWith('.wasm')) : [];
  if (kernels.length === 0) throw new Error(`no kernel in ${kernelDir}: run \`npm run build:wasm\` first (npm run bench does)`);
  mkdirSync(join(OUT, 'build'), { recursive: true });
  for (const k of kernels) copyFileSync(join(kernelDir, k), join(OUT, 'build', k));
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    absWorkingDir: REPO,
  } as const;
  await build({ ...common, entryPoints: [join(REPO, 'src', 'node.ts')], outdir: join(OUT, 'pkg', 'src') });
  const probes = readdirSync(join(REPO, 'bench', 'probes'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(REPO, 'bench', 'probes', f));
  await build({ ...common, entryPoints: probes, outdir: PROBES });
}

/** Sections call this first: run.ts bundles once and sets BENCH_BUNDLED=1; standalone, bundle now. */
export async function ensureBundled(): Promise<void> {
  if (process.env.BENCH_BUNDLED !== '1') await bundleProbes();
}
