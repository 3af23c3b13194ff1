/**
 * The script {@link trainInWorker} runs (`bytepiece-wasm/train-thread`): one training run per
 * message, progress posted as it goes, the models posted back (binary files transferred).
 * @packageDocumentation
 */
import { train } from '../train/trainer.js';
import { blobCorpus } from '../train/blob-corpus.js';
import type { TrainReply, TrainRequest } from './train-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: TrainReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

/** Progress is posted at most this often (the trainer calls back more often in its counting passes). */
const PROGRESS_MS = 100;

scope.onmessage = async (event: MessageEvent) => {
  const { corpus, documents, options } = event.data as TrainRequest;
  const started = performance.now();
  let last = 0;
  try {
    const source = corpus.length > 0 && typeof corpus[0] === 'string' ? (corpus as readonly string[]) : blobCorpus(corpus as readonly Blob[], documents);
    const models = await train(source, {
      ...options,
      onProgress: (progress) => {
        const now = performance.now();
        if (now - last < PROGRESS_MS && progress.stage !== 'done') return;
        last = now;
        scope.postMessage({ type: 'progress', progress });
      },
    });
    const files = models.map((m) => ({ maxVocabSize: m.maxVocabSize, vocabSize: m.vocabSize, model: m.toJSON(), binary: m.toBinary() }));
    scope.postMessage(
      { type: 'done', models: files, ms: performance.now() - started },
      files.map((f) => f.binary.buffer as ArrayBuffer),
    );
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: 'error', error: { name: error.name, message: error.message } });
  }
};
