// Developer harness: the CLI's per-block work (src/cli/block.ts processBlock: UTF-8 decode, JSONL
// parse, encodeBatch, output formatting), this checkout against another one (e.g. main exported
// with `git archive`), in one process, rounds interleaved, median CPU time. Input: the shared
// corpora's JSONL concatenated until ~20 MB, cut in 1 MB blocks as the CLI does (--block-size);
// checks both give the same output bytes.
//
//   mkdir -p /tmp/base && git archive main src | tar -x -C /tmp/base &&
//     ln -s "$PWD/node_modules" /tmp/base/node_modules
//   npx tsx bench/cli-block-ab.ts /tmp/base [--model M] [--rounds N] [--mb 20]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tokenizer } from '../src/node.js';
import { processBlock, type BlockJob } from '../src/cli/block.js';
import { corpusPath, modelPath } from './lib/shared.js';
import { takeOption } from './lib/args.js';
import { median } from './lib/stats.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const model = opt('model', 'bytepiece.plus.80k');
const rounds = Number(opt('rounds', '7'));
const mb = Number(opt('mb', '20'));
if (!args[0]) throw new Error('usage: cli-block-ab.ts <other checkout> [options]');
const other = (await import(pathToFileURL(resolve(args[0], 'src/cli/block.ts')).href)) as { processBlock: typeof processBlock };
const tok = Tokenizer.loadSync(modelPath(model));

const corpora = ['zh-fortunes', 'en-fortunes', 'code'].map((c) => readFileSync(corpusPath(c)));
const parts: Buffer[] = [];
for (let size = 0; size < mb * 1e6; ) for (const c of corpora) { parts.push(c); size += c.length; }
const input = Buffer.concat(parts);
const blocks: Uint8Array[] = [];
for (let a = 0; a < input.length; ) {
  let b = input.indexOf(10, a + (1 << 20));
  if (b < 0) b = input.length - 1;
  blocks.push(input.subarray(a, b + 1));
  a = b + 1;
}
const job = (bytes: Uint8Array, format: BlockJob['format']): BlockJob => ({
  bytes, mode: 'jsonl', field: 'text', format, addBos: false, addEos: false, lossy: false, fileOffset: 0, stripBom: false,
});
const cpuMs = (f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
for (const format of ['jsonl', 'u32'] as const) {
  for (const block of blocks) {
    if (Buffer.compare(other.processBlock(tok, job(block, format)).data, processBlock(tok, job(block, format)).data) !== 0) {
      throw new Error(`${format}: the two checkouts write different bytes`);
    }
  }
  const base: number[] = [];
  const mine: number[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(cpuMs(() => { for (const b of blocks) other.processBlock(tok, job(b, format)); }));
    mine.push(cpuMs(() => { for (const b of blocks) processBlock(tok, job(b, format)); }));
  }
  const [b, m] = [median(base), median(mine)];
  console.log(`${model} ${format}: ${blocks.length} blocks, ${(input.length / 1e6).toFixed(1)} MB: base ${b.toFixed(0)} ms, this ${m.toFixed(0)} ms, ${(b / m).toFixed(3)}x`);
}
