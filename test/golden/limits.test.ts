// isWithinTokenLimit and truncate against encode, on every budget: the count or false exactly
// as encode's length says; truncate gives a prefix of the text whose ids are the first ids of
// encode(text), within the budget, and no longer prefix (between code points) qualifies. Long
// texts: only as much is read as the budget needs (a lone surrogate far beyond is never reached).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { PALETTE, trickyText } from '../helpers/tricky-text.js';

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

/**
 * truncate(text, budget, options) checked against a brute-force oracle: the longest prefix between
 * code points whose ids are the first ids of encode(text), at most budget of them with the frame.
 */
function checkTruncate(tok: Tokenizer, text: string, budget: number, options: { addBos?: boolean; addEos?: boolean }): void {
  const frame = (options.addBos ? 1 : 0) + (options.addEos ? 1 : 0);
  const all = tok.encode(text);
  let expected = '';
  if (budget >= frame) {
    for (const p of boundaries(text)) {
      const ids = tok.encode(text.slice(0, p));
      if (ids.length + frame <= budget && isPrefix(ids, all)) expected = text.slice(0, p);
    }
  }
  expect(tok.truncate(text, budget, options), `budget ${budget} ${JSON.stringify(options)}`).toBe(expected);
}

/** Budgets worth checking for a text of `total` tokens: the small ones, and around the middle and the end. */
const someBudgets = (total: number) => [...new Set([0, 1, 2, 3, 5, 8, 13, total >> 2, total >> 1, total - 1, total, total + 1])].filter((b) => b >= 0);

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

    // Lines much longer than the budget's span: truncate reads only a head of the line, segmented
    // in windows of a few pieces (4 × longest piece = 24 bytes here) that stop where best paths meet.
    it('long lines, small budgets: the windowed head of a line agrees with the oracle', () => {
      const part = fc.oneof(fc.constantFrom(...PALETTE.filter((p) => !p.includes('\n'))), fc.string({ maxLength: 5 }), fc.constantFrom('\n', '\n'.repeat(40)));
      const longLine = fc.array(part, { minLength: 30, maxLength: 120 }).map((p) => p.join(''));
      fc.assert(
        fc.property(longLine, fc.constantFrom({}, { addBos: true }, { addBos: true, addEos: true }), (text, options) => {
          for (const budget of someBudgets(tok.encode(text).length)) checkTruncate(tok, text, budget, options);
        }),
        { numRuns: 40 },
      );
    });

    it('long lines: a mark run with no NFC boundary for a whole part, a long \\n run, the budget at the line end', () => {
      for (const text of [
        'hello '.repeat(20) + 'a' + '\u0301'.repeat(400) + 'hello '.repeat(20),
        'a\u0328' + '\u0301\u0327'.repeat(150) + 'é',
        '今天'.repeat(10) + '\n'.repeat(300) + 'hello '.repeat(30),
        '\n'.repeat(200),
        'hello'.repeat(60) + '\n\n',
      ]) {
        const total = tok.encode(text).length;
        for (const budget of [...someBudgets(total), 21, 22, 23, 60]) checkTruncate(tok, text, budget, {});
      }
      // Pieces of 8 bytes, longer than the head of a line is sized for (4 bytes a token): the head
      // read first ends inside the \n run with fewer tokens than the budget, so the line's end
      // must be found beyond it (ending the line there would cut the run's pieces differently).
      const runs = Tokenizer.loadSync(
        tinyModel([
          ['abcdefgh', 9],
          ['\n'.repeat(8), 9],
          ['\n'.repeat(3), 9],
        ]),
        { engine },
      );
      const text = 'abcdefgh'.repeat(10) + '\n'.repeat(83) + 'abcdefgh'.repeat(10);
      for (let budget = 0; budget <= runs.encode(text).length + 1; budget++) checkTruncate(runs, text, budget, {});
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
      // truncate too reads only a head of the one long line (the lone surrogate at its end is never reached)
      expect(Array.from(strict.encode(strict.truncate(oneLine, 100)))).toEqual(Array.from(strict.encode(oneLine.slice(0, 1200)).subarray(0, 100)));
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
  const jsToks = new Map<string, Tokenizer>();
  beforeAll(async () => {
    for (const m of models) toks.set(m, await Tokenizer.load(modelPath(m), { loneSurrogates: 'replace' }));
    for (const m of models) jsToks.set(m, await Tokenizer.load(modelPath(m), { engine: 'js' }));
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
    it(`${m}: one long line of corpus text (NFC and NFD), both engines: the windowed head of the line`, () => {
      const docs = ['en-fortunes', 'zh-fortunes', 'code'].flatMap((c) => corpusTexts(c).slice(0, 12));
      const line = docs.join(' ').replace(/\n/g, ' ');
      for (const engine of ['wasm', 'js'] as const) {
        const tok = (engine === 'wasm' ? toks : jsToks).get(m)!;
        for (const text of [line, line.normalize('NFD')]) {
          const all = tok.encode(text);
          for (const budget of [1, 2, 100, 1000, all.length >> 1, all.length - 1]) {
            const cut = tok.truncate(text, budget);
            const ids = tok.encode(cut);
            expect(isPrefix(ids, all) && ids.length <= budget, `budget ${budget}`).toBe(true);
            expect(ids.length).toBeGreaterThanOrEqual(budget - 2);
            // no longer prefix (a few characters further) qualifies
            const longer = boundaries(text.slice(0, cut.length + 24)).filter((p) => p > cut.length);
            for (const p of longer) {
              const more = tok.encode(text.slice(0, p));
              expect(more.length <= budget && isPrefix(more, all), `${p} also fits budget ${budget}`).toBe(false);
            }
          }
        }
      }
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
