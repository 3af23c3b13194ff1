/**
 * The Node entry: everything in the universal entry, plus model file paths (`.model` or `.zip`),
 * synchronous loading (the kernel is read from disk next to this module), a worker-thread pool and
 * a Node stream.
 * @packageDocumentation
 */
import { Tokenizer as CoreTokenizer } from './api/tokenizer.js';
import { nodePlatform } from './node/platform.js';

export { ModelError } from './model/errors.js';
export { TokenizerPool, type PoolOptions, type PoolEncodeOptions } from './node/pool.js';
export { EncodeStream } from './api/stream.js';
export { DecodeStream } from './api/decode-stream.js';
export type { Decoder } from './api/stream-decoder.js';
export type { EncodingWithOffsets } from './api/offsets.js';
export { EncodeTransform } from './node/stream.js';
export type { StreamEncodeOptions } from './api/incremental.js';
export type { SamplingEncodeOptions } from './api/sampling-support.js';
export type { LoadOptions, TokenizeOptions, EncodeOptions, LimitOptions, SpecialToken } from './api/tokenizer.js';
export type { ModelSource } from './model/source.js';
export type { ModelJson } from './model/vocabulary.js';
export type { WasmSource } from './engine/wasm-module.js';
export type { LoneSurrogates } from './text/normalize.js';

/**
 * A BytePiece tokenizer (see the universal entry); in Node, `load` and `loadSync` also take a
 * file path to a `.model` or `.zip`.
 *
 * @example
 * ```ts
 * import { Tokenizer } from 'bytepiece-wasm';
 * const tok = Tokenizer.loadSync('../shared/models/bytepiece.plus.80k.zip');
 * tok.encode('hello world'); // Uint32Array of ids
 * ```
 */
export class Tokenizer extends CoreTokenizer {
  protected static override platform = nodePlatform;
}
