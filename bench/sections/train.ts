/**
 * Training (issue 16): our trainer on the reference's fortunes run (../shared/trainer/fortunes,
 * 4.6 MB, order 6, sizes 8000/4000, min count 8), 1 and 2 workers, each run in a clean process
 * measured by /usr/bin/time (wall, peak RSS), beside `spm_train` (Debian sentencepiece, Unigram,
 * vocab 8000, 2 threads) on the same texts one document per line, in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SectionResult, Table } from '../lib/contract.js';
import { isQuick, REPO, SHARED } from '../lib/shared.js';
import { median } from '../lib/stats.js';

const DIR = join(SHARED, 'trainer', 'fortunes');
const reps = isQuick() ? 1 : 3;
const out = mkdtempSync(join(tmpdir(), 'bytepiece-bench-train-'));
const failures: { subject: string; reason: string }[] = [];

/** Runs a command under /usr/bin/time -v: wall seconds, peak RSS MiB, stdout. */
function timed(cmd: string, args: string[]): { wall: number; rssMiB: number; stdout: string } {
  const report = join(out, 'time.txt');
  const stdout = execFileSync('/usr/bin/time', ['-v', '-o', report, cmd, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = readFileSync(report, 'utf8');
  const wallText = /Elapsed \(wall clock\) time.*: (.+)/.exec(t)![1]!.trim().split(':').map(Number);
  const wall = wallText.reduce((acc, v) => acc * 60 + v, 0);
  const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)![1]);
  return { wall, rssMiB: rssKiB / 1024, stdout };
}

const rows: (string | number | null)[][] = [];
const ours: Record<number, number> = {};
if (!existsSync(join(DIR, 'params.json'))) {
  failures.push({ subject: 'training', reason: `${DIR} not found` });
} else {
  for (const workers of [1, 2]) {
    const walls: number[] = [];
    const inner: number[] = [];
    const rss: number[] = [];
    let identical = true;
    for (let r = 0; r < reps; r++) {
      process.stderr.write(`train: ${workers} worker(s), run ${r + 1}/${reps}\n`);
      const run = timed(process.execPath, ['bench/train/run-once.mjs', String(workers), 'wasm', out, SHARED]);
      const res = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number; identical: boolean };
      walls.push(run.wall);
      inner.push(res.seconds);
      rss.push(run.rssMiB);
      identical &&= res.identical;
    }
    if (!identical) failures.push({ subject: `bytepiece-wasm train, ${workers} worker(s)`, reason: 'models differ from the reference' });
    ours[workers] = median(walls);
    rows.push([
      `bytepiece-wasm, ${workers} worker${workers > 1 ? 's' : ''}`,
      median(walls).toFixed(2),
      median(inner).toFixed(2),
      Math.max(...rss).toFixed(0),
      identical ? 'yes (cmp)' : 'NO',
    ]);
  }
  // spm_train on the same documents, one per line (newlines inside a document become spaces).
  try {
    const p = JSON.parse(readFileSync(join(DIR, 'params.json'), 'utf8')) as { corpora: string[]; field: string };
    const lines: string[] = [];
    for (const c of p.corpora)
      for (const l of readFileSync(join(SHARED, c), 'utf8').split('\n')) if (l) lines.push((JSON.parse(l)[p.field] as string).replace(/\n+/g, ' '));
    const input = join(out, 'fortunes.txt');
    writeFileSync(input, lines.join('\n') + '\n');
    const walls: number[] = [];
    const rss: number[] = [];
    for (let r = 0; r < reps; r++) {
      process.stderr.write(`train: spm_train, run ${r + 1}/${reps}\n`);
      const run = timed('spm_train', [
        `--input=${input}`,
        `--model_prefix=${join(out, 'spm')}`,
        '--model_type=unigram',
        '--vocab_size=8000',
        '--character_coverage=1.0',
        '--byte_fallback=true',
        '--num_threads=2',
        '--input_sentence_size=0',
        '--minloglevel=2',
      ]);
      walls.push(run.wall);
      rss.push(run.rssMiB);
    }
    rows.push(['spm_train (unigram, 8000, 2 threads)', median(walls).toFixed(2), null, Math.max(...rss).toFixed(0), null]);
    rows.push(['ours, 2 workers vs spm_train', `${(median(walls) / ours[2]!).toFixed(1)}×`, null, null, null]);
  } catch (e) {
    failures.push({ subject: 'spm_train', reason: (e as Error).message.split('\n')[0]! });
  }
  rows.push(['reference bytepiece (quoted, 1 core)', '50.8', null, '228', 'the oracle']);
}
rmSync(out, { recursive: true, force: true });

const table: Table = {
  title: `fortunes (4,631,717 bytes, 20,480 documents), order 6, sizes 8000 + 4000, min count 8; median of ${reps} run(s)`,
  columns: ['trainer', 'wall s (process)', 'wall s (train call)', 'peak RSS MiB', 'identical to reference'],
  rows,
  align: 'lrrrl',
};
const result: SectionResult = {
  title: 'Training',
  intro:
    'Each run is a fresh `node` process (bench/train/run-once.mjs, the built package) under `/usr/bin/time -v`; `spm_train` runs in the same section. Targets: 1 worker ≤ 4 s, 2 workers ≤ 2.5 s, ≥ 5× faster than spm_train, peak RSS ≤ 228 MiB.',
  tables: [table],
  failures,
};
console.log(JSON.stringify(result));
