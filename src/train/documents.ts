/**
 * Documents from a byte stream, for training corpora read from files (Node) or Blobs (browsers):
 * the whole stream is one document (`text`), every line is one (`lines`, split at `\n` only), or
 * the string field of every JSON object line (`jsonl`). Every error names the source, and the
 * line and byte offset where it has them.
 */
import { invalidUtf8Offset } from '../text/utf8-scan.js';
import { firstLoneSurrogate } from '../text/normalize.js';

/** How a file (or Blob) becomes documents. */
export interface DocumentOptions {
  /**
   * `'text'`: the whole file is one document; `'lines'`: every line (split at `\n` only) is one;
   * `'jsonl'`: every line is a JSON object whose `field` is the document. Default: `'jsonl'` for
   * names ending in `.jsonl`, `'text'` otherwise.
   */
  format?: 'text' | 'lines' | 'jsonl';
  /** The field holding the text in `jsonl` (default `'text'`). */
  field?: string;
}

/** Throws a TypeError naming the caller if `options` are not DocumentOptions. */
export function checkDocumentOptions(options: DocumentOptions, who: string): void {
  const format = options.format;
  if (format !== undefined && format !== 'text' && format !== 'lines' && format !== 'jsonl') {
    throw new TypeError(`${who}: format must be 'text', 'lines' or 'jsonl', got ${JSON.stringify(format)}`);
  }
  if (options.field !== undefined && typeof options.field !== 'string') throw new TypeError(`${who}: field must be a string`);
}

/** The format a source named `name` is read in. */
export const formatOf = (name: string, options: DocumentOptions) => options.format ?? (name.endsWith('.jsonl') ? 'jsonl' : 'text');

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as UTF-8 text; invalid UTF-8 is an error naming `where` and the byte offset (from `offset`). */
export function decodeUtf8(bytes: Uint8Array, where: string, offset = 0): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    throw new Error(`${where}: invalid UTF-8 at byte offset ${offset + Math.max(0, at)}`);
  }
}

/** The lines of a byte stream (split at `\n` only), with their 1-based numbers and byte offsets; a final empty piece is no line. */
async function* linesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<{ bytes: Uint8Array; line: number; offset: number }> {
  let carry = new Uint8Array(0);
  let line = 1;
  let offset = 0;
  for await (const chunk of chunks) {
    let data = chunk;
    if (carry.length > 0) {
      data = new Uint8Array(carry.length + chunk.length);
      data.set(carry);
      data.set(chunk, carry.length);
    }
    let start = 0;
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, start)) {
      yield { bytes: data.subarray(start, i), line: line++, offset };
      offset += i + 1 - start;
      start = i + 1;
    }
    carry = data.slice(start);
  }
  if (carry.length > 0) yield { bytes: carry, line, offset };
}

/** The documents of one line-based source (`lines` or `jsonl`) named `name`, streamed from its bytes. */
export async function* lineDocuments(chunks: AsyncIterable<Uint8Array>, name: string, format: 'lines' | 'jsonl', field = 'text'): AsyncGenerator<string> {
  for await (const { bytes, line, offset } of linesOf(chunks)) {
    const where = `${name}:${line}`;
    const text = decodeUtf8(bytes, where, offset);
    if (format === 'lines') {
      yield text;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(
        `${where}: expected a JSON object with a string field ${JSON.stringify(field)}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      );
    }
    const doc = (value as Record<string, unknown>)[field];
    if (typeof doc !== 'string') {
      throw new Error(
        `${where}: ${doc === undefined ? `the object has no field ${JSON.stringify(field)}` : `field ${JSON.stringify(field)} is ${doc === null ? 'null' : typeof doc}, not a string`}`,
      );
    }
    const lone = firstLoneSurrogate(doc);
    if (lone >= 0)
      throw new RangeError(
        `${where}: field ${JSON.stringify(field)} has a lone surrogate U+${doc.charCodeAt(lone).toString(16).toUpperCase()} at UTF-16 offset ${lone} (not encodable as UTF-8)`,
      );
    yield doc;
  }
}
