// Ingestion benchmark (issue 4): the CLI end to end with 1 vs 2 workers on >= 200 MB of JSONL built
// from the shared corpora (median of --runs), plus one run per worker count on a ~1 GB input, so
// peak RSS can be compared at ~50 MB, ~200 MB and ~1 GB; and the encoding streams on ~50 MB,
// ~200 MB and ~1 GB generated texts. Inputs are generated under the OS temp dir, never in the
// repository. Run: npm run bench:ingest  (options: --model NAME --mb 200 --small-mb 50
// --huge-mb 1000 --runs 3 --stream-mb 50,200,1000 --no-stream --no-cli --no-small (the speed-up only)
// --keep --wait-idle SECONDS)
//
// The machine is shared, and Linux's autogroup scheduling splits the CPU between sessions, not
// threads: while another session is busy, this process gets about one core whatever its thread
// count, and no 2-worker speed-up can show. So each run is preceded by a probe of how many cores
// this session gets right now (two spinning threads: CPU time / wall time), reported beside it;
// with --wait-idle S, a run waits (up to S seconds) until the probe sees both cores.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared');
const CLI = join(ROOT, 'dist', 'cli.js');
const DATA = join(tmpdir(), 'bytepiece-ingest-bench'); // its own: other benchmarks clean their dirs

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const modelName = value('model', 'bytepiece.plus.80k');
const model = join(SHARED, 'models', `${modelName}.zip`);
const bigMB = Number(value('mb', '200'));
const smallMB = Number(value('small-mb', '50'));
const runs = Number(value('runs', '3'));
const hugeMB = Number(value('huge-mb', '1000'));
const streamMBs = value('stream-mb', '50,200,1000').split(',').map(Number);
const waitIdle = Number(value('wait-idle', '0'));

if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first (npm run bench:ingest does)`);
if (!existsSync(model)) throw new Error(`${model} missing: the benchmark reads ../shared`);
mkdirSync(DATA, { recursive: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const load = () => loadavg()[0]!.toFixed(2);
const hasTime = existsSync('/usr/bin/time');

/** Concatenates the shared JSONL corpora until the file reaches `mb` MB. */
async function jsonlInput(mb: number): Promise<string> {
  const path = join(DATA, `corpora-${mb}MB.jsonl`);
  if (existsSync(path) && statSync(path).size >= mb * 1e6) return path;
  const parts = readdirSync(join(SHARED, 'corpora'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => readFileSync(join(SHARED, 'corpora', f)));
  const out = createWriteStream(path);
  let size = 0;
  while (size < mb * 1e6) {
    for (const p of parts) {
      if (!out.write(p)) await new Promise<void>((r) => out.once('drain', () => r()));
      size += p.length;
    }
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return path;
}

/** Plain text: the corpora's documents joined by \n, repeated to `mb` MB. */
async function textInput(mb: number): Promise<string> {
  const path = join(DATA, `corpora-${mb}MB.txt`);
  if (existsSync(path) && statSync(path).size >= mb * 1e6) return path;
  const texts = readdirSync(join(SHARED, 'corpora'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(SHARED, 'corpora', f), 'utf8')
        .split('\n')
        .filter((l) => l)
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
  const block = Buffer.from(texts.join('\n') + '\n');
  const out = createWriteStream(path);
  for (let size = 0; size < mb * 1e6; size += block.length) {
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return path;
}

/** Cores this session gets right now: two threads spin for `ms`; their CPU time / wall time. */
async function probeCores(ms = 700): Promise<number> {
  const code = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) for (let i = 0; i < 1e5; i++) x += i; require('node:worker_threads').parentPort.postMessage(x);`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all([0, 1].map(() => new Promise((resolve) => new Worker(code, { eval: true }).once('message', resolve))));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (performance.now() - t0);
}

/** Probes, waiting (up to --wait-idle seconds) for both cores to be free. */
async function coresNow(): Promise<number> {
  const deadline = Date.now() + waitIdle * 1000;
  let cores = await probeCores();
  while (cores < 1.8 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5000));
    cores = await probeCores();
  }
  return cores;
}

interface Measure {
  wall: number;
  cpu: number;
  rssMiB: number;
  encodeSeconds: number;
  coresBefore?: number;
}

/** One CLI run: wall time, CPU time and peak RSS of the whole process (all threads). */
function runCli(input: string, workers: number): Measure {
  const out = join(DATA, 'out.u32');
  const cmd = [CLI, 'encode', '-m', model, '--jsonl', '-f', 'u32', '-o', out, '-w', String(workers), '--progress-interval', '3600', input];
  const started = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...cmd], { encoding: 'utf8' })
    : spawnSync(process.execPath, cmd, { encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`bytepiece failed: ${r.stderr}`);
  const summary = /in ([\d.]+) s, [\d.]+ MB\/s, \d+ workers?, peak RSS (\d+) MiB/.exec(r.stderr);
  if (!summary) throw new Error(`no summary line in: ${r.stderr}`);
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  rmSync(out, { force: true });
  rmSync(`${out}.idx`, { force: true });
  return {
    wall: time ? Number(time[1]) : wall,
    cpu: time ? Number(time[2]) + Number(time[3]) : NaN,
    rssMiB: time ? Math.round(Number(time[4]) / 1024) : Number(summary[2]),
    encodeSeconds: Number(summary[1]),
  };
}

const results: Record<string, unknown> = { model: modelName, date: new Date().toISOString(), node: process.version, loadBefore: load() };
const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};

if (!flag('no-cli')) {
  say(`\n## CLI end to end: bytepiece encode --jsonl -f u32 (model ${modelName}), median of ${runs} runs, 1 and 2 workers interleaved`);
  say(`command: node dist/cli.js encode -m ${model} --jsonl -f u32 -o OUT -w {1,2} INPUT   (load avg before: ${load()})\n`);
  say('| input | workers | wall s | MB/s end to end | MB/s encoding phase | CPU s | peak RSS MiB |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  const table: Record<string, Measure[]> = {};
  for (const size of flag('no-small') ? [bigMB] : [smallMB, bigMB]) {
    const mb = statSync(await jsonlInput(size)).size / 1e6;
    for (let r = 0; r < runs; r++) {
      for (const w of [1, 2]) {
        const coresBefore = await coresNow();
        const input = await jsonlInput(size); // (re)made if something removed it meanwhile
        (table[`${mb}|${w}`] ??= []).push({ ...runCli(input, w), coresBefore });
      }
    }
    for (const w of [1, 2]) {
      const m = table[`${mb}|${w}`]!;
      say(
        `| ${mb.toFixed(0)} MB | ${w} | ${median(m.map((x) => x.wall)).toFixed(1)} | ${median(m.map((x) => mb / x.wall)).toFixed(2)} | ${median(m.map((x) => mb / x.encodeSeconds)).toFixed(2)} | ${median(m.map((x) => x.cpu)).toFixed(1)} | ${median(m.map((x) => x.rssMiB))} |`,
      );
    }
    const one = table[`${mb}|1`]!;
    const two = table[`${mb}|2`]!;
    const pairs = one.map((x, i) => x.wall / two[i]!.wall);
    say(
      `\n${mb.toFixed(0)} MB: cores free before each run (probe): ${one.map((x, i) => `${x.coresBefore!.toFixed(2)}/${two[i]!.coresBefore!.toFixed(2)}`).join(', ')} (1w/2w)`,
    );
    if (hasTime)
      say(
        `${mb.toFixed(0)} MB: cores used during each run (CPU s / wall s): ${one.map((x, i) => `${(x.cpu / x.wall).toFixed(2)}/${(two[i]!.cpu / two[i]!.wall).toFixed(2)}`).join(', ')} (1w/2w; a 2-worker run held to ~1 core was starved by other load)`,
      );
    say(
      `${mb.toFixed(0)} MB: speed-up 2 vs 1 workers = ${(median(one.map((x) => x.wall)) / median(two.map((x) => x.wall))).toFixed(2)}x end to end ` +
        `(per interleaved pair: ${pairs.map((p) => p.toFixed(2)).join(', ')}), ${(median(one.map((x) => x.encodeSeconds)) / median(two.map((x) => x.encodeSeconds))).toFixed(2)}x in the encoding phase\n`,
    );
  }
  // Peak RSS against input size: one more run per worker count on the largest input (--huge-mb 0: none).
  if (hugeMB > 0 && !flag('no-small')) await rssAgainstSize(table);
  results.cli = table;
  say(`\nload avg after CLI runs: ${load()}`);
  if (!flag('keep')) for (const size of [smallMB, bigMB, hugeMB]) rmSync(join(DATA, `corpora-${size}MB.jsonl`), { force: true });
}

async function rssAgainstSize(table: Record<string, Measure[]>): Promise<void> {
  const hugeMb = statSync(await jsonlInput(hugeMB)).size / 1e6;
  for (const w of [1, 2]) {
    const coresBefore = await coresNow();
    (table[`${hugeMb}|${w}`] ??= []).push({ ...runCli(await jsonlInput(hugeMB), w), coresBefore });
  }
  say(`\nPeak RSS (MiB, whole process, /usr/bin/time) against input size; ${hugeMb.toFixed(0)} MB: one run per worker count (load avg ${load()})\n`);
  const sizes = [smallMB, bigMB, hugeMB].map((size) => statSync(join(DATA, `corpora-${size}MB.jsonl`)).size / 1e6);
  say(`| workers | ${sizes.map((mb) => `${mb.toFixed(0)} MB`).join(' | ')} | ${hugeMb.toFixed(0)} MB MB/s |`);
  say(`|---:|${sizes.map(() => '---:').join('|')}|---:|`);
  for (const w of [1, 2]) {
    const huge = table[`${hugeMb}|${w}`]![0]!;
    say(`| ${w} | ${sizes.map((mb) => median(table[`${mb}|${w}`]!.map((x) => x.rssMiB))).join(' | ')} | ${(hugeMb / huge.wall).toFixed(2)} |`);
  }
}

if (!flag('no-stream')) {
  const texts: string[] = [];
  for (const mb of streamMBs) texts.push(await textInput(mb));
  say(`\n## Streams: file → EncodeTransform (Node) / EncodeStream (WHATWG) → count ids, one run each (model ${modelName}, load avg ${load()})`);
  say('command: node bench/ingest-stream.mjs MODEL FILE node|web\n');
  say('| stream | input | MB/s | peak RSS MiB |');
  say('|---|---:|---:|---:|');
  const streams: unknown[] = [];
  for (const kind of ['node', 'web']) {
    for (const file of texts) {
      await coresNow();
      const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'ingest-stream.mjs'), model, file, kind], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`stream run failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout) as { bytes: number; tokens: number; seconds: number; maxRssMiB: number };
      streams.push({ kind, ...m });
      say(
        `| ${kind === 'node' ? 'EncodeTransform' : 'EncodeStream'} | ${(m.bytes / 1e6).toFixed(0)} MB | ${(m.bytes / 1e6 / m.seconds).toFixed(2)} | ${m.maxRssMiB} |`,
      );
    }
  }
  results.streams = streams;
  say(`load avg after stream runs: ${load()}`);
  if (!flag('keep')) for (const f of texts) rmSync(f, { force: true });
}

const outDir = join(ROOT, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(outDir, `ingest-${stamp}.json`), JSON.stringify(results, null, 2));
writeFileSync(join(outDir, `ingest-${stamp}.md`), lines.join('\n') + '\n');
console.log(`\nwrote bench/out/ingest-${stamp}.{json,md}`);
