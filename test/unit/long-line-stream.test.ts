// A line too long to hold through the streams (issue 14 item 1): with no `\n` to cut at, the
// encoder cuts the line where NFC allows and segments it window by window (Tokenizer.lineEncoder,
// src/engine/line-windows.ts), emitting ids as they become final. Here the thresholds are tiny, so
// that short texts cross hundreds of cuts and windows, and the ids must equal encode(wholeText)
// for any chunking, both engines, strings and bytes, combining marks and CJK at the cuts.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EncodeStream, EncodeTransform, Tokenizer } from '../../src/node.js';
import { IncrementalEncoder, streamLines } from '../../src/api/incremental.js';
import { lineWindowing } from '../../src/engine/line-windows.js';
import { smallModel } from '../helpers/small-model.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { PALETTE } from '../helpers/tricky-text.js';

const defaults = { lines: { ...streamLines }, windows: { ...lineWindowing } };
afterEach(() => {
  Object.assign(streamLines, defaults.lines);
  Object.assign(lineWindowing, defaults.windows);
});
const small = (long: number, window: number) => {
  streamLines.long = long;
  lineWindowing.window = window;
};

/** The text cut at the given fractions (sorted), as strings or as UTF-8 bytes cut anywhere. */
function chunks(text: string, cuts: number[], bytes: boolean): (string | Uint8Array)[] {
  if (bytes) {
    const all = new TextEncoder().encode(text);
    const at = [0, ...cuts.map((f) => Math.floor(f * all.length)).sort((a, b) => a - b), all.length];
    return at.slice(1).map((end, k) => all.slice(at[k]!, end));
  }
  const at = [0, ...cuts.map((f) => Math.floor(f * text.length)).sort((a, b) => a - b), text.length];
  return at.slice(1).map((end, k) => text.slice(at[k]!, end));
}

/** All ids of the encoder for these chunks, and how many came before `end`. */
function run(tok: Tokenizer, parts: (string | Uint8Array)[], options = {}): { ids: number[]; early: number } {
  const enc = new IncrementalEncoder(tok, options);
  const ids: number[] = [];
  for (const p of parts) ids.push(...enc.push(p));
  const early = ids.length;
  ids.push(...enc.end());
  return { ids, early };
}

const engines = ['wasm', 'js'] as const;
const models = {
  small: smallModel(),
  tiny: tinyModel([
    ['aa', 50],
    ['aaa', 20],
    ['ab', 30],
    ['ba', 30],
    ['abab', 60],
    ['b\n', 5],
    ['\n\n', 9],
    ['aab', 7],
    ['世界', 40],
    ['é', 9],
  ]),
};

describe.each(engines)('one long line through the streams, in windows (%s engine)', (engine) => {
  const tokens = { small: Tokenizer.loadSync(models.small, { engine }), tiny: Tokenizer.loadSync(models.tiny, { engine }) };

  it('a line of words in many pushes: the ids of encode(line), most before end', () => {
    small(40, 16);
    const tok = tokens.small;
    const line = Array.from({ length: 3000 }, (_, k) => ['hello', 'world', '世界', 'hel', 'rld', 'e\u0301', String(k)][k % 7]!).join(' ');
    const want = Array.from(tok.encode(line));
    for (const bytes of [false, true]) {
      const cuts = Array.from({ length: 200 }, (_, k) => (k * 0.618) % 1);
      const { ids, early } = run(tok, chunks(line, cuts, bytes));
      expect(ids).toEqual(want);
      expect(early).toBeGreaterThan(want.length * 0.9);
    }
  });

  it('random texts (combining marks, CJK, emoji, lone surrogates replaced, newline runs), random pushes (property)', () => {
    const tok = Tokenizer.loadSync(models.tiny, { engine, loneSurrogates: 'replace' });
    const piece = fc.oneof(fc.constantFrom(...PALETTE, 'a', 'b', 'ab', 'aa', '世界', '\u0301\u0301', '\u1100\u1161'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 120 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 5, max: 40 }),
        fc.boolean(),
        (parts, cuts, bytes, long, window, frame) => {
          small(long, window);
          const text = parts.join('');
          const options = frame ? { addBos: true, addEos: true } : {};
          const want = Array.from(tok.encode(text, options));
          expect(run(tok, chunks(text, cuts, bytes), options).ids).toEqual(want);
        },
      ),
      { numRuns: 400, seed: 14 },
    );
  });

  it('random lines over {a, b} where best paths meet at the last stretch of a window, random pushes (property)', () => {
    const tok = Tokenizer.loadSync(
      tinyModel([
        ['aa', 50],
        ['aaa', 20],
        ['ab', 30],
        ['ba', 30],
        ['abab', 60],
        ['aab', 7],
        ['baab', 25],
        ['bbbbb', 3],
      ]),
      { engine },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'a', 'b'), { minLength: 5, maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 5, max: 16 }),
        (letters, cuts, long, window) => {
          small(long, window);
          const text = letters.join('');
          expect(run(tok, chunks(text, cuts, false)).ids).toEqual(Array.from(tok.encode(text)));
        },
      ),
      { numRuns: 500, seed: 14 },
    );
  });

  it('where best paths meet late (a run of one letter): the window grows, the ids stay exact', () => {
    small(10, 8);
    const tok = tokens.tiny;
    for (const text of ['a'.repeat(1001), 'b' + 'a'.repeat(999) + 'b' + 'a'.repeat(500), `${'a'.repeat(300)}\n\n${'a'.repeat(301)}`]) {
      const cuts = Array.from({ length: 50 }, (_, k) => k / 50);
      expect(run(tok, chunks(text, cuts, false)).ids).toEqual(Array.from(tok.encode(text)));
    }
  });

  it('memory: the text held stays near the threshold, not the line', () => {
    small(64, 32);
    const tok = tokens.small;
    const enc = new IncrementalEncoder(tok);
    let held = 0;
    const ids: number[] = [];
    for (let k = 0; k < 2000; k++) {
      ids.push(...enc.push('hello world 世界 '));
      held = Math.max(held, (enc as unknown as { text: string }).text.length);
    }
    ids.push(...enc.end());
    expect(held).toBeLessThan(64 + 20);
    expect(ids).toEqual(Array.from(tok.encode('hello world 世界 '.repeat(2000))));
  });

  it('a lone surrogate deep in a long line: the RangeError names its stream offset', () => {
    small(20, 16);
    const tok = tokens.small;
    const text = `${'hello '.repeat(50)}\uD800${'world '.repeat(10)}`;
    const enc = new IncrementalEncoder(tok);
    expect(() => {
      for (const part of chunks(
        text,
        Array.from({ length: 40 }, (_, k) => k / 40),
        false,
      ))
        enc.push(part);
      enc.end();
    }).toThrow(/^lone surrogate U\+D800 at UTF-16 offset 300 of the stream/);
  });

  it('EncodeStream and EncodeTransform: the same ids', async () => {
    small(30, 16);
    const tok = tokens.small;
    const line = 'hello world 世界 e\u0301 '.repeat(500);
    const want = Array.from(tok.encode(line, { addBos: true }));
    const parts = chunks(
      line,
      Array.from({ length: 100 }, (_, k) => k / 100),
      true,
    );
    const web: number[] = [];
    const stream = new ReadableStream({
      start(c) {
        for (const p of parts) c.enqueue(p);
        c.close();
      },
    }).pipeThrough(new EncodeStream(tok, { addBos: true }));
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) web.push(...r.value);
    expect(web).toEqual(want);
    const node: number[] = [];
    const transform = new EncodeTransform(tok, { addBos: true });
    transform.on('data', (ids: Uint32Array) => node.push(...ids));
    for (const p of parts) transform.write(p);
    transform.end();
    await new Promise((resolve) => transform.on('end', resolve));
    expect(node).toEqual(want);
  });
});

describe('sampling keeps the whole line', () => {
  it('alpha: the same draws as encode(line, { alpha }) with the same seed', () => {
    small(10, 8);
    const tok = Tokenizer.loadSync(models.small, { engine: 'wasm', seed: 5 });
    const line = 'hello world 世界 '.repeat(100);
    tok.setSeed(5);
    const want = Array.from(tok.encode(line, { alpha: 0.1 }));
    tok.setSeed(5);
    expect(run(tok, chunks(line, [0.1, 0.5, 0.9], false), { alpha: 0.1 }).ids).toEqual(want);
  });
});
