// normalizeText skips normalize('NFC') for text made only of code points below U+0300. That is
// sound only if every such text is its own NFC: checked here against the runtime's Unicode data.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeText } from '../src/normalize.js';

const LIMIT = 0x300;

describe('NFC fast path (text below U+0300)', () => {
  it('every code point below U+0300, alone and in every ordered pair, is unchanged by NFC', () => {
    let changed = 0;
    for (let a = 0; a < LIMIT; a++) {
      const x = String.fromCharCode(a);
      if (x.normalize('NFC') !== x) changed++;
      for (let b = 0; b < LIMIT; b++) {
        const s = x + String.fromCharCode(b);
        if (s.normalize('NFC') !== s) changed++;
      }
    }
    expect(changed).toBe(0);
  });

  it('no code point below U+0300 is a combining mark (canonical combining class 0)', () => {
    // A non-starter placed after U+0301 (class 230) or before U+0334 (class 1) is reordered by
    // canonical ordering unless its class is 0. (Precomposed letters such as U+00C0 decompose under
    // NFD into a starter and a mark >= U+0300, so only the code points NFD leaves alone are tested;
    // the precomposed ones are starters by the pair test above: NFC keeps them.)
    const marked = [];
    let tested = 0;
    for (let a = 0; a < LIMIT; a++) {
      const x = String.fromCharCode(a);
      if (x.normalize('NFD') !== x) continue;
      tested++;
      if (('\u0301' + x).normalize('NFD') !== '\u0301' + x) marked.push(a);
      if ((x + '\u0334').normalize('NFD') !== x + '\u0334') marked.push(a);
    }
    expect(tested).toBeGreaterThan(400);
    expect(marked).toEqual([]);
    // The probe does detect a mark: U+0316 (class 220) after U+0301 (230) moves before it.
    expect(('\u0301\u0316').normalize('NFD')).toBe('\u0316\u0301');
  });

  it('random strings below U+0300 are their own NFC, and normalizeText returns them as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: LIMIT - 1 }), { maxLength: 12 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(s.normalize('NFC')).toBe(s);
        expect(normalizeText(s, 'error')).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('text with anything at or above U+0300 still goes through NFC and the surrogate checks', () => {
    expect(normalizeText('e\u0301', 'error')).toBe('\u00e9');
    expect(normalizeText('A\u030A', 'error')).toBe('\u00c5');
    expect(normalizeText('\u212B', 'error')).toBe('\u00c5'); // a singleton, NFC_Quick_Check=No
    expect(() => normalizeText('ab\uD800', 'error')).toThrow(/lone surrogate U\+D800 at UTF-16 offset 2/);
    expect(normalizeText('ab\uDC00', 'replace')).toBe('ab\uFFFD');
  });
});
