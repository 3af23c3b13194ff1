// Where a text can be cut without changing its NFC: before a character that is
// NFC_Quick_Check=Yes with canonical combining class 0, NFC(a + b) = NFC(a) + NFC(b).
import { NFC_STABLE } from './normalize.js';

/**
 * Supplementary-plane ranges of such characters (emoji and pictographs, CJK Extensions B-H, not
 * the compatibility ideographs U+2F800-2FA1F). Checked code point by code point against the
 * runtime's Unicode data in test/offsets.test.ts. The BMP ones are NFC_STABLE (src/text/normalize.ts).
 */
export const ASTRAL_NFC_STABLE_RANGES: readonly (readonly [number, number])[] = [
  [0x1f000, 0x1faff],
  [0x20000, 0x2a6df],
  [0x2a700, 0x2ebef],
  [0x30000, 0x323af],
];

/**
 * Whether NFC(text) = NFC(text[0, i)) + NFC(text[i, n)) is certain from the character at `i` (or
 * `i` at either end). False is not a proof of the opposite: some boundaries are not recognized
 * (rare scripts), which only makes the caller's pieces coarser. Never true inside a surrogate pair.
 */
export function isNfcBoundary(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const c = text.charCodeAt(i);
  if ((NFC_STABLE[c >> 5]! & (1 << (c & 31))) !== 0) return true;
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = text.charCodeAt(i + 1);
  if (d < 0xdc00 || d > 0xdfff) return false;
  const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  for (const [from, to] of ASTRAL_NFC_STABLE_RANGES) if (cp >= from && cp <= to) return true;
  return false;
}

/** UTF-8 length of a well-formed string (a lone surrogate counts 3, as U+FFFD). */
export function utf8Length(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}
