// A TokenizerPool worker thread: its Tokenizer is made from the model and kernel the main thread
// shares (no JSON parsing, no trie building, no compilation here); its tasks are slices of batches.

import { mixSeed, type SamplingEncodeOptions } from '../api/sampling-support.js';
import { SharedModelTokenizer, type SharedModel } from './shared-model.js';
import { serveTasks } from './thread-worker.js';
import type { EncodeTask } from './pool.js';

serveTasks<EncodeTask, Uint32Array[]>(
  (data) => {
    const tokenizer = SharedModelTokenizer.fromShared(data as SharedModel);
    return (task) => {
      const options: SamplingEncodeOptions = { addBos: task.addBos, addEos: task.addEos };
      if (task.alpha !== undefined) options.alpha = task.alpha;
      const { seed, call } = task;
      return tokenizer.encodeSlice(task.texts, options, task.firstIndex, seed === undefined ? undefined : (index) => mixSeed(seed, index, call));
    };
  },
  // A task's ids share one ArrayBuffer.
  (ids) => ids.map((a) => a.buffer),
);
