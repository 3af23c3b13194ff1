// The trainer on several threads. Every thread reads every batch of the first pass and counts
// the n-grams (orders ≥ 3) whose key hashes into its share, so the tables are disjoint and need
// no merging; the kept ones are gathered here, pruned into log-probabilities once (the logs are
// taken on this thread), and the pruned tables sent back to every thread. In the second pass each
// batch goes to one thread; the piece counts are summed here. Counts are integers and add
// exactly, so the result does not depend on the number of threads.
import { Worker } from 'node:worker_threads';
import type { ChunkBatch } from '../train/chunker.js';
import type { NgramSizes, PieceTotals, TrainKernel } from '../train/kernel-js.js';
import { WasmTrainKernel } from '../train/kernel-wasm.js';
import { workerEntry } from './thread-pool.js';
import type { SharedBatch, TrainReply, TrainRequest, TrainWorkerData } from './train-protocol.js';

type Request = TrainRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

class Thread {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(readonly worker: Worker) {
    let ready!: () => void;
    let failed!: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      ready = res;
      failed = rej;
    });
    worker.on('message', (reply: TrainReply) => {
      if (reply.id === -1) return ready();
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.error) {
        const e = new Error(reply.error.message);
        e.name = reply.error.name;
        w.reject(e);
      } else {
        w.resolve(reply.result);
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      failed(e);
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', (e) => fail(new Error(`a trainer thread failed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a trainer thread exited with code ${code}`));
    });
  }

  call<R>(req: Request): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }
}

/** Batches in flight per thread before the reader waits. */
const IN_FLIGHT = 2;

function share(batch: ChunkBatch): SharedBatch {
  const bytes = new Uint8Array(new SharedArrayBuffer(batch.length));
  bytes.set(batch.bytes.subarray(0, batch.length));
  const ends = new Int32Array(new SharedArrayBuffer(4 * batch.count));
  ends.set(batch.ends.subarray(0, batch.count));
  return { bytes, ends, length: batch.length, count: batch.count };
}

/** A copy of `a` in a SharedArrayBuffer. */
function inShared<T extends BigUint64Array | Float64Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

export class TrainThreads implements TrainKernel {
  private readonly pending: Promise<unknown>[] = [];
  private next = 0;
  private readonly held: number[];

  private constructor(
    private threads: Thread[],
    private readonly module: WebAssembly.Module,
    private readonly order: number,
    private readonly ensureUnicode: boolean,
  ) {
    this.held = threads.map(() => 0);
  }

  /** `parts` new threads, ready. */
  private static async spawn(module: WebAssembly.Module, order: number, ensureUnicode: boolean, parts: number): Promise<Thread[]> {
    const entry = workerEntry({ js: new URL('./train-worker.js', import.meta.url), ts: new URL('./train-worker.ts', import.meta.url) });
    const threads = Array.from({ length: parts }, (_, part) => {
      const workerData: TrainWorkerData = { module, order, ensureUnicode, part, parts };
      return new Thread(new Worker(entry.script, { eval: entry.eval, workerData }));
    });
    try {
      await Promise.all(threads.map((th) => th.ready));
    } catch (e) {
      await Promise.all(threads.map((th) => th.worker.terminate()));
      throw e;
    }
    return threads;
  }

  static async start(module: WebAssembly.Module, order: number, ensureUnicode: boolean, parts: number): Promise<TrainThreads> {
    return new TrainThreads(await this.spawn(module, order, ensureUnicode, parts), module, order, ensureUnicode);
  }

  /** Keeps at most `most` calls in flight. */
  private async throttle(most: number): Promise<void> {
    while (this.pending.length > most) await this.pending.shift();
  }

  async countNgrams(batch: ChunkBatch): Promise<void> {
    const shared = share(batch);
    this.pending.push(
      Promise.all(
        this.threads.map((t, i) =>
          t.call<number>({ op: 'count-ngrams', batch: shared }).then((held) => {
            this.held[i] = held;
          }),
        ),
      ),
    );
    await this.throttle(IN_FLIGHT);
  }

  /** The most distinct n-grams a thread holds (as of the last batch it answered). */
  heldNgrams(): number {
    return Math.max(...this.held);
  }

  /** Each thread writes what it counted to `paths[thread]` (a sorted run) and starts afresh. */
  async writeRuns(paths: readonly string[], isolateDigits: boolean): Promise<void> {
    await this.throttle(0);
    await Promise.all(this.threads.map((t, i) => t.call({ op: 'write-run', path: paths[i]!, isolateDigits })));
    this.held.fill(0);
  }

  /** Installs a pruned n-gram model (per order L: keys, log-probabilities) on every thread. */
  async setPruned(tables: { keys: BigUint64Array; values: Float64Array }[]): Promise<void> {
    // In shared memory, the tables go to every thread without a copy each.
    const shared = tables.map(({ keys, values }) => ({ keys: inShared(keys), values: inShared(values) }));
    await Promise.all(this.threads.map((t) => t.call({ op: 'set-pruned', tables: shared })));
  }

  get parts(): number {
    return this.threads.length;
  }

  async pruneNgrams(minCount: number): Promise<NgramSizes> {
    await this.throttle(0);
    const counted = await Promise.all(this.threads.map((t) => t.call<ReturnType<WasmTrainKernel['counted']>>({ op: 'counted' })));
    const rawSizes = [1];
    let tails = 0;
    for (let L = 1; L <= this.order; L++) {
      let n = tails;
      for (const c of counted) n += c.ngrams[L]!;
      rawSizes.push(n);
      for (const c of counted) tails += c.tails[L]!;
    }
    // The kept n-grams of every share, in one kernel here, pruned once.
    const merged = new WasmTrainKernel(this.module, this.order, this.ensureUnicode);
    merged.addTotal(counted[0]!.total);
    // The second pass runs on new threads, started while the counts merge: ending the counting
    // threads is what returns their tables' memory (a WebAssembly memory never shrinks, and an
    // idle thread may never collect the instance it dropped).
    const next = TrainThreads.spawn(this.module, this.order, this.ensureUnicode, this.threads.length);
    next.catch(() => {}); // awaited below; a failure is reported there
    let sizes: NgramSizes;
    try {
      // Every thread exports at once; each ends as soon as it has.
      const exported = this.threads.map((t) =>
        t.call<{ keys: BigUint64Array; counts: Float64Array }[]>({ op: 'export-counts', minCount }).then(async (tables) => {
          await t.worker.terminate();
          return tables;
        }),
      );
      exported.forEach((e) => e.catch(() => {})); // awaited below, in order
      for (const e of exported) (await e).forEach((table, i) => merged.addCounts(i + 1, table.keys, table.counts));
      sizes = merged.prunedTables(minCount, rawSizes);
    } catch (e) {
      await next.then(
        (threads) => Promise.all(threads.map((t) => t.worker.terminate())),
        () => {},
      );
      throw e;
    }
    this.threads = await next;
    await this.setPruned(merged.pruned);
    return sizes;
  }

  async countPieces(batch: ChunkBatch): Promise<void> {
    const thread = this.threads[this.next++ % this.threads.length]!;
    this.pending.push(thread.call({ op: 'count-pieces', batch: share(batch) }));
    await this.throttle(IN_FLIGHT * this.threads.length);
  }

  /** The threads' piece counts, summed in a kernel instance here (no string per piece). */
  async pieces(): Promise<PieceTotals> {
    await this.throttle(0);
    const merged = new WasmTrainKernel(this.module, this.order, this.ensureUnicode);
    for (const t of this.threads) merged.addPieceRecords(await t.call<{ records: Uint8Array; arena: Uint8Array }>({ op: 'pieces' }));
    return merged.pieces();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private closed = false;
}
