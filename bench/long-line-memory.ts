// WebAssembly memory per input byte of the WASM engine on one long line, in windows (the default
// for chunks over 4 MB) and in one pass (windows off), and on the same text cut into lines. Each
// case in a fresh tokenizer; memory is the instance's (it only grows, by a quarter at least).
//   npx tsx bench/long-line-memory.ts [MB=64] [model path]
import { Tokenizer } from '../src/node.js';
import { windowing } from '../src/engine/engine-wasm.js';

const mb = Number(process.argv[2] ?? 64);
const modelPath = process.argv[3] ?? '../shared/models/bytepiece.plus.80k.zip';
const words = 'the quick brown fox jumps over the lazy dog 今天天气不错 function(x) { return x + 1; } ';
const unit = Buffer.from(words);
const n = mb << 20;
const line = new Uint8Array(n);
for (let at = 0; at < n; at += unit.length) line.set(unit.subarray(0, Math.min(unit.length, n - at)), at);
const lines = line.slice();
for (let at = 200; at < n; at += 201) lines[at] = 10;

function run(label: string, bytes: Uint8Array, how: 'bytes' | 'text', long: number): void {
  windowing.long = long;
  const tok = Tokenizer.loadSync(modelPath, { engine: 'wasm' });
  const engine = (tok as unknown as { impl: { memory: WebAssembly.Memory } }).impl;
  const before = engine.memory.buffer.byteLength;
  const t = performance.now();
  const ids = how === 'bytes' ? tok.encodeBytes(bytes) : tok.encode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  const ms = performance.now() - t;
  const after = engine.memory.buffer.byteLength;
  console.log(
    `${label.padEnd(34)} ${((after - before) / bytes.length).toFixed(2)} B/byte of memory grown (${(after / 2 ** 20).toFixed(0)} MiB in all), ${(bytes.length / ids.length).toFixed(2)} bytes/id, ${(bytes.length / 2 ** 20 / (ms / 1000)).toFixed(1)} MB/s`,
  );
}

const defaults = { ...windowing };
console.log(`${mb} MB, ${modelPath}`);
run('one line, encodeBytes, windows', line, 'bytes', defaults.long);
run('one line, encodeBytes, one pass', line, 'bytes', Infinity);
run('one line, encode, windows', line, 'text', defaults.long);
run('one line, encode, one pass', line, 'text', Infinity);
run('200-byte lines, encode (blocks)', lines, 'text', defaults.long);
