// text/ (bottom layer): input text before the model sees it: NFC, lone surrogates, UTF-8 decode and scan.
/** What to do with a lone surrogate (U+D800–U+DFFF outside a pair) in input text. */
export type LoneSurrogates = 'error' | 'replace';

/**
 * A code unit at or above U+0300. Every code point below U+0300 is NFC_Quick_Check=Yes with
 * canonical combining class 0 (the first combining mark is U+0300), so a string made only of them
 * is its own NFC, and it holds no surrogates. On one-byte (Latin-1) strings V8 answers this regex
 * in ~0.02 µs per 166-byte English document, where normalize('NFC') takes ~0.4-1 µs (it hands the
 * text to ICU).
 */
const BEYOND_LATIN = /[^\u0000-\u02FF]/;

/**
 * BMP code points that are NFC_Quick_Check=Yes with canonical combining class 0, in the scripts
 * and symbol blocks common in text (Greek, Cyrillic, punctuation and symbols, box drawing, CJK
 * symbols, kana, bopomofo, CJK ideographs, Hangul syllables, full/halfwidth forms). By the NFC
 * quick check (UAX #15), a string made only of such characters is its own NFC. Left out on
 * purpose: singletons (U+2000, U+2001, U+2126, U+212A, U+212B, U+2329, U+232A, U+0374, U+037E,
 * U+0387, U+2ADC...), combining marks (U+0300-036F, U+0483-0487, U+20D0-20DC, U+302A-302F, the
 * kana voicing marks U+3099-309A), characters that compose with the one before them
 * (NFC_Quick_Check=Maybe, e.g. Hangul jamo), surrogates and unassigned code points. Each range
 * is checked code point by code point against the runtime's Unicode data in
 * test/unit/normalize.test.ts.
 */
export const NFC_STABLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x02ff],
  [0x0370, 0x0373],
  [0x0375, 0x0377],
  [0x037a, 0x037d],
  [0x037f, 0x037f],
  [0x0384, 0x0386],
  [0x0388, 0x038a],
  [0x038c, 0x038c],
  [0x038e, 0x03a1],
  [0x03a3, 0x03ff],
  [0x0400, 0x0482],
  [0x048a, 0x052f],
  [0x2002, 0x2064],
  [0x2066, 0x2071],
  [0x2074, 0x208e],
  [0x2090, 0x209c],
  [0x20a0, 0x20c0],
  [0x2100, 0x2125],
  [0x2127, 0x2129],
  [0x212c, 0x218b],
  [0x2190, 0x2328],
  [0x232b, 0x2426],
  [0x2440, 0x244a],
  [0x2460, 0x2adb],
  [0x2add, 0x2b73],
  [0x2b76, 0x2b95],
  [0x2b97, 0x2bff],
  [0x3000, 0x3029],
  [0x3030, 0x303f],
  [0x3041, 0x3096],
  [0x309b, 0x30ff],
  [0x3105, 0x312f],
  [0x3131, 0x318e],
  [0x3190, 0x31e3],
  [0x31f0, 0x31ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0xff01, 0xffbe],
  [0xffc2, 0xffc7],
  [0xffca, 0xffcf],
  [0xffd2, 0xffd7],
  [0xffda, 0xffdc],
  [0xffe0, 0xffe6],
  [0xffe8, 0xffee],
];

/** One bit per BMP code unit: set for NFC_STABLE_RANGES (surrogates are never set). */
export const NFC_STABLE = /* @__PURE__ */ (() => {
  const bits = new Int32Array(0x10000 >> 5);
  for (const [from, to] of NFC_STABLE_RANGES) for (let c = from; c <= to; c++) bits[c >> 5]! |= 1 << (c & 31);
  return bits;
})();

/**
 * Whether every code unit of `text` is in NFC_STABLE_RANGES: then `text` is its own NFC and well
 * formed. A plain loop (~2.5-3 ns per unit on this machine): with the Latin regex before it,
 * 0.62 µs per zh-fortunes document (209 units) where the check before (regex, isWellFormed,
 * normalize('NFC')) took 0.95, same process. A regex over the same ranges was measured slower
 * than ICU. Tried and rejected: the same check in the kernel on the UTF-8 bytes that are written
 * there anyway (8 ASCII bytes at a time, else decode and test the bitmap): 0.48 µs per document
 * for the scan alone, no gain end to end (1.00x zh); a 64 KB byte table instead of the bitmap:
 * ~15% faster loop, not worth 64 KB; this check fused with a JS UTF-8 writer in place of
 * TextEncoder.encodeInto: 1.22 against 1.47 µs per zh-fortunes document for both steps (~3% of
 * encode); a regex over Latin + CJK ranges first: 0.37 against 0.52 µs (~2%).
 */
function isNfcStable(text: string): boolean {
  const bits = NFC_STABLE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((bits[c >> 5]! & (1 << (c & 31))) === 0) return false;
  }
  return true;
}

/**
 * SPEC §2 step 1: NFC. A lone surrogate cannot be encoded as UTF-8; the reference never sees one
 * (Python rejects it), so by default it is an error naming its UTF-16 offset in the caller's text.
 * With 'replace' it becomes U+FFFD, as TextEncoder would do silently. `text` may be a window of the
 * caller's text starting at offset `base` (error messages name offsets in the whole text).
 */
export function normalizeText(text: string, loneSurrogates: LoneSurrogates, base = 0): string {
  if (typeof text !== 'string') throw new TypeError(`expected a string, got ${text === null ? 'null' : typeof text}`);
  if (!BEYOND_LATIN.test(text) || isNfcStable(text)) return text;
  if (!isWellFormed(text)) {
    if (loneSurrogates === 'error') {
      const at = firstLoneSurrogate(text);
      const unit = text.charCodeAt(at).toString(16).toUpperCase();
      throw new RangeError(
        `lone surrogate U+${unit} at UTF-16 offset ${base + at}: not encodable as UTF-8 (pass loneSurrogates: 'replace' to map it to U+FFFD)`,
      );
    }
    text = toWellFormed(text);
  }
  return text.normalize('NFC');
}

type WellFormedString = string & { isWellFormed?(): boolean; toWellFormed?(): string };

function isWellFormed(text: string): boolean {
  const s = text as WellFormedString;
  return s.isWellFormed ? s.isWellFormed() : firstLoneSurrogate(text) < 0;
}

export function toWellFormed(text: string): string {
  const s = text as WellFormedString;
  return s.toWellFormed ? s.toWellFormed() : text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** UTF-16 offset of the first lone surrogate, or -1. */
export function firstLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}
