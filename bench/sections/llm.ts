// Section: the features for language-model apps (issue 18). encodeWithOffsets against encode
// (whole corpora, interleaved batches, same process: the ratio is what counts), and budget checks
// on a 10 MB text: isWithinTokenLimit(text, 100) and truncate(text, 100) against countTokens.
import { readFileSync } from 'node:fs';
import { emit, progress, type SectionResult, type Table } from '../lib/contract.js';
import { ensureBundled, PKG_URL } from '../lib/bundle.js';
import { allCorpora, corpusPath, isQuick, modelPath, reps, shortCorpus } from '../lib/shared.js';
import { fmt, median } from '../lib/stats.js';
import type { Tokenizer as TokenizerType } from '../../src/node.js';

await ensureBundled();
const { Tokenizer } = (await import(PKG_URL)) as { Tokenizer: typeof TokenizerType };
const texts = (corpus: string) =>
  readFileSync(corpusPath(corpus), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { text: string }).text);
const MODELS = isQuick() ? ['bytepiece.plus.80k'] : ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
const n = reps();

// The ratio is measured where it is stable: each pass goes through the corpus in batches of 64
// documents, each batch timed in ABBA order (encode, encodeWithOffsets, encodeWithOffsets,
// encode), so a change of machine load, a warm cache or a collection falls on both alike; the
// ratio of each pass, median (and range) of at least 11 passes.
const passes = Math.max(11, n);
const offsets: Table = {
  title: `encodeWithOffsets ÷ encode (whole corpus per pass in interleaved batches, WASM engine, single thread; median of ${passes} passes)`,
  columns: ['model', 'corpus', 'encode ms', 'encodeWithOffsets ms', 'ratio', 'ratio range'],
  rows: [],
};
for (const model of MODELS) {
  const tok = await Tokenizer.load(modelPath(model));
  for (const corpus of allCorpora()) {
    progress(`llm: offsets ${model} ${corpus}`);
    const docs = texts(corpus);
    for (const d of docs) tok.encodeWithOffsets(d); // warm
    const e: number[] = [];
    const o: number[] = [];
    const ratios: number[] = [];
    const time = (batch: string[], f: (d: string) => unknown) => {
      const t = performance.now();
      for (const d of batch) f(d);
      return performance.now() - t;
    };
    for (let r = 0; r < passes; r++) {
      let encode = 0;
      let withOffsets = 0;
      for (let i = 0; i < docs.length; i += 64) {
        const batch = docs.slice(i, i + 64);
        encode += time(batch, (d) => tok.encode(d));
        withOffsets += time(batch, (d) => tok.encodeWithOffsets(d));
        withOffsets += time(batch, (d) => tok.encodeWithOffsets(d));
        encode += time(batch, (d) => tok.encode(d));
      }
      e.push(encode / 2);
      o.push(withOffsets / 2);
      ratios.push(withOffsets / encode);
    }
    offsets.rows.push([
      model,
      shortCorpus(corpus),
      fmt(median(e)),
      fmt(median(o)),
      fmt(median(ratios)),
      `${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}`,
    ]);
  }
}

// 10 MB of text: the corpora's documents joined by \n (many lines), and with every \n a space (one line).
const all = allCorpora().flatMap(texts);
const build = (sep: string) => {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 10e6; i++) {
    const t = sep === '\n' ? all[i % all.length]! : all[i % all.length]!.replace(/\n/g, ' ');
    parts.push(t);
    size += Buffer.byteLength(t) + 1;
  }
  return parts.join(sep);
};
const limits: Table = {
  title: 'Budget checks on 10 MB of text (bytepiece.plus.80k, WASM): median µs per call',
  columns: ['text', 'isWithinTokenLimit(text, 100)', 'truncate(text, 100)', 'countTokens(text) (all of it)'],
  rows: [],
};
const tok = await Tokenizer.load(modelPath('bytepiece.plus.80k'));
for (const [name, text] of [
  ['10 MB, many lines', build('\n')],
  ['10 MB, one line', build(' ')],
] as const) {
  progress(`llm: limits on ${name}`);
  const time = (f: () => unknown, times: number) => {
    const s: number[] = [];
    for (let r = 0; r < times; r++) {
      const t = performance.now();
      f();
      s.push((performance.now() - t) * 1000);
    }
    return median(s);
  };
  time(() => tok.isWithinTokenLimit(text, 100), 50);
  const within = time(() => tok.isWithinTokenLimit(text, 100), 201);
  time(() => tok.truncate(text, 100), 50);
  const cut = time(() => tok.truncate(text, 100), 201);
  const count = time(() => tok.countTokens(text), 3);
  limits.rows.push([name, fmt(within), fmt(cut), fmt(count)]);
}

const result: SectionResult = {
  title: 'Features for language-model apps',
  intro:
    "encodeWithOffsets maps every token to its span in the caller's text (the issue's target: at most 1.5× encode); isWithinTokenLimit and truncate read only as much of the text as the budget needs, so their cost follows the budget, not the text (inside one long line, truncate segments a head of it window by window until the first tokens are final).",
  tables: [offsets, limits],
};
emit(result);
