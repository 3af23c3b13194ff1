// Developer harness: where the time of encode() goes, per document. Runs each stage of the
// Tokenizer's path on its own over every document of each corpus (one loop per stage, so timer
// calls stay out of the figures): the NFC/well-formedness step, UTF-8 into the kernel's memory,
// the kernel on bytes already in place, the result copy; then the engine call without the
// Tokenizer wrapper, and full encode(). Wall time, rounds interleaved, median per stage in µs/doc.
//
//   npx tsx bench/profile-dev.ts [model] [--rounds N] [--engine wasm|js] [--clock cpu|wall]
import { readFileSync } from 'node:fs';
import { Tokenizer } from '../src/node.js';
import { normalizeText } from '../src/text/normalize.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const rounds = Number(opt('rounds', '7'));
const engine = opt('engine', 'wasm') as 'wasm' | 'js';
const cpu = opt('clock', 'cpu') === 'cpu';
const model = args[0] ?? 'bytepiece.plus.80k';
const SHARED = new URL('../../shared/', import.meta.url);
const tok = Tokenizer.loadSync(new URL(`models/${model}.zip`, SHARED).pathname, { engine });
// Internals, for timing the stages apart (not an API).
const impl = (tok as unknown as { impl: Record<string, unknown> }).impl as {
  encodeText(t: string, split: boolean, f: number, b: number): Uint32Array;
  encodeTextInto(t: string, split: boolean, out: Uint32Array, at: number): number;
  kernel?: { encode: (...args: number[]) => number };
  scratch?: number;
  input?: Uint8Array;
  u32?: Uint32Array;
  reserve?(end: number): void;
  write(t: string): number;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

for (const corpus of ['zh-fortunes', 'en-fortunes', 'code']) {
  const docs = readFileSync(new URL(`corpora/${corpus}.jsonl`, SHARED), 'utf8').split('\n').filter((l) => l).map((l) => (JSON.parse(l) as { text: string }).text);
  const bytes = docs.map((d) => new TextEncoder().encode(d));
  const total = bytes.reduce((s, b) => s + b.length, 0);
  const enc = new TextEncoder();
  const buf = new Uint8Array(1 << 20);
  let sink = 0;
  const stages: [string, () => void][] = [
    ['normalize(NFC)', () => { for (const d of docs) sink += d.normalize('NFC').length; }],
    ['normalizeText', () => { for (const d of docs) sink += normalizeText(d, 'error').length; }],
    ['isWellFormed', () => { for (const d of docs) sink += (d as unknown as { isWellFormed(): boolean }).isWellFormed() ? 1 : 0; }],
    ['encodeInto(small buf)', () => { for (const d of docs) sink += enc.encodeInto(d, buf).written; }],
    ['engine.write', () => { for (const d of docs) sink += impl.write(d); }],
  ];
  if (impl.kernel) {
    const k = impl.kernel;
    const scratch = impl.scratch!;
    // encode(input, n, trace, split), or the earlier encode(input, n, back, starts, split).
    const kernelCall = k.encode.length === 4
      ? (n: number) => k.encode(scratch, n, (scratch + n + 7) & -8, 1)
      : (n: number) => { const back = (scratch + n + 3) & -4; return k.encode(scratch, n, back, back + 4 * (n + 1), 1); };
    const joined = new TextEncoder().encode(docs.join('\n'));
    impl.reserve!(scratch + 16 * joined.length + 64);
    stages.push(['kernel, docs joined', () => {
      const n = joined.length;
      impl.input!.set(joined);
      sink += kernelCall(n);
    }]);
    stages.push(['kernel (bytes in place)', () => {
      for (const b of bytes) {
        const n = b.length;
        impl.input!.set(b);
        sink += kernelCall(n);
      }
    }]);
    stages.push(['u8.set only', () => { for (const b of bytes) { impl.input!.set(b); sink += b.length; } }]);
  }
  stages.push(['engine.encodeText', () => { for (const d of docs) sink += impl.encodeText(d, true, 0, 0).length; }]);
  const out = new Uint32Array(1 << 20);
  stages.push(['engine.encodeTextInto', () => { for (const d of docs) sink += impl.encodeTextInto(d, true, out, 0); }]);
  stages.push(['Tokenizer.encodeInto', () => { for (const d of docs) sink += tok.encodeInto(d, out); }]);
  stages.push(['Tokenizer.encode', () => { for (const d of docs) sink += tok.encode(d).length; }]);
  // The result's allocation alone, at each document's real number of ids: above 16 ids V8 gives
  // every typed array an ArrayBuffer of its own, which costs far more than the copy.
  const counts = docs.map((d) => tok.encode(d).length);
  stages.push(['result alloc (own ids)', () => { for (const c of counts) sink += new Uint32Array(c).length; }]);
  const times = stages.map(() => [] as number[]);
  for (const [, f] of stages) f(); // warm-up
  for (let r = 0; r < rounds; r++) {
    stages.forEach(([, f], i) => {
      const c0 = cpu ? process.cpuUsage() : undefined;
      const t0 = performance.now();
      f();
      if (c0) {
        const c = process.cpuUsage(c0);
        times[i]!.push((c.user + c.system) / 1000);
      } else times[i]!.push(performance.now() - t0);
    });
  }
  console.log(`${model} [${engine}] ${corpus}: ${docs.length} docs, ${total} bytes (${(total / docs.length).toFixed(0)} B/doc)`);
  stages.forEach(([name], i) => {
    const ms = median(times[i]!);
    console.log(`  ${name.padEnd(24)} ${((ms * 1000) / docs.length).toFixed(3).padStart(9)} µs/doc  ${(ms).toFixed(1).padStart(7)} ms  ${(total / 1000 / ms).toFixed(1).padStart(8)} MB/s`);
  });
  if (sink === 42) console.log('');
}
