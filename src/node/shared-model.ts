// A model loaded once on the main thread and shared with worker threads: its compiled tables on
// SharedArrayBuffers and the compiled kernel, so a thread starts without parsing JSON, building the
// trie or compiling WebAssembly, and makes its Tokenizer through the same `prepare` as
// Tokenizer.load. Used by TokenizerPool and by the CLI's block workers.

import { Tokenizer, checkLoadOptions, modelToLoad, type LoadOptions } from '../api/tokenizer.js';
import type { CompiledModel } from '../model/compile.js';
import { compileModel } from '../model/compile.js';
import type { ModelSource } from '../model/source.js';
import { compileWasm } from '../engine/wasm-module.js';
import { nodePlatform } from './platform.js';

/** Given to each worker at start: the model is compiled once and its tables shared, never re-parsed. */
export interface SharedModel {
  /** The compiled kernel (absent with the pure-JS engine). */
  kernel?: WebAssembly.Module;
  /** The compiled model, every typed array on a SharedArrayBuffer. */
  model: CompiledModel;
  /** The load options that shape a Tokenizer (the kernel and model are given above; seeds are per task). */
  options: Omit<LoadOptions, 'wasm' | 'engine' | 'seed'>;
}

/**
 * Reads and compiles the model (any source `Tokenizer.load` takes, or a file path; none for the
 * default model) and the kernel,
 * and shares them. `options.seed` is not passed on: seeds are per task.
 */
export async function loadSharedModel(source: ModelSource | undefined, options: LoadOptions): Promise<SharedModel> {
  const engine = checkLoadOptions(options);
  ({ source, options } = modelToLoad(source, options));
  const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasm(options.wasm) : nodePlatform.defaultWasm()) : undefined;
  kernel?.catch(() => {}); // awaited below
  const parsed = await nodePlatform.readModel(source, options.name, undefined, options.maxModelBytes);
  const model = shareModel(compileModel(parsed, options.name ?? (typeof source === 'string' ? source : undefined)));
  const { wasm: _wasm, engine: _engine, seed: _seed, defaultModel: _defaultModel, ...rest } = options;
  const shared: SharedModel = { model, options: { ...rest, loneSurrogates: options.loneSurrogates ?? 'error' } };
  if (kernel) shared.kernel = await kernel;
  return shared;
}

/** A Tokenizer over a shared model, on a worker thread; reaches the batch slices of encodeBatch. */
export class SharedModelTokenizer extends Tokenizer {
  static fromShared(shared: SharedModel): SharedModelTokenizer {
    return this.prepare(shared.model, shared.kernel, shared.options) as SharedModelTokenizer;
  }

  /** encodeBatch over a slice of a caller's list that starts at index `first`, seeded per index. */
  encodeSlice(texts: readonly string[], options: Parameters<Tokenizer['encodeBatch']>[1], first: number, seedAt?: (index: number) => number): Uint32Array[] {
    return this.encodeBatchFrom(texts, options ?? {}, first, seedAt);
  }
}

/**
 * A deep copy of the compiled model whose typed arrays live on SharedArrayBuffers. Views that share
 * a buffer (the trie's Int32 and Float64 views of one node table) still share the copy.
 */
export function shareModel(model: CompiledModel): CompiledModel {
  return share(model, new Map());
}

function share<T>(value: T, copies: Map<ArrayBufferLike, SharedArrayBuffer>): T {
  if (ArrayBuffer.isView(value)) {
    const src = value as unknown as Uint8Array;
    let buffer = copies.get(src.buffer);
    if (!buffer) {
      buffer = new SharedArrayBuffer(src.buffer.byteLength);
      new Uint8Array(buffer).set(new Uint8Array(src.buffer));
      copies.set(src.buffer, buffer);
    }
    const Ctor = src.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => Uint8Array;
    return new Ctor(buffer, src.byteOffset, src.length) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // A binary model's decoder instance (`placed`) stays on this thread: workers place the shared
    // tables in WebAssembly instances of their own.
    for (const [k, v] of Object.entries(value)) if (k !== 'placed') out[k] = share(v, copies);
    return out as T;
  }
  return value;
}
