// A developer's quick throughput check (the official suite is bench/run): encodes every document of
// each shared corpus with each engine, several rounds, and prints median MB/s (MB = 10^6 bytes of
// UTF-8 input) plus short-input figures. Rounds of the engines are interleaved so a noisy neighbour
// hurts both alike; compare ratios within one run. Times are this process's CPU time
// (process.cpuUsage), which a busy neighbour inflates less than wall time.
//
//   npx tsx bench/throughput-dev.ts [model ...] [--rounds N] [--engines wasm,js] [--corpora zh-fortunes,...]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Tokenizer } from '../src/node.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const rounds = Number(opt('rounds', '5'));
const engines = opt('engines', 'wasm,js').split(',') as ('wasm' | 'js')[];
const corpora = opt('corpora', 'zh-fortunes,en-fortunes,code').split(',');
const short = opt('short', '1') === '1';
const models = args.length > 0 ? args : ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
const SHARED = new URL('../../shared/', import.meta.url);

const texts = (corpus: string) =>
  readFileSync(new URL(`corpora/${corpus}.jsonl`, SHARED), 'utf8').split('\n').filter((l) => l).map((l) => (JSON.parse(l) as { text: string }).text);
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const best = (xs: number[]) => Math.min(...xs);

// 100-byte documents cut from a corpus at character boundaries (the short-input case).
function shortDocs(docs: string[], target: number): string[] {
  const all = docs.join('\n');
  const out: string[] = [];
  let i = 0;
  while (out.length < 20000 && i < all.length) {
    let j = i;
    let bytes = 0;
    while (j < all.length && bytes < target) {
      const c = all.codePointAt(j)!;
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      j += c > 0xffff ? 2 : 1;
    }
    out.push(all.slice(i, j));
    i = j;
  }
  return out;
}

for (const model of models) {
  const path = new URL(`models/${model}.zip`, SHARED).pathname;
  const toks: Record<string, Tokenizer> = {};
  for (const e of engines) {
    const t0 = performance.now();
    toks[e] = Tokenizer.loadSync(path, { engine: e });
    console.log(`${model} load [${e}] ${(performance.now() - t0).toFixed(0)} ms (in-process, warm module cache after first)`);
  }
  const sets: [string, string[]][] = corpora.map((c) => [c, texts(c)]);
  if (short) sets.push(['short100-zh', shortDocs(texts('zh-fortunes'), 100)], ['short100-en', shortDocs(texts('en-fortunes'), 100)]);
  for (const [name, docs] of sets) {
    const bytes = docs.reduce((s, d) => s + utf8Length(d), 0);
    const times: Record<string, number[]> = {};
    let tokens = 0;
    for (const e of engines) {
      times[e] = [];
      for (const d of docs) toks[e]!.encode(d); // warm-up
    }
    for (let r = 0; r < rounds; r++) {
      for (const e of engines) {
        const tok = toks[e]!;
        let n = 0;
        const c0 = process.cpuUsage();
        for (const d of docs) n += tok.encode(d).length;
        const c1 = process.cpuUsage(c0);
        times[e]!.push((c1.user + c1.system) / 1000);
        tokens = n;
      }
    }
    const parts = engines.map((e) => {
      const ms = median(times[e]!);
      const perCall = (ms * 1000) / docs.length;
      return `${e} ${(bytes / 1000 / ms).toFixed(1).padStart(6)} MB/s (best ${(bytes / 1000 / best(times[e]!)).toFixed(1)}, ${perCall.toFixed(2)} µs/doc)`;
    });
    const ratio = engines.length === 2 ? `  ${engines[0]}/${engines[1]} ${(median(times[engines[1]!]!) / median(times[engines[0]!]!)).toFixed(2)}×` : '';
    console.log(`${model} ${name.padEnd(12)} ${(bytes / 1e6).toFixed(2)} MB ${docs.length} docs ${tokens} tokens: ${parts.join('  ')}${ratio}`);
  }
}
