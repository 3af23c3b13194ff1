// Developer harness: A/B of kernel builds in one process. Each .wasm given is instantiated with a
// minimal host (model tables laid out as src/engine-wasm.ts does), then every build segments each
// whole corpus (documents joined by `\n`, one call) in interleaved rounds; prints the median CPU
// time per build and its ratio to the first, and checks the ids agree. Builds of the current and
// the earlier kernel ABI (encode(input, n, trace, split) / encode(input, n, back, starts, split))
// both work, so a variant can be compared with the committed kernel (git stash; npm run build:wasm;
// cp build/bytepiece.wasm /tmp/old.wasm). A variant that needs more set-up exports a hook this
// host calls when present: setRoot2(ptr) (the two-byte prefix table), setSentinel(node) (a leaf,
// for padded loops), setLive34(a, b) (more walk lists), setEu(1) (character steps, called only
// for a model whose multi-byte pieces are all whole UTF-8 characters; the kernel change is
// bench/char-kernel/eu-steps.patch): the experiments noted at the end of assembly/index.ts.
//
//   npx tsx bench/kernel-ab.ts old.wasm new.wasm [...] [--model M] [--rounds N] [--per-doc] [--short 100]
import { readFileSync } from 'node:fs';
import { vocabularyFromBytes } from '../src/model/source.js';
import { compileModel } from '../src/model/compile.js';
import { shortDocs, type Corpus } from './lib/corpus.js';
import { takeOption } from './lib/args.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => takeOption(args, name, dflt);
const rounds = Number(opt('rounds', '9'));
// --per-doc: each document in its own call (per-call costs, the two-stream cut of short texts)
// instead of the whole corpus in one call.
// --short N: documents of about N bytes cut from each corpus (as the short-input benchmark does),
// one call each.
const short = Number(opt('short', '0'));
const perDoc = args.includes('--per-doc') || short > 0;
if (args.includes('--per-doc')) args.splice(args.indexOf('--per-doc'), 1);
const model = opt('model', 'bytepiece.plus.80k');
const SHARED = new URL('../../shared/', import.meta.url);
const vocab = vocabularyFromBytes(new Uint8Array(readFileSync(new URL(`models/${model}.zip`, SHARED))), model);
const compiled = compileModel(vocab, model);
/** Whether every multi-byte piece is whole UTF-8 characters (an "eu" model); asked once, by the first build with setEu. */
let eu: boolean | undefined;
function wholeCharacters(): boolean {
  return (eu ??= scanWholeCharacters());
}
function scanWholeCharacters(): boolean {
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (let id = 3; id < vocab.vocabSize; id++) {
    const piece = vocab.bytes.subarray(vocab.offsets[id]!, vocab.offsets[id + 1]!);
    if (piece.length < 2) continue;
    try {
      strict.decode(piece);
    } catch {
      return false;
    }
  }
  return true;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Build { name: string; run: (bytes: Uint8Array) => Uint32Array }

/** A node without children: a walk there is dead after one more step, whatever the byte. */
function leafNode(): number {
  const { words, size } = compiled.trie;
  for (let i = 1; i < size; i++) {
    if (words[4 * i + 1]! < 0) continue;
    const base = words[4 * i]!;
    let children = 0;
    for (let c = 0; c < 256; c++) if (base + c < size && words[4 * (base + c) + 1] === i) children++;
    if (children === 0 && base + 255 < size) return i;
  }
  throw new Error('no leaf');
}

/** node of each two-byte prefix b0 << 8 | b1, or 0 (the root) when the trie has none. */
function rootPairs(): Int32Array {
  const { words, size, rootBase } = compiled.trie;
  const t = new Int32Array(65536);
  for (let b0 = 0; b0 < 256; b0++) {
    const n1 = rootBase + b0;
    const base = words[4 * n1]!;
    for (let b1 = 0; b1 < 256; b1++) {
      const j = base + b1;
      if (j >= 0 && j < size && words[4 * j + 1] === n1) t[(b0 << 8) | b1] = j;
    }
  }
  return t;
}

function instantiate(path: string): Build {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error('abort'); } } }).exports as Record<string, unknown>;
  const memory = ex.memory as WebAssembly.Memory;
  const encode = ex.encode as (...a: number[]) => number;
  const setModel = ex.setModel as (...a: number[]) => void;
  let at = (ex.NODES as WebAssembly.Global).value as number;
  const { trie, lengths } = compiled;
  const need = at + trie.words.byteLength + trie.nodeIds.byteLength + lengths.byteLength + (1 << 16) + 64 * (1 << 20);
  memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  const u8 = new Uint8Array(memory.buffer);
  const place = (src: ArrayBufferView) => {
    at = (at + 63) & -64;
    const p = at;
    u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), p);
    at += src.byteLength;
    return p;
  };
  place(trie.words);
  const nodeIds = place(trie.nodeIds);
  const lens = place(lengths);
  // Two live-walk lists (a build may use the second), each with 16 bytes of state below it.
  const listBytes = 32 * (compiled.maxPieceLength + 2); // room for 32-byte walks too
  const live = ((at + 63) & -64) + 64;
  const live2 = live + listBytes + 64;
  const live3 = live2 + listBytes + 64;
  const live4 = live3 + listBytes + 64;
  at = live4 + listBytes;
  // Extra tables a variant derives from the trie (root2 etc.) go through an optional export.
  const setup = ex.setTables as ((...a: number[]) => number) | undefined;
  setModel(nodeIds, lens, live, trie.rootBase, live2);
  (ex.setLive34 as ((a: number, b: number) => void) | undefined)?.(live3, live4);
  const setRoot2 = ex.setRoot2 as ((ptr: number) => void) | undefined;
  if (setRoot2) setRoot2(place(rootPairs()));
  const setSentinel = ex.setSentinel as ((node: number) => void) | undefined;
  if (setSentinel) setSentinel(leafNode());
  const setEu = ex.setEu as ((on: number) => void) | undefined;
  if (setEu) setEu(wholeCharacters() ? 1 : 0);
  if (setup) at = setup(((at + 63) & -64));
  const scratch = (at + 63) & -64;
  const u32 = new Uint32Array(memory.buffer);
  const stride = ((ex.TRACE_BYTES as WebAssembly.Global | undefined)?.value as number | undefined) ?? 8; // bytes per trace entry
  return {
    name: path,
    run(bytes) {
      const n = bytes.length;
      u8.set(bytes, scratch);
      if (encode.length === 4) {
        const trace = (scratch + n + 7) & -8;
        const count = encode(scratch, n, trace, 1);
        const top = (trace + stride * (n + 1)) >> 2;
        return u32.subarray(top - count, top);
      }
      const back = (scratch + n + 3) & -4;
      const count = encode(scratch, n, back, back + 4 * (n + 1), 1);
      const from = (back >> 2) + n + 1 - count;
      return u32.subarray(from, from + count);
    },
  };
}

const builds = args.map(instantiate);
for (const corpus of ['zh-fortunes', 'en-fortunes', 'code']) {
  const texts = readFileSync(new URL(`corpora/${corpus}.jsonl`, SHARED), 'utf8').split('\n').filter((l) => l).map((l) => (JSON.parse(l) as { text: string }).text.normalize('NFC'));
  const cut = short > 0 ? shortDocs({ name: corpus, docs: texts } as Corpus, short, 4000) : texts;
  const docs = perDoc ? cut.map((t) => new TextEncoder().encode(t)) : [new TextEncoder().encode(texts.join('\n'))];
  const bytes = { length: docs.reduce((s, d) => s + d.length, 0) };
  const runAll = (b: Build) => { for (const d of docs) b.run(d); };
  for (const d of docs) {
    const first = builds[0]!.run(d).slice();
    for (const b of builds.slice(1)) {
      const ids = b.run(d);
      if (ids.length !== first.length || ids.some((x, i) => x !== first[i])) throw new Error(`${b.name} differs from ${builds[0]!.name} on ${corpus}`);
    }
  }
  const times = builds.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < builds.length; k++) {
      const i = (k + r) % builds.length;
      const c0 = process.cpuUsage();
      runAll(builds[i]!);
      const c = process.cpuUsage(c0);
      times[i]!.push((c.user + c.system) / 1000);
    }
  }
  const base = median(times[0]!);
  console.log(`${model} ${corpus.padEnd(12)} ${builds.map((b, i) => {
    const ms = median(times[i]!);
    return `${b.name.split('/').pop()} ${(bytes.length / 1000 / ms).toFixed(1)} MB/s (${((ms * 1e6) / bytes.length).toFixed(1)} ns/B, ${(base / ms).toFixed(2)}×)`;
  }).join('  ')}`);
}
