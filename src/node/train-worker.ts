// A counting thread of the trainer (train-threads.ts): its own kernel instance counts its share
// of the n-grams over every batch, then segments the batches it is given and counts their pieces.
import { parentPort, workerData } from 'node:worker_threads';
import { WasmTrainKernel } from '../train/kernel-wasm.js';
import type { ChunkBatch } from '../train/chunker.js';
import { writeCountRun } from './count-runs.js';
import type { SharedBatch, TrainReply, TrainRequest, TrainWorkerData } from './train-protocol.js';

const port = parentPort!;
const data = workerData as TrainWorkerData;
const kernel = new WasmTrainKernel(data.module, data.order, data.ensureUnicode, data.part, data.parts);
const asBatch = (b: SharedBatch) => b as unknown as ChunkBatch; // the kernel reads bytes, ends, length, count

port.on('message', (req: TrainRequest) => {
  void handle(req);
});

async function handle(req: TrainRequest): Promise<void> {
  const reply: TrainReply = { id: req.id };
  const transfer: ArrayBuffer[] = [];
  try {
    switch (req.op) {
      case 'count-ngrams':
        kernel.countNgrams(asBatch(req.batch));
        reply.result = kernel.heldNgrams();
        break;
      case 'write-run':
        // This thread's share, sorted, to its own run file; then its tables start afresh.
        await writeCountRun(kernel, data.order, req.isolateDigits, req.path);
        kernel.resetCounts();
        break;
      case 'counted':
        reply.result = kernel.counted();
        break;
      case 'export-counts': {
        const tables = [];
        for (let L = 1; L <= data.order; L++) {
          const t = kernel.countsAtLeast(L, L >= 2 ? req.minCount : 1);
          transfer.push(t.keys.buffer as ArrayBuffer, t.counts.buffer as ArrayBuffer);
          tables.push(t);
        }
        reply.result = tables;
        break;
      }
      case 'set-pruned':
        kernel.setPruned(req.tables);
        break;
      case 'count-pieces':
        kernel.countPieces(asBatch(req.batch));
        break;
      case 'pieces': {
        const r = kernel.pieceRecords();
        transfer.push(r.records.buffer as ArrayBuffer, r.arena.buffer as ArrayBuffer);
        reply.result = r;
        break;
      }
    }
  } catch (e) {
    reply.error = { name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) };
  }
  port.postMessage(reply, transfer);
}
port.postMessage({ id: -1 } satisfies TrainReply); // ready
