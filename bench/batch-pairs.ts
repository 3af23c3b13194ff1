// Developer harness: Tokenizer.encodeBatch of this checkout against another one (e.g. this one
// with PAIR_TEXT = -1 in src/tokenizer.ts, so no texts are paired), both in one process, rounds
// interleaved, CPU time, median of 15; whole documents, ~100-byte ones, and each set on one line.
//   mkdir -p /tmp/nopair && cp -r src assembly asconfig.json package.json /tmp/nopair/ &&
//     ln -s "$PWD/node_modules" /tmp/nopair/node_modules && mkdir -p /tmp/nopair/build &&
//     cp build/bytepiece.wasm /tmp/nopair/build/ &&
//     sed -i 's/^const PAIR_TEXT = 4096;/const PAIR_TEXT = -1;/' /tmp/nopair/src/tokenizer.ts
//   npx tsx bench/batch-pairs.ts /tmp/nopair
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tokenizer } from '../src/node.js';
import { loadCorpus, shortDocs } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';

if (!process.argv[2]) throw new Error('usage: batch-pairs.ts <other checkout>');
const Other = ((await import(pathToFileURL(resolve(process.argv[2], 'src/node.ts')).href)) as { Tokenizer: typeof Tokenizer }).Tokenizer;
const path = modelPath('bytepiece.plus.80k');
const toks = [Tokenizer.loadSync(path), Other.loadSync(path)];
const el = (t: NodeJS.CpuUsage) => { const d = process.cpuUsage(t); return d.user + d.system; };
for (const name of ['zh-fortunes', 'en-fortunes', 'code']) {
  const corpus = loadCorpus(name, corpusPath(name));
  const short = shortDocs(corpus, 100, 4000);
  for (const [label, set] of [['docs', corpus.docs], ['docs one line', corpus.docs.map((d) => d.replaceAll('\n', ' '))], ['100B', short], ['100B one line', short.map((d) => d.replaceAll('\n', ' '))]] as const) {
    const bytes = set.reduce((s, d) => s + Buffer.byteLength(d), 0);
    const reps = Math.max(1, Math.round(1e6 / bytes));
    const ts = toks.map(() => [] as number[]);
    for (let r = 0; r < 15; r++) toks.forEach((tok, k) => { const t = process.cpuUsage(); for (let j = 0; j < reps; j++) tok.encodeBatch(set); ts[k]!.push(reps * bytes / el(t)); });
    const m = ts.map((x) => x.sort((a, b) => a - b)[7]!);
    console.log(name.padEnd(12), label.padEnd(14), `this ${m[0]!.toFixed(1)}  other ${m[1]!.toFixed(1)} MB/s  x${(m[0]! / m[1]!).toFixed(2)}`);
  }
}
