// The messages between trainInWorker (the page's side, trainer-worker.ts) and the thread that
// trains (train-thread.ts). All structured-cloneable; the binary models travel in the transfer list.
import type { TrainOptions, TrainProgress } from '../train/options.js';
import type { DocumentOptions } from '../train/documents.js';

/** The trainer's options as posted: no callback (progress comes back as messages), no threads. */
export type PostedTrainOptions = Omit<TrainOptions, 'onProgress' | 'workers'>;

export interface TrainRequest {
  /** Blobs/Files are read by the thread itself (streamed, never copied on the page's side). */
  corpus: readonly Blob[] | readonly string[];
  documents: DocumentOptions;
  options: PostedTrainOptions;
}

/** One trained vocabulary, as files. */
export interface TrainedFiles {
  /** The size asked for (counting the 3 special ids). */
  maxVocabSize: number;
  /** Ids in the model: pieces + 3 (fewer than `maxVocabSize` when the corpus has fewer pieces). */
  vocabSize: number;
  /** The reference's `.model` text (write it as UTF-8: byte for byte the Python trainer's file). */
  model: string;
  /** This package's binary format: `Tokenizer.load(binary)` / `TokenizerWorker.load(binary)`. */
  binary: Uint8Array;
}

export type TrainReply =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; models: TrainedFiles[]; ms: number }
  | { type: 'error'; error: { name: string; message: string } };
