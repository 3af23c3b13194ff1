// Developer harness: Tokenizer.encode called per document against Tokenizer.encodeBatch over the
// same list (one ArrayBuffer per batch), interleaved, CPU time, median of 11; whole shared-corpus
// documents and ~100-byte ones. bytepiece.plus.80k, WASM engine.
//   npx tsx bench/batch-vs-encode.ts
import { Tokenizer } from '../src/node.js';
import { loadCorpus, shortDocs } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';
const tok = Tokenizer.loadSync(modelPath('bytepiece.plus.80k'));
const cpu = () => process.cpuUsage();
const el = (t: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(t);
  return d.user + d.system;
};
for (const name of ['zh-fortunes', 'en-fortunes', 'code']) {
  const corpus = loadCorpus(name, corpusPath(name));
  for (const [label, set] of [
    ['docs', corpus.docs],
    ['100B', shortDocs(corpus, 100, 1000)],
  ] as const) {
    const bytes = set.reduce((s, d) => s + Buffer.byteLength(d), 0);
    const reps = Math.max(1, Math.round(2e6 / bytes));
    const a: number[] = [],
      b: number[] = [];
    for (let r = 0; r < 11; r++) {
      let t = cpu();
      for (let k = 0; k < reps; k++) for (const d of set) tok.encode(d);
      a.push((reps * bytes) / el(t));
      t = cpu();
      for (let k = 0; k < reps; k++) tok.encodeBatch(set);
      b.push((reps * bytes) / el(t));
    }
    a.sort((x, y) => x - y);
    b.sort((x, y) => x - y);
    console.log(name.padEnd(12), label.padEnd(5), `encode ${a[5]!.toFixed(1)}  encodeBatch ${b[5]!.toFixed(1)} MB/s  x${(b[5]! / a[5]!).toFixed(2)}`);
  }
}
