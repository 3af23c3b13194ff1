import { Worker, type ResourceLimits } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadOptions } from './tokenizer.js';
import { compileModel } from './model.js';
import { compileWasm } from './wasm-module.js';
import { nodePlatform } from './node-platform.js';
import type { ModelSource } from './source.js';
import { checkSampling, type SamplingEncodeOptions } from './sampling-support.js';
import type { BlockJob, BlockResult } from './cli/block.js';
import {
  deserializeError, shareModel,
  type Task, type TaskResult, type WorkerInit, type WorkerReply, type WorkerRequest,
} from './pool-protocol.js';

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

interface PendingTask {
  id: number;
  task: Task;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
  attempts: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: PendingTask;
  /** Set when the pool itself ends the thread. */
  retiring: boolean;
  lastError?: Error;
}

/** A crashed worker gets its batch retried on a fresh thread once; a second crash fails the batch. */
const MAX_ATTEMPTS = 2;

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
 * import { TokenizerPool } from 'bytepiece-wasm/node';
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
  private readonly init: WorkerInit;
  private readonly resourceLimits?: ResourceLimits;
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  private readonly pending = new Map<number, PendingTask>();
  private nextId = 0;
  private calls = 0;
  private state: 'open' | 'closing' | 'closed' | 'broken' = 'open';
  private brokenBy?: Error;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly defaultSeed?: number;

  private constructor(init: WorkerInit, threads: number, resourceLimits: ResourceLimits | undefined, defaultSeed: number | undefined) {
    this.init = init;
    this.defaultSeed = defaultSeed;
    this.threads = threads;
    this.vocabSize = init.model.vocab.vocabSize;
    this.resourceLimits = resourceLimits;
  }

  /**
   * Loads the model (any source `Tokenizer.load` takes, in Node also a file path) and starts the
   * threads; resolves once every thread is ready.
   */
  static async create(source: ModelSource, options: PoolOptions = {}): Promise<TokenizerPool> {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`options.threads must be a positive integer, got ${String(threads)}`);
    const engine = options.engine ?? 'wasm';
    if (engine !== 'wasm' && engine !== 'js') throw new TypeError(`options.engine must be 'wasm' or 'js', got ${JSON.stringify(engine)}`);
    const loneSurrogates = options.loneSurrogates ?? 'error';
    if (loneSurrogates !== 'error' && loneSurrogates !== 'replace') {
      throw new TypeError(`options.loneSurrogates must be 'error' or 'replace', got ${JSON.stringify(loneSurrogates)}`);
    }
    const kernel = engine === 'wasm' ? (options.wasm !== undefined ? compileWasm(options.wasm) : nodePlatform.defaultWasm()) : undefined;
    kernel?.catch(() => {}); // awaited below
    const vocab = await nodePlatform.readModel(source, options.name, undefined, options.maxModelBytes);
    const model = shareModel(compileModel(vocab, options.name ?? (typeof source === 'string' ? source : undefined)));
    // Everything but the kernel and the seed goes to the workers' Tokenizers as is. A load-time seed
    // becomes the default per-call seed: per text, not per thread.
    const { wasm: _wasm, engine: _engine, threads: _threads, resourceLimits, seed: defaultSeed, ...rest } = options as PoolOptions & { seed?: number };
    const init: WorkerInit = { model, options: { ...rest, loneSurrogates } };
    if (kernel) init.kernel = await kernel;
    checkSampling(undefined, defaultSeed, 'options.seed');
    const pool = new TokenizerPool(init, threads, resourceLimits, defaultSeed);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.spawn()));
    } catch (e) {
      await pool.terminate();
      throw e;
    }
    return pool;
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
    const parts: Promise<TaskResult>[] = [];
    for (let first = 0; first < texts.length; ) {
      let end = first;
      let size = 0;
      while (end < texts.length && (end === first || size < target)) size += texts[end++]!.length;
      const task: Task = { kind: 'encode', texts: texts.slice(first, end), firstIndex: first, addBos: options.addBos === true, addEos: options.addEos === true, call };
      if (alpha !== undefined) task.alpha = alpha;
      if (seed !== undefined) task.seed = seed;
      parts.push(this.run(task));
      first = end;
    }
    const results = await Promise.all(parts);
    return ([] as Uint32Array[]).concat(...(results as Uint32Array[][]));
  }

  /** @internal Runs one CLI block on a worker (see src/cli/block.ts). */
  runBlock(job: BlockJob): Promise<BlockResult> {
    return this.run({ kind: 'block', job }) as Promise<BlockResult>;
  }

  /** Finishes the work already submitted, then stops the threads. Later calls are rejected. */
  async close(): Promise<void> {
    if (this.state === 'open') this.state = 'closing';
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.stopAll();
    if (this.state !== 'broken') this.state = 'closed';
  }

  /** Stops the threads now; work not finished is rejected. */
  async terminate(): Promise<void> {
    if (this.state === 'open' || this.state === 'closing') this.state = 'closed';
    const error = new Error('TokenizerPool terminated before this batch finished');
    for (const task of this.pending.values()) task.reject(error);
    this.pending.clear();
    this.queue.length = 0;
    await this.stopAll();
  }

  private run(task: Task): Promise<TaskResult> {
    if (this.state === 'broken') return Promise.reject(this.brokenBy!);
    if (this.state !== 'open') return Promise.reject(new Error('TokenizerPool is closed'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const pending: PendingTask = { id, task, resolve, reject, attempts: 0 };
      this.pending.set(id, pending);
            this.queue.push(pending);
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.task || slot.retiring) continue;
      const pending = this.queue.shift()!;
      pending.attempts++;
      slot.task = pending;
      const request: WorkerRequest = { id: pending.id, task: pending.task };
      slot.worker.postMessage(request);
    }
    this.updateRefs();
  }

  /** Threads keep the process alive while starting or while work is pending; idle ones do not. */
  private updateRefs(): void {
    const busy = this.pending.size > 0;
    for (const slot of this.slots) {
      if (busy || !slot.ready) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private spawn(): Promise<void> {
    const entry = workerEntry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: this.init,
      resourceLimits: this.resourceLimits,
    });
    const slot: Slot = { worker, ready: false, retiring: false };
    this.slots.push(slot);
    return new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (message: WorkerReply) => {
        if (message.type === 'ready') {
          slot.ready = true;
          resolveReady();
          this.dispatch();
        } else if (message.type === 'init-error') {
          const error = deserializeError(message.error);
          error.message = `TokenizerPool: a worker thread could not start: ${error.message}`;
          slot.lastError = error;
          rejectReady(error);
          this.breakPool(error);
        } else {
          const task = slot.task;
          slot.task = undefined;
          if (task && this.pending.delete(task.id)) {
            if (message.type === 'done') task.resolve(message.result);
            else task.reject(deserializeError(message.error));
          }
          this.afterTask();
        }
      });
      worker.on('error', (error) => {
        slot.lastError = error;
        if (!slot.ready) rejectReady(new Error(`TokenizerPool: a worker thread could not start: ${error.message}`));
      });
      worker.on('exit', (code) => this.onExit(slot, code, rejectReady));
    });
  }

  private onExit(slot: Slot, code: number, rejectReady: (e: Error) => void): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.retiring) return;
    const reason = slot.lastError ? slot.lastError.message : `exit code ${code}`;
    if (!slot.ready) {
      const error = new Error(`TokenizerPool: a worker thread could not start (${reason})`);
      rejectReady(error);
      this.breakPool(error);
      return;
    }
    const task = slot.task;
    slot.task = undefined;
    if (task && this.pending.has(task.id)) {
      if (task.attempts < MAX_ATTEMPTS) this.queue.unshift(task);
      else {
        this.pending.delete(task.id);
        task.reject(new Error(`TokenizerPool: a worker thread died ${task.attempts} times while encoding this batch (last: ${reason}); giving up on it`));
      }
    }
    if (this.state === 'open' || this.state === 'closing') {
      this.spawn().catch(() => {}); // a replacement; a failure to start breaks the pool (see spawn)
    }
    this.afterTask();
  }

  private afterTask(): void {
    this.dispatch();
    if (this.pending.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** A worker cannot start: nothing queued can run, so fail it all now rather than hang. */
  private breakPool(error: Error): void {
    if (this.state === 'broken') return;
    this.state = 'broken';
    this.brokenBy = error;
    for (const task of this.pending.values()) task.reject(error);
    this.pending.clear();
    this.queue.length = 0;
    void this.stopAll();
    this.afterTask();
  }

  private async stopAll(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.retiring = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

let entryCache: { script: URL | string; eval: boolean } | undefined;

/**
 * The worker script: the built `pool-worker.js` next to this module (dist/), or, when running from
 * the TypeScript sources (tests, tsx), `pool-worker.ts` imported after registering tsx's loader in
 * the thread (Node 20 does not apply `--import` loaders to a worker's entry module).
 */
function workerEntry(): { script: URL | string; eval: boolean } {
  if (entryCache) return entryCache;
  const js = new URL('./pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return (entryCache = { script: js, eval: false });
  const ts = new URL('./pool-worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts))) throw new Error(`TokenizerPool: worker script not found next to ${fileURLToPath(import.meta.url)}`);
  const require = createRequire(import.meta.url);
  const tsxJson = require.resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(tsxJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const apiUrl = pathToFileURL(join(dirname(tsxJson), api)).href;
  const script = `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts.href)}); });`;
  return (entryCache = { script, eval: true });
}
