/**
 * `bytepiece-wasm/trainer-worker`: training off the page's thread (an entry of its own, so that
 * bundling the tokenizer's worker never emits the trainer's chunk and kernel).
 * @packageDocumentation
 */
// trainInWorker starts a Web Worker running train-thread.js (the
// trainer and its kernel load there, never in the page), posts the corpus, relays progress and
// resolves with the models as files.
import type { TrainProgress } from '../train/options.js';
import type { DocumentOptions } from '../train/documents.js';
import type { PostedTrainOptions, TrainedFiles, TrainReply } from './train-protocol.js';

export type { TrainedFiles } from './train-protocol.js';
export type { TrainProgress } from '../train/options.js';

/** Options of {@link trainInWorker}: the trainer's (no `workers`: one thread), how Blobs become documents, and the worker's. */
export interface TrainInWorkerOptions extends PostedTrainOptions, DocumentOptions {
  /** Called as training advances (at most ~10 times a second). */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops training: the worker is terminated and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A worker already running `bytepiece-wasm/train-thread` (default: started from `train-thread.js` next to this module). */
  worker?: Worker;
}

/** The thread's error with its class where it is a built-in one (TypeError for a bad option's type, RangeError for its value). */
function rebuilt({ name, message }: { name: string; message: string }): Error {
  const Class = name === 'TypeError' ? TypeError : name === 'RangeError' ? RangeError : Error;
  const error = new Class(message);
  error.name = name;
  return error;
}

/**
 * Trains vocabularies in a Web Worker, so the page stays responsive: the corpus is Blobs or Files
 * (streamed by the worker, documents as `format` says) or a list of strings. Resolves with one
 * {@link TrainedFiles} per size, largest first; bad options or corpus reject with the trainer's error.
 *
 * @example
 * ```ts
 * import { trainInWorker } from 'bytepiece-wasm/trainer-worker';
 * import { TokenizerWorker } from 'bytepiece-wasm/worker';
 * const [model] = await trainInWorker(fileInput.files[0], { maxVocabSize: 4000, format: 'lines', onProgress: console.log });
 * const tok = await TokenizerWorker.load(model.binary);
 * ```
 */
export function trainInWorker(corpus: Blob | readonly Blob[] | readonly string[], options: TrainInWorkerOptions = {}): Promise<TrainedFiles[]> {
  const { onProgress, signal, worker: given, format, field, ...trainOptions } = options;
  const list = typeof Blob !== 'undefined' && corpus instanceof Blob ? [corpus] : [...(corpus as readonly (Blob | string)[])];
  return new Promise<TrainedFiles[]>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = given ?? new Worker(new URL('./train-thread.js', import.meta.url), { type: 'module' });
    const finish = () => {
      signal?.removeEventListener('abort', abort);
      worker.terminate();
    };
    const abort = () => {
      finish();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
    worker.onmessage = (event: MessageEvent) => {
      const reply = event.data as TrainReply;
      if (reply.type === 'progress') {
        onProgress?.(reply.progress);
        return;
      }
      finish();
      if (reply.type === 'done') resolve(reply.models);
      else reject(rebuilt(reply.error));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      finish();
      reject(
        new Error(
          `bytepiece-wasm train worker: ${event.message || 'the worker script could not be started (is train-thread.js served next to worker.js, as JavaScript?)'}`,
        ),
      );
    };
    worker.postMessage({ corpus: list, documents: { format, field }, options: trainOptions });
  });
}
