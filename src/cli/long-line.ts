// One line too long for a block (doc mode: one chunk, a line and its `\n` run), arriving as the
// consecutive parts readBlocks cuts anywhere in it. Its segmentation is one sequential pass, so
// the parts are encoded in order, on the main thread, by the streams' IncrementalEncoder: UTF-8
// cut between parts, NFC across a cut and windows across parts are its business (src/api/
// incremental.ts, src/engine/line-windows.ts), and the ids are those of encode(wholeLine) in
// memory bounded by a window, not by the line. Each part's output is what the writer expects of a
// block, in the same formats.

import type { Tokenizer } from '../api/tokenizer.js';
import type { SamplingEncodeOptions } from '../api/sampling-support.js';
import { IncrementalEncoder, InvalidUtf8Error, type StreamEncodeOptions } from '../api/incremental.js';
import { BlockError, type BlockResult, type InputMode, type OutputFormat } from './block.js';
import { ByteSink, pack, writeIds } from './id-output.js';
import { count } from './units.js';
import { invalidUtf8Offset } from '../text/utf8-scan.js';
import { concat } from '../engine/line-windows.js';

/**
 * Size limits (bytes) of the lines that cannot be streamed. Sampling (`--alpha`) draws from a
 * line's every end at once, so a sampled line is held whole, in one JS string (at most 2^29 − 24
 * UTF-16 units: a line of at most that many bytes always fits). A JSONL record is parsed whole.
 * Settable for tests.
 */
export const longLineLimits = { sampled: 2 ** 29 - 24, jsonlRecord: 2 ** 28 };

/** A long line is given in parts once it is longer than this many blocks (`--block-size`). */
export const LONG_LINE_BLOCKS = 16;

/** The bytes past which readBlocks gives a line in parts: a JSONL record then is an error ({@link recordTooLong}). */
export function longLineBytes(mode: InputMode, blockSize: number): number {
  return mode === 'jsonl' ? longLineLimits.jsonlRecord : LONG_LINE_BLOCKS * blockSize;
}

/** The error for a JSONL record longer than the limit (given in parts), starting at `offset`. */
export function recordTooLong(offset: number): BlockError {
  return new BlockError(
    `a JSONL record longer than ${count(longLineLimits.jsonlRecord, 'byte')} (it starts at byte offset ${offset}): records are parsed whole; ` +
      `give a text that long as plain text (one document per file, or --lines), which is read in parts`,
    1,
  );
}

export interface LongLineOptions {
  mode: 'doc' | 'lines';
  format: OutputFormat;
  /** Lines mode: frame the line with `<bos>` / `<eos>` (doc mode is framed by the writer). */
  addBos: boolean;
  addEos: boolean;
  lossy: boolean;
  alpha?: number;
  /** The line's seed (with `alpha`). */
  seed?: number;
  /** Offset of the line's first byte in its file, for messages. */
  offset: number;
}

const EMPTY = new Uint32Array(0);
const CR = new Uint8Array([13]);
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export class LongLine {
  private readonly encoder: IncrementalEncoder;
  /** With `alpha`: the options of the one encode of the whole line. */
  private readonly sampleOptions: SamplingEncodeOptions;
  /** With `alpha`: the line's bytes so far. */
  private sampled: Uint8Array[] | undefined;
  private readonly lines: boolean;
  private readonly binary: boolean;
  private first = true;
  /** Bytes given to the encoder so far. */
  private length = 0;
  /** Lines mode: a part ended with `\r`, held back until we know whether `\n` follows (CRLF). */
  private heldCR = false;
  /** JSONL output in lines mode: an id of this line is written (the next needs a comma). */
  private wroteIds = false;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly options: LongLineOptions,
  ) {
    this.lines = options.mode === 'lines';
    this.binary = options.format !== 'jsonl';
    const encodeOptions: StreamEncodeOptions = {
      addBos: this.lines && options.addBos,
      addEos: this.lines && options.addEos && !this.binary, // binary formats end every document with <eos> anyway
      invalidUtf8: options.lossy ? 'replace' : 'error',
    };
    if (options.alpha !== undefined) encodeOptions.alpha = options.alpha;
    if (options.seed !== undefined) tokenizer.setSeed(options.seed);
    this.encoder = new IncrementalEncoder(tokenizer, encodeOptions);
    const { invalidUtf8: _invalidUtf8, ...sampleOptions } = encodeOptions;
    this.sampleOptions = sampleOptions;
    // The streams hold a sampled line whole too, but as a string grown part by part and searched
    // for `\n` at each: quadratic over hundreds of MB. Its bytes are held instead.
    if (options.alpha !== undefined) this.sampled = [];
  }

  /** Encodes the line's next part (`last`: it ends the line); returns its output as a block's. */
  part(bytes: Uint8Array, last: boolean): BlockResult {
    let newlines = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) newlines++;
    let body = bytes;
    let cr = this.heldCR;
    this.heldCR = false;
    if (this.lines) {
      // The line's text stops before its `\n`, and before a `\r` ending it (as block.ts cuts lines).
      let n = body.length;
      if (last) {
        if (n > 0 && body[n - 1] === 10) n--;
        if (n > 0 && body[n - 1] === 13) n--;
        else if (n === 0) cr = false; // the `\r\n` was cut between parts
      } else if (n > 0 && body[n - 1] === 13) {
        n--;
        this.heldCR = true;
      }
      body = body.subarray(0, n);
    }
    const textBytes = body.length + (cr ? 1 : 0);
    this.length += textBytes;
    if (this.options.alpha !== undefined && this.length > longLineLimits.sampled) {
      throw new BlockError(
        `the line starting at byte offset ${this.options.offset} is longer than ${count(longLineLimits.sampled, 'byte')}, ` +
          `the most --alpha samples (a sampled line is drawn from whole, in one string): encode it without --alpha, or split it`,
        1,
      );
    }
    const ids = this.encode(cr, body, last);

    const tokens = ids.length + (this.binary && this.lines && last ? 1 : 0);
    let data: Uint8Array;
    if (this.binary) data = pack([ids], tokens, this.options.format === 'u16' ? 2 : 4, this.lines && last, undefined);
    else {
      const sink = new ByteSink(ids.length * 7 + 16);
      if (this.lines && this.first) sink.ascii('{"ids":[');
      if (ids.length > 0) {
        if (this.lines && this.wroteIds) sink.ascii(',');
        writeIds(sink, ids);
        this.wroteIds = true;
      }
      if (this.lines && last) sink.ascii(']}\n');
      data = sink.bytes();
    }
    const result: BlockResult = {
      data,
      docTokens: this.lines && this.first ? Uint32Array.of(tokens) : EMPTY,
      lines: newlines,
      tokens,
      textBytes,
    };
    if (this.lines && !this.first) result.carriedTokens = tokens;
    this.first = false;
    return result;
  }

  private encode(cr: boolean, body: Uint8Array, last: boolean): Uint32Array {
    if (this.sampled) {
      // Held whole (copies: the parts' buffers are recycled), drawn from at the end.
      if (cr) this.sampled.push(CR);
      if (body.length > 0) this.sampled.push(body.slice());
      return last ? this.encodeSampled() : EMPTY;
    }
    try {
      const parts = [cr ? this.encoder.push(CR) : EMPTY, this.encoder.push(body), last ? this.encoder.end() : EMPTY];
      return concat(parts);
    } catch (e) {
      if (e instanceof InvalidUtf8Error) {
        throw new BlockError(`invalid UTF-8 at byte offset ${this.options.offset + e.byteOffset} (use --lossy to replace invalid bytes with U+FFFD)`, 1);
      }
      throw new BlockError(`the line starting at byte offset ${this.options.offset}: ${(e as Error).message}`, 1);
    }
  }

  /** The sampled line's ids: its held bytes decoded (UTF-8 errors named by file offset) and encoded at once. */
  private encodeSampled(): Uint32Array {
    const all = concatBytes(this.sampled!);
    this.sampled = [];
    let text: string;
    try {
      text = (this.options.lossy ? lossyDecoder : strictDecoder).decode(all);
    } catch {
      const at = Math.max(0, invalidUtf8Offset(all));
      throw new BlockError(`invalid UTF-8 at byte offset ${this.options.offset + at} (use --lossy to replace invalid bytes with U+FFFD)`, 1);
    }
    try {
      return this.tokenizer.encode(text, this.sampleOptions);
    } catch (e) {
      throw new BlockError(`the line starting at byte offset ${this.options.offset}: ${(e as Error).message}`, 1);
    }
  }
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
