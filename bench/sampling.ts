// Throughput of Viterbi sampling (alpha = 0.1) against deterministic encoding, both engines, on the
// shared corpora. MB = 10^6 bytes of UTF-8 input; time = CPU time of this process (user + system),
// steadier than wall time on a shared machine; median of several passes after a warm-up, the two
// modes interleaved so that a busy neighbour slows both alike. Two workloads:
//   documents  tok.encode(text, { alpha }) per corpus line (what a data pipeline does);
//   one chunk  tok.encodeBytes(bytes, { alpha }) on the corpus joined into one 1 MB line: kernel
//              cost without per-call overhead (NFC check, copies, allocation), the harder ratio.
// A third column runs the same alpha on the log-domain sampler (the fallback for large alpha, and
// the sampler before the linear domain), forced: old and new in the same conditions.
// Usage: npx tsx bench/sampling.ts [model name] [passes] [alpha]   (defaults: bytepiece.plus.80k, 5, 0.1)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tokenizer } from '../src/node.js';
import { forceLogDomain } from '../src/engine/sampling-weights.js';

const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
if (!existsSync(join(shared, 'corpora'))) {
  console.error(`${shared} not found: this benchmark needs the shared models and corpora`);
  process.exit(1);
}
const model = process.argv[2] ?? 'bytepiece.plus.80k';
const passes = Number(process.argv[3] ?? 5);
const corpora = readdirSync(join(shared, 'corpora'))
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -6))
  .sort();
const ALPHA = Number(process.argv[4] ?? 0.1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** MB/s of `run` in each mode (deterministic, linear domain, log domain): median over passes, modes interleaved. */
function measure(mb: number, run: (alpha: number) => void): [number, number, number] {
  const modes = [
    [-1, false, [] as number[]],
    [ALPHA, false, [] as number[]],
    [ALPHA, true, [] as number[]],
  ] as const;
  for (let p = -1; p < passes; p++) {
    for (const [alpha, log, into] of modes) {
      forceLogDomain(log);
      const t0 = process.cpuUsage();
      run(alpha);
      if (p >= 0) into.push(mb / cpuSeconds(t0)); // pass -1: warm-up
    }
  }
  forceLogDomain(false);
  return [median(modes[0][2]), median(modes[1][2]), median(modes[2][2])];
}

console.log(`model ${model}; MB/s (CPU time), median of ${passes} passes; ratio = sampling / deterministic`);
console.log(['workload', 'corpus', 'MB', 'engine', 'deterministic', `alpha=${ALPHA}`, 'ratio', 'log-domain', 'ratio'].join('\t'));
for (const engine of ['wasm', 'js'] as const) {
  const tok = await Tokenizer.load(join(shared, 'models', `${model}.zip`), { engine, seed: 1 });
  for (const corpus of corpora) {
    const texts = readFileSync(join(shared, 'corpora', `${corpus}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as { text: string }).text.normalize('NFC'));
    const docsMb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
    const line = new TextEncoder().encode(texts.join(' ').replaceAll('\n', ' ')).subarray(0, 1_000_000);
    const rows: [string, number, [number, number, number]][] = [
      [
        'documents',
        docsMb,
        measure(docsMb, (alpha) => {
          for (const t of texts) tok.encode(t, { alpha });
        }),
      ],
      [
        'one chunk',
        line.length / 1e6,
        measure(line.length / 1e6, (alpha) => {
          tok.encodeBytes(line, { alpha });
        }),
      ],
    ];
    for (const [workload, mb, [det, smp, old]] of rows) {
      const pct = (x: number) => `${((100 * x) / det).toFixed(0)}%`;
      console.log([workload, corpus, mb.toFixed(2), engine, det.toFixed(1), smp.toFixed(1), pct(smp), old.toFixed(1), pct(old)].join('\t'));
    }
  }
}
