// A TokenizerPool worker thread: builds its Tokenizer from the compiled model and kernel the main
// thread shares (no JSON parsing, no trie building, no compilation here), then runs tasks.

import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer, type LoadOptions } from '../api/tokenizer.js';
import type { CompiledModel } from '../model/compile.js';
import type { Engine } from '../engine/engine.js';
import { JsEngine } from '../engine/engine-js.js';
import { WasmEngine } from '../engine/engine-wasm.js';
import { processBlock } from '../cli/block.js';
import { mixSeed, type SamplingEncodeOptions } from '../api/sampling-support.js';
import { serializeError, type Task, type TaskResult, type WorkerInit, type WorkerReply, type WorkerRequest } from './pool-protocol.js';

/** Reaches the protected members: a Tokenizer over an already compiled model, and batch slices. */
class SharedModelTokenizer extends Tokenizer {
  static fromCompiled(model: CompiledModel, kernel: WebAssembly.Module | undefined, options: LoadOptions): SharedModelTokenizer {
    const impl: Engine = kernel ? new WasmEngine(model, kernel) : new JsEngine(model);
    return new SharedModelTokenizer(model, impl, options);
  }

  /** A task's texts, packed into one ArrayBuffer as encodeBatch packs them; seeded per text index. */
  encodeTask(task: Extract<Task, { kind: 'encode' }>): Uint32Array[] {
    const options: SamplingEncodeOptions = { addBos: task.addBos, addEos: task.addEos };
    if (task.alpha !== undefined) options.alpha = task.alpha;
    const { seed, call } = task;
    return this.encodeBatchFrom(task.texts, options, task.firstIndex, seed === undefined ? undefined : (index) => mixSeed(seed, index, call));
  }
}

const port = parentPort!;
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let tokenizer: SharedModelTokenizer;
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
  // A task's ids share one ArrayBuffer: list it once.
  const transfer = Array.isArray(result) ? [...new Set(result.map((ids) => ids.buffer as ArrayBuffer))] : [result.data.buffer, result.docTokens.buffer];
  // A block's output written into the caller's SharedArrayBuffer is shared, not transferred.
  const movable = transfer.filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
  reply({ type: 'done', id, result }, movable);
});

function run(task: Task): TaskResult {
  if (task.kind === 'block') return processBlock(tokenizer, task.job);
  return tokenizer.encodeTask(task);
}
