// isWithinTokenLimit and truncate against encode, on every budget: the count or false exactly
// as encode's length says; truncate gives a prefix of the text whose ids are the first ids of
// encode(text), within the budget, and no longer prefix (between code points) qualifies. Long
// texts: only as much is read as the budget needs (a lone surrogate far beyond is never reached).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { trickyText } from '../helpers/tricky-text.js';

const isPrefix = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length <= b.length && Array.from(a).every((x, i) => x === b[i]);

/** Code point boundaries of `text`, 0 and text.length included. */
function boundaries(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length;) {
    const c = text.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    out.push(i);
  }
  return out;
}

/** Checks both functions on `text` for every budget up to its token count + 2, framed or not. */
function checkAllBudgets(tok: Tokenizer, text: string): void {
  for (const options of [{}, { addBos: true }, { addBos: true, addEos: true }]) {
    const frame = (options.addBos ? 1 : 0) + ((options as { addEos?: boolean }).addEos ? 1 : 0);
    const all = tok.encode(text);
    const total = all.length + frame;
    const cuts = boundaries(text);
    for (let budget = 0; budget <= total + 2; budget++) {
      expect(tok.isWithinTokenLimit(text, budget, options)).toBe(total <= budget ? total : false);
      const cut = tok.truncate(text, budget, options);
      expect(text.startsWith(cut)).toBe(true);
      if (budget < frame) {
        expect(cut).toBe('');
        continue;
      }
      const ids = tok.encode(cut);
      expect(ids.length + frame).toBeLessThanOrEqual(budget);
      expect(isPrefix(ids, all), `ids of ${JSON.stringify(cut)} are not a prefix`).toBe(true);
      if (total <= budget) expect(cut).toBe(text);
      // no longer prefix between code points qualifies
      for (const p of cuts) {
        if (p <= cut.length) continue;
        const more = tok.encode(text.slice(0, p));
        expect(more.length + frame <= budget && isPrefix(more, all), `${JSON.stringify(text.slice(0, p))} also fits budget ${budget}`).toBe(false);
      }
    }
  }
}

for (const engine of ['wasm', 'js'] as const) {
  describe(`token limits (${engine})`, () => {
    const tok = Tokenizer.loadSync(
      tinyModel([
        ['hello', 9],
        ['é', 8],
        ['今天', 8],
        ['\u200D', 4],
        ['\r\n', 5],
        ['\n\n', 5],
        [Uint8Array.of(0xe5, 0xa4), 6],
        [Uint8Array.of(0xa9, 0xe6), 6],
        ['ą', 7],
        ['\u0301', 7],
        ['👨', 7],
      ]),
      { engine, loneSurrogates: 'replace' },
    );

    it('agree with encode on every budget, for random tricky text', () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          checkAllBudgets(tok, text);
        }),
        { numRuns: 150 },
      );
    });

    it('cut inside text NFC changes when the prefix still gives the first tokens (ą + U+0301)', () => {
      const text = 'a\u0328\u0301b';
      expect(Array.from(tok.encode(text))).toEqual([tok.pieceToId('ą'), tok.pieceToId('\u0301'), tok.pieceToId('b')]);
      expect(tok.truncate(text, 1)).toBe('a\u0328');
      expect(tok.truncate(text, 2)).toBe('a\u0328\u0301');
    });

    it('bad budgets are RangeErrors naming the parameter', () => {
      for (const bad of [-1, 1.5, NaN, Infinity, '3' as unknown as number]) {
        expect(() => tok.truncate('abc', bad)).toThrow(/^maxTokens must be a non-negative integer/);
        expect(() => tok.isWithinTokenLimit('abc', bad)).toThrow(/^limit must be a non-negative integer/);
      }
      expect(() => tok.truncate(null as unknown as string, 3)).toThrow(TypeError);
    });

    it('long texts: read only what the budget needs; exact at the end of a long line', () => {
      const strict = Tokenizer.loadSync(tinyModel([['hello', 9]]), { engine });
      const lines = 'hello world\n'.repeat(1 << 18) + '\uD800'; // 3 MB, a lone surrogate at the very end
      expect(strict.isWithinTokenLimit(lines, 100)).toBe(false);
      expect(() => strict.encode(lines)).toThrow(/lone surrogate/);
      const cut = strict.truncate(lines, 100);
      expect(strict.encode(cut).length).toBe(100);
      const oneLine = 'hello world '.repeat(1 << 18) + '\uD800';
      expect(strict.isWithinTokenLimit(oneLine, 100)).toBe(false);
      // a lone surrogate in the part read is encode's error, naming its offset in the whole text
      expect(() => strict.isWithinTokenLimit('hello\n\uD800' + 'x'.repeat(10), 100)).toThrow(/lone surrogate U\+D800 at UTF-16 offset 6/);
      // NFC shrinks this line (3 units → 1 character of 2 bytes, one token): longer in units than
      // the budget's window, yet within the budget; a bound from its length alone would be wrong.
      const greek = Tokenizer.loadSync(tinyModel([['\u0390', 9]]), { engine });
      const nfd = '\u03B9\u0308\u0301'.repeat(90);
      expect(greek.encode(nfd).length).toBe(90);
      expect(greek.isWithinTokenLimit(nfd, 100)).toBe(90);
      expect(greek.isWithinTokenLimit(nfd, 89)).toBe(false);
      expect(greek.truncate(nfd, 45)).toBe('\u03B9\u0308\u0301'.repeat(45));
      const long = 'hello world '.repeat(5000);
      expect(strict.isWithinTokenLimit(long, 1e9)).toBe(strict.encode(long).length);
      const t = strict.truncate(long, 777);
      expect(Array.from(strict.encode(t))).toEqual(Array.from(strict.encode(long).subarray(0, 777)));
    });
  });
}

describe.skipIf(!HAS_SHARED)('token limits on the shared models', () => {
  const models = ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
  const toks = new Map<string, Tokenizer>();
  beforeAll(async () => {
    for (const m of models) toks.set(m, await Tokenizer.load(modelPath(m), { loneSurrogates: 'replace' }));
  });
  for (const m of models) {
    it(`${m}: random tricky text, every budget`, () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          checkAllBudgets(toks.get(m)!, text);
        }),
        { numRuns: 60 },
      );
    });
    it(`${m}: corpus documents (NFC and NFD), sampled budgets`, () => {
      const tok = toks.get(m)!;
      for (const corpus of ['en-fortunes', 'zh-fortunes', 'code']) {
        for (const doc of corpusTexts(corpus).slice(0, 20)) {
          for (const text of [doc, doc.normalize('NFD')]) {
            const all = tok.encode(text);
            for (const budget of [0, 1, 2, 7, all.length >> 1, all.length - 1, all.length]) {
              if (budget < 0) continue;
              expect(tok.isWithinTokenLimit(text, budget)).toBe(all.length <= budget ? all.length : false);
              const ids = tok.encode(tok.truncate(text, budget));
              expect(ids.length).toBeLessThanOrEqual(budget);
              expect(isPrefix(ids, all)).toBe(true);
              expect(ids.length).toBeGreaterThanOrEqual(Math.max(0, budget - 2)); // cut near the budget on real text
            }
          }
        }
      }
    });
  }
});
