// Training corpora from files (Node): each file a document (`text`), each line a document
// (`lines`), or the string field of each JSON object line (`jsonl`). Files are streamed, never
// held whole except a `text` document; every error names the file, and the line where it has one.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { invalidUtf8Offset } from '../text/utf8-scan.js';
import { firstLoneSurrogate } from '../text/normalize.js';
import type { TrainCorpus } from '../train/corpus.js';

/** How files become documents. */
export interface FileCorpusOptions {
  /**
   * `'text'`: a file is one document; `'lines'`: every line (split at `\n` only) is one;
   * `'jsonl'`: every line is a JSON object whose `field` is the document. Default: `'jsonl'` for
   * `.jsonl` files, `'text'` otherwise.
   */
  format?: 'text' | 'lines' | 'jsonl';
  /** The field holding the text in `jsonl` (default `'text'`). */
  field?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(bytes: Uint8Array, where: string, offset: number): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    throw new Error(`${where}: invalid UTF-8 at byte offset ${offset + Math.max(0, at)}`);
  }
}

/** The lines of a file (split at `\n` only), with their 1-based numbers and byte offsets; a final empty piece is no line. */
async function* lines(path: string): AsyncGenerator<{ bytes: Uint8Array; line: number; offset: number }> {
  let carry = new Uint8Array(0);
  let line = 1;
  let offset = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let data: Uint8Array = chunk;
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

async function* documents(paths: readonly string[], options: FileCorpusOptions): AsyncGenerator<string> {
  const field = options.field ?? 'text';
  for (const path of paths) {
    const format = options.format ?? (path.endsWith('.jsonl') ? 'jsonl' : 'text');
    if (format === 'text') {
      yield decode(await readFile(path), path, 0);
      continue;
    }
    for await (const { bytes, line, offset } of lines(path)) {
      const where = `${path}:${line}`;
      const text = decode(bytes, where, offset);
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
        throw new Error(`${where}: expected a JSON object with a string field ${JSON.stringify(field)}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
      }
      const doc = (value as Record<string, unknown>)[field];
      if (typeof doc !== 'string') {
        throw new Error(`${where}: ${doc === undefined ? `the object has no field ${JSON.stringify(field)}` : `field ${JSON.stringify(field)} is ${doc === null ? 'null' : typeof doc}, not a string`}`);
      }
      const lone = firstLoneSurrogate(doc);
      if (lone >= 0) throw new RangeError(`${where}: field ${JSON.stringify(field)} has a lone surrogate U+${doc.charCodeAt(lone).toString(16).toUpperCase()} at UTF-16 offset ${lone} (not encodable as UTF-8)`);
      yield doc;
    }
  }
}

/**
 * A training corpus read from files, streamed anew on each of the trainer's passes.
 *
 * @example
 * ```ts
 * const [model] = await train(fileCorpus(['a.jsonl', 'b.jsonl'], { field: 'text' }), { maxVocabSize: 8000 });
 * ```
 */
export function fileCorpus(paths: string | readonly string[], options: FileCorpusOptions = {}): TrainCorpus {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new RangeError('fileCorpus: no files given');
  for (const p of list) if (typeof p !== 'string') throw new TypeError(`fileCorpus: a path must be a string, got ${typeof p}`);
  const format = options.format;
  if (format !== undefined && format !== 'text' && format !== 'lines' && format !== 'jsonl') {
    throw new TypeError(`fileCorpus: format must be 'text', 'lines' or 'jsonl', got ${JSON.stringify(format)}`);
  }
  if (options.field !== undefined && typeof options.field !== 'string') throw new TypeError('fileCorpus: field must be a string');
  return () => documents(list, options);
}
