// The thread's side of a ThreadPool (thread-pool.ts): set up once from the pool's workerData, say
// ready (or why not, then exit), then answer each task with its result or its error.

import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type WorkerReply, type WorkerRequest } from './thread-pool.js';

/**
 * Serves tasks on this worker thread. `setup` runs once on the pool's workerData and returns the
 * task handler; `transferOf` lists the result's buffers to transfer rather than copy (a
 * SharedArrayBuffer among them is shared, not transferred).
 */
export function serveTasks<T, R>(setup: (data: unknown) => (task: T) => R, transferOf: (result: R) => ArrayBufferLike[]): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs on a worker thread of a ThreadPool');
  const reply = (message: WorkerReply<R>, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let handle: (task: T) => R;
  try {
    handle = setup(workerData);
    reply({ type: 'ready' });
  } catch (e) {
    reply({ type: 'init-error', error: serializeError(e) });
    process.exit(1);
  }
  port.on('message', ({ id, task }: WorkerRequest<T>) => {
    let result: R;
    try {
      result = handle(task);
    } catch (e) {
      reply({ type: 'failed', id, error: serializeError(e) });
      return;
    }
    const movable = [...new Set(transferOf(result))].filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
    reply({ type: 'done', id, result }, movable);
  });
}
