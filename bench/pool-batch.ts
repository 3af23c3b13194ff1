// Developer harness: TokenizerPool.encodeBatch (2 threads) on ~100-byte documents cut from each
// shared corpus (4,000 distinct, the list repeated 10 times), wall-clock MB/s, median of 7 batches.
// The figure behind packing a worker task's ids into one ArrayBuffer (src/pool-worker.ts).
//   npx tsx bench/pool-batch.ts
import { TokenizerPool } from '../src/node.js';
import { loadCorpus, shortDocs } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';
const pool = await TokenizerPool.create(modelPath('bytepiece.plus.80k'), { threads: 2 });
for (const name of ['zh-fortunes', 'en-fortunes', 'code']) {
  const set = shortDocs(loadCorpus(name, corpusPath(name)), 100, 4000);
  const big = Array.from({ length: 10 }, () => set).flat();
  const bytes = big.reduce((s, d) => s + Buffer.byteLength(d), 0);
  const ts: number[] = [];
  for (let r = 0; r < 7; r++) { const t0 = performance.now(); await pool.encodeBatch(big); ts.push(bytes / 1e3 / (performance.now() - t0)); }
  ts.sort((a, b) => a - b);
  console.log(name, `${ts[3]!.toFixed(1)} MB/s wall, 2 threads, 100-B docs`);
}
await pool.close();
