// Streaming decode (SPEC §5 as ids arrive): what `decode` gives for all ids, emitted as early as it
// is certain, never a U+FFFD or a dropped byte for a character whose bytes are still arriving.
import { decodeUtf8Ignore } from '../text/utf8.js';
import type { Vocabulary } from '../model/vocabulary.js';

/** Turns ids into text as they arrive; see {@link Tokenizer.decoder}. */
export interface Decoder {
  /**
   * The text that the ids pushed so far add to the output: every character they complete, and
   * nothing for a character whose last bytes have not arrived yet. Accepts one id or a list.
   * An unknown id throws the same RangeError as `decode` and consumes nothing from this push
   * (the decoder stays usable).
   */
  push(ids: number | ArrayLike<number>): string;
  /**
   * Ends the sequence: a character left incomplete is dropped (as `decode` drops invalid bytes),
   * so this returns what remains (always `''` today, kept so callers need not know that) and
   * resets the decoder for a new sequence.
   */
  flush(): string;
}

/** Checks one id as `decode` does (same RangeError), `index` its position in the call's list. */
export type IdCheck = (id: number, index: number) => void;

/**
 * `decode` over a split sequence. SPEC §5's decoding is a greedy left-to-right scan: at each byte,
 * a well-formed sequence starting there is kept, else that one byte is dropped. Its decision at a
 * byte depends only on the next ≤ 4 bytes, so the output of every scan position before the last
 * incomplete-but-still-possible sequence is final. That sequence (a lead byte and 0-2 fitting
 * continuation bytes) is held until more bytes decide it. `decode` of the ids so far drops it
 * (lead byte, then lone continuations), so after each push the text emitted so far equals
 * `decode(idsSoFar)` exactly; the held bytes are never emitted as U+FFFD.
 */
export class StreamDecoder implements Decoder {
  /** Held bytes of a character still arriving (at most 3). */
  private held = new Uint8Array(4);
  private heldLength = 0;

  constructor(
    private readonly vocab: Vocabulary,
    private readonly check: IdCheck,
  ) {}

  push(ids: number | ArrayLike<number>): string {
    const list: ArrayLike<number> = typeof ids === 'number' ? [ids] : ids;
    if (list === null || typeof list !== 'object' || typeof list.length !== 'number') {
      throw new TypeError('decoder.push expects an id or a list of ids');
    }
    const { bytes, offsets } = this.vocab;
    // Every id is checked before any state changes: a bad id leaves the decoder as it was.
    let total = this.heldLength;
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!;
      this.check(id, i);
      total += offsets[id + 1]! - offsets[id]!;
    }
    if (total === this.heldLength) return '';
    const all = new Uint8Array(total);
    all.set(this.held.subarray(0, this.heldLength));
    let at = this.heldLength;
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!;
      all.set(bytes.subarray(offsets[id]!, offsets[id + 1]!), at);
      at += offsets[id + 1]! - offsets[id]!;
    }
    const cut = pendingStart(all);
    this.heldLength = total - cut;
    this.held.set(all.subarray(cut));
    return cut === 0 ? '' : decodeUtf8Ignore(all.subarray(0, cut));
  }

  flush(): string {
    this.heldLength = 0;
    return '';
  }
}

/**
 * Where the trailing incomplete sequence that more bytes could still complete starts, or
 * `bytes.length` when there is none. Only the last 3 bytes can hold one: a lead byte at most
 * 3 from the end, followed by continuation bytes in the ranges its sequence allows (RFC 3629: E0
 * needs A0-BF, ED 80-9F, F0 90-BF, F4 80-8F next). Greedy scanning never reaches a continuation
 * byte as a start of a kept sequence, so the first lead byte in that window that fits decides.
 */
function pendingStart(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = Math.max(0, n - 3); i < n; i++) {
    const b0 = bytes[i]!;
    const need = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
    if (need === 0 || i + need <= n) continue; // not a lead byte, or its sequence is all here
    let fits = true;
    for (let k = i + 1; k < n && fits; k++) {
      const b = bytes[k]!;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === i + 1) {
        if (b0 === 0xe0) lo = 0xa0;
        else if (b0 === 0xed) hi = 0x9f;
        else if (b0 === 0xf0) lo = 0x90;
        else if (b0 === 0xf4) hi = 0x8f;
      }
      fits = b >= lo && b <= hi;
    }
    if (fits) return i;
  }
  return n;
}
