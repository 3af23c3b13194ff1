// Developer harness: A/B of kernel builds on sampling. Each .wasm given (options.wasm) runs
// tok.encodeBytes(1 MB of each corpus as one line, { alpha }) ("chunk") and tok.encode per corpus
// document ("docs"), each also deterministic, in interleaved rounds; prints MB/s (CPU time, median) per build and mode, and the ratio of sampling
// to deterministic within each build. Keep a build: npm run build:wasm; cp build/bytepiece.wasm /tmp/a.wasm.
//   npx tsx bench/sampling-ab.ts a.wasm b.wasm [...] [--model M] [--rounds N] [--alpha A]
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tokenizer } from '../src/node.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const rounds = Number(opt('rounds', '7'));
const model = opt('model', 'bytepiece.plus.80k');
const alpha = Number(opt('alpha', '0.1'));
const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const toks = await Promise.all(args.map((w) => Tokenizer.load(join(shared, 'models', `${model}.zip`), { wasm: readFileSync(w), seed: 1 })));
const corpora = readdirSync(join(shared, 'corpora')).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -6)).sort();
console.log(`model ${model}, alpha ${alpha}, MB/s (CPU time), median of ${rounds}`);
for (const corpus of corpora) for (const workload of ['chunk', 'docs']) {
  const texts = readFileSync(join(shared, 'corpora', `${corpus}.jsonl`), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => (JSON.parse(l) as { text: string }).text.normalize('NFC'));
  const line = new TextEncoder().encode(texts.join(' ').replaceAll('\n', ' ')).subarray(0, 1_000_000);
  const mb = workload === 'chunk' ? line.length / 1e6 : texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  const times = toks.map(() => [[] as number[], [] as number[]]);
  for (let r = -1; r < rounds; r++) {
    toks.forEach((tok, b) => {
      for (const [m, a] of [[0, -1], [1, alpha]] as const) {
        const t0 = process.cpuUsage();
        if (workload === 'chunk') tok.encodeBytes(line, { alpha: a });
        else for (const t of texts) tok.encode(t, { alpha: a });
        const d = process.cpuUsage(t0);
        if (r >= 0) times[b]![m]!.push(mb / ((d.user + d.system) / 1e6));
      }
    });
  }
  console.log(`${corpus} ${workload}\t` + args.map((w, b) => {
    const det = median(times[b]![0]!);
    const smp = median(times[b]![1]!);
    return `${w.split('/').pop()}: det ${det.toFixed(1)} smp ${smp.toFixed(1)} (${((100 * smp) / det).toFixed(0)}%)`;
  }).join('\t'));
}
