// Developer harness: times the pieces of one encode separately on each whole corpus (documents
// joined by `\n`, one call): NFC, UTF-8 encoding, the kernel alone, and the JS engine's forward
// pass, so a change to the kernel can be judged without the per-call host costs. Best of N rounds
// of CPU time.   npx tsx bench/kernel-dev.ts [model] [--rounds N]
import { readFileSync } from 'node:fs';
import { vocabularyFromBytes } from '../src/model/source.js';
import { compileModel } from '../src/model/compile.js';
import { WasmEngine } from '../src/engine/engine-wasm.js';
import { JsEngine } from '../src/engine/engine-js.js';

const args = process.argv.slice(2);
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Number(args.splice(ri, 2)[1]) : 7;
const model = args[0] ?? 'bytepiece.plus.80k';
const SHARED = new URL('../../shared/', import.meta.url);
const vocab = vocabularyFromBytes(new Uint8Array(readFileSync(new URL(`models/${model}.zip`, SHARED))), model);
const compiled = compileModel(vocab, model);
const wasm = new WasmEngine(compiled, new WebAssembly.Module(readFileSync(new URL('../build/bytepiece.wasm', import.meta.url))));
const js = new JsEngine(compiled);

const cpu = (f: () => void) => {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
};

for (const corpus of ['zh-fortunes', 'en-fortunes', 'code']) {
  const text = readFileSync(new URL(`corpora/${corpus}.jsonl`, SHARED), 'utf8').split('\n').filter((l) => l).map((l) => (JSON.parse(l) as { text: string }).text).join('\n');
  const bytes = new TextEncoder().encode(text);
  const mb = bytes.length / 1e6;
  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s`;
  const tNfc = cpu(() => void text.normalize('NFC'));
  const enc = new TextEncoder();
  const buf = new Uint8Array(bytes.length * 2);
  const tUtf8 = cpu(() => void enc.encodeInto(text, buf));
  const tWasm = cpu(() => void wasm.encodeBytes(bytes, true, 0, 0));
  const tJs = cpu(() => void js.encodeBytes(bytes, true, 0, 0));
  console.log(`${model} ${corpus.padEnd(12)} ${mb.toFixed(2)} MB  nfc ${rate(tNfc)}  utf8 ${rate(tUtf8)}  wasm kernel ${rate(tWasm)} (${((tWasm * 1e6) / bytes.length).toFixed(1)} ns/B)  js ${rate(tJs)}  wasm/js ${(tJs / tWasm).toFixed(2)}×`);
}
