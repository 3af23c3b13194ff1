// A developer's load-time check (the official suite is bench/run): loads each model in FRESH Node
// processes and prints the median time from nothing (modules already imported) to the first encode
// done, and the median peak RSS (process.resourceUsage().maxRSS). Each variant is bundled with
// esbuild to one plain .mjs first, so no TypeScript loader runs in the measured processes.
// Variants are run interleaved (A, B, A, B, ...) so a noisy neighbour hurts them alike; compare
// ratios within one run.
//
//   npx tsx bench/load-dev.ts [--runs 5] [--base <git rev>] [--binary] [model ...]
//
// --base REV also measures the src/ of that commit (e.g. --base main) in the same run.
// --binary also measures each model converted with toBinary() (each variant's own, written to a
// temp dir first).
// Models are names in ../shared/models (without .zip) or paths.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { takeOption } from './lib/args.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const runs = Number(opt('runs', '5'));
const base = opt('base', '');
const binary = flag('binary');
const models = (args.length > 0 ? args : ['bytepiece.eu.plus.160k', 'bytepiece.plus.240k']).map((m) =>
  existsSync(m) ? resolve(m) : join(ROOT, '..', 'shared', 'models', `${m}.zip`),
);
const work = mkdtempSync(join(tmpdir(), 'bp-load-'));

// The child: import the bundle, then time loadSync + one encode.
const CHILD = `
const { Tokenizer } = await import(process.argv[2]);
const { performance } = await import('node:perf_hooks');
const t0 = performance.now();
const c0 = process.cpuUsage();
const tok = Tokenizer.loadSync(process.argv[3]);
tok.encode('hello 今天天气不错');
const ms = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000, rss: process.resourceUsage().maxRSS / 1024 }));
`;
writeFileSync(join(work, 'child.mjs'), CHILD);

/** Bundles `srcDir`/node.ts into work/name/dist/node.mjs with the kernel (`wasm`) at ../build/. */
async function bundle(name: string, srcDir: string, wasm = join(ROOT, 'build', 'bytepiece.wasm')): Promise<string> {
  const dir = join(work, name);
  mkdirSync(join(dir, 'build'), { recursive: true });
  copyFileSync(wasm, join(dir, 'build', 'bytepiece.wasm'));
  const out = join(dir, 'dist', 'node.mjs');
  await build({ entryPoints: [join(srcDir, 'node.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
  return out;
}

const variants: { name: string; bundle: string }[] = [];
if (base) {
  const dir = join(work, 'base-src');
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${base}" src assembly asconfig.json | tar -x -C "${dir}"`]);
  // Its own kernel too: the binary decoder's functions live in it.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'asc'), ['assembly/index.ts', '--target', 'release'], { cwd: dir, stdio: 'ignore' });
  variants.push({ name: `base(${base})`, bundle: await bundle('base', join(dir, 'src'), join(dir, 'build', 'bytepiece.wasm')) });
}
variants.push({ name: 'this tree', bundle: await bundle('head', join(ROOT, 'src')) });

// Per model: the zip, and with --binary the model converted by each variant's own toBinary().
const inputs: { label: string; path: (variant: number) => string }[] = [];
for (const m of models) {
  const label = m.split('/').pop()!;
  inputs.push({ label, path: () => m });
  if (binary) {
    const bins = variants.map((v, k) => {
      const bin = join(work, `${label}.${k}.bpm`);
      execFileSync(process.execPath, ['--input-type=module', '-e',
        `const { Tokenizer } = await import(${JSON.stringify(v.bundle)});
         const { writeFileSync } = await import('node:fs');
         writeFileSync(${JSON.stringify(bin)}, Tokenizer.loadSync(${JSON.stringify(m)}).toBinary());`]);
      return bin;
    });
    inputs.push({ label: `${label} → toBinary`, path: (k) => bins[k]! });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const results = new Map<string, { ms: number[]; cpu: number[]; rss: number[]; err?: string }>();
for (let r = 0; r < runs; r++) {
  for (const input of inputs) {
    for (const [k, v] of variants.entries()) {
      const key = `${input.label}\t${v.name}`;
      const slot = results.get(key) ?? { ms: [], cpu: [], rss: [] };
      results.set(key, slot);
      try {
        const out = execFileSync(process.execPath, [join(work, 'child.mjs'), v.bundle, input.path(k)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        const { ms, cpu, rss } = JSON.parse(out) as { ms: number; cpu: number; rss: number };
        slot.ms.push(ms);
        slot.cpu.push(cpu);
        slot.rss.push(rss);
      } catch (e) {
        slot.err = String((e as { stderr?: string }).stderr ?? e).split('\n').find((l) => l.includes('Error')) ?? 'failed';
      }
    }
  }
}
console.log(`node ${process.version}, ${runs} fresh processes per cell, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('model\tvariant\tload+first encode ms (median [min-max])\tCPU ms (median; includes V8 compiler threads)\tpeak RSS MB (median)');
for (const [key, { ms, cpu, rss, err }] of results) {
  if (ms.length === 0) console.log(`${key}\t${err}`);
  else console.log(`${key}\t${median(ms).toFixed(0)} [${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)}]\t${median(cpu).toFixed(0)}\t${median(rss).toFixed(0)}`);
}
rmSync(work, { recursive: true, force: true });
