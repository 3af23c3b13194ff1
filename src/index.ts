/**
 * bytepiece-wasm: exact BytePiece tokenization with a WebAssembly hot path.
 * This entry works everywhere (browsers, workers, Node, edge runtimes); in Node the package's
 * `node` entry adds file paths and synchronous loading of the kernel.
 * @packageDocumentation
 */
export { Tokenizer, type LoadOptions, type TokenizeOptions, type EncodeOptions, type LimitOptions, type SpecialToken } from './api/tokenizer.js';
export { ModelError } from './model/errors.js';
export { EncodeStream } from './api/stream.js';
export { DecodeStream } from './api/decode-stream.js';
export type { Decoder } from './api/stream-decoder.js';
export type { EncodingWithOffsets } from './api/offsets.js';
export type { StreamEncodeOptions } from './api/incremental.js';
export type { SamplingEncodeOptions } from './api/sampling-support.js';
export type { ModelSource } from './model/source.js';
export type { ModelJson } from './model/vocabulary.js';
export type { WasmSource } from './engine/wasm-module.js';
export type { LoneSurrogates } from './text/normalize.js';
