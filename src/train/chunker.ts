/**
 * SPEC §6.1: a training document → NFC → chunks of UTF-8 bytes. A chunk is at most 10,000
 * characters other than `\n` followed by at most 100 `\n` (the reference's regex
 * `.{,10000}\n{1,100}|.{1,10000}`; characters are code points, as in Python); with
 * `isolateDigits`, every Unicode decimal digit (Nd) is a chunk of its own
 * (`\d|[^\n\d]{,10000}\n{1,100}|[^\n\d]{1,10000}`). Unlike the tokenizer's split (SPEC §2), long
 * lines and long runs of `\n` are cut.
 */
import { normalizeText } from '../text/normalize.js';

/** Longest run of non-`\n` characters in one training chunk. */
export const CHUNK_CHARS = 10000;
/** Longest run of `\n` ending a training chunk. */
export const CHUNK_NEWLINES = 100;

/**
 * Chunks of many documents, concatenated: chunk k is `bytes[ends[k-1] .. ends[k])` (`ends[-1]` = 0).
 * Reused across batches: `clear()` empties it, keeping the memory.
 */
export class ChunkBatch {
  bytes = new Uint8Array(1 << 16);
  ends = new Int32Array(1 << 10);
  /** Bytes used. */
  length = 0;
  /** Chunks. */
  count = 0;
  /** Documents added since the batch was cleared. */
  documents = 0;

  clear(): void {
    this.length = 0;
    this.count = 0;
    this.documents = 0;
  }

  /** Makes room for `more` bytes and up to `more` chunks. */
  reserve(more: number): void {
    if (this.length + more > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.length + more, this.bytes.length * 2));
      b.set(this.bytes.subarray(0, this.length));
      this.bytes = b;
    }
    if (this.count + more > this.ends.length) {
      const e = new Int32Array(Math.max(this.count + more, this.ends.length * 2));
      e.set(this.ends.subarray(0, this.count));
      this.ends = e;
    }
  }
}

const encoder = new TextEncoder();
const ND = /\p{Nd}/u;
/** Nd status of BMP characters beyond ASCII, found on first sight: 0 unknown, 1 no, 2 yes. */
const bmpDigit = new Uint8Array(0x10000);

function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  if (cp < 0x10000) {
    let k = bmpDigit[cp]!;
    if (k === 0) k = bmpDigit[cp] = ND.test(String.fromCharCode(cp)) ? 2 : 1;
    return k === 2;
  }
  return ND.test(String.fromCodePoint(cp));
}

const utf8Length = (c: number): number => (c < 0x80 ? 1 : c < 0x800 ? 2 : 3); // a BMP code unit (not a surrogate)

/**
 * Appends the chunks of one document to `batch`. `document` is its index in the corpus, for the
 * error a lone surrogate gives (which names its UTF-16 offset, as `encode` does).
 */
export function addDocument(batch: ChunkBatch, text: unknown, document: number, isolateDigits: boolean): void {
  if (typeof text !== 'string') {
    throw new TypeError(`corpus document ${document}: expected a string, got ${text === null ? 'null' : typeof text}`);
  }
  let s: string;
  try {
    s = normalizeText(text, 'error');
  } catch (e) {
    if (e instanceof Error) e.message = `corpus document ${document}: ${e.message}`;
    throw e;
  }
  batch.documents++;
  const n = s.length;
  if (n === 0) return;
  batch.reserve(3 * n);
  const start = batch.length;
  const written = encoder.encodeInto(s, batch.bytes.subarray(start)).written;
  const ends = batch.ends;
  let count = batch.count;
  let at = start; // byte offset of code unit i
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (isolateDigits) {
      const cp = c >= 0xd800 && c <= 0xdbff ? s.codePointAt(i)! : c;
      if (isDigit(cp)) {
        // Nd digits are in the BMP or are 4-byte characters.
        if (cp > 0xffff) {
          i += 2;
          at += 4;
        } else {
          i++;
          at += utf8Length(c);
        }
        ends[count++] = at;
        continue;
      }
    }
    let chars = 0;
    while (i < n && chars < CHUNK_CHARS) {
      c = s.charCodeAt(i);
      if (c === 10) break;
      if (c >= 0xd800 && c <= 0xdbff) {
        if (isolateDigits && isDigit(s.codePointAt(i)!)) break;
        i += 2;
        at += 4;
      } else {
        if (isolateDigits && isDigit(c)) break;
        i++;
        at += utf8Length(c);
      }
      chars++;
    }
    let newlines = 0;
    while (i < n && newlines < CHUNK_NEWLINES && s.charCodeAt(i) === 10) {
      i++;
      at++;
      newlines++;
    }
    ends[count++] = at;
  }
  if (at !== start + written) throw new Error(`internal: chunk offsets ${at - start} != UTF-8 length ${written}`);
  batch.count = count;
  batch.length = at;
}
