// One block of CLI input, processed where it lands (a pool worker, or the main thread for `info`):
// bytes → UTF-8 check → documents → ids → output bytes in the requested format. The main thread
// only cuts files into blocks and writes results in order, so it stays off the critical path.

import type { Tokenizer } from '../api/tokenizer.js';
import { mixSeed, type SamplingEncodeOptions } from '../api/sampling-support.js';
import { firstLoneSurrogate } from '../text/normalize.js';
import { invalidUtf8Offset } from '../text/utf8-scan.js';
import { ByteSink, pack, writeIds } from './id-output.js';

/** How input bytes become documents. */
export type InputMode = 'doc' | 'lines' | 'jsonl';
/** How ids are written. */
export type OutputFormat = 'jsonl' | 'u16' | 'u32';

export interface BlockJob {
  /** The block: whole lines (lines, jsonl), or a part of a document cut right after a `\n` run (doc). */
  bytes: Uint8Array;
  mode: InputMode;
  /** JSONL field holding the text. */
  field: string;
  format: OutputFormat;
  /** Frame each document with `<bos>` / `<eos>` (lines and jsonl modes; doc mode is framed by the writer). */
  addBos: boolean;
  addEos: boolean;
  /** Invalid UTF-8 and lone surrogates become U+FFFD instead of being errors. */
  lossy: boolean;
  /** Offset of bytes[0] in its file, for messages. */
  fileOffset: number;
  /** Drop a leading UTF-8 BOM (the first block of a JSONL file: a BOM is not JSON). */
  stripBom: boolean;
  alpha?: number;
  /** Seed of this block; document k is encoded with mixSeed(seed, k). */
  seed?: number;
  /**
   * Where to write the output if it fits (a recycled SharedArrayBuffer, starting at byte 0): the
   * result's `data` is then a view of it. Otherwise `data` is a buffer of its own.
   */
  out?: Uint8Array;
}

export interface BlockResult {
  /** Output bytes: JSONL lines; in doc mode with jsonl format, the comma-separated ids only; or packed ids. */
  data: Uint8Array;
  /** Tokens written per document (binary formats include the `<eos>` separator). */
  docTokens: Uint32Array;
  /** `\n` bytes in the block (the writer numbers lines across blocks). */
  lines: number;
  /** Tokens that continue the document before the block (a part of a long line, src/cli/long-line.ts). */
  carriedTokens?: number;
  /** Tokens written in all. */
  tokens: number;
  /** UTF-8 bytes of the documents' text (for bytes/token). */
  textBytes: number;
}

/** A problem in a block; `line` is 1-based within the block (0 when not line-specific). */
export class BlockError extends Error {
  override name = 'BlockError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function processBlock(tokenizer: Tokenizer, job: BlockJob): BlockResult {
  const text = decode(job);
  const docs: Uint32Array[] = [];
  let textBytes = 0;
  let lines = 0;
  const binary = job.format !== 'jsonl';
  const options: SamplingEncodeOptions = {};
  if (job.alpha !== undefined) options.alpha = job.alpha;
  // The documents are gathered first, then encoded in one encodeBatch (one ArrayBuffer for the
  // block, short one-line texts two per kernel call); with a seed, one by one, each from its own.
  const texts: string[] = [];
  const where: { line: number; what: string }[] = [];
  const encode = (s: string, line: number, what: string): void => {
    texts.push(s);
    where.push({ line, what });
  };
  const surrogateError = (k: number): BlockError | null => {
    const s = texts[k]!;
    const at = firstLoneSurrogate(s);
    if (at < 0) return null;
    const unit = s.charCodeAt(at).toString(16).toUpperCase();
    return new BlockError(
      `${where[k]!.what}lone surrogate U+${unit} at UTF-16 offset ${at}: not encodable as UTF-8 (use --lossy to replace it with U+FFFD)`,
      where[k]!.line,
    );
  };
  const encodeAll = (): void => {
    if (job.seed === undefined) {
      try {
        for (const ids of tokenizer.encodeBatch(texts, options)) docs.push(ids);
      } catch (e) {
        for (let k = 0; k < texts.length; k++) {
          const error = surrogateError(k);
          if (error) throw error;
        }
        throw e;
      }
      return;
    }
    for (let k = 0; k < texts.length; k++) {
      tokenizer.setSeed(mixSeed(job.seed, k));
      try {
        docs.push(tokenizer.encode(texts[k]!, options));
      } catch (e) {
        throw surrogateError(k) ?? e;
      }
    }
  };

  if (job.mode === 'doc') {
    options.addBos = options.addEos = false;
    encode(text, 0, '');
    textBytes = job.bytes.length;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  } else {
    options.addBos = job.addBos;
    options.addEos = job.addEos && !binary; // binary formats end every document with one <eos> anyway
    let start = 0;
    let line = 0;
    const fieldWhat = `"${job.field}": `; // for messages; built once, not per line
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      const next = end < 0 ? text.length : end + 1;
      if (end < 0) end = text.length;
      else lines++;
      line++;
      if (job.mode === 'lines') {
        const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end; // CRLF files
        const s = text.slice(start, stop);
        textBytes += Buffer.byteLength(s, 'utf8'); // a lone surrogate counts as U+FFFD's 3 bytes
        encode(s, line, '');
      } else {
        let s = text.slice(start, end);
        if (line === 1 && job.stripBom && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
        if (!isBlank(s)) {
          const value = fieldOf(s, job.field, line);
          textBytes += Buffer.byteLength(value, 'utf8');
          encode(value, line, fieldWhat);
        }
      }
      start = next;
    }
  }

  encodeAll();
  let tokens = 0;
  const docTokens = new Uint32Array(docs.length);
  const separator = binary && job.mode !== 'doc' ? 1 : 0;
  for (let d = 0; d < docs.length; d++) {
    docTokens[d] = docs[d]!.length + separator;
    tokens += docTokens[d]!;
  }
  let data: Uint8Array;
  if (binary) data = pack(docs, tokens, job.format === 'u16' ? 2 : 4, separator === 1, job.out);
  else if (job.mode === 'doc') data = writeIds(new ByteSink(docs[0]!.length * 7 + 16, job.out), docs[0]!).bytes();
  else {
    const sink = new ByteSink(tokens * 7 + docs.length * 12 + 16, job.out);
    for (const ids of docs) {
      sink.ascii('{"ids":[');
      writeIds(sink, ids);
      sink.ascii(']}\n');
    }
    data = sink.bytes();
  }
  return { data, docTokens, lines, tokens, textBytes };
}

function decode(job: BlockJob): string {
  try {
    return (job.lossy ? lossyDecoder : strictDecoder).decode(job.bytes);
  } catch {
    const at = Math.max(0, invalidUtf8Offset(job.bytes));
    let line = 1;
    for (let i = 0; i < at; i++) if (job.bytes[i] === 10) line++;
    throw new BlockError(`invalid UTF-8 at byte offset ${job.fileOffset + at} (use --lossy to replace invalid bytes with U+FFFD)`, line);
  }
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function fieldOf(line: string, field: string, lineNo: number): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new BlockError(`invalid JSON (${(e as Error).message})`, lineNo);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BlockError(`expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, lineNo);
  }
  const text = (value as Record<string, unknown>)[field];
  if (text === undefined || !Object.prototype.hasOwnProperty.call(value, field)) {
    throw new BlockError(`no "${field}" field (choose the field with --field)`, lineNo);
  }
  if (typeof text !== 'string') {
    throw new BlockError(`"${field}" is ${text === null ? 'null' : Array.isArray(text) ? 'an array' : `a ${typeof text}`}, expected a string`, lineNo);
  }
  return text;
}
