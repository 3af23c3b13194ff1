// A worker thread of `bytepiece encode`: its Tokenizer is made from the model and kernel the main
// thread shares (as TokenizerPool's threads make theirs); each task is one block of input.

import { SharedModelTokenizer, type SharedModel } from '../node/shared-model.js';
import { serveTasks } from '../node/thread-worker.js';
import { processBlock, type BlockJob, type BlockResult } from './block.js';

serveTasks<BlockJob, BlockResult>(
  (data) => {
    const tokenizer = SharedModelTokenizer.fromShared(data as SharedModel);
    return (job) => processBlock(tokenizer, job);
  },
  // The output written into the caller's SharedArrayBuffer is shared, not transferred.
  (result) => [result.data.buffer, result.docTokens.buffer],
);
