// Developer harness: end-to-end Tokenizer.encode (or encodeInto) per document, this checkout
// against another one (e.g. main exported with `git archive` and its kernel built), both loaded
// in one process, rounds interleaved, median CPU time; each corpus whole (one call per document)
// and cut into ~100-byte documents. Checks the ids agree.
//
//   mkdir -p /tmp/base && git archive main src assembly asconfig.json | tar -x -C /tmp/base &&
//     ln -s "$PWD/node_modules" /tmp/base/node_modules &&
//     (cd /tmp/base && npx asc assembly/index.ts --target release -o build/bytepiece.wasm)
//   npx tsx bench/encode-ab.ts /tmp/base [--model M] [--rounds N] [--api encode|encodeInto] [--corpora a,b]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tokenizer } from '../src/node.js';
import { shortDocs, type Corpus } from './lib/corpus.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const model = opt('model', 'bytepiece.plus.80k');
const rounds = Number(opt('rounds', '15'));
const api = opt('api', 'encode');
const corpora = opt('corpora', 'zh-fortunes,en-fortunes,code').split(',');
if (!args[0]) throw new Error('usage: encode-ab.ts <other checkout> [options]');
const other = (await import(pathToFileURL(resolve(args[0], 'src/node.ts')).href)) as { Tokenizer: typeof Tokenizer };
const SHARED = new URL('../../shared/', import.meta.url);
const path = new URL(`models/${model}.zip`, SHARED).pathname;
const toks = { base: other.Tokenizer.loadSync(path), this: Tokenizer.loadSync(path) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const out = new Uint32Array(1 << 20);

for (const name of corpora) {
  const docs = readFileSync(new URL(`corpora/${name}.jsonl`, SHARED), 'utf8').split('\n').filter((l) => l).map((l) => (JSON.parse(l) as { text: string }).text);
  for (const [label, set] of [[name, docs], [`${name} ~100 B`, shortDocs({ name, docs } as Corpus, 100, 4000)]] as const) {
    const bytes = set.reduce((s, d) => s + Buffer.byteLength(d), 0);
    for (const d of set) {
      const a = toks.base.encode(d);
      const b = toks.this.encode(d);
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${label}: the ids differ`);
    }
    const times = { base: [] as number[], this: [] as number[] };
    let sink = 0;
    for (let r = 0; r < rounds; r++) {
      for (const k of r & 1 ? (['base', 'this'] as const) : (['this', 'base'] as const)) {
        const tok = toks[k];
        const c0 = process.cpuUsage();
        if (api === 'encode') for (const d of set) sink += tok.encode(d).length;
        else for (const d of set) sink += tok.encodeInto(d, out);
        const c = process.cpuUsage(c0);
        times[k].push((c.user + c.system) / 1000);
      }
    }
    const f = (k: 'base' | 'this') => `${(bytes / 1000 / median(times[k])).toFixed(1)} MB/s (${((median(times[k]) * 1000) / set.length).toFixed(2)} µs/doc)`;
    console.log(`${model} ${api} ${label.padEnd(18)} base ${f('base')}  this ${f('this')}  this/base ${(median(times.base) / median(times.this)).toFixed(2)}×${sink < 0 ? '' : ''}`);
  }
}
