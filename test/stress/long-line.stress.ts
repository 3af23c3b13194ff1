// Single lines of hundreds of MB through the WASM engine (issue 14 item 1): before addresses past
// 2 GiB were computed in int32, a line over ~238 MB came back as garbage ids, with no error. Now
// the ids are right in one pass up to what WebAssembly's 4 GiB allow, long chunks are run in
// windows (test/long-line.test.ts checks their exactness on small texts), and beyond what fits a
// RangeError names the size.
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

describe('single lines of hundreds of MB (WASM engine)', () => {
  const model = tinyModel([['ab', 10], ['ab ', 1000], ['b ', 10]]);
  const tok = Tokenizer.loadSync(model, { engine: 'wasm' });
  const abSpace = tok.pieceToId(Buffer.from('ab '))!;
  const times = 84_000_000; // 252 MB: its trace (8 bytes a byte) ends past 2 GiB
  const line = repeatBytes('ab ', times);
  afterEach(() => Object.assign(windowing, defaults));

  it('in one pass (windows off): a RangeError naming its size, never garbage (was garbage past ~238 MB)', () => {
    windowing.long = Infinity;
    expect(() => tok.encodeBytes(line)).toThrow(/an input of 252000000 UTF-8 bytes is too large for the WebAssembly engine: it needs \d+ bytes of memory/);
    expect(Array.from(tok.encode('ab ab '))).toEqual([abSpace, abSpace]);
  });

  it('in windows: every id right', () => {
    const ids = tok.encodeBytes(line);
    expect(ids.length).toBe(times);
    expect(firstOther(ids, abSpace)).toBe(-1);
  });

  it('sampling a line too large for the engine (2 GiB of WebAssembly memory) is a RangeError naming its size', () => {
    const bytes = repeatBytes('ab ', 160_000_000); // 480 MB: sampling takes ~9 bytes of memory per byte
    let error: unknown;
    try {
      tok.encodeBytes(bytes, { alpha: 0.1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/an input of 480000000 UTF-8 bytes is too large for the WebAssembly engine: it needs \d+ bytes of memory/);
    // The engine is still usable after the refusal.
    expect(Array.from(tok.encode('ab ab '))).toEqual([abSpace, abSpace]);
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
