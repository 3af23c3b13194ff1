// What the pool's main thread and its workers say to each other.

import type { CompiledModel } from '../model/compile.js';
import type { LoadOptions } from '../api/tokenizer.js';
import type { BlockJob, BlockResult } from '../cli/block.js';

/** Given to each worker at start: the model is compiled once and its tables shared, never re-parsed. */
export interface WorkerInit {
  /** The compiled kernel (absent with the pure-JS engine). */
  kernel?: WebAssembly.Module;
  /** The compiled model, every typed array on a SharedArrayBuffer. */
  model: CompiledModel;
  /** The load options that shape a Tokenizer (the kernel and model are given above; seeds are per task). */
  options: Omit<LoadOptions, 'wasm' | 'engine' | 'seed'>;
}

export type Task =
  | { kind: 'encode'; texts: string[]; firstIndex: number; addBos: boolean; addEos: boolean; alpha?: number; seed?: number; call: number }
  | { kind: 'block'; job: BlockJob };

export type TaskResult = Uint32Array[] | BlockResult;

/** An error as it crosses threads: its class name, message and the extra fields callers read. */
export interface SerializedError {
  name: string;
  message: string;
  line?: number;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'done'; id: number; result: TaskResult }
  | { type: 'failed'; id: number; error: SerializedError };

export type WorkerRequest = { id: number; task: Task };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const line = (e as { line?: unknown }).line;
    if (typeof line === 'number') out.line = line;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

const errorClasses: Record<string, ErrorConstructor> = { RangeError, TypeError, SyntaxError };

export function deserializeError(s: SerializedError): Error {
  const e = new (errorClasses[s.name] ?? Error)(s.message);
  if (!(s.name in errorClasses) && s.name !== 'Error') e.name = s.name;
  if (s.line !== undefined) (e as Error & { line?: number }).line = s.line;
  return e;
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
