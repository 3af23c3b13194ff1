/**
 * The training corpus: read twice (SPEC §6), so it is re-iterable: a list of strings, or a
 * function returning a fresh (async) iterable of strings each time it is called.
 */
import { addDocument, ChunkBatch } from './chunker.js';

/** A re-iterable corpus: a list of documents, or a function returning a fresh (async) iterable of them. */
export type TrainCorpus = readonly string[] | (() => Iterable<string> | AsyncIterable<string>);

/**
 * Bytes of chunks gathered before a batch is handed to the counters. Small enough that the
 * second pass, which gives each batch to one thread, ends with the threads evenly loaded (4.6 MB
 * in 1 MiB batches gave one of two threads 3 batches, the other 2).
 */
export const BATCH_BYTES = 1 << 18;

/**
 * One pass over the corpus: NFC, training chunks, batches of about BATCH_BYTES handed to `use`.
 * Returns the number of documents and of UTF-8 bytes seen.
 */
export async function forEachBatch(
  corpus: TrainCorpus,
  isolateDigits: boolean,
  use: (batch: ChunkBatch, bytesSoFar: number) => void | Promise<void>,
): Promise<{ documents: number; bytes: number }> {
  const source = typeof corpus === 'function' ? corpus() : corpus;
  if (source === null || typeof source !== 'object' || (!(Symbol.iterator in source) && !(Symbol.asyncIterator in source))) {
    throw new TypeError('the corpus must be a list of strings or a function returning an (async) iterable of strings');
  }
  const batch = new ChunkBatch();
  let documents = 0;
  let bytes = 0;
  const flush = async () => {
    bytes += batch.length;
    await use(batch, bytes);
    batch.clear();
  };
  if (Symbol.asyncIterator in source) {
    for await (const text of source as AsyncIterable<string>) {
      addDocument(batch, text, documents++, isolateDigits);
      if (batch.length >= BATCH_BYTES) await flush();
    }
  } else {
    for (const text of source as Iterable<string>) {
      addDocument(batch, text, documents++, isolateDigits);
      if (batch.length >= BATCH_BYTES) await flush();
    }
  }
  if (batch.count > 0) await flush();
  return { documents, bytes };
}
