/**
 * Training corpora from Blobs and Files (browsers, workers, and any runtime with Blob): streamed
 * anew on each of the trainer's passes, so a large file is never held whole (except a `text`
 * document, which is one string).
 */
import type { TrainCorpus } from './corpus.js';
import { checkDocumentOptions, decodeUtf8, formatOf, lineDocuments, type DocumentOptions } from './documents.js';

/** A Blob's name in errors: a File's name, else `blob <index>`. */
const nameOf = (blob: Blob, index: number) => (typeof (blob as File).name === 'string' && (blob as File).name !== '' ? (blob as File).name : `blob ${index}`);

async function* chunksOf(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function* documents(blobs: readonly Blob[], options: DocumentOptions): AsyncGenerator<string> {
  for (let i = 0; i < blobs.length; i++) {
    const blob = blobs[i]!;
    const name = nameOf(blob, i);
    const format = formatOf(name, options);
    if (format === 'text') yield decodeUtf8(new Uint8Array(await blob.arrayBuffer()), name);
    else yield* lineDocuments(chunksOf(blob), name, format, options.field);
  }
}

/**
 * A training corpus read from Blobs or Files (for example from an `<input type="file">`), the
 * documents made as {@link DocumentOptions} say (by default `.jsonl` files by line, others whole).
 *
 * @example
 * ```ts
 * const [model] = await train(blobCorpus(input.files[0], { format: 'lines' }), { maxVocabSize: 4000 });
 * ```
 */
export function blobCorpus(blobs: Blob | readonly Blob[], options: DocumentOptions = {}): TrainCorpus {
  const list = typeof Blob !== 'undefined' && blobs instanceof Blob ? [blobs] : [...(blobs as readonly Blob[])];
  if (list.length === 0) throw new RangeError('blobCorpus: no Blob given');
  list.forEach((b, i) => {
    if (typeof Blob === 'undefined' || !(b instanceof Blob)) throw new TypeError(`blobCorpus: item ${i} is not a Blob (got ${b === null ? 'null' : typeof b})`);
  });
  checkDocumentOptions(options, 'blobCorpus');
  return () => documents(list, options);
}
