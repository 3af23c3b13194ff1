// What the linear-domain sampler costs before its first draw (src/sampling-weights.ts): the first
// call at each new alpha fills a weight table (f64 per trie node; the last 3 alphas are kept), and
// the first alpha above ~0.7 on a model also walks its trie once for the bound D. Wall time of a
// 5-byte encode, which is otherwise ~1 µs. Fresh tokenizers per engine.
// Usage: npx tsx bench/sampling-tables.ts [model names...]   (default: bytepiece.eu.plus.160k bytepiece.plus.240k)
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tokenizer } from '../src/node.js';

const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
const models = process.argv.length > 2 ? process.argv.slice(2) : ['bytepiece.eu.plus.160k', 'bytepiece.plus.240k'];
const ms = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(['model', 'engine', 'first call (alpha 0.1), ms', 'new alpha (0.15-0.6: table), ms, median of 10', 'alpha 2 (D + table), ms', 'cached alpha, ms'].join('\t'));
for (const model of models) {
  for (const engine of ['wasm', 'js'] as const) {
    const tok = await Tokenizer.load(join(shared, 'models', `${model}.zip`), { engine, seed: 1 });
    tok.encode('warm up'); // deterministic: nothing of the sampler yet
    const first = ms(() => tok.encode('hello', { alpha: 0.1 }));
    const fresh: number[] = [];
    for (let k = 3; k <= 12; k++) fresh.push(ms(() => tok.encode('hello', { alpha: k / 20 })));
    const withD = ms(() => tok.encode('hello', { alpha: 2 }));
    const cached = ms(() => tok.encode('hello', { alpha: 2 }));
    console.log([model, engine, first.toFixed(1), median(fresh).toFixed(1), withD.toFixed(1), cached.toFixed(3)].join('\t'));
  }
}
