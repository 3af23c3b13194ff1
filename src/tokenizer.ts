import type { Engine } from './engine.js';
import { JsEngine } from './engine-js.js';
import { WasmEngine } from './engine-wasm.js';
import { compileModel, type CompiledModel } from './model.js';
import { normalizeText, type LoneSurrogates } from './normalize.js';
import { vocabularyFromSource, vocabularyFromValue, type ModelSource } from './source.js';
import { lookup } from './trie.js';
import { decodeUtf8Ignore } from './utf8.js';
import { SPECIAL_TOKENS, type Vocabulary, type ModelJson } from './vocabulary.js';
import { compileWasm, compileWasmSync, defaultWasmUrl, type WasmSource } from './wasm-module.js';

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
}

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Put `<bos>` (id 1) first. */
  addBos?: boolean;
  /** Put `<eos>` (id 2) last. */
  addEos?: boolean;
}

/** How a Tokenizer subclass reaches files and the kernel in its environment. */
export interface Platform {
  readModel(source: unknown, name?: string): Promise<Vocabulary>;
  readModelSync(source: unknown, name?: string): Vocabulary;
  defaultWasm(): Promise<WebAssembly.Module>;
  defaultWasmSync(): WebAssembly.Module;
}

let webKernel: Promise<WebAssembly.Module> | undefined;

const webPlatform: Platform = {
  readModel: (source, name) => vocabularyFromSource(source as ModelSource, name),
  readModelSync: (source, name) => {
    if (typeof source === 'string' || source instanceof URL || (typeof Response !== 'undefined' && source instanceof Response)) {
      throw new TypeError('Tokenizer.loadSync cannot fetch: pass bytes or a parsed model, or use Tokenizer.load');
    }
    return vocabularyFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name);
  },
  defaultWasm: () => (webKernel ??= compileWasm(defaultWasmUrl())),
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

  protected constructor(model: CompiledModel, impl: Engine, options: LoadOptions) {
    this.model = model;
    this.impl = impl;
    this.engine = impl.name;
    this.vocabSize = model.vocab.vocabSize;
    this.loneSurrogates = options.loneSurrogates ?? 'error';
  }

  /**
   * Loads a model: a `.model` JSON or a `.zip` holding one, given as bytes, a URL or fetch Response,
   * an already-parsed model object, or (in Node) a file path.
   */
  static async load(source: ModelSource, options: LoadOptions = {}): Promise<Tokenizer> {
    const platform = this.platform;
    const engine = checkOptions(options);
    const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasm(options.wasm) : platform.defaultWasm()) : undefined;
    kernel?.catch(() => {}); // awaited below; don't report it unhandled if the model fails first
    const vocab = await platform.readModel(source, options.name);
    return this.create(vocab, kernel ? await kernel : undefined, options);
  }

  /**
   * Synchronous {@link Tokenizer.load}: in Node from a path or bytes; elsewhere from bytes or a parsed
   * model, with `options.wasm` given as a Module or bytes.
   */
  static loadSync(source: ModelSource, options: LoadOptions = {}): Tokenizer {
    const platform = this.platform;
    const engine = checkOptions(options);
    const vocab = platform.readModelSync(source, options.name);
    const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasmSync(options.wasm) : platform.defaultWasmSync()) : undefined;
    return this.create(vocab, kernel, options);
  }

  private static create(vocab: Vocabulary, kernel: WebAssembly.Module | undefined, options: LoadOptions): Tokenizer {
    const model = compileModel(vocab, options.name);
    const impl = kernel ? new WasmEngine(model, kernel) : new JsEngine(model);
    return new this(model, impl, options);
  }

  /** The pieces of `text` (NFC, split after each run of `\n`), as bytes. */
  tokenize(text: string): Uint8Array[] {
    return this.piecesOf(this.impl.encodeText(this.normalize(text), true, 0, 0));
  }

  /** The ids of `text`'s pieces, optionally framed by `<bos>` / `<eos>`. */
  encode(text: string, options: EncodeOptions = {}): Uint32Array {
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    return frame(this.impl.encodeText(this.normalize(text), true, bos, eos), bos, eos);
  }

  /** Segments raw bytes as one chunk: no NFC, no split at `\n`. */
  tokenizeBytes(bytes: Uint8Array): Uint8Array[] {
    return this.piecesOf(this.impl.encodeBytes(checkBytes(bytes), false, 0, 0));
  }

  /** Ids of {@link Tokenizer.tokenizeBytes}, optionally framed by `<bos>` / `<eos>`. */
  encodeBytes(bytes: Uint8Array, options: EncodeOptions = {}): Uint32Array {
    const bos = options.addBos ? 1 : 0;
    const eos = options.addEos ? 1 : 0;
    return frame(this.impl.encodeBytes(checkBytes(bytes), false, bos, eos), bos, eos);
  }

  /**
   * The text of `ids`: ids 0-2 are skipped, the pieces' bytes are concatenated and decoded as UTF-8
   * with invalid sequences dropped (a U+FFFD or BOM in the text survives). Throws a RangeError
   * naming the first id that is not an integer in [0, vocabSize).
   */
  decode(ids: ArrayLike<number>): string {
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
   * The id of a piece given as bytes, or as a string (its UTF-8; `'<pad>'`, `'<bos>'`, `'<eos>'`
   * name ids 0-2). Throws a RangeError for a piece not in the vocabulary.
   */
  pieceToId(piece: string | Uint8Array): number {
    let bytes: Uint8Array;
    if (typeof piece === 'string') {
      const special = (SPECIAL_TOKENS as readonly string[]).indexOf(piece);
      if (special >= 0) return special;
      bytes = new TextEncoder().encode(piece);
    } else {
      bytes = piece;
    }
    const id = lookup(this.model.trie, bytes);
    if (id < 0) throw new RangeError(`not a piece of this model: ${typeof piece === 'string' ? JSON.stringify(piece) : `bytes [${Array.from(bytes).join(', ')}]`}`);
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
    return Array.from(ids, (id) => this.idToPiece(id));
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

  private checkId(id: number, index?: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      const where = index === undefined ? '' : ` at index ${index}`;
      throw new RangeError(`unknown id ${String(id)}${where}: ids are integers in [0, ${this.vocabSize})`);
    }
  }

  /**
   * {@link Tokenizer.encode} over a list, in order, on this thread (Node: `TokenizerPool` spreads a
   * batch over worker threads). An error names the index of the text that caused it.
   */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Uint32Array[] {
    const out: Uint32Array[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      try {
        out[i] = this.encode(texts[i]!, options);
      } catch (e) {
        if (e instanceof Error) e.message = `texts[${i}]: ${e.message}`;
        throw e;
      }
    }
    return out;
  }
}

function checkOptions(options: LoadOptions): 'wasm' | 'js' {
  const engine = options.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'js') throw new TypeError(`options.engine must be 'wasm' or 'js', got ${JSON.stringify(engine)}`);
  const ls = options.loneSurrogates ?? 'error';
  if (ls !== 'error' && ls !== 'replace') throw new TypeError(`options.loneSurrogates must be 'error' or 'replace', got ${JSON.stringify(ls)}`);
  return engine;
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
