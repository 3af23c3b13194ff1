// Token spans in the caller's original text: the tokens are segments of NFC(original)'s UTF-8;
// each is mapped back to the original code units (or UTF-8 bytes) that produced its bytes.
import { isNfcBoundary, utf8Length } from './nfc-boundary.js';

/** Where each token comes from: `starts[k]`..`ends[k]` for token k, in UTF-16 units or bytes. */
export interface Spans {
  starts: Uint32Array;
  ends: Uint32Array;
}

/**
 * The parts of `original` that NFC changes, as segments cut at NFC boundaries (isNfcBoundary): flat
 * [unitStart, unitEnd, nfcBytes, originalBytes] per segment, in order. Outside them `original`
 * equals its NFC code unit for code unit. Found by walking `original` and `normalized` side by
 * side: at the first unit that differs, the segment around it is normalized alone (exact, since
 * it is cut at boundaries) and both walks resume after it.
 */
export function changedSegments(original: string, normalized: string): number[] {
  const segments: number[] = [];
  if (original === normalized) return segments;
  const n = original.length;
  let i = 0;
  let j = 0;
  let settled = 0; // everything before is accounted for, and it is a boundary
  while (i < n) {
    if (original.charCodeAt(i) === normalized.charCodeAt(j)) {
      i++;
      j++;
      continue;
    }
    let s = i;
    while (s > settled && !isNfcBoundary(original, s)) s--;
    j -= i - s;
    let e = i + 1;
    while (e < n && !isNfcBoundary(original, e)) e++;
    let part = original.slice(s, e).normalize('NFC');
    if (!normalized.startsWith(part, j)) {
      // Not expected (a boundary the tables call safe was not): the rest is one segment, still exact.
      e = n;
      part = normalized.slice(j);
    }
    segments.push(s, e, utf8Length(part), utf8Length(original, s, e));
    i = settled = e;
    j += part.length;
  }
  return segments;
}

/**
 * The span of each token in `original` (well formed: lone surrogates already replaced, so it has
 * the same units as the caller's text), `segments` its changedSegments. The tokens are
 * `ids[first, first + count)`, `lengths[id]` bytes each, covering NFC(original)'s UTF-8 in order. A token's span is the union of
 * the "atoms" its bytes touch: one code point where NFC leaves the text alone, one changed
 * segment where it does not; so a piece holding part of a character spans that whole character,
 * consecutive tokens inside one atom share its span, and the spans, merged, tile the text.
 * With `bytes`, offsets are into the UTF-8 of `original` instead of its UTF-16 units.
 */
export function tokenSpans(
  original: string,
  segments: number[],
  ids: Uint32Array,
  first: number,
  count: number,
  lengths: Int32Array,
  bytes: boolean,
  units?: Int32Array,
): Spans {
  const both = new Uint32Array(2 * count); // one allocation for the two arrays
  const starts = both.subarray(0, count);
  const ends = both.subarray(count);
  if (segments.length === 0) {
    if (ASCII.test(original)) {
      // one byte per unit: the offsets are the tokens' byte offsets
      for (let k = 0, at = 0; k < count; k++) {
        starts[k] = at;
        at += lengths[ids[first + k]!]!;
        ends[k] = at;
      }
    } else {
      unchangedSpans(original, ids, first, count, lengths, units, bytes, starts, ends);
    }
    return { starts, ends };
  }
  // The current atom: original units [u, u + au), original bytes [ub, ub + ab), NFC bytes [ob, ob + nb).
  let u = 0;
  let ub = 0;
  let ob = 0;
  let au = 0;
  let ab = 0;
  let nb = 0;
  let seg = 0; // next changed segment, index into `segments`
  const n = original.length;
  const next = () => {
    u += au;
    ub += ab;
    ob += nb;
    if (seg < segments.length && segments[seg] === u) {
      au = segments[seg + 1]! - u;
      nb = segments[seg + 2]!;
      ab = segments[seg + 3]!;
      seg += 4;
      return;
    }
    const c = u < n ? original.charCodeAt(u) : 0;
    if (c < 0x80) au = nb = ab = 1;
    else if (c < 0x800) {
      au = 1;
      nb = ab = 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      au = 2;
      nb = ab = 4;
    } else {
      au = 1;
      nb = ab = 3;
    }
  };
  next(); // the first atom (au = ab = nb = 0 before it)
  let at = 0; // NFC byte offset of the current token
  for (let k = 0; k < count; k++) {
    const end = at + lengths[ids[first + k]!]!;
    while (ob + nb <= at) next();
    starts[k] = bytes ? ub : u;
    while (ob + nb < end) next();
    ends[k] = bytes ? ub + ab : u + au;
    at = end;
  }
  return { starts, ends };
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Per piece id, the UTF-16 length of its bytes when they are whole characters (the first byte
 * starts a character and every sequence ends inside the piece), else -1 (a piece holding part of a
 * character, and the special ids). Lets unchangedSpans step over a token in one addition.
 */
export function pieceUnits(bytes: Uint8Array, offsets: Uint32Array, vocabSize: number): Int32Array {
  const units = new Int32Array(vocabSize).fill(-1);
  for (let id = 3; id < vocabSize; id++) {
    const end = offsets[id + 1]!;
    let n = 0;
    let i = offsets[id]!;
    while (i < end) {
      const b = bytes[i]!;
      const size = b < 0x80 ? 1 : b >= 0xc0 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf8 ? 4 : 0;
      if (size === 0) break; // a continuation byte where a character should start
      i += size;
      n += size === 4 ? 2 : 1;
    }
    if (i === end) units[id] = n;
  }
  return units;
}

/** UTF-8 bytes of the code point whose first UTF-16 unit is `c` (a high surrogate starts a 4-byte pair; the text is well formed). */
const utf8Width = (c: number) => (c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3);

/**
 * tokenSpans where NFC changes nothing (the common case), in one plain loop: the
 * atoms are the code points of `original`, and NFC bytes are its own bytes. A token of whole
 * characters that starts on a character boundary is one step (`units`); others walk the
 * characters they touch.
 */
function unchangedSpans(
  original: string,
  ids: Uint32Array,
  first: number,
  count: number,
  lengths: Int32Array,
  units: Int32Array | undefined,
  bytes: boolean,
  starts: Uint32Array,
  ends: Uint32Array,
): void {
  // The current code point: units [u, u + cu), bytes [b, b + cb); none (cu = cb = 0) after a whole step.
  let u = 0;
  let b = 0;
  let cu = 0;
  let cb = 0;
  let at = 0;
  for (let k = 0; k < count; k++) {
    const id = ids[first + k]!;
    const end = at + lengths[id]!;
    const w = units ? units[id]! : -1;
    if (w >= 0 && b + cb === at) {
      u += cu;
      starts[k] = bytes ? at : u;
      u += w;
      ends[k] = bytes ? end : u;
      b = at = end;
      cu = cb = 0;
      continue;
    }
    while (b + cb <= at) {
      u += cu;
      b += cb;
      cb = utf8Width(original.charCodeAt(u));
      cu = cb === 4 ? 2 : 1; // a surrogate pair is the only 4-byte code point, and the only 2-unit one
    }
    starts[k] = bytes ? b : u;
    while (b + cb < end) {
      u += cu;
      b += cb;
      cb = utf8Width(original.charCodeAt(u));
      cu = cb === 4 ? 2 : 1; // a surrogate pair is the only 4-byte code point, and the only 2-unit one
    }
    ends[k] = bytes ? b + cb : u + cu;
    at = end;
  }
}
