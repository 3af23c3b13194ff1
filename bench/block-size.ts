// Developer harness: the same text (each shared corpus, documents joined by `\n`) encoded in calls
// of ~32 KB, ~128 KB, and as one call (encodeInto, WASM, bytepiece.plus.80k), interleaved, CPU
// time, median of 11. Behind the block size of src/engine-wasm.ts runBlocks: a long text should
// run as fast per byte as the same text in shorter calls.
//   npx tsx bench/block-size.ts
import { Tokenizer } from '../src/node.js';
import { loadCorpus } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';
const tok = Tokenizer.loadSync(modelPath('bytepiece.plus.80k'));
const cpu = () => process.cpuUsage();
const el = (t: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(t);
  return d.user + d.system;
};
const out = new Uint32Array(1 << 23);
for (const name of ['zh-fortunes', 'en-fortunes', 'code']) {
  const docs = loadCorpus(name, corpusPath(name)).docs.map((d) => d.normalize('NFC'));
  const whole = docs.join('\n');
  const bytes = Buffer.byteLength(whole);
  const cut = (sz: number) => {
    const parts: string[] = [];
    let cur = '';
    for (const d of docs) {
      cur += (cur ? '\n' : '') + d;
      if (Buffer.byteLength(cur) >= sz) {
        parts.push(cur);
        cur = '';
      }
    }
    if (cur) parts.push(cur);
    return parts;
  };
  const sets: [string, string[]][] = [
    ['32k', cut(32e3)],
    ['128k', cut(128e3)],
    ['all', [whole]],
  ];
  const ts = sets.map(() => [] as number[]);
  for (let r = 0; r < 11; r++)
    sets.forEach(([, parts], k) => {
      const t = cpu();
      for (const p of parts) tok.encodeInto(p, out);
      ts[k]!.push(bytes / el(t));
    });
  console.log(
    name.padEnd(12),
    sets
      .map(([l], k) => {
        const s = ts[k]!.sort((a, b) => a - b);
        return `${l} ${s[5]!.toFixed(1)}`;
      })
      .join('  '),
    'MB/s',
  );
}
