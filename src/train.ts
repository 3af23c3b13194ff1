/**
 * bytepiece-wasm/train: the BytePiece trainer for browsers, workers and edge runtimes (an entry of
 * its own, so that tokenizer-only pages do not download it; in Node the package's main entry has
 * it, with threads and file corpora).
 * @packageDocumentation
 */
export { Trainer, train, convertToBytePiece, type TrainStats, type ExternalPieces } from './train/trainer.js';
export type { TrainedModel } from './train/trained-model.js';
export type { TrainOptions, TrainProgress } from './train/options.js';
export type { TrainCorpus } from './train/corpus.js';
export { blobCorpus } from './train/blob-corpus.js';
export type { DocumentOptions } from './train/documents.js';
