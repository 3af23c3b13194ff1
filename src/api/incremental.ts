import type { Tokenizer } from './tokenizer.js';
import { checkSampling, type SamplingEncodeOptions } from './sampling-support.js';
import { firstLoneSurrogate } from '../text/normalize.js';
import { incompleteTail, invalidUtf8Offset } from '../text/utf8-scan.js';
import { isNfcBoundary } from '../text/nfc-boundary.js';

/** Options of the encoding streams. */
export interface StreamEncodeOptions extends SamplingEncodeOptions {
  /**
   * Invalid UTF-8 in byte chunks is an error naming its byte offset in the stream (default), or
   * becomes U+FFFD (`'replace'`, the WHATWG decoder's rule). A UTF-8 BOM is always kept as U+FEFF,
   * as the reference keeps it.
   */
  invalidUtf8?: 'error' | 'replace';
}

const EMPTY = new Uint32Array(0);

/**
 * @internal Invalid UTF-8 in a byte stream: a RangeError that also carries the offending byte's
 * offset in the stream, so a caller reading a file in parts (the CLI) can name it in the file.
 */
export class InvalidUtf8Error extends RangeError {
  override name = 'RangeError';
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

/**
 * Text with no `\n` to cut at that grows past `long` UTF-16 units (a line too long to hold: a JS
 * string stops at ~536M units) is segmented in parts as it arrives (Tokenizer.lineEncoder).
 * Settable for tests. Sampling (`alpha`) keeps the whole line: a draw needs its every end first.
 */
export const streamLines = { long: 1 << 22 };

/**
 * Encodes a text that arrives in pieces, emitting ids as soon as they are final, with the same
 * result as `tokenizer.encode(wholeText)` however the text is cut (inside a UTF-8 sequence, a
 * surrogate pair, a combining sequence, a `\n` run).
 *
 * Text is released up to the last point that follows a `\n` and precedes a character other than
 * `\n`. Chunks (SPEC §2) always end there, so no piece crosses it; and NFC never changes or moves a
 * `\n` (it is a starter that composes with nothing), so NFC of the parts equals NFC of the whole.
 * A line that grows past streamLines.long with no `\n` to cut at is segmented in windows as it
 * arrives (see longLinePart), so memory stays flat however long the line (unless sampling).
 */
export class IncrementalEncoder {
  private readonly tokenizer: Tokenizer;
  private readonly options: StreamEncodeOptions;
  private readonly decoder: TextDecoder;
  private readonly fatal: boolean;
  /** Text not yet encoded; `text[0]` is at UTF-16 offset `textStart` of the stream's text. */
  private text = '';
  private textStart = 0;
  /** Bytes of an unfinished UTF-8 sequence; `bytesSeen` counts all bytes received. */
  private carry: Uint8Array = new Uint8Array(0);
  private bytesSeen = 0;
  private started = false;
  /** The last UTF-16 unit appended (the text's last, when it is not empty). */
  private lastUnit = 0;
  private ended = false;
  /** The line being segmented in parts (its text so far went to it; `text` holds its rest). */
  private line: ReturnType<Tokenizer['lineEncoder']> | undefined;

  constructor(tokenizer: Tokenizer, options: StreamEncodeOptions = {}) {
    const invalid = options.invalidUtf8 ?? 'error';
    if (invalid !== 'error' && invalid !== 'replace') {
      throw new TypeError(`options.invalidUtf8 must be 'error' or 'replace', got ${JSON.stringify(invalid)}`);
    }
    checkSampling(options.alpha);
    this.tokenizer = tokenizer;
    this.options = options;
    this.fatal = invalid === 'error';
    this.decoder = new TextDecoder('utf-8', { fatal: this.fatal, ignoreBOM: true });
  }

  /** Adds a chunk (a string, or UTF-8 bytes); returns the ids that became final (often none). */
  push(chunk: string | Uint8Array | ArrayBuffer): Uint32Array {
    if (this.ended) throw new Error('push after end');
    const followsNewline = this.text.length > 0 && this.lastUnit === 10;
    const added = this.append(chunk);
    if (added.length === 0) return EMPTY;
    // A cut needs a `\n` in what was added, or just before it; else the text (a rope while a long
    // line grows) is neither flattened nor scanned.
    const cut = followsNewline || added.includes('\n') ? this.releasePoint(this.text.length - added.length) : 0;
    if (cut <= 0) return this.longLinePart();
    let ids: Uint32Array = EMPTY;
    let from = 0;
    if (this.line) {
      // The long line (and its `\n` run) ends at the first place a chunk starts.
      from = this.firstChunkStart();
      ids = this.endLine(this.text.slice(0, from), false);
    }
    if (cut > from) ids = join(ids, this.encode(this.text.slice(from, cut), false));
    this.text = this.text.slice(cut);
    this.textStart += cut;
    return ids;
  }

  /**
   * If the text (all one chunk) is longer than streamLines.long and not sampled: all of it up to
   * the last place NFC allows a cut goes to the line encoder; its final ids are returned.
   */
  private longLinePart(): Uint32Array {
    const t = this.text;
    if (t.length <= streamLines.long || this.options.alpha !== undefined) return EMPTY;
    let cut = t.length - 1;
    while (cut > 0 && !isNfcBoundary(t, cut)) cut--;
    if (cut <= 0) return EMPTY;
    const part = t.slice(0, cut);
    this.line ??= this.tokenizer.lineEncoder();
    const line = this.line;
    const ids = this.frame(
      this.guard(part, () => line.push(part)),
      false,
    );
    this.text = t.slice(cut);
    this.textStart += cut;
    return ids;
  }

  /** Ends the line being segmented in parts with its last part; its remaining ids. */
  private endLine(part: string, last: boolean): Uint32Array {
    const line = this.line!;
    this.line = undefined;
    return this.frame(
      this.guard(part, () => line.end(part)),
      last,
    );
  }

  /** The first p > 0 with text[p - 1] = `\n` and text[p] != `\n` (the text has one). */
  private firstChunkStart(): number {
    const t = this.text;
    for (let j = t.indexOf('\n'); j >= 0; j = t.indexOf('\n', j + 1)) {
      if (j + 1 < t.length && t.charCodeAt(j + 1) !== 10) return j + 1;
    }
    return t.length;
  }

  /** Ends the input; returns the remaining ids (with `<eos>` if asked). */
  end(): Uint32Array {
    if (this.ended) throw new Error('end called twice');
    this.ended = true;
    if (this.carry.length > 0) {
      if (this.fatal) {
        const at = this.bytesSeen - this.carry.length;
        throw new InvalidUtf8Error(`invalid UTF-8: the input ends inside a multi-byte sequence at byte offset ${at}`, at);
      }
      this.text += this.decoder.decode(this.carry);
      this.carry = new Uint8Array(0);
    }
    const rest = this.text;
    this.text = '';
    if (this.line) return this.endLine(rest, true);
    return this.encode(rest, true);
  }

  /** Appends the chunk's text; returns the text added. */
  private append(chunk: string | Uint8Array | ArrayBuffer): string {
    const text = this.decodeChunk(chunk);
    if (text.length > 0) {
      this.text += text;
      this.lastUnit = text.charCodeAt(text.length - 1);
    }
    return text;
  }

  /** The chunk's text (a byte chunk's complete UTF-8 sequences; an unfinished one is carried). */
  private decodeChunk(chunk: string | Uint8Array | ArrayBuffer): string {
    if (typeof chunk === 'string') {
      if (this.carry.length > 0) {
        throw new TypeError(`a string chunk came after byte chunks that ended inside a UTF-8 sequence (byte offset ${this.bytesSeen - this.carry.length})`);
      }
      return chunk;
    }
    let bytes: Uint8Array;
    if (chunk instanceof Uint8Array) bytes = chunk;
    else if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
    else throw new TypeError(`stream chunks must be strings or UTF-8 bytes (Uint8Array, ArrayBuffer), got ${describe(chunk)}`);
    const base = this.bytesSeen - this.carry.length; // stream offset of all[0]
    this.bytesSeen += bytes.length;
    let all = bytes;
    if (this.carry.length > 0) {
      all = new Uint8Array(this.carry.length + bytes.length);
      all.set(this.carry);
      all.set(bytes, this.carry.length);
    }
    const complete = all.length - incompleteTail(all);
    // A copy: a Node Buffer's slice() is a view, and the caller may reuse its memory.
    this.carry = Uint8Array.prototype.slice.call(all, complete);
    let text: string;
    try {
      text = this.decoder.decode(all.subarray(0, complete));
    } catch {
      const at = invalidUtf8Offset(all, 0, complete);
      throw new InvalidUtf8Error(`invalid UTF-8 at byte offset ${base + Math.max(at, 0)} of the stream`, base + Math.max(at, 0));
    }
    return text;
  }

  /**
   * The last p with text[p-1] = `\n` and text[p] != `\n`, considering only positions the last
   * append made checkable (p >= from); 0 if none.
   */
  private releasePoint(from: number): number {
    const t = this.text;
    if (t.length < 2) return 0;
    // No `\n` in what the append made checkable: done, without scanning back through a long line.
    if (t.indexOf('\n', Math.max(0, from - 1)) < 0) return 0;
    let j = t.lastIndexOf('\n', t.length - 2);
    while (j >= 0 && j + 1 >= from) {
      if (t.charCodeAt(j + 1) !== 10) return j + 1;
      if (j === 0) break; // lastIndexOf clamps a negative start to 0: it would find this \n again
      j = t.lastIndexOf('\n', j - 1);
    }
    return 0;
  }

  private encode(part: string, last: boolean): Uint32Array {
    const addBos = !this.started && this.options.addBos === true;
    const addEos = last && this.options.addEos === true;
    this.started = true;
    if (part.length === 0 && !addBos && !addEos) return EMPTY;
    const options: SamplingEncodeOptions = { addBos, addEos };
    if (this.options.alpha !== undefined) options.alpha = this.options.alpha;
    return this.guard(part, () => this.tokenizer.encode(part, options));
  }

  /** `<bos>` before the stream's first ids, `<eos>` after its last, as asked. */
  private frame(ids: Uint32Array, last: boolean): Uint32Array {
    const bos = !this.started && this.options.addBos === true;
    const eos = last && this.options.addEos === true;
    this.started = true;
    if (!bos && !eos) return ids;
    const framed = new Uint32Array(ids.length + (bos ? 1 : 0) + (eos ? 1 : 0));
    framed.set(ids, bos ? 1 : 0);
    if (bos) framed[0] = 1;
    if (eos) framed[framed.length - 1] = 2;
    return framed;
  }

  /** Runs `f` on `part` (the text from textStart), naming a lone surrogate by its stream offset. */
  private guard(part: string, f: () => Uint32Array): Uint32Array {
    try {
      return f();
    } catch (e) {
      const at = firstLoneSurrogate(part);
      if (at >= 0 && e instanceof RangeError) {
        const unit = part.charCodeAt(at).toString(16).toUpperCase();
        throw new RangeError(`lone surrogate U+${unit} at UTF-16 offset ${this.textStart + at} of the stream: not encodable as UTF-8`);
      }
      throw e;
    }
  }
}

function join(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const ids = new Uint32Array(a.length + b.length);
  ids.set(a);
  ids.set(b, a.length);
  return ids;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
