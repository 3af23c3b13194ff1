import type { Vocabulary } from './vocabulary.js';

// A fast reader for `.model` JSON as the trainer writes it, straight from the bytes:
//
//     {"<base64>": [<id>, "<text>", <count>], ...}      (any JSON whitespace between tokens)
//
// It builds no strings and no objects (JSON.parse's object graph is most of the cost and of the
// peak memory of loading a model), skips the informational text (checking only that it is a valid
// JSON string in valid UTF-8), and decodes the keys' base64 directly into the piece bytes.
//
// It never reports an error itself: on anything it does not accept — a syntax error, an escape in a
// key, a number written as 3.0 or 1e3, a bad id/count/key, a duplicate id or key — it answers
// `undefined` and the caller parses the file with JSON.parse and the full validator
// (vocabularyFromJson), which either accepts it or words the error. So whenever this accepts a
// file, the result equals what that path gives; test/golden/load-paths.test.ts checks that property.

const WS = 1;
const KEY = 2; // base64 alphabet and '='
const CLASS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) CLASS[c] = WS;
const B64 = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) {
  B64[ALPHABET.charCodeAt(i)] = i;
  CLASS[ALPHABET.charCodeAt(i)] = KEY;
}
CLASS[0x3d] = KEY;
// The single-character escapes JSON allows after a backslash: " \ / b f n r t (u is handled apart).
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Cursor over the file; methods answer -1 where the input is not what the fast path accepts. */
class Scanner {
  p = 0;
  constructor(readonly b: Uint8Array) {}

  /** Skips whitespace; returns the next byte (not consumed) or -1 at the end. */
  next(): number {
    const b = this.b;
    const n = b.length;
    let p = this.p;
    while (p < n) {
      const c = b[p]!;
      if (CLASS[c] !== WS) {
        this.p = p;
        return c;
      }
      p++;
    }
    this.p = p;
    return -1;
  }

  /** Skips whitespace, then consumes `c`; false if something else is there. */
  expect(c: number): boolean {
    if (this.next() !== c) return false;
    this.p++;
    return true;
  }

  /** A plain non-negative JSON integer of at most 15 digits (exact in a double), or -1. */
  uint(): number {
    const b = this.b;
    let p = this.p;
    const first = p;
    let v = 0;
    for (;;) {
      const d = b[p]! - 0x30;
      if (!(d >= 0 && d <= 9)) break;
      v = v * 10 + d;
      p++;
    }
    const digits = p - first;
    if (digits === 0 || digits > 15 || (digits > 1 && b[first] === 0x30)) return -1;
    const c = b[p];
    if (c === 0x2e || c === 0x65 || c === 0x45) return -1; // 3.0, 3e0: valid JSON, left to JSON.parse
    this.p = p;
    return v;
  }

  /** After an opening quote: skips a JSON string, checking its escapes and UTF-8; false if invalid. */
  string(): boolean {
    const b = this.b;
    const n = b.length;
    let p = this.p;
    while (p < n) {
      const c = b[p++]!;
      if (c === 0x22) {
        this.p = p;
        return true;
      }
      if (c === 0x5c) {
        const e = b[p++]!;
        if (ESCAPE[e] === 1) continue;
        if (e !== 0x75 || p + 4 > n || !(HEX[b[p]!]! & HEX[b[p + 1]!]! & HEX[b[p + 2]!]! & HEX[b[p + 3]!]!)) return false;
        p += 4;
      } else if (c < 0x20) {
        return false;
      } else if (c >= 0x80) {
        p = utf8Sequence(b, p - 1, n);
        if (p < 0) return false;
      }
    }
    return false;
  }
}

/** End of the well-formed UTF-8 sequence starting at b[p] (a lead byte ≥ 0x80), or -1. */
function utf8Sequence(b: Uint8Array, p: number, n: number): number {
  const c = b[p]!;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f; // nothing past U+10FFFF
  } else return -1;
  if (p + need >= n) return -1;
  const c1 = b[p + 1]!;
  if (c1 < lo || c1 > hi) return -1;
  for (let k = 2; k <= need; k++) {
    const ck = b[p + k]!;
    if (ck < 0x80 || ck > 0xbf) return -1;
  }
  return p + need + 1;
}

/**
 * The vocabulary of a `.model` file given as bytes, or undefined when the file is not in the
 * plain shape this reader accepts or is invalid (then use JSON.parse + vocabularyFromJson).
 */
export function scanModelJson(bytes: Uint8Array): Vocabulary | undefined {
  const s = new Scanner(bytes);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) s.p = 3; // a BOM: TextDecoder drops it too
  if (!s.expect(0x7b) || s.next() !== 0x22) return undefined; // not an object, or no pieces
  // Per entry, in file order: where its key is, its id and its count. Grown by doubling.
  let cap = 1024;
  let keyAt = new Uint32Array(cap);
  let keyEnd = new Uint32Array(cap);
  let ids = new Int32Array(cap);
  let counts = new Float64Array(cap);
  let n = 0;
  for (;;) {
    if (!s.expect(0x22)) return undefined;
    const k0 = s.p;
    let p = k0;
    while (CLASS[bytes[p]!] === KEY) p++;
    if (bytes[p] !== 0x22) return undefined; // an escape or a non-base64 character: JSON.parse decides
    s.p = p + 1;
    if (!s.expect(0x3a) || !s.expect(0x5b)) return undefined;
    s.next();
    const id = s.uint();
    // Ids go into an Int32Array: a larger one (valid only in a model of 2^31 pieces, which cannot
    // be) must not be stored truncated, but left to the validator, which names it.
    if (id < 0 || id > 0x7fffffff || !s.expect(0x2c) || !s.expect(0x22) || !s.string() || !s.expect(0x2c)) return undefined;
    s.next();
    const count = s.uint();
    if (count <= 0 || !s.expect(0x5d)) return undefined;
    if (n === cap) {
      cap *= 2;
      keyAt = grow(keyAt, cap);
      keyEnd = grow(keyEnd, cap);
      ids = grow(ids, cap);
      counts = grow(counts, cap);
    }
    keyAt[n] = k0;
    keyEnd[n] = p;
    ids[n] = id;
    counts[n] = count;
    n++;
    const c = s.next();
    s.p++;
    if (c === 0x7d) break;
    if (c !== 0x2c) return undefined;
  }
  if (s.next() !== -1) return undefined; // something after the object

  // Ids must be exactly 3..n+2, each once.
  const vocabSize = n + 3;
  const entryOfId = new Int32Array(vocabSize).fill(-1);
  let total = 0;
  for (let e = 0; e < n; e++) {
    const id = ids[e]!;
    if (id < 3 || id >= vocabSize || entryOfId[id] !== -1) return undefined;
    entryOfId[id] = e;
    const len = keyEnd[e]! - keyAt[e]!;
    if (len === 0 || (len & 3) !== 0) return undefined;
    total += (len >> 2) * 3;
  }
  const out = new Uint8Array(total);
  const offsets = new Uint32Array(vocabSize + 1);
  const byId = new Float64Array(vocabSize);
  let at = 0;
  for (let id = 3; id < vocabSize; id++) {
    const e = entryOfId[id]!;
    at = decodeKey(bytes, keyAt[e]!, keyEnd[e]!, out, at);
    if (at < 0) return undefined;
    offsets[id + 1] = at;
    byId[id] = counts[e]!;
  }
  if (hasDuplicatePiece(out, offsets, vocabSize)) return undefined; // duplicate keys: JSON.parse keeps the last
  return { vocabSize, bytes: out.subarray(0, at), offsets, counts: byId };
}

function grow<T extends Uint32Array | Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** Strict base64 (as src/base64.ts) of key bytes [from, to) into out at `at`; the new end, or -1. */
function decodeKey(b: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  let end = to;
  if (b[end - 1] === 0x3d) end -= b[end - 2] === 0x3d ? 2 : 1;
  let acc = 0;
  let bits = 0;
  for (let i = from; i < end; i++) {
    const v = B64[b[i]!]!;
    if (v < 0) return -1; // '=' inside the key
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return -1; // non-zero padding bits
  return at;
}

/** True if two ids have the same bytes (an open-addressing set of FNV-1a hashes). */
function hasDuplicatePiece(bytes: Uint8Array, offsets: Uint32Array, vocabSize: number): boolean {
  let size = 1024;
  while (size < 2 * vocabSize) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  for (let id = 3; id < vocabSize; id++) {
    const from = offsets[id]!;
    const to = offsets[id + 1]!;
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const other = table[slot]!;
      if (other === -1) {
        table[slot] = id;
        break;
      }
      if (sameBytes(bytes, offsets[other]!, offsets[other + 1]!, from, to)) return true;
      slot = (slot + 1) & mask;
    }
  }
  return false;
}

function sameBytes(b: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let i = 0; i < a1 - a0; i++) if (b[a0 + i] !== b[b0 + i]) return false;
  return true;
}
