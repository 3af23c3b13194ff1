// Developer harness: what line breaks are worth to the kernel. Each shared corpus's documents as
// they are and with every `\n` replaced by a space (then no chunk start lets the kernel cut a text
// in two streams, see assembly/chunks.ts), encodeInto per document, rounds interleaved, median of
// 15, CPU time; MB/s of the original documents' bytes. Behind the README's Limitations line.
//
//   npx tsx bench/line-breaks.ts [--model M]
import { Tokenizer } from '../src/node.js';
import { loadCorpus } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';
import { median } from './lib/stats.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const model = takeOption(args, 'model', 'bytepiece.plus.80k');
const tok = Tokenizer.loadSync(modelPath(model));
const out = new Uint32Array(1 << 20);
const cpuMicros = (f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return d.user + d.system;
};
for (const name of ['zh-fortunes', 'en-fortunes', 'code']) {
  const docs = loadCorpus(name, corpusPath(name)).docs.map((d) => d.normalize('NFC'));
  const flat = docs.map((d) => d.replace(/\n/g, ' '));
  const bytes = docs.reduce((a, d) => a + Buffer.byteLength(d, 'utf8'), 0);
  const mbps: number[][] = [[], []];
  for (let r = 0; r < 15; r++) {
    [docs, flat].forEach((set, k) =>
      mbps[k]!.push(
        bytes /
          cpuMicros(() => {
            for (const d of set) tok.encodeInto(d, out);
          }),
      ),
    );
  }
  const [lines, none] = mbps.map(median) as [number, number];
  console.log(`${model} ${name.padEnd(12)} with line breaks ${lines.toFixed(1)} MB/s, without ${none.toFixed(1)} MB/s: ${(lines / none).toFixed(2)}x`);
}
