// Training corpora from files (Node): each file a document (`text`), each line a document
// (`lines`), or the string field of each JSON object line (`jsonl`). Files are streamed, never
// held whole except a `text` document; every error names the file, and the line where it has one.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TrainCorpus } from '../train/corpus.js';
import { checkDocumentOptions, decodeUtf8, formatOf, lineDocuments, type DocumentOptions } from '../train/documents.js';

/** How files become documents. */
export type FileCorpusOptions = DocumentOptions;

async function* documents(paths: readonly string[], options: FileCorpusOptions): AsyncGenerator<string> {
  for (const path of paths) {
    const format = formatOf(path, options);
    if (format === 'text') yield decodeUtf8(await readFile(path), path);
    else yield* lineDocuments(createReadStream(path, { highWaterMark: 1 << 20 }), path, format, options.field);
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
  checkDocumentOptions(options, 'fileCorpus');
  return () => documents(list, options);
}
