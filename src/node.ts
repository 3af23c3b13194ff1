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
export { Trainer, train, convertToBytePiece, countNgramsStage, mergeCountFiles, countPiecesStage, finishStage } from './node/trainer.js';
export type { StageHeader } from './node/stage-file.js';
export type { TrainStats, ExternalPieces } from './train/trainer.js';
export type { TrainedModel } from './train/trained-model.js';
export type { TrainOptions, TrainProgress } from './train/options.js';
export type { TrainCorpus } from './train/corpus.js';
export { fileCorpus, type FileCorpusOptions } from './node/train-files.js';
export { blobCorpus } from './train/blob-corpus.js';
export type { DocumentOptions } from './train/documents.js';
