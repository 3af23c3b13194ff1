// Probe: short-input overhead of one tokenizer, with benchmark.js micro-benchmarks: documents of
// about 50/100/200 UTF-8 bytes cut from each corpus (a pool of distinct ones, cycled so caches
// see realistic variety), plus a 1-character input (the fixed cost of a call). Each benchmark runs
// `rounds` times, interleaved with the others, and its median is kept.
// Argument: one JSON object (see Spec). Prints one JSON line: { records }.
import Benchmark from 'benchmark';
import { emit, progress, type ShortRecord } from '../lib/contract.js';
import { loadCorpus, shortDocs } from '../lib/corpus.js';
import { median } from '../lib/stats.js';
import { importPkg, openPeer, type PeerSpec, type Subject } from '../lib/subjects.js';

interface Spec {
  /** api 'encodeInto': into one reused Uint32Array (no result allocated per call). */
  ours?: { pkg: string; model: string; modelPath: string; engine: 'wasm' | 'js'; api?: 'encode' | 'encodeInto' };
  peer?: PeerSpec;
  corpora: { name: string; path: string }[];
  sizes: number[];
  /** Distinct documents per (corpus, size). */
  pool: number;
  /** benchmark.js maxTime per benchmark, seconds. */
  maxTime: number;
  /** Times every benchmark is run (interleaved); the median is kept. */
  rounds: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
// Call the function as given: benchmark.js would otherwise re-compile its source text, which loses
// the closure over the tokenizer.
Benchmark.support.decompilation = false;

async function open(): Promise<Subject> {
  if (spec.peer) return openPeer(spec.peer);
  const o = spec.ours!;
  const { Tokenizer } = await importPkg(o.pkg);
  const tok = Tokenizer.loadSync(o.modelPath, { engine: o.engine });
  const subject = o.engine === 'wasm' ? 'bytepiece WASM' : 'bytepiece JS';
  if (o.api === 'encodeInto') {
    const out = new Uint32Array(1 << 16);
    return { subject: `${subject}, encodeInto`, api: 'encodeInto', model: o.model, count: (t) => tok.encodeInto(t, out) };
  }
  return { subject, api: 'encode', model: o.model, count: (t) => tok.encode(t).length };
}

function hz(name: string, fn: () => void): { hz: number; rme: number } {
  const b = new Benchmark(name, fn, { maxTime: spec.maxTime, minSamples: 5 });
  b.run({ async: false });
  if (b.error) throw b.error;
  return { hz: b.hz, rme: b.stats.rme };
}

const s = await open();
let sink = 0;

// Every cell: a pool of distinct documents, cycled by the benchmarked function.
interface Cell {
  corpus: string;
  size: number;
  docs: string[];
  bytes: number;
  hz: number[];
  rme: number[];
}
const cells: Cell[] = [{ corpus: '-', size: 0, docs: ['a'], bytes: 1, hz: [], rme: [] }];
for (const c of spec.corpora) {
  const corpus = loadCorpus(c.name, c.path);
  for (const size of spec.sizes) {
    const docs = shortDocs(corpus, size, spec.pool);
    cells.push({ corpus: c.name, size, docs, bytes: docs.reduce((a, d) => a + Buffer.byteLength(d, 'utf8'), 0) / docs.length, hz: [], rme: [] });
  }
}
// Warm-up: every document once (JIT, and the caches a peer keeps), before anything is timed.
for (const cell of cells) for (const d of cell.docs) sink += s.count(d);

// Rounds of every cell in a rotating order, so that load from other processes spreads evenly;
// each cell's figure is its median round.
for (let round = 0; round < spec.rounds; round++) {
  progress(`  ${s.subject} ${s.model}: round ${round + 1}/${spec.rounds}`);
  for (let k = 0; k < cells.length; k++) {
    const cell = cells[(k + round) % cells.length]!;
    const { docs } = cell;
    const n = docs.length;
    let i = 0;
    const r = hz(`${cell.corpus} ${cell.size}`, () => {
      sink += s.count(docs[i]!);
      if (++i === n) i = 0;
    });
    cell.hz.push(r.hz);
    cell.rme.push(r.rme);
  }
}
s.close?.();
if (sink < 0) progress('unreachable');

const records: ShortRecord[] = cells.map((cell) => {
  const h = median(cell.hz);
  return {
    subject: s.subject,
    model: s.model,
    corpus: cell.corpus,
    size: cell.size,
    bytes: cell.bytes,
    usPerCall: 1e6 / h,
    mbps: (cell.bytes * h) / 1e6,
    rme: median(cell.rme),
  };
});
emit({ records });
