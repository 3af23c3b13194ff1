/**
 * The host of the trainer's WebAssembly kernel (assembly/train/): the batches of chunks are copied
 * into its memory, it counts n-grams, holds the pruned tables (the host takes the logarithms,
 * correctly rounded), runs the n-gram Viterbi and counts the pieces. Same results as
 * JsTrainKernel, its twin. Orders up to 8.
 */
import type { ChunkBatch } from './chunker.js';
import type { TrainKernel } from './kernel-js.js';
import { LnCache } from './ngram-model.js';
import { bytesToKey, type PieceCounts } from './piece-set.js';
import { lnCorrectlyRounded } from '../model/ln.js';

/** The highest order the kernel handles (an n-gram key is one u64); higher orders use the JS twin. */
export const WASM_MAX_ORDER = 8;

interface Exports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  release(ptr: number, size: number): void;
  initNgrams(order: number): void;
  countNgrams(bytes: number, ends: number, nChunks: number): void;
  ngramsCounted(L: number, tail: number): number;
  unigramCount(b: number): number;
  setUnigramCount(b: number, c: number): void;
  keptNgrams(L: number, minCount: number, keys: number, cs: number, ps: number, dry: number): number;
  freeCounts(): void;
  setProbs(L: number, keys: number, values: number, n: number): void;
  initPieces(): void;
  pieceCount: WebAssembly.Global;
  records: WebAssembly.Global;
  arena: WebAssembly.Global;
  setEnsureUnicode(on: number): void;
  countPieces(bytes: number, ends: number, nChunks: number, back: number): void;
}

export class WasmTrainKernel implements TrainKernel {
  private readonly k: Exports;
  private readonly order: number;
  /** The 0-gram count: bytes counted. */
  private total = 0;
  /** A block for the batch: bytes, then the chunk ends, then the Viterbi's back pointers. */
  private input = 0;
  private inputSize = 0;

  constructor(module: WebAssembly.Module, order: number, ensureUnicode: boolean) {
    if (order > WASM_MAX_ORDER) throw new RangeError(`the trainer's kernel handles orders up to ${WASM_MAX_ORDER}, got ${order}`);
    this.k = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.order = order;
    this.k.initNgrams(order);
    this.k.initPieces();
    this.k.setEnsureUnicode(ensureUnicode ? 1 : 0);
  }

  /** Copies the batch in (with room for `back` bytes after it); returns the addresses. */
  private load(batch: ChunkBatch, back: number): { bytes: number; ends: number; back: number } {
    const bytesSize = (batch.length + 7) & ~7;
    const need = bytesSize + 4 * batch.count + back;
    if (need > this.inputSize) {
      if (this.input) this.k.release(this.input, this.inputSize);
      let size = 1 << 16;
      while (size < need) size *= 2;
      this.input = this.k.alloc(size);
      this.inputSize = size;
    }
    const buf = this.k.memory.buffer;
    new Uint8Array(buf, this.input, batch.length).set(batch.bytes.subarray(0, batch.length));
    new Int32Array(buf, this.input + bytesSize, batch.count).set(batch.ends.subarray(0, batch.count));
    return { bytes: this.input, ends: this.input + bytesSize, back: this.input + bytesSize + 4 * batch.count };
  }

  countNgrams(batch: ChunkBatch): void {
    const at = this.load(batch, 0);
    this.total += batch.length;
    this.k.countNgrams(at.bytes, at.ends, batch.count);
  }

  pruneNgrams(minCount: number): { rawSizes: number[]; prunedSizes: number[] } {
    const k = this.k;
    const order = this.order;
    const rawSizes = [1];
    let tails = 0;
    for (let L = 1; L <= order; L++) {
      rawSizes.push(k.ngramsCounted(L, 0) + tails);
      if (L < order) tails += k.ngramsCounted(L, 1);
    }
    const logs = new LnCache();
    // Every byte is a 1-gram.
    let total = this.total;
    for (let b = 0; b < 256; b++) {
      if (k.unigramCount(b) === 0) {
        k.setUnigramCount(b, 1);
        total++;
      }
    }
    const lnTotal = lnCorrectlyRounded(total);
    const prunedSizes = [1, 256];
    {
      const keys = k.alloc(256 * 8);
      const values = k.alloc(256 * 8);
      const kv = new BigUint64Array(k.memory.buffer, keys, 256);
      const vv = new Float64Array(k.memory.buffer, values, 256);
      for (let b = 0; b < 256; b++) {
        kv[b] = BigInt(b);
        vv[b] = logs.ln(k.unigramCount(b)) - lnTotal;
      }
      k.setProbs(1, keys, values, 256);
      k.release(keys, 256 * 8);
      k.release(values, 256 * 8);
    }
    for (let L = 2; L <= order; L++) {
      const n = k.keptNgrams(L, minCount, 0, 0, 0, 1);
      const size = Math.max(8, n * 8);
      const keys = k.alloc(size);
      const cs = k.alloc(size);
      const ps = k.alloc(size);
      k.keptNgrams(L, minCount, keys, cs, ps, 0);
      const buf = k.memory.buffer;
      const c = new Float64Array(buf, cs, n);
      const p = new Float64Array(buf, ps, n);
      // The values overwrite the counts in place.
      for (let i = 0; i < n; i++) c[i] = logs.ln(c[i]!) - logs.ln(p[i]!);
      k.setProbs(L, keys, cs, n);
      k.release(keys, size);
      k.release(cs, size);
      k.release(ps, size);
      prunedSizes.push(n);
    }
    k.freeCounts();
    return { rawSizes, prunedSizes };
  }

  countPieces(batch: ChunkBatch): void {
    let longest = 0;
    for (let i = 0, s = 0; i < batch.count; s = batch.ends[i++]!) longest = Math.max(longest, batch.ends[i]! - s);
    const at = this.load(batch, longest * this.order);
    this.k.countPieces(at.bytes, at.ends, batch.count, at.back);
  }

  pieces(): { pieces: PieceCounts; total: number } {
    const k = this.k;
    const n = k.pieceCount.value as number;
    const buf = k.memory.buffer;
    const recs = new DataView(buf, k.records.value as number, n * 16);
    const arena = new Uint8Array(buf, k.arena.value as number);
    const pieces: PieceCounts = new Map();
    let total = 0;
    for (let i = 0; i < n; i++) {
      const at = recs.getUint32(16 * i, true);
      const len = recs.getInt32(16 * i + 4, true);
      const count = recs.getFloat64(16 * i + 8, true);
      pieces.set(bytesToKey(arena.subarray(at, at + len)), count);
      total += count;
    }
    return { pieces, total };
  }
}
