// Section: this build against another commit's, in one run (`npm run bench -- --baseline=REF`):
// REF's src/ and kernel are built into bench/out/baseline/ (a detached git worktree, bundled the way
// the probes bundle ours), then both builds run the throughput probe on the target models in
// alternating fresh processes, so a busy machine slows both alike; the table gives new ÷ old per
// engine and corpus (medians of the rounds). Without --baseline the section says so and does nothing.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { emit, progress, type Failure, type SectionResult, type ThroughputRecord } from '../lib/contract.js';
import { ensureBundled, PKG_URL } from '../lib/bundle.js';
import { runProbe } from '../lib/child.js';
import { TARGET_MODELS } from '../lib/reference.js';
import { allCorpora, corpusPath, isQuick, modelPath, OUT, REPO, reps, shortCorpus } from '../lib/shared.js';
import { fmt, median } from '../lib/stats.js';

const ref = process.env.BENCH_BASELINE;
const title = 'This build against a baseline commit';
if (!ref) {
  emit({ title, intro: 'Not run: give a commit to compare with, `npm run bench -- --baseline=REF` (ratios measured in one run).' } satisfies SectionResult);
  process.exit(0);
}

await ensureBundled();
const ROUNDS = isQuick() ? 1 : 3;
const failures: Failure[] = [];
const dir = join(OUT, 'baseline');
const src = join(dir, 'src-tree');
const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: REPO, encoding: 'utf8' }).trim();

/** REF's tree, its kernel built with this repo's toolchain, its Node entry bundled beside it. */
async function buildBaseline(): Promise<string> {
  progress(`baseline: building ${ref} (${commit})`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'prune'], { cwd: REPO });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', src, commit], { cwd: REPO, stdio: 'ignore' });
  try {
    symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'), 'dir');
    execFileSync('npm', ['run', 'build:wasm'], { cwd: src, stdio: 'ignore' });
    // The bundle sits where src/node.ts sat (two folders below, like ours): its kernel URL
    // (`../build/…` from a flat src/, `../../build/…` from src/engine/) finds a copy either way.
    await build({
      entryPoints: [join(src, 'src', 'node.ts')],
      outdir: join(dir, 'pkg', 'src'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
      absWorkingDir: src,
    });
    for (const target of [join(dir, 'build'), join(dir, 'pkg', 'build')]) {
      mkdirSync(target, { recursive: true });
      for (const k of readdirSync(join(src, 'build')).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(src, 'build', k), join(target, k));
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', src], { cwd: REPO, stdio: 'ignore' });
  }
  return pathToFileURL(join(dir, 'pkg', 'src', 'node.mjs')).href;
}

const corpora = allCorpora();
const builds = [
  { name: 'new', pkg: PKG_URL },
  { name: 'old', pkg: await buildBaseline() },
];
/** MB/s per build, engine, model and corpus, one entry per round. */
const mbps = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const model of TARGET_MODELS) {
    // Alternate which build goes first, so neither always runs on the warmer (or busier) machine.
    for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
      progress(`baseline: round ${round + 1}/${ROUNDS}, ${model}, ${b.name} build`);
      const spec = {
        pkg: b.pkg,
        model,
        modelPath: modelPath(model),
        reps: reps(),
        engines: ['wasm', 'js'],
        variants: false,
        corpora: corpora.map((c) => ({ name: c, path: corpusPath(c) })),
      };
      const r = await runProbe<{ records: ThroughputRecord[]; failures: Failure[] }>('ours-throughput', spec, { timeoutMs: 600_000 });
      if (!r.ok) {
        failures.push({ subject: `${b.name} build (${b.name === 'old' ? commit : 'this tree'}) on ${model}`, reason: r.error });
        continue;
      }
      for (const rec of r.value.records.filter((x) => x.api === 'encode')) {
        const key = [b.name, rec.subject, model, rec.corpus].join('\u0000');
        mbps.set(key, [...(mbps.get(key) ?? []), rec.mbps]);
      }
    }
  }
}

const get = (build: string, subject: string, model: string, corpus: string) => {
  const v = mbps.get([build, subject, model, corpus].join('\u0000'));
  return v && v.length > 0 ? median(v) : undefined;
};
const rows: (string | null)[][] = [];
for (const model of TARGET_MODELS) {
  for (const subject of ['bytepiece WASM', 'bytepiece JS']) {
    rows.push([
      model,
      subject.replace('bytepiece ', ''),
      ...corpora.map((c) => {
        const n = get('new', subject, model, c);
        const o = get('old', subject, model, c);
        return n !== undefined && o !== undefined ? `${fmt(n / o, 2)}× (${fmt(n)} / ${fmt(o)})` : null;
      }),
    ]);
  }
}
emit({
  title,
  intro: `encode(text) throughput of this tree ("new") against commit ${commit} ("${ref}", "old"), each build in its own fresh processes, alternating, ${ROUNDS} round(s); cells: new ÷ old (new / old MB/s, medians). Within ~±5% is noise on a shared machine.`,
  tables: [{ title: `new ÷ old, encode MB/s`, columns: ['model', 'engine', ...corpora.map(shortCorpus)], align: 'll' + 'r'.repeat(corpora.length), rows }],
  failures,
} satisfies SectionResult);
