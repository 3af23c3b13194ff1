// The messages between TokenizerWorker (src/worker.ts, the page's side) and the thread
// (src/worker-thread.ts). Everything here is structured-cloneable; big buffers travel in the
// transfer list, so model bytes and result ids are moved between threads, never copied.
import type { EncodeOptions, LoadOptions } from '../api/tokenizer.js';
import type { ModelJson } from '../model/vocabulary.js';

/** A model as it can be posted to a worker: a URL string is fetched by the worker itself. */
export type PostedModel = string | Blob | ArrayBuffer | Uint8Array | ModelJson;

/** Kernel as it can be posted: a compiled Module (cloneable to workers), bytes, or a URL string. */
export type PostedWasm = WebAssembly.Module | ArrayBuffer | Uint8Array | string;

export type ThreadOptions = Omit<LoadOptions, 'wasm' | 'name'> & { wasm?: PostedWasm };

export type Request =
  | { op: 'init'; id: number; options: ThreadOptions }
  | { op: 'load'; id: number; model: PostedModel; name?: string }
  | { op: 'encode'; id: number; text: string; options?: EncodeOptions; minMs?: number }
  | { op: 'encodeBytes'; id: number; bytes: Uint8Array; options?: EncodeOptions }
  | { op: 'encodeWithOffsets'; id: number; text: string; options?: EncodeOptions & { byteOffsets?: boolean } }
  | { op: 'tokenize'; id: number; text: string; options?: unknown }
  | { op: 'decode'; id: number; ids: ArrayLike<number> }
  | { op: 'idsToPieces'; id: number; ids: ArrayLike<number> }
  | { op: 'setSeed'; id: number; seed: number };

/** What `load` reports about the model and tokenizer now in the worker. */
export interface ModelInfo {
  /** Number of ids (pieces + 3). */
  vocabSize: number;
  /** The engine the worker runs. */
  engine: 'wasm' | 'js';
  /** Whether this build of the tokenizer supports sampling (`encode(text, { alpha })`, `setSeed`). */
  sampling: boolean;
  /** Milliseconds the worker spent reading and compiling the model. */
  ms: number;
}

export type Reply = { id: number; ok: true; value: unknown; ms: number; runs: number } | { id: number; ok: false; error: { name: string; message: string } };
