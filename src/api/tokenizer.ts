// api/: the platform-neutral public classes (Tokenizer, incremental and stream encoders, sampling).
import type { Engine } from '../engine/engine.js';
import { JsEngine } from '../engine/engine-js.js';
import { WasmEngine } from '../engine/engine-wasm.js';
import { LineWindows } from '../engine/line-windows.js';
import { compileModel, type CompiledModel, type ParsedModel } from '../model/compile.js';
import { normalizeText, type LoneSurrogates } from '../text/normalize.js';
import { checkSeed, randomState, seedState } from '../engine/prng.js';
import { modelFromSource, modelFromValue, type ModelSource } from '../model/source.js';
import { lookup } from '../model/trie.js';
import { writeBinaryModel } from '../model/binary-model.js';
import { decodeUtf8Ignore } from '../text/utf8.js';
import { StreamDecoder, type Decoder } from './stream-decoder.js';
import { withOffsets, type EncodingWithOffsets } from './offsets.js';
import { pieceSteps } from '../text/offsets.js';
import { checkBudget, isWithinTokenLimit, truncate, type LimitContext } from './limits.js';
import { SPECIAL_TOKENS, type ModelJson } from '../model/vocabulary.js';
import { compileDefaultWasm, compileWasm, compileWasmSync, type WasmSource } from '../engine/wasm-module.js';
import { DEFAULT_MODEL, defaultModelUrl, isDefaultModel } from '../model/default-model.js';
import { describeValue } from '../model/errors.js';
import { checkAlpha } from './check-alpha.js';

/** `<pad>`, `<bos>`, `<eos>`: the names of ids 0, 1, 2. */
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** Options of {@link Tokenizer.load}. */
export interface LoadOptions {
  /** `'wasm'` (default): the WebAssembly kernel. `'js'`: the pure-JS engine (same ids, no WebAssembly needed). */
  engine?: 'wasm' | 'js';
  /** The kernel, when it cannot be found next to this module (custom hosting, edge runtimes). */
  wasm?: WasmSource;
  /** A lone surrogate in input text is an error (default) or becomes U+FFFD (`'replace'`). */
  loneSurrogates?: LoneSurrogates;
  /** A name for the model in error messages (defaults to the file name or URL). */
  name?: string;
  /**
   * The largest model read, in bytes: the file, a zip's model entry once inflated (checked against
   * the zip's directory before inflating, and enforced while inflating), a response body. Default
   * 2^30 (1 GiB; the published models are 3-18 MB). A larger one is a {@link ModelError}.
   */
  maxModelBytes?: number;
  /**
   * Seeds the generator behind sampling (`alpha ≥ 0`): a safe integer. The same seed and the same
   * sequence of calls give the same samples with either engine, on every platform. Without it the
   * generator is seeded from `crypto.getRandomValues`. See {@link Tokenizer.setSeed}.
   */
  seed?: number;
  /**
   * Where the default model (`Tokenizer.load()` with no source, or `'bytepiece.eu.plus.160k'`) is
   * read from when it is not beside this module, e.g. a host that serves it elsewhere: a URL, a
   * Response, its bytes (in Node also a file path). It is the file `dist/models/bytepiece.eu.plus.160k.bin`
   * of the package. Only for the default model: with another source it is an error.
   */
  defaultModel?: ModelSource;
}

/** Options of {@link Tokenizer.tokenize} and {@link Tokenizer.tokenizeBytes}. */
export interface TokenizeOptions {
  /**
   * Viterbi sampling (subword regularization, SPEC §4). Absent or negative: the deterministic,
   * best segmentation. `alpha ≥ 0`: one segmentation drawn at random with probability
   * ∝ exp(alpha · Σ piece scores), exactly (the reference's one-pass algorithm, not an n-best
   * approximation): `0` is uniform over all segmentations, larger values concentrate on the best
   * ones (by `alpha` ≈ 1e3 a sample is the best segmentation except where several are nearly
   * tied, and then it picks among those at random, unlike the deterministic mode). Must be a finite
   * number ≤ 1e290 (NaN and ±Infinity are errors: use a negative value for the deterministic mode).
   * Draws come from the tokenizer's seedable generator. The first call at each new alpha builds a
   * weight table (~10–17 ms on the 160k/240k models; the last 3 alphas are kept): see the README's
   * Limitations.
   */
  alpha?: number;
}

/** Options of {@link Tokenizer.encode} and {@link Tokenizer.encodeBytes}. */
export interface EncodeOptions extends TokenizeOptions {
  /** Put `<bos>` (id 1) first. */
  addBos?: boolean;
  /** Put `<eos>` (id 2) last. */
  addEos?: boolean;
}

/** Options of {@link Tokenizer.isWithinTokenLimit} and {@link Tokenizer.truncate}: the budget counts `<bos>`/`<eos>` when asked for. */
export interface LimitOptions {
  addBos?: boolean;
  addEos?: boolean;
}

/** How a Tokenizer subclass reaches files and the kernel in its environment. */
export interface Platform {
  /** `kernel`: the WebAssembly kernel if it is ready, to decode binary models with. */
  readModel(source: unknown, name?: string, kernel?: () => WebAssembly.Module | undefined, maxBytes?: number): Promise<ParsedModel>;
  readModelSync(source: unknown, name?: string, kernel?: () => WebAssembly.Module | undefined, maxBytes?: number): ParsedModel;
  defaultWasm(): Promise<WebAssembly.Module>;
  defaultWasmSync(): WebAssembly.Module;
  /** SPEC §8's SentencePiece export, where the platform ships it (Node: the browser bundle leaves protobufjs out). */
  toSentencePiece?(model: CompiledModel): Uint8Array;
}

const webPlatform: Platform = {
  readModel: (source, name, kernel, maxBytes) => modelFromSource(source as ModelSource, name, { kernel, maxBytes }),
  readModelSync: (source, name, kernel, maxBytes) => {
    if (source instanceof URL && source.href === defaultModelUrl().href) {
      throw new TypeError('Tokenizer.loadSync cannot fetch the default model here: use Tokenizer.load(), or pass its bytes as options.defaultModel');
    }
    if (typeof source === 'string' || source instanceof URL || (typeof Response !== 'undefined' && source instanceof Response)) {
      throw new TypeError('Tokenizer.loadSync cannot fetch: pass bytes or a parsed model, or use Tokenizer.load');
    }
    return modelFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name, { kernel, maxBytes });
  },
  defaultWasm: compileDefaultWasm,
  defaultWasmSync: () => {
    throw new TypeError('Tokenizer.loadSync needs options.wasm here (a WebAssembly.Module or the .wasm bytes)');
  },
};

/**
 * A BytePiece tokenizer: exact Unigram segmentation of UTF-8 bytes (the reference's ids, byte for
 * byte). Immutable model, reusable scratch memory; not safe to share across threads, cheap to load
 * one per worker.
 *
 * @example
 * ```ts
 * const tok = await Tokenizer.load('bytepiece.plus.80k.zip');
 * const ids = tok.encode('今天天气不错 hello', { addEos: true });
 * tok.decode(ids); // '今天天气不错 hello'
 * ```
 */
export class Tokenizer {
  /** How files and the kernel are reached; the Node entry substitutes its own. */
  protected static platform: Platform = webPlatform;

  /** Number of ids, pieces + 3. */
  readonly vocabSize: number;
  /** The engine in use. */
  readonly engine: 'wasm' | 'js';
  private readonly model: CompiledModel;
  private readonly impl: Engine;
  private readonly loneSurrogates: LoneSurrogates;
  /** Whether the sampling generator has a state yet (from a seed, or from crypto at first use). */
  private seeded = false;

  protected constructor(model: CompiledModel, impl: Engine, options: LoadOptions) {
    this.model = model;
    this.impl = impl;
    this.engine = impl.name;
    this.vocabSize = model.vocab.vocabSize;
    this.loneSurrogates = options.loneSurrogates ?? 'error';
    if (options.seed !== undefined) this.setSeed(options.seed);
  }

  /**
   * Loads a model: a `.model` JSON or a `.zip` holding one, given as bytes, a URL or fetch Response,
   * an already-parsed model object, or (in Node) a file path. With no source, or the name
   * `'bytepiece.eu.plus.160k'`, the default model shipped in the package (mixed Chinese, English
   * and code; 159,831 ids): in Node read from the package folder, elsewhere fetched from beside this
   * module when first needed (see {@link LoadOptions.defaultModel} to serve it from elsewhere).
   */
  static async load(source?: ModelSource, options: LoadOptions = {}): Promise<Tokenizer> {
    const platform = this.platform;
    const engine = checkLoadOptions(options);
    ({ source, options } = modelToLoad(source, options));
    const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasm(options.wasm) : platform.defaultWasm()) : undefined;
    // Awaited below (no unhandled rejection if the model fails first); if it is compiled by the time
    // the model's bytes are in, it decodes a binary model.
    let ready: WebAssembly.Module | undefined;
    kernel?.then(
      (m) => {
        ready = m;
      },
      () => {},
    );
    const parsed = await platform.readModel(source, options.name, () => ready, options.maxModelBytes);
    return this.prepare(parsed, kernel ? await kernel : undefined, options, sourceName(source, options));
  }

  /**
   * Synchronous {@link Tokenizer.load}: in Node from a path or bytes (or the default model, with no
   * source); elsewhere from bytes or a parsed model, with `options.wasm` given as a Module or bytes.
   */
  static loadSync(source?: ModelSource, options: LoadOptions = {}): Tokenizer {
    const platform = this.platform;
    const engine = checkLoadOptions(options);
    ({ source, options } = modelToLoad(source, options));
    const given = typeof WebAssembly !== 'undefined' && options.wasm instanceof WebAssembly.Module ? options.wasm : undefined;
    const parsed = platform.readModelSync(source, options.name, given && (() => given), options.maxModelBytes);
    const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasmSync(options.wasm) : platform.defaultWasmSync()) : undefined;
    return this.prepare(parsed, kernel, options, sourceName(source, options));
  }

  /**
   * The one way a Tokenizer is made (load, loadSync, the Node pool's threads): checks the options,
   * compiles the model (a compiled one is taken as it is) and picks the engine: the kernel's when
   * one is given, else pure JS.
   */
  protected static prepare(parsed: ParsedModel, kernel: WebAssembly.Module | undefined, options: LoadOptions, source = options.name): Tokenizer {
    checkLoadOptions(options);
    const model = compileModel(parsed, source);
    const impl = kernel ? new WasmEngine(model, kernel) : new JsEngine(model);
    return new this(model, impl, options);
  }

  /**
   * The pieces of `text` (NFC, split after each run of `\n`), as bytes: the best segmentation, or
   * with `options.alpha ≥ 0` a random one (see {@link TokenizeOptions.alpha}).
   */
  tokenize(text: string, options: TokenizeOptions = {}): Uint8Array[] {
    checkKeys(options, TOKENIZE_KEYS, 'tokenize');
    const alpha = this.alphaOf(options);
    return this.piecesOf(this.impl.encodeText(this.normalize(text), true, 0, 0, alpha));
  }

  /** The ids of `text`'s pieces ({@link Tokenizer.tokenize}), optionally framed by `<bos>` / `<eos>`. */
  encode(text: string, options: EncodeOptions = {}): Uint32Array {
    checkKeys(options, ENCODE_KEYS, 'encode');
    const alpha = this.alphaOf(options);
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    return frame(this.impl.encodeText(this.normalize(text), true, bos, eos, alpha), bos, eos);
  }

  /**
   * {@link Tokenizer.encode} with each token's span in `text` as given (not its NFC form): token k
   * came from `text.slice(starts[k], ends[k])`. Where NFC composes or decomposes, a token's span
   * covers every original code unit that produced its bytes; a piece holding part of a character
   * spans that whole character (consecutive tokens then share a span). The spans, merged, tile
   * the text. `byteOffsets: true` gives offsets into the UTF-8 of `text` instead.
   *
   * @example
   * ```ts
   * const { ids, starts, ends } = tok.encodeWithOffsets('Café ☕');
   * for (let k = 0; k < ids.length; k++) console.log(ids[k], text.slice(starts[k], ends[k]));
   * ```
   */
  encodeWithOffsets(text: string, options: EncodeOptions & { byteOffsets?: boolean } = {}): EncodingWithOffsets {
    const alpha = this.alphaOf(options);
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    const normalized = this.normalize(text);
    const ids = frame(this.impl.encodeText(normalized, true, bos, eos, alpha), bos, eos);
    const inBytes = options.byteOffsets === true;
    const { vocab } = this.model;
    const steps = (this.steps[inBytes ? 1 : 0] ??= pieceSteps(vocab.bytes, vocab.offsets, vocab.vocabSize, inBytes));
    return withOffsets(text, normalized, ids, bos, eos, this.model.lengths, inBytes, steps);
  }

  /** pieceSteps of the model in UTF-16 units and in bytes, made at first use (~1 ms per 100k pieces). */
  private steps: [Int32Array?, Int32Array?] = [];

  /** Segments raw bytes as one chunk: no NFC, no split at `\n`. `options.alpha` as in {@link Tokenizer.tokenize}. */
  tokenizeBytes(bytes: Uint8Array, options: TokenizeOptions = {}): Uint8Array[] {
    checkKeys(options, TOKENIZE_KEYS, 'tokenizeBytes');
    const alpha = this.alphaOf(options);
    return this.piecesOf(this.impl.encodeBytes(checkBytes(bytes), false, 0, 0, alpha));
  }

  /** Ids of {@link Tokenizer.tokenizeBytes}, optionally framed by `<bos>` / `<eos>`. */
  encodeBytes(bytes: Uint8Array, options: EncodeOptions = {}): Uint32Array {
    checkKeys(options, ENCODE_KEYS, 'encodeBytes');
    const alpha = this.alphaOf(options);
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    return frame(this.impl.encodeBytes(checkBytes(bytes), false, bos, eos, alpha), bos, eos);
  }

  /**
   * Restarts the sampling generator from `seed` (a safe integer, negative allowed): the samples
   * that follow are the same as after loading with `{ seed }`, with either engine. Throws a
   * TypeError/RangeError for anything else.
   */
  setSeed(seed: number): void {
    this.impl.setRandomState(seedState(seed));
    this.seeded = true;
  }

  // The engines' alpha for these options (-1: deterministic); seeds the generator from crypto on
  // the first sampling call without a seed (so deterministic use never needs crypto).
  private alphaOf(options: TokenizeOptions): number {
    const alpha = checkAlpha(options.alpha);
    if (alpha >= 0 && !this.seeded) {
      this.impl.setRandomState(randomState());
      this.seeded = true;
    }
    return alpha;
  }

  /**
   * The text of `ids`: ids 0-2 are skipped, the pieces' bytes are concatenated and decoded as UTF-8
   * with invalid sequences dropped (a U+FFFD or BOM in the text survives). Throws a TypeError if
   * `ids` is not a list (an array or typed array) or holds something other than a number, and a
   * RangeError naming the first number that is not an id (an integer in [0, vocabSize)).
   */
  decode(ids: ArrayLike<number>): string {
    checkIdList(ids, 'decode');
    const { bytes, offsets } = this.model.vocab;
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      this.checkId(id, i);
      total += offsets[id + 1]! - offsets[id]!;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      out.set(bytes.subarray(offsets[id]!, offsets[id + 1]!), at);
      at += offsets[id + 1]! - offsets[id]!;
    }
    return decodeUtf8Ignore(out);
  }

  /**
   * A decoder for ids that arrive a few at a time (a language model's output): `push(ids)` returns
   * the text they complete, never half a character, and what it returns, concatenated, equals
   * {@link Tokenizer.decode} of all the ids. See also `DecodeStream`.
   *
   * @example
   * ```ts
   * const d = tok.decoder();
   * for await (const id of generate()) output.textContent += d.push(id);
   * d.flush();
   * ```
   */
  decoder(): Decoder {
    return new StreamDecoder(this.model.vocab, (id, i) => this.checkId(id, i));
  }

  /**
   * The id of a piece given as bytes, or as a string (its UTF-8; `'<pad>'`, `'<bos>'`, `'<eos>'`
   * name ids 0-2). Throws a RangeError for a piece not in the vocabulary, a TypeError for a
   * value that is neither a string nor a Uint8Array.
   */
  pieceToId(piece: string | Uint8Array): number {
    let bytes: Uint8Array;
    if (typeof piece === 'string') {
      const special = (SPECIAL_TOKENS as readonly string[]).indexOf(piece);
      if (special >= 0) return special;
      bytes = new TextEncoder().encode(piece);
    } else if (piece instanceof Uint8Array) {
      bytes = piece;
    } else {
      throw new TypeError(`pieceToId: a piece is a string or a Uint8Array, got ${shown(piece)}`);
    }
    const id = lookup(this.model.trie, bytes);
    if (id < 0)
      throw new RangeError(`not a piece of this model: ${typeof piece === 'string' ? JSON.stringify(piece) : `bytes [${Array.from(bytes).join(', ')}]`}`);
    return id;
  }

  /** The bytes of piece `id` (a copy), or the name of a special id. */
  idToPiece(id: number): Uint8Array | SpecialToken {
    this.checkId(id);
    if (id < 3) return SPECIAL_TOKENS[id]!;
    const { bytes, offsets } = this.model.vocab;
    return bytes.slice(offsets[id]!, offsets[id + 1]!);
  }

  /** {@link Tokenizer.pieceToId} over a list. */
  piecesToIds(pieces: readonly (string | Uint8Array)[]): number[] {
    return pieces.map((p) => this.pieceToId(p));
  }

  /** {@link Tokenizer.idToPiece} over a list. */
  idsToPieces(ids: ArrayLike<number>): (Uint8Array | SpecialToken)[] {
    checkIdList(ids, 'idsToPieces');
    return Array.from(ids, (id) => this.idToPiece(id));
  }

  /**
   * @internal The streams' way through one line too long to hold at once: its text in parts, each
   * cut where NFC allows (NFC of the parts = NFC of the whole), ids out as they become final,
   * exactly those of `encode(wholeLine)` without `<bos>`/`<eos>`. `end` takes the last part.
   */
  lineEncoder(): { push(text: string): Uint32Array; end(text: string): Uint32Array } {
    const windows = new LineWindows(this.impl.windowPass(), this.model);
    const encoder = new TextEncoder();
    return {
      push: (text) => windows.push(encoder.encode(this.normalize(text))),
      end: (text) => {
        const last = windows.push(encoder.encode(this.normalize(text)));
        const rest = windows.end();
        if (last.length === 0) return rest;
        const ids = new Uint32Array(last.length + rest.length);
        ids.set(last);
        ids.set(rest, last.length);
        return ids;
      },
    };
  }

  private normalize(text: string): string {
    return normalizeText(text, this.loneSurrogates);
  }

  private piecesOf(ids: Uint32Array): Uint8Array[] {
    const { bytes, offsets } = this.model.vocab;
    const pieces: Uint8Array[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) pieces[i] = bytes.slice(offsets[ids[i]!]!, offsets[ids[i]! + 1]!);
    return pieces;
  }

  // Not a number: a TypeError showing the value as it is ('3' is a string, not id 3); a number
  // that is no id (fraction, NaN, out of range): a RangeError. Same wording in decode, the stream
  // decoders and idToPiece.
  private checkId(id: number, index?: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      const where = index === undefined ? '' : ` at index ${index}`;
      const range = `ids are integers in [0, ${this.vocabSize})`;
      if (typeof id !== 'number') throw new TypeError(`the id${where} is ${shown(id)}, not a number: ${range}`);
      throw new RangeError(`unknown id ${String(id)}${where}: ${range}`);
    }
  }

  /**
   * The number of ids {@link Tokenizer.encode} would return for `text` (with the same options),
   * without materializing them: for budgeting context windows or sizing buffers. With
   * `options.alpha ≥ 0` it counts one random segmentation (drawn as `encode` would).
   */
  countTokens(text: string, options: EncodeOptions = {}): number {
    checkKeys(options, ENCODE_KEYS, 'countTokens');
    if (this.alphaOf(options) >= 0) return this.encode(text, options).length;
    return this.impl.countText(this.normalize(text), true) + (options.addBos ? 1 : 0) + (options.addEos ? 1 : 0);
  }

  /**
   * The number of ids {@link Tokenizer.encode} would return for `text` (with `<bos>`/`<eos>` as
   * asked) if it is at most `limit`, else `false`, stopping as soon as the limit is passed: the cost
   * grows with `limit`, not with the text (a 100-token check on a 10 MB paste reads a few KB of it).
   * Only the part read is checked: a lone surrogate there throws as in `encode` (unless
   * `loneSurrogates: 'replace'`), one beyond it does not. `limit` must be a non-negative integer.
   *
   * @example
   * ```ts
   * const n = tok.isWithinTokenLimit(prompt, 4096);
   * if (n === false) prompt = tok.truncate(prompt, 4096);
   * ```
   */
  isWithinTokenLimit(text: string, limit: number, options: LimitOptions = {}): number | false {
    if (typeof text !== 'string') this.normalize(text); // the TypeError encode throws
    return isWithinTokenLimit(this.limitContext, text, checkBudget(limit, 'limit'), options.addBos ? 1 : 0, options.addEos ? 1 : 0);
  }

  /**
   * The longest prefix of `text` (as given, cut between code points) whose ids are the first ids
   * of `encode(text)`, at most `maxTokens` of them counting `<bos>`/`<eos>` if asked for (`''` if
   * those alone do not fit); `text` itself if it fits. Reads only as much of `text` as the budget
   * needs, even inside one long line (the first tokens of a line are final once the best
   * segmentations of a head of it agree), so the cost grows with `maxTokens`, not with the text.
   * `maxTokens` must be a non-negative integer (else a RangeError naming it).
   */
  truncate(text: string, maxTokens: number, options: LimitOptions = {}): string {
    if (typeof text !== 'string') this.normalize(text);
    return truncate(this.limitContext, text, checkBudget(maxTokens, 'maxTokens'), options.addBos ? 1 : 0, options.addEos ? 1 : 0);
  }

  private get limitContext(): LimitContext {
    const { model, impl, loneSurrogates } = this;
    return (this.limits ??= {
      normalize: (window, base) => normalizeText(window, loneSurrogates, base),
      count: (normalized) => impl.countText(normalized, true),
      encode: (normalized) => impl.encodeText(normalized, true, 0, 0),
      chunkWindows: (window) => new LineWindows(impl.windowPass(), model, window),
      get lengths() {
        return model.lengths;
      }, // a binary model's view is re-made when memory grows
      maxPieceLength: model.maxPieceLength,
    });
  }

  private limits?: LimitContext;

  /**
   * {@link Tokenizer.encode} into a caller's buffer: writes the ids to `out` from index 0 and
   * returns their number; reusing one buffer avoids an allocation per call. To pack many texts
   * into one buffer, pass `out.subarray(offset)`.
   *
   * If the ids do not fit, throws a RangeError naming how many slots are needed and how many `out`
   * has, and leaves `out` unchanged (nothing is truncated). A text never has more ids than UTF-8
   * bytes, so `3 * text.length + 2` slots always suffice; {@link Tokenizer.countTokens} gives the
   * exact number.
   */
  encodeInto(text: string, out: Uint32Array, options: EncodeOptions = {}): number {
    if (!(out instanceof Uint32Array)) throw new TypeError('encodeInto: out must be a Uint32Array');
    checkKeys(options, ENCODE_KEYS, 'encodeInto');
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    const alpha = this.alphaOf(options);
    const normalized = this.normalize(text);
    // The engine writes nothing and returns minus the count when the ids do not fit (a sample is
    // drawn all the same, as encode would draw it).
    const count =
      out.length < bos + eos
        ? -1 - (alpha < 0 ? this.impl.countText(normalized, true) : this.impl.encodeText(normalized, true, 0, 0, alpha).length)
        : this.impl.encodeTextInto(normalized, true, eos ? out.subarray(0, out.length - eos) : out, bos, alpha);
    if (count < 0) {
      const ids = out.length < bos + eos ? -1 - count : -count;
      const framing = bos || eos ? ' (with <bos>/<eos>)' : '';
      throw new RangeError(`encodeInto: the text has ${bos + ids + eos} ids${framing} but out has room for ${out.length}`);
    }
    if (bos) out[0] = 1;
    if (eos) out[bos + count] = 2;
    return bos + count + eos;
  }

  /**
   * The model in this package's compact binary format: pieces, counts, scores and the trie, so
   * {@link Tokenizer.load} / `loadSync` (which recognize it by its magic header) skip parsing,
   * logarithms and the trie build. Versioned and checksummed; smaller than the published zips.
   */
  toBinary(): Uint8Array {
    return writeBinaryModel(this.model);
  }

  /**
   * The model as a SentencePiece Unigram `.model` (a serialized `ModelProto`), byte for byte what the
   * reference's `convert_to_sentencepiece` writes (SPEC §8): for tools that read only SentencePiece.
   * Spaces become `▁`, unprintable single bytes `<0xHH>` pieces, and byte fallback is on. Throws a
   * RangeError naming the first multi-byte piece that is not valid UTF-8 (models not trained with
   * `ensure_unicode`, without `eu` in their names, have such pieces and cannot be expressed).
   * Node only (the protobuf library it needs would double the browser bundle; elsewhere it throws a
   * TypeError saying so): convert once with `bytepiece convert --to sentencepiece` and ship the file.
   */
  toSentencePiece(): Uint8Array {
    const convert = (this.constructor as typeof Tokenizer).platform.toSentencePiece;
    if (!convert)
      throw new TypeError(
        'toSentencePiece is available in Node only (the protobuf library it needs is left out of the browser bundle): run `bytepiece convert --to sentencepiece MODEL -o OUT` once and ship the file',
      );
    return convert(this.model);
  }

  /**
   * {@link Tokenizer.encode} over a list, in order, on this thread (Node: `TokenizerPool` spreads a
   * batch over worker threads). An error names the index of the text that caused it.
   *
   * The arrays returned are views into one `ArrayBuffer` (one allocation per batch rather than
   * one per text, which is most of the cost of a short text beyond the segmentation itself, see
   * the README's Performance notes). Reading them is as usual; to transfer one to another thread
   * without the rest, send `ids.slice()`.
   */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Uint32Array[] {
    if (!Array.isArray(texts)) throw new TypeError('encodeBatch expects an array of strings');
    checkKeys(options, ENCODE_KEYS, 'encodeBatch');
    return this.encodeBatchFrom(texts, options, 0);
  }

  /**
   * encodeBatch for a slice of a larger list that starts at index `first` there (errors name that
   * index), restarting the generator before each text from `seedAt(index)` when given: the worker
   * pool's tasks (src/node/shared-model.ts).
   */
  protected encodeBatchFrom(texts: readonly string[], options: EncodeOptions, first: number, seedAt?: (index: number) => number): Uint32Array[] {
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    const ends = new Float64Array(texts.length);
    // Errors name the text they come from, by its index in the caller's list.
    const blame = (e: unknown, k: number): never => {
      if (e instanceof Error) e.message = `texts[${first + k}]: ${e.message}`;
      throw e;
    };
    // Short texts go two per engine call where the engine can (Engine.encodeTwoInto).
    const two = this.impl.encodeTwoInto && !seedAt ? this.impl : null;
    let ids = this.batchIds;
    let at = 0;
    // Frames text k's count ids, written from at + bos, and moves past them.
    const close = (k: number, count: number) => {
      if (bos) ids[at] = 1;
      if (eos) ids[at + bos + count] = 2;
      at += bos + count + eos;
      ends[k] = at;
    };
    for (let i = 0; i < texts.length; i++) {
      let alpha = -1;
      let text = '';
      try {
        if (seedAt) this.setSeed(seedAt(first + i));
        alpha = this.alphaOf(options);
        text = this.normalize(texts[i]!);
      } catch (e) {
        blame(e, i);
      }
      // Ids never outnumber UTF-8 bytes, at most 3 per UTF-16 unit.
      const most = 3 * text.length + bos + eos;
      const next = texts[i + 1];
      if (two && alpha < 0 && pairable(text) && typeof next === 'string' && pairable(next)) {
        let other = '';
        try {
          other = this.normalize(next);
        } catch (e) {
          blame(e, i + 1);
        }
        const need = at + most + 3 * other.length + bos + eos;
        if (need > ids.length) ids = this.batchIds = grown(ids, need, at);
        close(i, two.encodeTwoInto!(text, other, ids, at + bos, eos + bos));
        close(++i, two.pairCount!);
        continue;
      }
      let count = 0;
      try {
        // Room for one id per UTF-16 unit is nearly always enough; when it is not, the ids wait in
        // the engine until the staging area has grown.
        const likely = at + Math.min(most, text.length + 16 + bos + eos);
        if (likely > ids.length) ids = this.batchIds = grown(ids, likely, at);
        count = this.impl.encodeTextInto(text, true, ids, at + bos, alpha);
        if (count < 0) {
          count = -count;
          ids = this.batchIds = grown(ids, at + bos + count + eos, at);
          this.impl.copyLastInto(ids, at + bos);
        } else if (at + bos + count + eos > ids.length) {
          ids = this.batchIds = grown(ids, at + bos + count + eos, at + bos + count); // room for <eos>
        }
      } catch (e) {
        blame(e, i);
      }
      close(i, count);
    }
    const all = ids.slice(0, at);
    if (ids.length > BATCH_KEEP) this.batchIds = new Uint32Array(BATCH_KEEP);
    const out: Uint32Array[] = new Array(texts.length);
    const { buffer } = all;
    for (let i = 0, from = 0; i < texts.length; from = ends[i++]!) out[i] = new Uint32Array(buffer, 4 * from, ends[i]! - from);
    return out;
  }

  /** encodeBatch's staging area, reused across batches (shrunk back after a large one). */
  private batchIds: Uint32Array = new Uint32Array(4096);
}

/** Checks the options every Tokenizer takes; returns the engine they ask for. */
export function checkLoadOptions(options: LoadOptions): 'wasm' | 'js' {
  checkKeys(options, LOAD_KEYS, 'load');
  const engine = options.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'js') throw new TypeError(`options.engine must be 'wasm' or 'js', got ${JSON.stringify(engine)}`);
  const ls = options.loneSurrogates ?? 'error';
  if (ls !== 'error' && ls !== 'replace') throw new TypeError(`options.loneSurrogates must be 'error' or 'replace', got ${JSON.stringify(ls)}`);
  if (options.seed !== undefined) checkSeed(options.seed, 'options.seed');
  const max = options.maxModelBytes;
  if (max !== undefined && !(typeof max === 'number' && max >= 1 && Number.isSafeInteger(max))) {
    throw new TypeError(`options.maxModelBytes must be a positive integer, got ${describeValue(max)}`);
  }
  return engine;
}

/** encodeBatch pairs texts of at most this many UTF-16 units in one kernel call (WASM engine). */
const PAIR_TEXT = 4096;

/**
 * Whether encodeBatch should give this text a kernel call with another one: short, and without a
 * `\n` away from its ends, where the kernel would cut it in two streams of its own. Pairing every
 * short text measured 0.92-0.95x on whole documents (each loses its own cut); with this rule,
 * ~100-byte one-line texts 1.09-1.27x, the rest 0.97-1.05x (bench/batch-pairs.ts at tag lab-notebook-2026-12).
 */
function pairable(text: string): boolean {
  if (text.length > PAIR_TEXT) return false;
  const k = text.indexOf('\n', 16);
  return k < 0 || k >= text.length - 16;
}
/** encodeBatch keeps a staging area of at most this many ids between batches (4 MB). */
const BATCH_KEEP = 1 << 20;

/** ids[0..used) in a larger array: at least `need` slots, and at least 1.5 times the old size. */
function grown(ids: Uint32Array, need: number, used: number): Uint32Array {
  if (need <= ids.length) return ids;
  const bigger = new Uint32Array(Math.max(need, ids.length + (ids.length >> 1)));
  bigger.set(ids.subarray(0, used));
  return bigger;
}

/** What errors about a loaded model name it by: options.name, else the path or URL it came from. */
function sourceName(source: ModelSource, options: LoadOptions): string | undefined {
  if (options.name !== undefined) return options.name;
  if (typeof source === 'string') return source;
  if (typeof URL !== 'undefined' && source instanceof URL) return source.href;
  return undefined;
}

/** A value as a type error shows it: the string "3", the number 5, null, an object (Map). */
function shown(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? `the ${typeof v} ${describeValue(v)}` : describeValue(v);
}

/** A list of ids: an array, a typed array or another array-like object (not a string). */
function checkIdList(ids: unknown, method: string): void {
  if (typeof ids !== 'object' || ids === null || typeof (ids as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${method}: ids must be an array or a typed array of ids, got ${shown(ids)}`);
  }
}

function checkBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
  return bytes;
}

function frame(ids: Uint32Array, bos: number, eos: number): Uint32Array {
  if (bos) ids[0] = 1;
  if (eos) ids[ids.length - 1] = 2;
  return ids;
}

/** The options each method takes; any other key is refused (see checkKeys). */
const LOAD_KEYS: ReadonlySet<string> = new Set(['engine', 'wasm', 'loneSurrogates', 'name', 'seed', 'defaultModel', 'maxModelBytes']);
const TOKENIZE_KEYS: ReadonlySet<string> = new Set(['alpha']);
const ENCODE_KEYS: ReadonlySet<string> = new Set(['alpha', 'addBos', 'addEos']);

/**
 * Refuses an option the method does not take (it would otherwise be silently ignored), saying
 * where it belongs when it is another method's option. (Kept short: it ships in every bundle.)
 */
function checkKeys(options: object, allowed: ReadonlySet<string>, method: string): void {
  for (const key in options) {
    if (allowed.has(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const home = LOAD_KEYS.has(key) ? 'a load option: Tokenizer.load(source, {' : ENCODE_KEYS.has(key) ? 'an encode option: tokenizer.encode(text, {' : '';
    throw new TypeError(`${method}: unknown option "${key}": ${home ? `it is ${home} ${key} })` : `${method} takes ${[...allowed].join(', ')}`}`);
  }
}

/**
 * What to read for a load: the source as given, or for the default model (no source, or its name)
 * options.defaultModel or the file beside this module, named after the model in errors.
 */
export function modelToLoad(source: ModelSource | undefined, options: LoadOptions): { source: ModelSource; options: LoadOptions } {
  if (isDefaultModel(source)) {
    return { source: options.defaultModel ?? defaultModelUrl(), options: { ...options, name: options.name ?? DEFAULT_MODEL } };
  }
  if (options.defaultModel !== undefined) throw new TypeError('options.defaultModel only applies to the default model (no source)');
  return { source, options };
}
