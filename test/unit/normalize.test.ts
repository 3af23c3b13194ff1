// normalizeText skips normalize('NFC') for text made only of code points below U+0300. That is
// sound only if every such text is its own NFC: checked here against the runtime's Unicode data.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NFC_STABLE_RANGES, normalizeText } from '../../src/text/normalize.js';

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
    expect('\u0301\u0316'.normalize('NFD')).toBe('\u0316\u0301');
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

describe('NFC fast path (NFC_STABLE_RANGES: CJK, kana, Hangul, symbols, Greek, Cyrillic...)', () => {
  const stable: number[] = [];
  for (const [from, to] of NFC_STABLE_RANGES) for (let c = from; c <= to; c++) stable.push(c);

  // Every code point that can follow another inside a canonical decomposition: all combining
  // marks, and every character NFC can compose with the one before it (NFC_Quick_Check=Maybe:
  // Hangul vowel and trailing jamo, kana voicing marks, vowel signs such as U+0B3E...). A
  // character outside this set never changes what comes before it under NFC.
  const followers = new Set<number>();
  for (let x = 0; x < 0x110000; x++) {
    if (x >= 0xd800 && x <= 0xdfff) continue;
    const d = Array.from(String.fromCodePoint(x).normalize('NFD'));
    for (let i = 1; i < d.length; i++) followers.add(d[i]!.codePointAt(0)!);
  }

  it('ranges are sorted, disjoint, in the BMP, and cover the common scripts', () => {
    for (let i = 0; i < NFC_STABLE_RANGES.length; i++) {
      const [from, to] = NFC_STABLE_RANGES[i]!;
      expect(from).toBeLessThanOrEqual(to);
      expect(to).toBeLessThan(0x10000);
      if (i > 0) expect(from).toBeGreaterThan(NFC_STABLE_RANGES[i - 1]![1]);
    }
    expect(stable.length).toBeGreaterThan(40000);
    for (const c of [0x4e00, 0x9fff, 0x3002, 0xff0c, 0x2500, 0x3042, 0x30a2, 0xac00, 0x0416, 0x03b1]) expect(stable).toContain(c);
  });

  it('every code point in them is assigned, not a surrogate, and its own NFC', () => {
    const bad = stable.filter((c) => {
      const s = String.fromCharCode(c);
      return (c >= 0xd800 && c <= 0xdfff) || !/\p{Assigned}/u.test(s) || s.normalize('NFC') !== s;
    });
    expect(bad).toEqual([]);
    // The probe does catch singletons and unassigned code points.
    expect('\u2000'.normalize('NFC')).not.toBe('\u2000');
    expect('\uF900'.normalize('NFC')).not.toBe('\uF900');
    expect(/\p{Assigned}/u.test('\u0378')).toBe(false);
  });

  it('no code point in them composes with the character before it (NFC_Quick_Check=Maybe)', () => {
    expect(followers.has(0x3099)).toBe(true); // kana voiced sound mark
    expect(followers.has(0x1161)).toBe(true); // Hangul vowel jamo
    expect(followers.has(0x11a8)).toBe(true); // Hangul trailing jamo
    expect(followers.has(0x0b3e)).toBe(true); // Oriya vowel sign AA
    expect(stable.filter((c) => followers.has(c))).toEqual([]);
  });

  it('every code point in them has canonical combining class 0', () => {
    // A mark of class k > 0 is reordered before U+0345 (class 240) when k < 240, and after
    // U+0334 (class 1) when k > 1: one of the two probes moves every non-starter.
    expect('\u0345\u0316'.normalize('NFC')).toBe('\u0316\u0345');
    expect('\u0316\u0334'.normalize('NFC')).toBe('\u0334\u0316');
    const marked = stable.filter((c) => {
      const s = String.fromCharCode(c);
      return ('\u0345' + s).normalize('NFC') !== '\u0345' + s || (s + '\u0334').normalize('NFC') !== s + '\u0334';
    });
    expect(marked).toEqual([]);
  });

  it('random strings over them are their own NFC, and normalizeText returns them as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stable.length - 1 }), { maxLength: 16 }), (picks) => {
        const s = String.fromCharCode(...picks.map((i) => stable[i]!));
        expect(s.normalize('NFC')).toBe(s);
        expect(normalizeText(s, 'error')).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });

  it('one character outside them sends the whole text through NFC and the surrogate checks', () => {
    expect(normalizeText('漢字か\u3099', 'error')).toBe('漢字が');
    expect(normalizeText('\uD558\u11A8', 'error')).toBe('\uD559'); // LV syllable + trailing jamo
    expect(normalizeText('中文\u2000', 'error')).toBe('中文\u2002');
    expect(normalizeText('中文\uF900', 'error')).toBe('中文\u8C48');
    expect(() => normalizeText('中文\uD800', 'error')).toThrow(/lone surrogate U\+D800 at UTF-16 offset 2/);
    expect(normalizeText('中文\uDC00', 'replace')).toBe('中文\uFFFD');
    expect(normalizeText('中文😀', 'error')).toBe('中文😀');
  });
});
