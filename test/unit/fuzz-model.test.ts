// Fuzz (issue 14): zips and binary models mutated at random (seeded: the same cases every run).
// Every load must either give a model that encodes like the original, or throw a ModelError: never
// another exception, a hang or a crash. Each case is loaded by the Node entry (WASM engine; binary
// models decoded by the kernel) and by the universal entry with the JS engine (decoded in JS).
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ModelError, Tokenizer } from '../../src/node.js';
import { Tokenizer as WebTokenizer } from '../../src/index.js';
import { tinyModel } from '../helpers/tiny-model.js';

const CASES = 10_000;
const model = tinyModel([
  ['ab', 30],
  ['abc', 20],
  ['hello', 40],
  ['世界', 25],
  [' wo', 12],
]);
const sample = 'abc hello world 世界 abcab\n\nxyz';
const want = Array.from(Tokenizer.loadSync(model).encode(sample));

/** mulberry32: a small seeded generator. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One to four random edits; half of them aimed at the headers (start and end of the file). */
function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  let b = src.slice();
  const int = (n: number) => Math.floor(rand() * n);
  const at = () => (rand() < 0.5 ? (rand() < 0.5 ? int(Math.min(96, b.length)) : b.length - 1 - int(Math.min(128, b.length))) : int(b.length));
  for (let k = 1 + int(4); k > 0 && b.length > 0; k--) {
    const r = rand();
    const p = at();
    if (r < 0.35) b[p]! ^= 1 << int(8);
    else if (r < 0.55) b[p] = [0, 0xff, 0x7f, 0x80, int(256)][int(5)]!;
    else if (r < 0.65 && b.length >= 4)
      new DataView(b.buffer).setUint32(Math.min(p, b.length - 4), [0, 0xffffffff, 0x7fffffff, 0x80000000, int(2 ** 32)][int(5)]!, true);
    else if (r < 0.75) b = b.slice(0, p);
    else if (r < 0.85) b = Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + 1 + int(16))]);
    else if (r < 0.95) b = Uint8Array.from([...b.subarray(0, p), ...Array.from({ length: 1 + int(8) }, () => int(256)), ...b.subarray(p)]);
    else b = Uint8Array.from([...b, ...b.subarray(int(b.length))]);
  }
  return b;
}

function outcome(load: () => Tokenizer | WebTokenizer): 'loaded' | 'rejected' {
  let tok: Tokenizer | WebTokenizer;
  try {
    tok = load();
  } catch (e) {
    if (e instanceof ModelError) return 'rejected';
    throw e;
  }
  expect(Array.from(tok.encode(sample))).toEqual(want);
  return 'loaded';
}

describe('mutated models (fuzz)', () => {
  const sources = {
    deflated: zipSync({ 'm.model': strToU8(JSON.stringify(model)) }),
    stored: zipSync({ 'dir/m.model': [strToU8(JSON.stringify(model)), { level: 0 }], 'readme.txt': strToU8('hi') }),
    binary: Tokenizer.loadSync(model).toBinary(),
  };

  it(`${CASES} cases load like the original or throw a ModelError, with both engines and decoders`, () => {
    const rand = prng(14);
    const kinds = Object.keys(sources) as (keyof typeof sources)[];
    const tally: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const kind = kinds[i % kinds.length]!;
      const bytes = mutate(sources[kind], rand);
      for (const [entry, load] of [
        ['node/wasm', () => Tokenizer.loadSync(bytes, { name: `case ${i}` })],
        ['universal/js', () => WebTokenizer.loadSync(bytes, { engine: 'js', name: `case ${i}` })],
      ] as const) {
        let result: string;
        try {
          result = outcome(load);
        } catch (e) {
          throw new Error(`case ${i} (${kind}, ${entry}): ${(e as Error).name}: ${(e as Error).message}\nbytes: ${Buffer.from(bytes).toString('base64')}`);
        }
        tally[`${kind} ${result}`] = (tally[`${kind} ${result}`] ?? 0) + 1;
      }
    }
    console.log('fuzz:', JSON.stringify(tally));
    for (const kind of kinds) expect(tally[`${kind} rejected`] ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
