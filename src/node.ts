/**
 * The Node entry: everything in the universal entry, plus model file paths (`.model` or `.zip`),
 * synchronous loading (the kernel is read from disk next to this module), a worker-thread pool and
 * a Node stream.
 * @packageDocumentation
 */
import { Tokenizer as CoreTokenizer } from './api/tokenizer.js';
import { nodePlatform } from './node/platform.js';
import { Trainer as CoreTrainer, type ExternalPieces } from './train/trainer.js';
import type { TrainedModel } from './train/trained-model.js';
import type { TrainOptions } from './train/options.js';
import type { TrainCorpus } from './train/corpus.js';
import { trainWasmUrl } from './train/kernel-module.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
export type { TrainStats, ExternalPieces } from './train/trainer.js';
export type { TrainedModel } from './train/trained-model.js';
export type { TrainOptions, TrainProgress } from './train/options.js';
export type { TrainCorpus } from './train/corpus.js';

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

let trainKernel: WebAssembly.Module | undefined;

/** The BytePiece trainer (see the universal entry); its models' Tokenizers take file paths too. */
export class Trainer extends CoreTrainer {
  protected static override defaultWasm = nodePlatform.defaultWasm;
  protected static override trainWasm = async () => (trainKernel ??= new WebAssembly.Module(readFileSync(fileURLToPath(trainWasmUrl()))));
  protected static override tokenizerClass: typeof CoreTokenizer = Tokenizer;
}

/** `new Trainer(options).train(corpus)`: one model per size in `options.maxVocabSize`, largest first. */
export function train(corpus: TrainCorpus, options: TrainOptions = {}): Promise<TrainedModel[]> {
  return new Trainer(options).train(corpus);
}

/** A model from an external `{piece: count}` table (SPEC §6; see `Trainer.convertToBytePiece`). */
export function convertToBytePiece(pieces: ExternalPieces, options: { engine?: 'wasm' | 'js' } = {}): Promise<TrainedModel> {
  return Trainer.convertToBytePiece(pieces, options);
}
