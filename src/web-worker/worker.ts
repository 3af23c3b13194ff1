// web-worker/: a Tokenizer in a Web Worker (`bytepiece-wasm/worker` and its thread script).
/**
 * `bytepiece-wasm/worker`: tokenize off the main thread. A {@link TokenizerWorker} runs a Tokenizer
 * in a Web Worker and gives it the same methods, returning promises, so a page can tokenize
 * megabytes without freezing. Model bytes are transferred to the worker (or the worker fetches the
 * URL, or reads the File, itself): they are never copied on the way.
 *
 * @example
 * ```ts
 * import { TokenizerWorker } from 'bytepiece-wasm/worker';
 * const tok = await TokenizerWorker.load(); // the default model; or a File, a URL, bytes
 * const ids = await tok.encode(hugeText);
 * tok.terminate();
 * ```
 * @packageDocumentation
 */
import type { EncodeOptions, LoadOptions, SpecialToken, Tokenizer } from '../api/tokenizer.js';
import type { EncodingWithOffsets } from '../api/offsets.js';
import type { ModelJson } from '../model/vocabulary.js';
import type { WasmSource } from '../engine/wasm-module.js';
import { DEFAULT_MODEL, isDefaultModel } from '../model/default-model.js';
import type { ModelInfo, PostedModel, PostedWasm, Reply, Request, ThreadOptions } from './worker-protocol.js';

export type { ModelInfo } from './worker-protocol.js';
export type { EncodeOptions, SpecialToken } from '../api/tokenizer.js';

/** The options `Tokenizer.tokenize` takes in this build (sampling adds `alpha`). */
export type TokenizeOptions = Tokenizer['tokenize'] extends (text: string, options?: infer O) => unknown ? O : never;

/** What a worker can load a model from. Relative URLs are resolved against the page. */
export type WorkerModelSource = string | URL | Response | Blob | ArrayBuffer | Uint8Array | ModelJson;

/** Options of the {@link TokenizerWorker} constructor: those of `Tokenizer.load`, plus the worker. */
export interface TokenizerWorkerOptions extends Omit<LoadOptions, 'name'> {
  /**
   * A worker already running `bytepiece-wasm/worker-thread` (for example made with your bundler's
   * worker syntax). By default a module worker is started from `worker-thread.js` next to this module.
   */
  worker?: Worker;
}

/** Options of {@link TokenizerWorker.load}. */
export interface WorkerLoadOptions {
  /** A name for the model in error messages. */
  name?: string;
  /**
   * Move model bytes to the worker (default `true`): an ArrayBuffer, or the buffer of a Uint8Array
   * that spans all of it, is detached in the page afterwards. With `false` the worker gets a copy.
   */
  transfer?: boolean;
}

/** Result of {@link TokenizerWorker.encodeTimed}. */
export interface TimedEncoding {
  ids: Uint32Array;
  /** Mean milliseconds of one encode inside the worker (messaging not included). */
  ms: number;
  /** How many encodes were timed. */
  runs: number;
}

interface Pending {
  resolve(reply: Reply & { ok: true }): void;
  reject(error: Error): void;
}

/**
 * A Tokenizer in a Web Worker. Create it early (the worker starts and compiles the kernel at once),
 * `load` a model (again to switch models), then call the methods; requests run in order.
 */
export class TokenizerWorker {
  /** Resolves once the worker has started and compiled the kernel; rejects if it cannot. */
  readonly ready: Promise<void>;
  private loaded: ModelInfo | undefined;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  /** options.defaultModel: read on this side, posted as any other source. */
  private readonly defaultModel: WorkerModelSource | undefined;

  constructor(options: TokenizerWorkerOptions = {}) {
    const { worker, wasm, defaultModel, ...rest } = options;
    this.defaultModel = defaultModel;
    this.worker = worker ?? new Worker(new URL('./worker-thread.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent) => this.settle(event.data as Reply);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      const detail = event.message || 'the worker script could not be started (is worker-thread.js served next to worker.js, as JavaScript?)';
      this.fail(new Error(`bytepiece-wasm worker: ${detail}`));
    };
    this.worker.onmessageerror = () => this.fail(new Error('bytepiece-wasm worker: a message could not be deserialized'));
    this.ready = postedWasm(wasm).then((posted) => {
      const threadOptions: ThreadOptions = { ...rest, ...(posted !== undefined && { wasm: posted.wasm }) };
      return this.request({ op: 'init', id: 0, options: threadOptions }, posted?.transfer ?? []).then(() => undefined);
    });
    this.ready.catch(() => {}); // reported through load() and the other calls too
  }

  /** The model loaded last (vocabulary size, engine, whether sampling is there), once `load` has resolved. */
  get info(): ModelInfo | undefined {
    return this.loaded;
  }

  /** Starts a worker and loads a model into it (none: the default model, as `Tokenizer.load()`). */
  static async load(source?: WorkerModelSource, options: TokenizerWorkerOptions & WorkerLoadOptions = {}): Promise<TokenizerWorker> {
    const { name, transfer, ...workerOptions } = options;
    const tok = new TokenizerWorker(workerOptions);
    try {
      await tok.load(source, { name, transfer });
    } catch (e) {
      tok.terminate();
      throw e;
    }
    return tok;
  }

  /**
   * Loads (or replaces) the model in the worker: a URL, Response, Blob/File, bytes or parsed JSON;
   * none, or `'bytepiece.eu.plus.160k'`, for the default model (fetched by the worker from beside
   * its script, or from the constructor's `options.defaultModel`).
   */
  async load(source?: WorkerModelSource, options: WorkerLoadOptions = {}): Promise<ModelInfo> {
    await this.ready;
    const asDefault = isDefaultModel(source);
    const name = options.name ?? (asDefault ? DEFAULT_MODEL : defaultName(source!));
    // The default model's name goes as is: the thread resolves it beside its own script.
    const { model, transfer } =
      asDefault && this.defaultModel === undefined
        ? { model: DEFAULT_MODEL, transfer: [] }
        : await postedModel(asDefault ? this.defaultModel! : source!, options.transfer ?? true);
    const reply = await this.request({ op: 'load', id: 0, model, name }, transfer);
    this.loaded = reply.value as ModelInfo;
    return this.loaded;
  }

  /** Ids of `text` (see `Tokenizer.encode`). */
  async encode(text: string, options?: EncodeOptions): Promise<Uint32Array> {
    return (await this.encodeTimed(text, options)).ids;
  }

  /**
   * Ids of `text` and the time the worker took. With `minMs`, the worker repeats the encode until
   * that long has passed and reports the mean, so short texts get a meaningful time too.
   */
  async encodeTimed(text: string, options?: EncodeOptions, minMs = 0): Promise<TimedEncoding> {
    const reply = await this.request({ op: 'encode', id: 0, text, options, minMs });
    return { ids: reply.value as Uint32Array, ms: reply.ms, runs: reply.runs };
  }

  /** Ids of raw bytes as one chunk (see `Tokenizer.encodeBytes`); the bytes are copied. */
  async encodeBytes(bytes: Uint8Array, options?: EncodeOptions): Promise<Uint32Array> {
    return (await this.request({ op: 'encodeBytes', id: 0, bytes, options })).value as Uint32Array;
  }

  /** Ids of `text` with each token's span in it (see `Tokenizer.encodeWithOffsets`). */
  async encodeWithOffsets(text: string, options?: EncodeOptions & { byteOffsets?: boolean }): Promise<EncodingWithOffsets> {
    return (await this.request({ op: 'encodeWithOffsets', id: 0, text, options })).value as EncodingWithOffsets;
  }

  /** Pieces of `text` as bytes (see `Tokenizer.tokenize`, whose options it passes on). */
  async tokenize(text: string, options?: TokenizeOptions): Promise<Uint8Array[]> {
    return (await this.request({ op: 'tokenize', id: 0, text, options })).value as Uint8Array[];
  }

  /** Text of `ids` (see `Tokenizer.decode`). */
  async decode(ids: ArrayLike<number>): Promise<string> {
    return (await this.request({ op: 'decode', id: 0, ids })).value as string;
  }

  /** Bytes of each id's piece, or the name of a special id (see `Tokenizer.idsToPieces`). */
  async idsToPieces(ids: ArrayLike<number>): Promise<(Uint8Array | SpecialToken)[]> {
    return (await this.request({ op: 'idsToPieces', id: 0, ids })).value as (Uint8Array | SpecialToken)[];
  }

  /** Seeds the sampler, where this build has sampling (`info.sampling`); rejects otherwise. */
  async setSeed(seed: number): Promise<void> {
    await this.request({ op: 'setSeed', id: 0, seed });
  }

  /** Stops the worker; pending and later calls reject. */
  terminate(): void {
    this.worker.terminate();
    this.fail(new Error('bytepiece-wasm worker: terminated'));
  }

  private request(req: Request, transfer: Transferable[] = []): Promise<Reply & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...req, id }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e);
      }
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      waiting.resolve(reply);
    } else {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      waiting.reject(error);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

const baseUrl = (): string | undefined => (typeof document !== 'undefined' ? document.baseURI : (globalThis as { location?: { href: string } }).location?.href);

const defaultName = (source: WorkerModelSource): string | undefined =>
  typeof source === 'string' || source instanceof URL ? String(source) : typeof File !== 'undefined' && source instanceof File ? source.name : undefined;

// Converts a model source into something postable, with the buffers to transfer. A File/Blob is
// posted as a handle (the worker reads it); a URL is fetched by the worker.
async function postedModel(source: WorkerModelSource, transfer: boolean): Promise<{ model: PostedModel; transfer: Transferable[] }> {
  if (typeof source === 'string' || source instanceof URL) return { model: new URL(source, baseUrl()).href, transfer: [] };
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`${source.url || 'model response'}: HTTP ${source.status}`);
    const bytes = await source.arrayBuffer();
    return { model: bytes, transfer: [bytes] };
  }
  if (source instanceof ArrayBuffer) return transfer ? { model: source, transfer: [source] } : { model: source.slice(0), transfer: [] };
  if (source instanceof Uint8Array) {
    const whole = source.byteOffset === 0 && source.byteLength === source.buffer.byteLength && source.buffer instanceof ArrayBuffer;
    if (transfer && whole) return { model: source, transfer: [source.buffer as ArrayBuffer] };
    const copy = source.slice();
    return { model: copy, transfer: [copy.buffer] };
  }
  return { model: source as Blob | ModelJson, transfer: [] };
}

async function postedWasm(wasm: WasmSource | undefined): Promise<{ wasm: PostedWasm; transfer: Transferable[] } | undefined> {
  if (wasm === undefined || wasm instanceof WebAssembly.Module) return wasm && { wasm, transfer: [] };
  if (typeof wasm === 'string' || wasm instanceof URL) return { wasm: new URL(wasm, baseUrl()).href, transfer: [] };
  if (typeof Response !== 'undefined' && wasm instanceof Response) {
    if (!wasm.ok) throw new Error(`bytepiece-wasm: could not fetch the kernel: HTTP ${wasm.status} from ${wasm.url || 'the Response given as options.wasm'}`);
    const bytes = await wasm.arrayBuffer();
    return { wasm: bytes, transfer: [bytes] };
  }
  // Small: copy, leaving the caller's buffer usable.
  const bytes = wasm as ArrayBuffer | ArrayBufferView;
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { wasm: view.slice(), transfer: [] };
}
