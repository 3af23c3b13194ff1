// Throughput of Viterbi sampling (alpha = 0.1) against deterministic encoding, both engines, on the
// shared corpora. MB = 10^6 bytes of UTF-8 input; time = CPU time of this process (user + system),
// steadier than wall time on a shared machine; median of several passes after a warm-up, the two
// modes interleaved so that a busy neighbour slows both alike. Two workloads:
//   documents  tok.encode(text, { alpha }) per corpus line (what a data pipeline does);
//   one chunk  tok.encodeBytes(bytes, { alpha }) on the corpus joined into one 1 MB line: kernel
//              cost without per-call overhead (NFC check, copies, allocation), the harder ratio.
// Usage: npx tsx bench/sampling.ts [model name] [passes]   (defaults: bytepiece.plus.80k, 5)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tokenizer } from '../src/node.js';

const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
if (!existsSync(join(shared, 'corpora'))) {
  console.error(`${shared} not found: this benchmark needs the shared models and corpora`);
  process.exit(1);
}
const model = process.argv[2] ?? 'bytepiece.plus.80k';
const passes = Number(process.argv[3] ?? 5);
const corpora = readdirSync(join(shared, 'corpora')).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -6)).sort();
const ALPHA = 0.1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** MB/s of `run` in each mode: median over passes, modes interleaved. */
function measure(mb: number, run: (alpha: number) => void): [number, number] {
  run(-1);
  run(ALPHA);
  const det: number[] = [];
  const smp: number[] = [];
  for (let p = 0; p < passes; p++) {
    for (const [alpha, into] of [[-1, det], [ALPHA, smp]] as const) {
      const t0 = process.cpuUsage();
      run(alpha);
      into.push(mb / cpuSeconds(t0));
    }
  }
  return [median(det), median(smp)];
}

console.log(`model ${model}; MB/s (CPU time), median of ${passes} passes; ratio = sampling / deterministic`);
console.log(['workload', 'corpus', 'MB', 'engine', 'deterministic', `alpha=${ALPHA}`, 'ratio'].join('\t'));
for (const engine of ['wasm', 'js'] as const) {
  const tok = await Tokenizer.load(join(shared, 'models', `${model}.zip`), { engine, seed: 1 });
  for (const corpus of corpora) {
    const texts = readFileSync(join(shared, 'corpora', `${corpus}.jsonl`), 'utf8').split('\n').filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as { text: string }).text.normalize('NFC'));
    const docsMb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
    const line = new TextEncoder().encode(texts.join(' ').replaceAll('\n', ' ')).subarray(0, 1_000_000);
    const rows: [string, number, [number, number]][] = [
      ['documents', docsMb, measure(docsMb, (alpha) => { for (const t of texts) tok.encode(t, { alpha }); })],
      ['one chunk', line.length / 1e6, measure(line.length / 1e6, (alpha) => { tok.encodeBytes(line, { alpha }); })],
    ];
    for (const [workload, mb, [det, smp]] of rows) {
      console.log([workload, corpus, mb.toFixed(2), engine, det.toFixed(1), smp.toFixed(1), `${((100 * smp) / det).toFixed(0)}%`].join('\t'));
    }
  }
}
