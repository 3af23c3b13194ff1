// Messages between the trainer's threads (train-threads.ts) and each counting thread
// (train-worker.ts).

/** A batch of training chunks in shared memory: bytes[0..length), chunk ends[0..count). */
export interface SharedBatch {
  bytes: Uint8Array;
  ends: Int32Array;
  length: number;
  count: number;
}

export type TrainRequest =
  | { id: number; op: 'count-ngrams'; batch: SharedBatch }
  | { id: number; op: 'counted' }
  | { id: number; op: 'write-run'; path: string; isolateDigits: boolean }
  | { id: number; op: 'export-counts'; minCount: number }
  | { id: number; op: 'set-pruned'; tables: { keys: BigUint64Array; values: Float64Array }[] }
  | { id: number; op: 'count-pieces'; batch: SharedBatch }
  | { id: number; op: 'pieces' };

export type TrainReply = { id: number; result?: unknown; error?: { name: string; message: string } };

/** What each counting thread starts from. */
export interface TrainWorkerData {
  module: WebAssembly.Module;
  order: number;
  ensureUnicode: boolean;
  part: number;
  parts: number;
}
