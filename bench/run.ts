/**
 * `npm run bench`: runs every benchmark section, prints the report and writes bench/RESULTS.md.
 *
 *   npm run bench                     full run (target: under ~10 minutes on 2 shared cores)
 *   npm run bench -- --quick          a subset (2 models, fewer peers and sizes) → bench/out/RESULTS.quick.md
 *   npm run bench -- --only=load,short    some sections only → bench/out/RESULTS.partial.md
 *   npm run bench -- --only=baseline --baseline=REF   this build's throughput ÷ commit REF's, in one run
 *   options: --reps=N (timed passes per throughput figure, ≥ 3), --out=FILE, --baseline=REF
 *
 * SECTION CONTRACT (how to plug a benchmark in)
 * - A section is a script bench/sections/<name>.ts. Every script there is run, in the order of
 *   SECTIONS below and then by name, as its own child process:
 *       node --import tsx --expose-gc bench/sections/<name>.ts [--quick]
 *   with cwd = repo root and env BENCH_QUICK=1 (quick mode), BENCH_REPS, BENCH_BUNDLED=1.
 * - It prints ONE JSON object as the LAST non-empty line of stdout: a SectionResult
 *   (bench/lib/contract.ts): { title, intro?, tables?: [{title?, columns, rows, align?}], notes?,
 *   throughput?, short?, loads?, data?, failures?: [{subject, reason}] }. Progress goes to stderr.
 *   Tables and notes are rendered as given; throughput/short/loads records also feed the summary
 *   (ratios, targets); failures are listed under "What did not work".
 * - A non-zero exit or a timeout (20 min) is reported as the section's failure; the other sections
 *   still run. A script that exits 0 but prints plain text instead (an existing standalone
 *   benchmark dropped in as is) gets its stdout reproduced verbatim under its name.
 * - To measure in a clean process (no tsx: it adds ~35 MB RSS), put the measuring code in
 *   bench/probes/<name>.ts and call runProbe('<name>', spec) (bench/lib/child.ts): probes are
 *   bundled with esbuild into bench/out/probes/ and import the bundled package from PKG_URL.
 * - Use isQuick() and reps() from bench/lib/shared.ts; take shared data paths from there too.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Failure, LoadRecord, SectionResult, ShortRecord, ThroughputRecord } from './lib/contract.js';
import { bundleProbes } from './lib/bundle.js';
import { runJson } from './lib/child.js';
import { loadAverage, machine } from './lib/machine.js';
import { renderTable } from './lib/markdown.js';
import { allCorpora, allModels, hasShared, largestModel, OUT, REPO, SHARED } from './lib/shared.js';
import { summaryTables } from './lib/summary.js';
import { TARGET_MODELS } from './lib/reference.js';

/** Core sections first, in this order; any other bench/sections/*.ts follows by name. */
const SECTIONS = ['throughput', 'peers', 'short', 'load'];

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (args.includes('--help')) {
  console.log('usage: npm run bench [-- --quick] [--only=a,b] [--reps=N] [--out=FILE] [--baseline=REF]');
  process.exit(0);
}
const quick = args.includes('--quick');
const only = opt('only')
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const reps = opt('reps');
const baseline = opt('baseline');
const unknown = args.filter((a) => a !== '--quick' && !/^--(only|reps|out|baseline)=/.test(a));
if (unknown.length) fail(`unknown option ${unknown.join(' ')} (try --help)`);
if (reps !== undefined && !(Number(reps) >= 3)) fail('--reps must be a number ≥ 3 (each figure is a median of ≥ 3 passes)');
if (!hasShared()) fail(`${SHARED} not found: the benchmark needs the shared models and corpora (../shared next to the repo, or set BYTEPIECE_SHARED)`);

const dir = join(REPO, 'bench', 'sections');
const found = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const order = [...SECTIONS.filter((s) => found.includes(s)), ...found.filter((s) => !SECTIONS.includes(s)).sort()];
const selected = only ? order.filter((s) => only.includes(s)) : order;
if (only && only.some((s) => !order.includes(s)))
  fail(`no section ${only.filter((s) => !order.includes(s)).join(', ')} in bench/sections/ (have: ${order.join(', ')})`);
const outFile = opt('out') ?? (quick ? join(OUT, 'RESULTS.quick.md') : only ? join(OUT, 'RESULTS.partial.md') : join(REPO, 'bench', 'RESULTS.md'));

const started = new Date();
const loadAtStart = loadAverage();
const t0 = performance.now();
process.stderr.write(`bench: bundling the package and probes (esbuild) …\n`);
await bundleProbes();

const results: { name: string; seconds: number; result?: SectionResult; error?: string; text?: string }[] = [];
for (const name of selected) {
  process.stderr.write(`\n== section ${name}\n`);
  const s0 = performance.now();
  const r = await runJson<SectionResult>(['--import', 'tsx', '--expose-gc', join(dir, `${name}.ts`), ...(quick ? ['--quick'] : [])], {
    timeoutMs: 20 * 60_000,
    env: { BENCH_QUICK: quick ? '1' : '0', BENCH_BUNDLED: '1', ...(reps ? { BENCH_REPS: reps } : {}), ...(baseline ? { BENCH_BASELINE: baseline } : {}) },
  });
  const seconds = (performance.now() - s0) / 1000;
  const text = !r.ok && r.stdout?.trim() ? r.stdout.trim() : undefined;
  results.push(r.ok ? { name, seconds, result: r.value } : text ? { name, seconds, text } : { name, seconds, error: r.error });
  process.stderr.write(`== section ${name}: ${r.ok ? 'done' : text ? 'done (plain text)' : `FAILED (${r.error})`} in ${seconds.toFixed(0)} s\n`);
}
const totalSeconds = (performance.now() - t0) / 1000;

// ---- the report ----
const ok = results.flatMap((r) => (r.result ? [r.result] : []));
const throughput = ok.flatMap((r) => r.throughput ?? []) as ThroughputRecord[];
const short = ok.flatMap((r) => r.short ?? []) as ShortRecord[];
const loads = ok.flatMap((r) => r.loads ?? []) as LoadRecord[];
const failures: Failure[] = [
  ...results.filter((r) => r.error).map((r) => ({ subject: `section ${r.name}`, reason: r.error! })),
  ...ok.flatMap((r) => r.failures ?? []),
];
const loadData = results.find((r) => r.name === 'load')?.result?.data as
  { binaries?: { model: string; zip: number; bytes: number; gzipBytes: number }[] } | undefined;
const ourModels = allModels().sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
function rank(m: string): number {
  const i = TARGET_MODELS.indexOf(m);
  return i >= 0 ? i : TARGET_MODELS.length;
}

const m = machine();
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
    : `node --import tsx bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;
const out: string[] = [];
out.push('# bytepiece-wasm benchmark results', '');
out.push(`Written by \`${command}\` (bench/run.ts) on ${started.toISOString()}; ${totalSeconds.toFixed(0)} s in all. Regenerate rather than edit.`, '');
out.push('## Machine and method', '');
out.push(
  `- CPU: ${m.cpu}${m.mhz ? ` @ ${Math.round(Number(m.mhz))} MHz` : ''}, ${m.cores} cores${m.cache ? `, cache ${m.cache}` : ''}; ${m.memoryGiB.toFixed(0)} GiB RAM; ${m.os}.`,
  `- Node ${m.node} (V8 ${m.v8}); code at commit ${m.commit}.`,
  `- Load average (1 / 5 / 15 min) at start ${loadAtStart}, at end ${loadAverage()}. **The machine is shared** with other engineers running tests and benchmarks: absolute figures are noisy (the noise column is half the range of the timed passes over their median). Compare ratios measured in the same run, not figures across runs.`,
  `- Throughput: single thread, warm (one untimed warm-up pass), median of ${reps ?? (quick ? 3 : 5)} timed passes for our engines and ${reps ?? 3} for peers, end to end: a JS string in → ids out (NFC, UTF-8, segmentation, the ids array), one call per document; documents = the "text" field of each JSONL line of ../shared/corpora; MB = 10^6 bytes of UTF-8 input. Model load is excluded from throughput and measured separately, in fresh processes.`,
  '- Every measurement runs in a child process of plain `node` on an esbuild bundle of src/node.ts (bench/out/, not tsx), one process per (model, engine set) or per peer.',
  `- Figures marked "reference, from ../shared/bench/README.md" are quoted, not re-measured.${quick ? ' **Quick mode**: a subset.' : ''}`,
  '',
);

if (throughput.length + short.length + loads.length > 0) {
  out.push('## Summary', '');
  const summary = summaryTables({
    throughput,
    short,
    loads,
    binaries: loadData?.binaries ?? [],
    corpora: allCorpora(),
    largest: largestModel(),
    loadTarget: 'bytepiece.eu.plus.160k',
    models: ourModels,
  });
  for (const t of summary) out.push(renderTable(t), '');
}

for (const r of results) {
  if (r.text !== undefined) {
    out.push(`## ${r.name}`, '', `_(bench/sections/${r.name}.ts, ${r.seconds.toFixed(0)} s; its output as printed)_`, '', '```text', r.text, '```', '');
    continue;
  }
  if (!r.result) {
    out.push(`## Section ${r.name}: failed`, '', `\`${r.error}\``, '');
    continue;
  }
  const s = r.result;
  out.push(`## ${s.title}`, '', `_(bench/sections/${r.name}.ts, ${r.seconds.toFixed(0)} s)_`, '');
  if (s.intro) out.push(s.intro, '');
  for (const t of s.tables ?? []) out.push(renderTable(t), '');
  for (const n of s.notes ?? []) out.push(`- ${n}`);
  if (s.notes?.length) out.push('');
}

out.push('## What did not work', '');
if (failures.length === 0) out.push('Everything listed above ran.');
for (const f of failures) out.push(`- **${f.subject}**: ${f.reason}`);
out.push('');

const report = out.join('\n');
mkdirSync(OUT, { recursive: true });
writeFileSync(outFile, report);
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ started, command, machine: m, totalSeconds, sections: results }, null, 1));
process.stdout.write(`\n${report}\n`);
process.stderr.write(`bench: wrote ${relative(REPO, outFile)} and bench/out/results.json in ${totalSeconds.toFixed(0)} s\n`);

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
