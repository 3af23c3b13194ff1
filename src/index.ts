/**
 * bytepiece-wasm: exact BytePiece tokenization with a WebAssembly hot path.
 * This entry works everywhere (browsers, workers, Node, edge runtimes); in Node the package's
 * `node` entry adds file paths and synchronous loading of the kernel.
 * @packageDocumentation
 */
export { Tokenizer, type LoadOptions, type TokenizeOptions, type EncodeOptions, type SpecialToken } from './tokenizer.js';
export { ModelError } from './errors.js';
export { EncodeStream } from './stream.js';
export { DecodeStream } from './decode-stream.js';
export type { Decoder } from './stream-decoder.js';
export type { StreamEncodeOptions } from './incremental.js';
export type { SamplingEncodeOptions } from './sampling-support.js';
export type { ModelSource } from './source.js';
export type { ModelJson } from './vocabulary.js';
export type { WasmSource } from './wasm-module.js';
export type { LoneSurrogates } from './normalize.js';
