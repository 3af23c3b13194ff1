// A TokenizerPool worker thread: builds its Tokenizer from the compiled model and kernel the main
// thread shares (no JSON parsing, no trie building, no compilation here), then runs tasks.

import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer, type LoadOptions } from './tokenizer.js';
import type { CompiledModel } from './model.js';
import type { Engine } from './engine.js';
import { JsEngine } from './engine-js.js';
import { WasmEngine } from './engine-wasm.js';
import { processBlock } from './cli/block.js';
import { mixSeed, type SamplingEncodeOptions } from './sampling-support.js';
import { serializeError, type Task, type TaskResult, type WorkerInit, type WorkerReply, type WorkerRequest } from './pool-protocol.js';

/** Reaches the protected constructor: a Tokenizer over an already compiled model. */
class SharedModelTokenizer extends Tokenizer {
  static fromCompiled(model: CompiledModel, kernel: WebAssembly.Module | undefined, options: LoadOptions): Tokenizer {
    const impl: Engine = kernel ? new WasmEngine(model, kernel) : new JsEngine(model);
    return new SharedModelTokenizer(model, impl, options);
  }
}

const port = parentPort!;
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let tokenizer: Tokenizer;
try {
  const init = workerData as WorkerInit;
  tokenizer = SharedModelTokenizer.fromCompiled(init.model, init.kernel, init.options);
  reply({ type: 'ready' });
} catch (e) {
  reply({ type: 'init-error', error: serializeError(e) });
  process.exit(1);
}

port.on('message', ({ id, task }: WorkerRequest) => {
  let result: TaskResult;
  try {
    result = run(task);
  } catch (e) {
    reply({ type: 'failed', id, error: serializeError(e) });
    return;
  }
  const transfer = Array.isArray(result) ? result.map((ids) => ids.buffer as ArrayBuffer) : [result.data.buffer, result.docTokens.buffer];
  // A block's output written into the caller's SharedArrayBuffer is shared, not transferred.
  const movable = transfer.filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
  reply({ type: 'done', id, result }, movable);
});

function run(task: Task): TaskResult {
  if (task.kind === 'block') return processBlock(tokenizer, task.job);
  const options: SamplingEncodeOptions = { addBos: task.addBos, addEos: task.addEos };
  if (task.alpha !== undefined) options.alpha = task.alpha;
  const out: Uint32Array[] = new Array(task.texts.length);
  for (let i = 0; i < task.texts.length; i++) {
    const index = task.firstIndex + i;
    if (task.seed !== undefined) tokenizer.setSeed(mixSeed(task.seed, index, task.call));
    try {
      out[i] = tokenizer.encode(task.texts[i]!, options);
    } catch (e) {
      if (e instanceof Error) e.message = `texts[${index}]: ${e.message}`;
      throw e;
    }
  }
  return out;
}
