// A generic pool of Node worker threads running one worker script (see thread-worker.ts for the
// thread's side): tasks queue and go to the first idle thread; a thread that dies is replaced and
// its task retried once; a thread that cannot start breaks the pool (everything queued fails at
// once rather than hang). TokenizerPool and the CLI's block encoder are built on it.

import { Worker, type ResourceLimits } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What a pool's main thread and its workers say to each other. */
export type WorkerReply<R> =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'done'; id: number; result: R }
  | { type: 'failed'; id: number; error: SerializedError };

export type WorkerRequest<T> = { id: number; task: T };

/** An error as it crosses threads: its class name, message and the extra fields callers read. */
export interface SerializedError {
  name: string;
  message: string;
  line?: number;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const line = (e as { line?: unknown }).line;
    if (typeof line === 'number') out.line = line;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

const errorClasses: Record<string, ErrorConstructor> = { RangeError, TypeError, SyntaxError };

export function deserializeError(s: SerializedError): Error {
  const e = new (errorClasses[s.name] ?? Error)(s.message);
  if (!(s.name in errorClasses) && s.name !== 'Error') e.name = s.name;
  if (s.line !== undefined) (e as Error & { line?: number }).line = s.line;
  return e;
}

/** A worker script: the built `.js` beside the module that starts it, or its `.ts` source. */
export interface WorkerScript {
  /** `new URL('./name.js', import.meta.url)` in the starting module (dist/ holds it there). */
  readonly js: URL;
  /** `new URL('./name.ts', import.meta.url)`: the source, when running from src/ (tests, tsx). */
  readonly ts: URL;
}

export interface ThreadPoolOptions {
  /** Names the pool in error messages (e.g. `TokenizerPool`). */
  readonly label: string;
  /** What a task is, in error messages (e.g. `batch`: "while encoding this batch"). */
  readonly taskNoun: string;
  readonly script: WorkerScript;
  /** Given to every thread at start (structured-cloned: share big tables as SharedArrayBuffers). */
  readonly workerData: unknown;
  readonly threads: number;
  readonly resourceLimits?: ResourceLimits;
}

interface PendingTask<T, R> {
  id: number;
  task: T;
  resolve(result: R): void;
  reject(error: Error): void;
  attempts: number;
}

interface Slot<T, R> {
  worker: Worker;
  ready: boolean;
  task?: PendingTask<T, R>;
  /** Set when the pool itself ends the thread. */
  retiring: boolean;
  lastError?: Error;
}

/** A crashed worker gets its task retried on a fresh thread once; a second crash fails the task. */
const MAX_ATTEMPTS = 2;

/** Worker threads that run tasks of type `T` to results of type `R`. */
export class ThreadPool<T, R> {
  readonly threads: number;
  private readonly options: ThreadPoolOptions;
  private readonly slots: Slot<T, R>[] = [];
  private readonly queue: PendingTask<T, R>[] = [];
  private readonly pending = new Map<number, PendingTask<T, R>>();
  private nextId = 0;
  private state: 'open' | 'closing' | 'closed' | 'broken' = 'open';
  private brokenBy?: Error;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(options: ThreadPoolOptions) {
    this.options = options;
    this.threads = options.threads;
  }

  /** Starts the threads; resolves once every thread is ready (or rejects, with all stopped). */
  static async start<T, R>(options: ThreadPoolOptions): Promise<ThreadPool<T, R>> {
    const pool = new ThreadPool<T, R>(options);
    try {
      await Promise.all(Array.from({ length: options.threads }, () => pool.spawn()));
    } catch (e) {
      await pool.terminate();
      throw e;
    }
    return pool;
  }

  /** Runs one task on the first idle thread. */
  run(task: T): Promise<R> {
    if (this.state === 'broken') return Promise.reject(this.brokenBy!);
    if (this.state !== 'open') return Promise.reject(new Error(`${this.options.label} is closed`));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const pending: PendingTask<T, R> = { id, task, resolve, reject, attempts: 0 };
      this.pending.set(id, pending);
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Finishes the work already submitted, then stops the threads. Later tasks are rejected. */
  async close(): Promise<void> {
    if (this.state === 'open') this.state = 'closing';
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.stopAll();
    if (this.state !== 'broken') this.state = 'closed';
  }

  /** Stops the threads now; work not finished is rejected. */
  async terminate(): Promise<void> {
    if (this.state === 'open' || this.state === 'closing') this.state = 'closed';
    const error = new Error(`${this.options.label} terminated before this ${this.options.taskNoun} finished`);
    for (const task of this.pending.values()) task.reject(error);
    this.pending.clear();
    this.queue.length = 0;
    await this.stopAll();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.task || slot.retiring) continue;
      const pending = this.queue.shift()!;
      pending.attempts++;
      slot.task = pending;
      const request: WorkerRequest<T> = { id: pending.id, task: pending.task };
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
    const { label } = this.options;
    const entry = workerEntry(this.options.script);
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: this.options.workerData,
      resourceLimits: this.options.resourceLimits,
    });
    const slot: Slot<T, R> = { worker, ready: false, retiring: false };
    this.slots.push(slot);
    return new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (message: WorkerReply<R>) => {
        if (message.type === 'ready') {
          slot.ready = true;
          resolveReady();
          this.dispatch();
        } else if (message.type === 'init-error') {
          const error = deserializeError(message.error);
          error.message = `${label}: a worker thread could not start: ${error.message}`;
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
        if (!slot.ready) rejectReady(new Error(`${label}: a worker thread could not start: ${error.message}`));
      });
      worker.on('exit', (code) => this.onExit(slot, code, rejectReady));
    });
  }

  private onExit(slot: Slot<T, R>, code: number, rejectReady: (e: Error) => void): void {
    const { label, taskNoun } = this.options;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.retiring) return;
    const reason = slot.lastError ? slot.lastError.message : `exit code ${code}`;
    if (!slot.ready) {
      const error = new Error(`${label}: a worker thread could not start (${reason})`);
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
        task.reject(new Error(`${label}: a worker thread died ${task.attempts} times while encoding this ${taskNoun} (last: ${reason}); giving up on it`));
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

const entryCache = new Map<string, { script: URL | string; eval: boolean }>();

/**
 * The worker script: the built `.js` (dist/), or, when running from the TypeScript sources (tests,
 * tsx), the `.ts` imported after registering tsx's loader in the thread (Node 20 does not apply
 * `--import` loaders to a worker's entry module).
 */
export function workerEntry({ js, ts }: WorkerScript): { script: URL | string; eval: boolean } {
  const cached = entryCache.get(js.href);
  if (cached) return cached;
  let entry: { script: URL | string; eval: boolean };
  if (existsSync(fileURLToPath(js))) {
    entry = { script: js, eval: false };
  } else {
    if (!existsSync(fileURLToPath(ts))) throw new Error(`worker script not found: neither ${fileURLToPath(js)} nor ${fileURLToPath(ts)} exists`);
    const require = createRequire(import.meta.url);
    const tsxJson = require.resolve('tsx/package.json');
    const api = (JSON.parse(readFileSync(tsxJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import
      .default;
    const apiUrl = pathToFileURL(join(dirname(tsxJson), api)).href;
    entry = { script: `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts.href)}); });`, eval: true };
  }
  entryCache.set(js.href, entry);
  return entry;
}
