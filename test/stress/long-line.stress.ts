// Single lines of hundreds of MB through the WASM engine (issue 14 item 1): before addresses past
// 2 GiB were computed in int32, a line over ~238 MB came back as garbage ids, with no error. Now
// the ids are right in one pass up to what WebAssembly's 4 GiB allow (buffers past 2^31 here;
// test/unit/wasm-high-memory.test.ts moves every buffer above 2 and 3 GiB on small texts), long
// chunks are run in windows (test/unit/long-line.test.ts), and beyond 4 GiB a RangeError names
// the size.
import { afterEach, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { windowing } from '../../src/engine/engine-wasm.js';

const defaults = { ...windowing };
import { tinyModel } from '../helpers/tiny-model.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';

const repeatBytes = (unit: string, times: number) => {
  const u = Buffer.from(unit);
  const out = new Uint8Array(u.length * times);
  out.set(u);
  for (let filled = u.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  return out;
};
/** The index of the first id that is not `id`, or -1. */
const firstOther = (ids: Uint32Array, id: number) => {
  for (let i = 0; i < ids.length; i++) if (ids[i] !== id) return i;
  return -1;
};

/** A digest of ids (FNV-1a over their 32-bit values) and their number: to compare runs without keeping both. */
const digest = (ids: Uint32Array) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i]!, 0x01000193);
  return `${ids.length}:${(h >>> 0).toString(16)}`;
};
/** The first index where a and b differ, or -1. */
const firstDifference = (a: Uint32Array, b: Uint32Array) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
};

describe('single lines of hundreds of MB (WASM engine)', () => {
  const model = tinyModel([
    ['ab', 10],
    ['ab ', 1000],
    ['b ', 10],
  ]);
  const tok = Tokenizer.loadSync(model, { engine: 'wasm' });
  const abSpace = tok.pieceToId(Buffer.from('ab '))!;
  const times = 84_000_000; // 252 MB: its trace (8 bytes a byte) ends past 2 GiB
  const line = repeatBytes('ab ', times);
  afterEach(() => Object.assign(windowing, defaults));

  it('in windows: every id right (one pass: below, on a varied line)', () => {
    const ids = tok.encodeBytes(line);
    expect(ids.length).toBe(times);
    expect(firstOther(ids, abSpace)).toBe(-1);
  });

  it('sampling a line too large for the 4 GiB of WebAssembly memory is a RangeError naming its size', () => {
    const bytes = repeatBytes('ab ', 160_000_000); // 480 MB: sampling takes ~9 bytes of memory per byte
    let error: unknown;
    try {
      tok.encodeBytes(bytes, { alpha: 0.1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(
      /an input of 480000000 UTF-8 bytes is too large for the WebAssembly engine: it needs \d+ bytes of memory .* WebAssembly memory stops at 4294967296 bytes/,
    );
    // The engine is still usable after the refusal.
    expect(Array.from(tok.encode('ab ab '))).toEqual([abSpace, abSpace]);
  });
});

describe('a varied 252 MB line whose one-pass buffers cross 2^31: one pass, windows and the JS engine agree', () => {
  // A 997-byte unit of 'a', 'b' and ' ' (seeded), repeated: ties, pieces that do and do not win,
  // and best paths that meet at varying distances, across the whole line.
  let seed = 14;
  const rand = () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const unit = Array.from({ length: 997 }, () => 'ab '[Math.floor(rand() * 3)]).join('');
  const line = repeatBytes(unit, Math.floor(252_000_000 / unit.length));
  const model = tinyModel([
    ['ab', 10],
    ['ab ', 1000],
    ['b ', 10],
    ['a ', 30],
    ['ba', 25],
    ['aab', 40],
    ['  ', 8],
  ]);
  let oneWasm = '';
  afterEach(() => Object.assign(windowing, defaults));

  it('WASM: one pass (windows off) = windows', () => {
    const tok = Tokenizer.loadSync(model, { engine: 'wasm' });
    windowing.long = Infinity;
    const one = tok.encodeBytes(line);
    Object.assign(windowing, defaults);
    const windowed = tok.encodeBytes(line);
    expect(one.length).toBeGreaterThan(line.length / 4);
    expect(firstDifference(one, windowed)).toBe(-1);
    oneWasm = digest(one);
  });

  it('JS engine: the same ids', () => {
    expect(oneWasm).not.toBe('');
    const js = Tokenizer.loadSync(model, { engine: 'js' });
    expect(digest(js.encodeBytes(line))).toBe(oneWasm);
  });
});

describe.skipIf(!HAS_SHARED)('a 252 MB line through a published model (WASM engine, windows)', () => {
  it('ids in range, decoding back to the bytes', () => {
    const tok = Tokenizer.loadSync(modelPath('bytepiece.plus.80k'), { engine: 'wasm' });
    const bytes = repeatBytes('ab ', 84_000_000);
    const ids = tok.encodeBytes(bytes);
    let max = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
    expect(max).toBeLessThan(tok.vocabSize);
    expect(ids.length).toBeGreaterThan(1000);
    const text = tok.decode(ids);
    expect(text.length).toBe(bytes.length);
    expect(text === 'ab '.repeat(84_000_000)).toBe(true);
  });
});
