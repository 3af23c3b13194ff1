// Addresses past 2 GiB (issue 14 item 1): every buffer the kernel and its host use per call (the
// input, the trace, the ids, a sampler's scratch, the live walk lists) is moved above 2^31 and
// above 3 GiB, where int32 address arithmetic (`(p + a - 1) & -a`, `>> 2`, signed compares) turns
// negative, and every entry point must give the ids of the same engine with its buffers low, and
// of the pure-JS engine. Only the pages written are touched: the memory grows to ~3.3 GB of
// address space, not of RSS.
import { afterEach, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { windowing } from '../../src/engine/engine-wasm.js';
import { EXP2_TABLE } from '../../src/engine/exp-neg.js';
import { smallModel } from '../helpers/small-model.js';

const defaults = { ...windowing };
afterEach(() => Object.assign(windowing, defaults));

/** The engine's internals this test moves (see src/engine/engine-wasm.ts). */
interface EngineInternals {
  scratch: number;
  model: { maxPieceLength: number; trie: { rootBase: number } };
  nodeIdsPtr: number;
  kernel: {
    setModel(nodeIds: number, lengths: number, live: number, rootBase: number, live2: number): void;
    setSampler(nodeIds: number, exp2Table: number, scratch: number, maxPieceLength: number): number;
  };
  reserve(end: number): void;
  refresh(): void;
}

const PAGE = 65536;

/**
 * A WASM Tokenizer whose per-call buffers start at `base` (> 2^31): its live walk lists and the
 * sampler's scratch are placed there too, then the scratch after them.
 */
function highTokenizer(base: number): Tokenizer {
  const tok = Tokenizer.loadSync(smallModel(), { engine: 'wasm', seed: 7 });
  const engine = (tok as unknown as { impl: EngineInternals }).impl;
  engine.reserve(base + PAGE);
  const L = engine.model.maxPieceLength;
  const live = base;
  const live2 = live + 32 * (L + 2) + 64;
  const sampler = live2 + 32 * (L + 2) + 64;
  // The model tables stay low (the node table's address is a constant of the kernel); the kernel
  // keeps a lengths pointer but never reads it.
  engine.kernel.setModel(engine.nodeIdsPtr, 0, live, engine.model.trie.rootBase, live2);
  const samplerBytes = engine.kernel.setSampler(engine.nodeIdsPtr, exp2Of(engine), sampler, L);
  engine.scratch = sampler + samplerBytes + 64 - ((sampler + samplerBytes) % 64);
  engine.reserve(engine.scratch + PAGE);
  engine.refresh();
  return tok;
}

/** The exp2 table's address, as the constructor placed it (found by its first entries). */
function exp2Of(engine: EngineInternals): number {
  const memory = (engine.kernel as unknown as { memory: WebAssembly.Memory }).memory;
  const f64 = new Float64Array(memory.buffer, 0, 1 << 22); // the model tables sit in the first 32 MB
  for (let i = 0; i < f64.length - 1; i++) if (f64[i] === EXP2_TABLE[0] && f64[i + 1] === EXP2_TABLE[1] && f64[i + 2] === EXP2_TABLE[2]) return 8 * i;
  throw new Error('exp2 table not found');
}

const words = Array.from({ length: 4000 }, (_, k) => ['hello', 'world', '世界', 'hel', 'rld', 'he', String(k)][k % 7]!);
const TEXTS = [
  words.join(' '), // one line of ~27 KB
  words.map((w, k) => (k % 50 === 0 ? `${w}\n` : w)).join(' '), // lines: two streams, blocks
  words.slice(0, 40).join(' '), // short
];

describe.each([2 ** 31 + 4096, 3 * 2 ** 30 + 8192])('WASM engine with its buffers at %i', (base) => {
  const js = Tokenizer.loadSync(smallModel(), { engine: 'js', seed: 7 });
  const low = Tokenizer.loadSync(smallModel(), { engine: 'wasm', seed: 7 });
  const high = highTokenizer(base);

  it('encode, encodeBytes, countTokens, encodeInto, encodeBatch: the ids of the JS engine', () => {
    for (const text of TEXTS) {
      const want = Array.from(js.encode(text));
      expect(Array.from(high.encode(text))).toEqual(want);
      const bytes = new TextEncoder().encode(text);
      expect(Array.from(high.encodeBytes(bytes))).toEqual(Array.from(js.encodeBytes(bytes)));
      expect(high.countTokens(text)).toBe(want.length);
      const out = new Uint32Array(want.length);
      expect(high.encodeInto(text, out)).toBe(want.length);
      expect(Array.from(out)).toEqual(want);
    }
    const batch = high.encodeBatch(TEXTS.map((t) => t.slice(0, 200)));
    expect(batch.map((ids) => Array.from(ids))).toEqual(TEXTS.map((t) => Array.from(js.encode(t.slice(0, 200)))));
  });

  it('long chunks in windows: the ids of one pass', () => {
    Object.assign(windowing, { long: 300, window: 64 });
    for (const text of TEXTS) expect(Array.from(high.encode(text))).toEqual(Array.from(js.encode(text)));
  });

  it('sampling: the same draws as the same engine with its buffers low, and as the JS engine', () => {
    for (const alpha of [0, 0.1, 1]) {
      for (const tok of [high, low, js]) tok.setSeed(99);
      for (const text of TEXTS) {
        const want = Array.from(low.encode(text, { alpha }));
        expect(Array.from(high.encode(text, { alpha }))).toEqual(want);
        expect(Array.from(js.encode(text, { alpha }))).toEqual(want);
      }
    }
  });
});
