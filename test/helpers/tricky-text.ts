// Random text that stresses NFC and UTF-8 handling: decomposed and composed forms, combining
// marks in and out of order, singletons, Hangul jamo, ZWJ emoji, flags, CRLF, lone surrogates,
// astral letters, CJK compatibility ideographs, plus arbitrary strings and graphemes.
import fc from 'fast-check';

export const PALETTE = [
  'a', 'hello ', 'é', 'e\u0301', 'e\u0301\u0302', 'e\u0302\u0301', 'a\u0328\u0301', 'A\u030A', '\u212B', '\u2126', '\uF900', '\u1100\u1161\u11A8', '\u1100', '\u1161',
  '\u0301', '\u0327', 'x\u0301', '今天天气', '😀', '👨\u200D👩\u200D👧', '🇫🇷', '👍🏽', '\n', '\n\n', '\r\n', '\r', '\u2028', '\uFEFF', ' ', '\t', 'ﬁ',
  '1234', '\u00A0', '\u0915\u093C', '\u0958', '\uD800', '\uDC00', '\uD83D', '\uD835\uDC00', '\u{2F800}', '\u{1D15E}',
];
export const trickyText = fc.array(fc.oneof(fc.constantFrom(...PALETTE), fc.string({ maxLength: 5 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 40 }).map((p) => p.join(''));

