import type { ResourceLimits } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { LoadOptions } from '../api/tokenizer.js';
import type { ModelSource } from '../model/source.js';
import { checkSampling, type SamplingEncodeOptions } from '../api/sampling-support.js';
import { loadSharedModel } from './shared-model.js';
import { ThreadPool } from './thread-pool.js';

/**
 * Options of {@link TokenizerPool.create}: those of `Tokenizer.load`, plus the thread count. A load
 * `seed` is the default seed of every {@link TokenizerPool.encodeBatch} call.
 */
export interface PoolOptions extends LoadOptions {
  /** Worker threads (default: `os.availableParallelism()`). */
  threads?: number;
  /** Per-thread limits (Node `Worker` resourceLimits), e.g. to cap each thread's heap. */
  resourceLimits?: ResourceLimits;
}

/** Options of {@link TokenizerPool.encodeBatch}. */
export interface PoolEncodeOptions extends SamplingEncodeOptions {
  /**
   * With `alpha`: makes the draws reproducible. A safe integer, as for `Tokenizer.setSeed`. Text i
   * of the n-th call on this pool is sampled with a seed derived from (seed, n, i), so results do
   * not depend on the thread count.
   */
  seed?: number;
}

/** A slice of an encodeBatch call, for one worker (src/node/pool-worker.ts). */
export interface EncodeTask {
  texts: string[];
  /** Index of texts[0] in the caller's list (errors and seeds go by it). */
  firstIndex: number;
  addBos: boolean;
  addEos: boolean;
  alpha?: number;
  seed?: number;
  /** The number of the encodeBatch call on this pool (seeds depend on it). */
  call: number;
}

/**
 * Tokenizers on Node worker threads, for throughput on all cores. The model is read and compiled
 * once on this thread; the workers share its tables (SharedArrayBuffer) and the compiled
 * `WebAssembly.Module`, so starting a thread costs no JSON parsing or trie building.
 *
 * Results come back in input order as `Uint32Array`s transferred (not copied) from the workers.
 * A worker that dies (a crash, an out-of-memory kill) is replaced and its batch retried once;
 * a batch that kills a worker twice is rejected. Idle threads do not keep the process alive, but
 * call {@link TokenizerPool.close} when done.
 *
 * @example
 * ```ts
 * import { TokenizerPool } from 'bytepiece-wasm';
 * const pool = await TokenizerPool.create('bytepiece.plus.80k.zip', { threads: 4 });
 * const ids = await pool.encodeBatch(documents, { addEos: true });
 * await pool.close();
 * ```
 */
export class TokenizerPool {
  /** Number of worker threads. */
  readonly threads: number;
  /** Number of ids of the model, pieces + 3. */
  readonly vocabSize: number;
  private readonly pool: ThreadPool<EncodeTask, Uint32Array[]>;
  private readonly defaultSeed?: number;
  private calls = 0;

  private constructor(pool: ThreadPool<EncodeTask, Uint32Array[]>, vocabSize: number, defaultSeed: number | undefined) {
    this.pool = pool;
    this.threads = pool.threads;
    this.vocabSize = vocabSize;
    this.defaultSeed = defaultSeed;
  }

  /**
   * Loads the model (any source `Tokenizer.load` takes, in Node also a file path; none for the
   * default model) and starts the threads; resolves once every thread is ready.
   */
  static async create(source?: ModelSource, options: PoolOptions = {}): Promise<TokenizerPool> {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`options.threads must be a positive integer, got ${String(threads)}`);
    // A load-time seed becomes the default per-call seed: per text, not per thread.
    const { threads: _threads, resourceLimits, seed: defaultSeed, ...load } = options as PoolOptions & { seed?: number };
    checkSampling(undefined, defaultSeed, 'options.seed');
    const shared = await loadSharedModel(source, load as LoadOptions);
    const pool = await ThreadPool.start<EncodeTask, Uint32Array[]>({
      label: 'TokenizerPool',
      taskNoun: 'batch',
      script: { js: new URL('./pool-worker.js', import.meta.url), ts: new URL('./pool-worker.ts', import.meta.url) },
      workerData: shared,
      threads,
      resourceLimits,
    });
    return new TokenizerPool(pool, shared.model.vocab.vocabSize, defaultSeed);
  }

  /**
   * Encodes `texts` on all threads; the result has one `Uint32Array` per text, in order. Same ids
   * as `tokenizer.encode(text, options)`. An error names the index of the text that caused it.
   * As with `Tokenizer.encodeBatch`, the arrays are views: those of texts encoded by one worker
   * task (a run of neighbouring texts) share one `ArrayBuffer`.
   */
  async encodeBatch(texts: readonly string[], options: PoolEncodeOptions = {}): Promise<Uint32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('encodeBatch expects an array of strings');
    const { alpha } = options;
    const seed = options.seed ?? (alpha !== undefined ? this.defaultSeed : undefined);
    checkSampling(alpha, options.seed, 'options.seed'); // a load-time seed was checked by create()
    const call = this.calls++;
    let total = 0;
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== 'string') throw new TypeError(`texts[${i}] is ${texts[i] === null ? 'null' : typeof texts[i]}, expected a string`);
      total += texts[i]!.length;
    }
    // Contiguous slices of about equal length, a few per thread so a slow one does not hold the rest.
    const target = Math.max(16 * 1024, Math.ceil(total / (this.threads * 4)));
    const parts: Promise<Uint32Array[]>[] = [];
    for (let first = 0; first < texts.length;) {
      let end = first;
      let size = 0;
      while (end < texts.length && (end === first || size < target)) size += texts[end++]!.length;
      const task: EncodeTask = { texts: texts.slice(first, end), firstIndex: first, addBos: options.addBos === true, addEos: options.addEos === true, call };
      if (alpha !== undefined) task.alpha = alpha;
      if (seed !== undefined) task.seed = seed;
      parts.push(this.pool.run(task));
      first = end;
    }
    const results = await Promise.all(parts);
    return ([] as Uint32Array[]).concat(...results);
  }

  /** Finishes the work already submitted, then stops the threads. Later calls are rejected. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Stops the threads now; work not finished is rejected. */
  terminate(): Promise<void> {
    return this.pool.terminate();
  }
}
