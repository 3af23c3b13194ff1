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
 * With `bytes`, offsets are into the UTF-8 of `original` instead of its UTF-16 units. `steps`:
 * the model's pieceSteps in that unit, for the common case where NFC changes nothing.
 */
export function tokenSpans(
  original: string,
  segments: number[],
  ids: Uint32Array,
  first: number,
  count: number,
  lengths: Int32Array,
  bytes: boolean,
  steps?: Int32Array,
): Spans {
  // One allocation for the two arrays; views made from the buffer (subarray costs ~2x more in V8).
  const buffer = new ArrayBuffer(8 * count);
  const starts = new Uint32Array(buffer, 0, count);
  const ends = new Uint32Array(buffer, 4 * count, count);
  if (segments.length === 0 && steps) {
    stableSpans(ids, first, count, steps, starts, ends);
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

/**
 * Per piece id, how its bytes move a walk over well-formed UTF-8 that counts each character at
 * its first byte (see stableSpans): `p * 16 + w * 2 + c`, where p is the UTF-16 units (UTF-8
 * bytes with `inBytes`) of the characters whose first byte is in the piece, w those of the last
 * of them (0: none), and c is 1 if the piece starts inside a character. Special ids: 0.
 */
export function pieceSteps(bytes: Uint8Array, offsets: Uint32Array, vocabSize: number, inBytes: boolean): Int32Array {
  const steps = new Int32Array(vocabSize);
  for (let id = 3; id < vocabSize; id++) {
    const from = offsets[id]!;
    const to = offsets[id + 1]!;
    let p = 0;
    let w = 0;
    for (let i = from; i < to; i++) {
      const b = bytes[i]!;
      if ((b & 0xc0) === 0x80) continue; // a continuation byte
      w = inBytes ? (b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4) : b < 0xf0 ? 1 : 2; // a surrogate pair is the only 4-byte, 2-unit one
      p += w;
    }
    steps[id] = p * 16 + w * 2 + (to > from && (bytes[from]! & 0xc0) === 0x80 ? 1 : 0);
  }
  return steps;
}

/**
 * tokenSpans where NFC changes nothing (the common case): the tokens' bytes are the text's own
 * UTF-8, so one table step per token, no look at the text. A character is counted where its
 * first byte is: a token starting inside one starts where it does, and a token ending inside one
 * (its first byte counted already) ends where it ends.
 */
function stableSpans(ids: Uint32Array, first: number, count: number, steps: Int32Array, starts: Uint32Array, ends: Uint32Array): void {
  let u = 0; // units (or bytes) of the characters whose first byte has been passed
  let c = 0; // where the last of them starts
  for (let k = 0; k < count; k++) {
    const s = steps[ids[first + k]!]!;
    starts[k] = (s & 1) === 0 ? u : c;
    const w = (s >> 1) & 7;
    if (w !== 0) {
      const p = s >> 4;
      c = u + p - w;
      u += p;
    }
    ends[k] = u;
  }
}
