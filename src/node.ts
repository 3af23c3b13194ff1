/**
 * The Node entry: everything in the universal entry, plus model file paths (`.model` or `.zip`),
 * synchronous loading (the kernel is read from disk next to this module), a worker-thread pool and
 * a Node stream.
 * @packageDocumentation
 */
export { Tokenizer } from './node/tokenizer.js';
export { ModelError } from './model/errors.js';
export { TokenizerPool, type PoolOptions, type PoolEncodeOptions } from './node/pool.js';
export { EncodeStream } from './api/stream.js';
export { EncodeTransform } from './node/stream.js';
export type { StreamEncodeOptions } from './api/incremental.js';
export type { SamplingEncodeOptions } from './api/sampling-support.js';
export type { LoadOptions, TokenizeOptions, EncodeOptions, SpecialToken } from './api/tokenizer.js';
export type { ModelSource } from './model/source.js';
export type { ModelJson } from './model/vocabulary.js';
export type { WasmSource } from './engine/wasm-module.js';
export type { LoneSurrogates } from './text/normalize.js';
