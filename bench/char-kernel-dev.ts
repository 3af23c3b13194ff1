// Experiment (not shipped): bench/char-kernel/char.ts, a character-level kernel for "eu" models
// (every multi-byte piece is whole UTF-8 characters), against the shipped byte-level kernel:
// same ids on every shared corpus document, then kernel-only CPU time per document, interleaved.
//   npx asc bench/char-kernel/char.ts -O3 --noAssert --runtime stub -o /tmp/char.wasm
//   npx tsx bench/char-kernel-dev.ts /tmp/char.wasm [--model bytepiece.eu.plus.160k] [--rounds 11]
import { readFileSync } from 'node:fs';
import { vocabularyFromBytes } from '../src/model/source.js';
import { compileModel } from '../src/model/compile.js';
import { loadCorpus } from './lib/corpus.js';
import { corpusPath, modelPath } from './lib/shared.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const model = opt('model', 'bytepiece.eu.plus.160k');
const rounds = Number(opt('rounds', '11'));
const charWasm = args[0] ?? '/tmp/char.wasm';
const compiled = compileModel(vocabularyFromBytes(new Uint8Array(readFileSync(modelPath(model))), model), model);
const { vocab, scores } = compiled;

// ---- The character trie, as a double array over dense character indices.
const strict = new TextDecoder('utf-8', { fatal: true });
const byteScore = new Float64Array(256);
const byteId = new Int32Array(256);
interface TNode { kids: Map<number, TNode>; id: number; score: number }
const root: TNode = { kids: new Map(), id: -1, score: -Infinity };
const cps = new Set<number>();
const pieces: { chars: number[]; id: number }[] = [];
for (let id = 3; id < vocab.vocabSize; id++) {
  const bytes = vocab.bytes.subarray(vocab.offsets[id]!, vocab.offsets[id + 1]!);
  if (bytes.length === 1) {
    byteScore[bytes[0]!] = scores[id]!;
    byteId[bytes[0]!] = id;
  }
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    if (bytes.length > 1) throw new Error(`${model} is not an eu model: piece ${id} is not whole UTF-8 characters`);
    continue;
  }
  const chars = Array.from(text, (ch) => ch.codePointAt(0)!);
  chars.forEach((c) => cps.add(c));
  pieces.push({ chars, id });
}
const sortedCps = [...cps].sort((a, b) => a - b);
const cpIndex = new Int32Array(0x110000).fill(-1);
sortedCps.forEach((cp, k) => (cpIndex[cp] = k));
for (const { chars, id } of pieces) {
  let t = root;
  for (const cp of chars) {
    const k = cpIndex[cp]!;
    let next = t.kids.get(k);
    if (!next) t.kids.set(k, (next = { kids: new Map(), id: -1, score: -Infinity }));
    t = next;
  }
  t.id = id;
  t.score = scores[id]!;
}
let cap = 1 << 20;
let base = new Int32Array(cap);
let check = new Int32Array(cap).fill(-1);
let score = new Float64Array(cap).fill(-Infinity);
let ids = new Int32Array(cap).fill(-1);
const grow = (need: number) => {
  while (need >= cap) {
    cap *= 2;
    const b = new Int32Array(cap); b.set(base); base = b;
    const c = new Int32Array(cap).fill(-1); c.set(check); check = c;
    const s = new Float64Array(cap).fill(-Infinity); s.set(score); score = s;
    const d = new Int32Array(cap).fill(-1); d.set(ids); ids = d;
  }
};
check[0] = 0;
let nextFree = 1;
const t0 = performance.now();
const queue: [TNode, number][] = [[root, 0]];
let used = 1;
for (let h = 0; h < queue.length; h++) {
  const [t, slot] = queue[h]!;
  score[slot] = t.score;
  ids[slot] = t.id;
  if (t.kids.size === 0) {
    base[slot] = 0; // base + c lands on a root child (check 0) or a free slot: never this node
    continue;
  }
  const labels = [...t.kids.keys()].sort((a, b) => a - b);
  let b: number;
  if (slot === 0) b = 1;
  else {
    while (check[nextFree] !== -1) nextFree++;
    for (let p = nextFree; ; p++) {
      if (check[p] !== -1) continue;
      b = p - labels[0]!;
      if (b < 1) continue;
      grow(b + labels[labels.length - 1]! + 1);
      if (labels.every((l) => check[b + l] === -1)) break;
    }
  }
  base[slot] = b;
  grow(b + labels[labels.length - 1]! + 1);
  for (const l of labels) {
    check[b + l] = slot;
    used = Math.max(used, b + l + 1);
    queue.push([t.kids.get(l)!, b + l]);
  }
}
console.log(`${model}: ${sortedCps.length} characters, ${queue.length} nodes in ${used} slots, built in ${(performance.now() - t0).toFixed(0)} ms`);

// ---- Kernels.
function instance(path: string) {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error('abort'); } } }).exports as any;
}
const ch = instance(charWasm);
const chMem = ch.memory as WebAssembly.Memory;
let at = 1024;
const words = new Int32Array(4 * used);
const f = new Float64Array(words.buffer);
for (let k = 0; k < used; k++) { words[4 * k] = base[k]!; words[4 * k + 1] = check[k]!; f[2 * k + 1] = score[k]!; }
chMem.grow(Math.ceil((words.byteLength + used * 4 + cpIndex.byteLength + 4096 + 64 * 1024 + (64 << 20)) / 65536));
const cu8 = new Uint8Array(chMem.buffer);
const place = (src: ArrayBufferView) => { at = (at + 63) & -64; const p = at; cu8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), p); at += src.byteLength; return p; };
const pNodes = place(words), pIds = place(ids.subarray(0, used)), pCp = place(cpIndex), pBs = place(byteScore), pBi = place(byteId);
const pLive = (at + 63) & -64; at = pLive + 32 * 64;
const chScratch = (at + 63) & -64;
const cu32 = new Uint32Array(chMem.buffer);
function runChar(bytes: Uint8Array): Uint32Array {
  cu8.set(bytes, chScratch);
  const trace = (chScratch + bytes.length + 7) & -8;
  const c = ch.encodeChars(chScratch, bytes.length, trace, pNodes, pIds, pCp, pBs, pBi, pLive);
  const top = (trace + 8 * (bytes.length + 1)) >> 2;
  return cu32.subarray(top - c, top);
}

const by = instance('build/bytepiece.wasm');
const bMem = by.memory as WebAssembly.Memory;
let bat = by.NODES.value as number;
const { trie, lengths } = compiled;
bMem.grow(Math.ceil((bat + trie.words.byteLength * 2 + (64 << 20) - bMem.buffer.byteLength) / 65536));
const bu8 = new Uint8Array(bMem.buffer);
const bplace = (src: ArrayBufferView) => { bat = (bat + 63) & -64; const p = bat; bu8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), p); bat += src.byteLength; return p; };
bplace(trie.words); const bIds = bplace(trie.nodeIds); const bLens = bplace(lengths);
const lb = 32 * (compiled.maxPieceLength + 2); const live = ((bat + 63) & -64) + 64; const live2 = live + lb + 64; bat = live2 + lb;
by.setModel(bIds, bLens, live, trie.rootBase, live2);
const bScratch = (bat + 63) & -64;
const bu32 = new Uint32Array(bMem.buffer);
function runByte(bytes: Uint8Array): Uint32Array {
  bu8.set(bytes, bScratch);
  const trace = (bScratch + bytes.length + 7) & -8;
  const c = by.encode(bScratch, bytes.length, trace, 1);
  const top = (trace + 8 * (bytes.length + 1)) >> 2;
  return bu32.subarray(top - c, top);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const corpus of ['zh-fortunes', 'en-fortunes', 'code']) {
  const docs = loadCorpus(corpus, corpusPath(corpus)).docs.map((d) => new TextEncoder().encode(d.normalize('NFC')));
  let differ = 0;
  for (const d of docs) {
    const b = Array.from(runByte(d));
    const a = Array.from(runChar(d));
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) differ++;
  }
  const bytes = docs.reduce((n, d) => n + d.length, 0);
  const tc: number[] = [], tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [run, ts] of [[runByte, tb], [runChar, tc]] as const) {
      const t = process.cpuUsage(); for (const d of docs) run(d); const e = process.cpuUsage(t); ts.push((e.user + e.system) * 1e3 / bytes);
    }
  }
  const b = median(tb);
  console.log(`${corpus.padEnd(12)} documents differing: ${differ}/${docs.length}; byte kernel (two streams) ${b.toFixed(1)} ns/B; char kernel (one stream) ${median(tc).toFixed(1)} ns/B (x${(b / median(tc)).toFixed(2)})`);
}
