/**
 * The BytePiece trainer (SPEC §6): two passes over the corpus (n-gram counts, then the n-gram
 * Viterbi's pieces), then the prune loops, one model per vocabulary size.
 */
import type { Engine } from '../engine/engine.js';
import { JsEngine } from '../engine/engine-js.js';
import { WasmEngine } from '../engine/engine-wasm.js';
import type { CompiledModel } from '../model/compile.js';
import { Tokenizer } from '../api/tokenizer.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { firstLoneSurrogate } from '../text/normalize.js';
import { compileDefaultWasm } from '../engine/wasm-module.js';
import { forEachBatch, type TrainCorpus } from './corpus.js';
import { JsTrainKernel, type TrainKernel } from './kernel-js.js';
import { WasmTrainKernel, WASM_MAX_ORDER } from './kernel-wasm.js';
import { compileTrainWasm } from './kernel-module.js';
import { checkOptions, type CheckedOptions, type TrainOptions, type TrainProgress } from './options.js';
import { prunePieces, type EngineFactory } from './piece-prune.js';
import { bytesToKey, type PieceCounts, type PieceRecords } from './piece-set.js';
import { TrainedModel, type TokenizerMaker } from './trained-model.js';

/** An external piece table: piece (a string, taken as its UTF-8, or bytes) → count (a positive integer). */
export type ExternalPieces = Record<string, number> | Map<string | Uint8Array, number> | Iterable<readonly [string | Uint8Array, number]>;

/** Checks an external piece table and keys it by bytes. */
function externalPieces(pieces: ExternalPieces): PieceCounts {
  if (pieces === null || typeof pieces !== 'object') throw new TypeError('convertToBytePiece: pieces must be an object, a Map or a list of [piece, count]');
  const entries: Iterable<readonly [string | Uint8Array, number]> =
    Symbol.iterator in pieces ? (pieces as Iterable<readonly [string | Uint8Array, number]>) : Object.entries(pieces);
  const encoder = new TextEncoder();
  const out: PieceCounts = new Map();
  for (const entry of entries) {
    const [piece, count] = entry;
    const name = typeof piece === 'string' ? JSON.stringify(piece) : piece instanceof Uint8Array ? `bytes [${Array.from(piece).join(', ')}]` : String(piece);
    if (typeof piece === 'string' && firstLoneSurrogate(piece) >= 0)
      throw new RangeError(`convertToBytePiece: piece ${name} has a lone surrogate (not encodable as UTF-8)`);
    const bytes = typeof piece === 'string' ? encoder.encode(piece) : piece;
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`convertToBytePiece: a piece must be a string or a Uint8Array, got ${typeof piece}`);
    if (bytes.length === 0) throw new RangeError('convertToBytePiece: the empty piece cannot be a piece');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`convertToBytePiece: piece ${name}: count must be a positive integer, got ${String(count)}`);
    }
    const key = bytesToKey(bytes);
    if (out.has(key)) throw new RangeError(`convertToBytePiece: piece ${name} is given twice`);
    out.set(key, count);
  }
  return out;
}

/** Figures of the last training run, stage by stage. */
export interface TrainStats {
  documents: number;
  /** UTF-8 bytes after NFC. */
  bytes: number;
  /** Training chunks (SPEC §6.1). */
  chunks: number;
  /** Distinct n-grams per order 0..order before pruning (the 0-gram counts 1), and after. */
  ngramsRaw: number[];
  ngramsPruned: number[];
  /** Distinct pieces out of the n-gram Viterbi, and their total count. */
  rawPieces: number;
  rawPiecesTotal: number;
  /** Pieces per model, largest size first. */
  pieces: number[];
}

/**
 * Trains BytePiece vocabularies with the reference's algorithm and parameters; the models are the
 * reference's byte for byte.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ maxVocabSize: 8000, minCount: 8 });
 * const [model] = await trainer.train(() => readLines('corpus.txt'));
 * model.tokenizer.encode('hello');
 * writeFileSync('my.model', model.toJSON());
 * ```
 */
export class Trainer {
  /** The kernel of the tokenizer engines, where this entry finds it (the Node entry reads it from disk). */
  protected static defaultWasm: () => Promise<WebAssembly.Module> = compileDefaultWasm;
  /** The trainer's kernel, where this entry finds it (the Node entry reads it from disk). */
  protected static trainWasm: () => Promise<WebAssembly.Module> = compileTrainWasm;
  /** The Tokenizer class results are made with (the Node entry's has file paths). */
  protected static tokenizerClass: typeof Tokenizer = Tokenizer;

  /** The tokenizer engines for the prune loops and the results' Tokenizers. */
  protected static async engines(kind: 'wasm' | 'js'): Promise<{ engine: EngineFactory; makeTokenizer: TokenizerMaker }> {
    const kernel = kind === 'wasm' ? await this.defaultWasm() : undefined;
    const Tok = this.tokenizerClass;
    return {
      engine: (model: CompiledModel): Engine => (kernel ? new WasmEngine(model, kernel) : new JsEngine(model)),
      // Tokenizer.prepare is the one way a Tokenizer is made (docs/design.md); protected so that
      // users load models, reached here as its own layer's code would.
      makeTokenizer: (vocab) =>
        (Tok as unknown as { prepare(v: Vocabulary, k: WebAssembly.Module | undefined, o: { engine: 'wasm' | 'js' }): Tokenizer }).prepare(vocab, kernel, {
          engine: kind,
        }),
    };
  }

  /**
   * A model from an external `{piece: count}` table (SPEC §6, last paragraph; the reference's
   * `convert_to_bytepiece`): the pieces are pruned as the trainer's are (min count 1, no length
   * limit, no size limit; every single byte is added), so each piece that the resulting tokenizer
   * would never produce passes its count on. String pieces are taken as their UTF-8 (no NFC).
   */
  static async convertToBytePiece(pieces: ExternalPieces, options: { engine?: 'wasm' | 'js' } = {}): Promise<TrainedModel> {
    const kind = checkOptions({ engine: options.engine }).engine;
    const counts = externalPieces(pieces);
    const size = counts.size + 259;
    const { engine, makeTokenizer } = await this.engines(kind);
    const [result] = prunePieces(counts, { maxPieceLength: Infinity, minCount: 1, sizes: [size], engine });
    return new TrainedModel(size, result!, makeTokenizer);
  }

  protected readonly options: CheckedOptions;
  /** Figures of the last run (undefined before one has finished). */
  stats: TrainStats | undefined;

  /** Checks every option now: a bad one throws before any work. */
  constructor(options: TrainOptions = {}) {
    this.options = checkOptions(options, (this.constructor as typeof Trainer).defaultWorkers());
  }

  /** Threads by default (the Node entry: one per core). */
  protected static defaultWorkers(): number {
    return 1;
  }

  /**
   * The prune loops (SPEC §6.5-6.7) on counted pieces: one model per size, largest first. The
   * last stage of the staged trainer (Node entry); a `pieces` map is consumed.
   */
  static async modelsFromPieces(
    pieces: PieceCounts | PieceRecords,
    o: { sizes: readonly number[]; maxPieceLength: number; minCount: number; engine: 'wasm' | 'js'; onProgress?: (p: TrainProgress) => void },
  ): Promise<TrainedModel[]> {
    const { engine, makeTokenizer } = await this.engines(o.engine);
    const results = prunePieces(pieces, {
      maxPieceLength: o.maxPieceLength,
      minCount: o.minCount,
      sizes: o.sizes,
      engine,
      onRound: (round) => o.onProgress?.({ stage: 'prune-pieces', done: round }),
    });
    return results.map((p, i) => new TrainedModel(o.sizes[i]!, p, makeTokenizer));
  }

  /**
   * Trains on `corpus`, read twice: a list of strings, or a function returning a fresh (async)
   * iterable of strings on each call. Returns one model per size in `maxVocabSize`, largest first.
   */
  async train(corpus: TrainCorpus): Promise<TrainedModel[]> {
    const kernel = await (this.constructor as typeof Trainer).kernel(this.options);
    try {
      return await this.run(corpus, kernel);
    } finally {
      await kernel.close?.();
    }
  }

  /**
   * The kernel for these options: the WebAssembly one for engine 'wasm' (orders above 8 do not
   * fit its one-word keys: the JS twin counts them), else the JS twin. The Node entry runs
   * several on threads.
   */
  protected static async kernel(o: CheckedOptions): Promise<TrainKernel> {
    if (o.workers > 1)
      throw new RangeError(`options.workers: ${o.workers} threads need the package's Node entry; here training runs on one thread (workers: 1)`);
    return o.engine === 'wasm' && o.order <= WASM_MAX_ORDER
      ? new WasmTrainKernel(await this.trainWasm(), o.order, o.ensureUnicode)
      : new JsTrainKernel(o.order, o.ensureUnicode);
  }

  private async run(corpus: TrainCorpus, kernel: TrainKernel): Promise<TrainedModel[]> {
    const o = this.options;
    const progress = o.onProgress ?? (() => {});
    const { engine, makeTokenizer } = await (this.constructor as typeof Trainer).engines(o.engine);

    let chunks = 0;
    const first = await forEachBatch(corpus, o.isolateDigits, async (batch, done) => {
      chunks += batch.count;
      await kernel.countNgrams(batch);
      progress({ stage: 'count-ngrams', done });
    });
    if (first.bytes === 0) {
      throw new RangeError(`the corpus is empty: ${first.documents} document(s), no text to train on`);
    }
    progress({ stage: 'prune-ngrams', done: 0 });
    const sizes = await kernel.pruneNgrams(o.minCount);
    progress({ stage: 'prune-ngrams', done: 1, total: 1 });
    const second = await forEachBatch(corpus, o.isolateDigits, async (batch, done) => {
      await kernel.countPieces(batch);
      progress({ stage: 'count-pieces', done, total: first.bytes });
    });
    if (second.bytes !== first.bytes || second.documents !== first.documents) {
      throw new Error(
        `the corpus changed between its two readings: ${first.documents} documents (${first.bytes} bytes), then ${second.documents} (${second.bytes} bytes); it must give the same texts each time`,
      );
    }
    const { pieces, total } = await kernel.pieces();
    // The n-gram tables and threads are no longer needed: let their memory go before the prune loops.
    await kernel.close?.();
    const rawPieces = pieces.counts.length;
    const results = prunePieces(pieces, {
      maxPieceLength: o.maxPieceLength,
      minCount: o.minCount,
      sizes: o.sizes,
      engine,
      onRound: (round) => progress({ stage: 'prune-pieces', done: round }),
    });
    const models = results.map((p, i) => new TrainedModel(o.sizes[i]!, p, makeTokenizer));
    this.stats = {
      documents: first.documents,
      bytes: first.bytes,
      chunks,
      ngramsRaw: sizes.rawSizes,
      ngramsPruned: sizes.prunedSizes,
      rawPieces,
      rawPiecesTotal: total,
      pieces: models.map((m) => m.vocabSize - 3),
    };
    progress({ stage: 'done', done: 1, total: 1 });
    return models;
  }
}

/** `new Trainer(options).train(corpus)`: one model per size in `options.maxVocabSize`, largest first. */
export function train(corpus: TrainCorpus, options: TrainOptions = {}): Promise<TrainedModel[]> {
  return new Trainer(options).train(corpus);
}

/** {@link Trainer.convertToBytePiece}: a model from an external `{piece: count}` table. */
export function convertToBytePiece(pieces: ExternalPieces, options: { engine?: 'wasm' | 'js' } = {}): Promise<TrainedModel> {
  return Trainer.convertToBytePiece(pieces, options);
}
