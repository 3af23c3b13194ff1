/**
 * The host of the trainer's WebAssembly kernel (assembly/train/): the batches of chunks are copied
 * into its memory, it counts n-grams, holds the pruned tables (the host takes the logarithms,
 * correctly rounded), runs the n-gram Viterbi and counts the pieces. Same results as
 * JsTrainKernel, its twin. Orders up to 8.
 */
import type { ChunkBatch } from './chunker.js';
import type { PieceTotals, SortedCounts, TrainKernel } from './kernel-js.js';
import { LnCache } from './ngram-model.js';
import type { PieceRecords } from './piece-set.js';
import { lnCorrectlyRounded } from '../model/ln.js';

/** The highest order the kernel handles (an n-gram key is one u64); higher orders use the JS twin. */
export const WASM_MAX_ORDER = 8;

interface Exports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  release(ptr: number, size: number): void;
  initNgrams(order: number, part: number, parts: number): void;
  countsAtLeast(L: number, minCount: number, keys: number, cs: number, dry: number): number;
  tailCounts(L: number, keys: number, cs: number, dry: number): number;
  sortCounts(keys: number, cs: number, n: number, bytes: number): void;
  addCounts(L: number, keys: number, cs: number, n: number): void;
  countNgrams(bytes: number, ends: number, nChunks: number): void;
  ngramsCounted(L: number, tail: number): number;
  unigramCount(b: number): number;
  keptNgrams(L: number, minCount: number, keys: number, cs: number, ps: number, dry: number): number;
  freeCounts(): void;
  setProbs(L: number, keys: number, values: number, n: number): void;
  initPieces(): void;
  mergePieces(records: number, bytes: number, n: number): void;
  pieceCount: WebAssembly.Global;
  records: WebAssembly.Global;
  arena: WebAssembly.Global;
  setEnsureUnicode(on: number): void;
  countPieces(bytes: number, ends: number, nChunks: number, back: number): void;
}

export class WasmTrainKernel implements TrainKernel {
  private k: Exports;
  private readonly order: number;
  /** The 0-gram count: bytes counted. */
  private total = 0;
  /** A block for the batch: bytes, then the chunk ends, then the Viterbi's back pointers. */
  private input = 0;
  private inputSize = 0;

  /** The pruned tables per order (keys, log-probabilities), kept for the counting threads. */
  pruned: { keys: BigUint64Array; values: Float64Array }[] = [];

  /** `part` of `parts`: this instance counts that share of the n-grams (see initNgrams in the kernel). */
  constructor(
    private readonly module: WebAssembly.Module,
    order: number,
    private readonly ensureUnicode: boolean,
    private readonly part = 0,
    private readonly parts = 1,
  ) {
    if (order > WASM_MAX_ORDER) throw new RangeError(`the trainer's kernel handles orders up to ${WASM_MAX_ORDER}, got ${order}`);
    this.order = order;
    this.k = this.instance();
    this.k.initNgrams(order, part, parts);
  }

  /** A new instance of the kernel, with an empty piece table. */
  private instance(): Exports {
    const k = new WebAssembly.Instance(this.module, {}).exports as unknown as Exports;
    k.initPieces();
    k.setEnsureUnicode(this.ensureUnicode ? 1 : 0);
    return k;
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

  /** Lets go of the instance (its memory goes with it); the kernel cannot be used after. */
  async close(): Promise<void> {
    this.k = undefined as unknown as Exports;
    this.pruned = [];
  }

  countNgrams(batch: ChunkBatch): void {
    const at = this.load(batch, 0);
    this.total += batch.length;
    this.k.countNgrams(at.bytes, at.ends, batch.count);
  }

  /** Distinct n-grams counted per order 1..order (index L), and chunk endings of L bytes; the 0-gram count. */
  counted(): { ngrams: number[]; tails: number[]; total: number } {
    const ngrams = [0];
    const tails = [0];
    for (let L = 1; L <= this.order; L++) {
      ngrams.push(this.k.ngramsCounted(L, 0));
      tails.push(L < this.order ? this.k.ngramsCounted(L, 1) : 0);
    }
    return { ngrams, tails, total: this.total };
  }

  /** Distinct n-grams held in the hash tables (orders ≥ 3) and chunk endings: what grows with the corpus. */
  heldNgrams(): number {
    let n = 0;
    for (let L = 3; L <= this.order; L++) n += this.k.ngramsCounted(L, 0);
    for (let L = 1; L < this.order; L++) n += this.k.ngramsCounted(L, 1);
    return n;
  }

  /**
   * The n-grams of order L counted here (or, with `tail`, the chunk endings of L bytes), sorted by
   * key: keys as (low, high) u32 pairs (`width` 2), and counts (copies).
   */
  sortedCounts(L: number, tail: boolean): SortedCounts {
    const k = this.k;
    const n = tail ? k.tailCounts(L, 0, 0, 1) : k.countsAtLeast(L, 1, 0, 0, 1);
    const size = Math.max(8, 8 * n);
    const keys = k.alloc(size);
    const cs = k.alloc(size);
    if (tail) k.tailCounts(L, keys, cs, 0);
    else k.countsAtLeast(L, 1, keys, cs, 0);
    k.sortCounts(keys, cs, n, L);
    const out = { words: new Uint32Array(k.memory.buffer, keys, 2 * n).slice(), width: 2, counts: new Float64Array(k.memory.buffer, cs, n).slice() };
    k.release(keys, size);
    k.release(cs, size);
    return out;
  }

  /** Empties the count tables (after a spill), keeping this instance's share. */
  resetCounts(): void {
    this.k.freeCounts();
    this.k.initNgrams(this.order, this.part, this.parts);
    this.total = 0;
  }

  /** The n-grams of order L counted here with count ≥ minCount (copies). */
  countsAtLeast(L: number, minCount: number): { keys: BigUint64Array; counts: Float64Array } {
    const k = this.k;
    const n = k.countsAtLeast(L, minCount, 0, 0, 1);
    const size = Math.max(8, 8 * n);
    const keys = k.alloc(size);
    const cs = k.alloc(size);
    k.countsAtLeast(L, minCount, keys, cs, 0);
    const out = { keys: new BigUint64Array(k.memory.buffer, keys, n).slice(), counts: new Float64Array(k.memory.buffer, cs, n).slice() };
    k.release(keys, size);
    k.release(cs, size);
    return out;
  }

  /** Adds counts of order L (what other instances counted); `total` adds to the 0-gram count. */
  addCounts(L: number, keys: BigUint64Array, counts: Float64Array): void {
    const k = this.k;
    const n = keys.length;
    const size = Math.max(8, 8 * n);
    const kp = k.alloc(size);
    const cp = k.alloc(size);
    new BigUint64Array(k.memory.buffer, kp, n).set(keys);
    new Float64Array(k.memory.buffer, cp, n).set(counts);
    k.addCounts(L, kp, cp, n);
    k.release(kp, size);
    k.release(cp, size);
  }

  addTotal(bytes: number): void {
    this.total += bytes;
  }

  /**
   * Installs pruned tables (see `pruned`) in a new instance: the count tables' memory goes with
   * the old one (a WebAssembly memory never shrinks, and the tables grew by doubling: ~100 MiB on
   * 4.6 MB of text, against ~15 MiB for the pruned tables). No piece must have been counted yet.
   */
  setPruned(tables: { keys: BigUint64Array; values: Float64Array }[]): void {
    const k = (this.k = this.instance());
    this.input = 0;
    this.inputSize = 0;
    // initNgrams sets the order the Viterbi reads; its empty count tables go at once.
    k.initNgrams(this.order, 0, 1);
    k.freeCounts();
    for (let L = 1; L <= this.order; L++) {
      const { keys, values } = tables[L]!;
      const n = keys.length;
      const size = Math.max(8, 8 * n);
      const kp = k.alloc(size);
      const vp = k.alloc(size);
      new BigUint64Array(k.memory.buffer, kp, n).set(keys);
      new Float64Array(k.memory.buffer, vp, n).set(values);
      k.setProbs(L, kp, vp, n);
      k.release(kp, size);
      k.release(vp, size);
    }
  }

  /** SPEC §6.3 here: prunes the counts into log-probabilities, then installs them (see setPruned). */
  pruneNgrams(minCount: number): { rawSizes: number[]; prunedSizes: number[] } {
    const sizes = this.prunedTables(minCount);
    this.setPruned(this.pruned);
    return sizes;
  }

  /**
   * Prunes the counts held here into log-probabilities (correctly rounded), left in `pruned`
   * (order 1 gets every byte); the count tables are left as they are. `raw`: the raw table sizes,
   * when the counts came from several instances (addCounts holds only the kept ones).
   */
  prunedTables(minCount: number, raw?: number[]): { rawSizes: number[]; prunedSizes: number[] } {
    const k = this.k;
    const order = this.order;
    let rawSizes = [1];
    let tails = 0;
    for (let L = 1; L <= order; L++) {
      rawSizes.push(k.ngramsCounted(L, 0) + tails);
      if (L < order) tails += k.ngramsCounted(L, 1);
    }
    if (raw) rawSizes = raw;
    this.pruned = [{ keys: new BigUint64Array(0), values: new Float64Array(0) }];
    const logs = new LnCache();
    // Every byte is a 1-gram.
    let total = this.total;
    const ones = new Float64Array(256);
    for (let b = 0; b < 256; b++) {
      ones[b] = k.unigramCount(b);
      if (ones[b] === 0) {
        ones[b] = 1;
        total++;
      }
    }
    const lnTotal = lnCorrectlyRounded(total);
    const prunedSizes = [1, 256];
    const keys1 = new BigUint64Array(256);
    for (let b = 0; b < 256; b++) {
      keys1[b] = BigInt(b);
      ones[b] = logs.ln(ones[b]!) - lnTotal;
    }
    this.pruned.push({ keys: keys1, values: ones });
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
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = logs.ln(c[i]!) - logs.ln(p[i]!);
      this.pruned.push({ keys: new BigUint64Array(buf, keys, n).slice(), values });
      k.release(keys, size);
      k.release(cs, size);
      k.release(ps, size);
      prunedSizes.push(n);
    }
    return { rawSizes, prunedSizes };
  }

  countPieces(batch: ChunkBatch): void {
    let longest = 0;
    for (let i = 0, s = 0; i < batch.count; s = batch.ends[i++]!) longest = Math.max(longest, batch.ends[i]! - s);
    const at = this.load(batch, longest * this.order);
    this.k.countPieces(at.bytes, at.ends, batch.count, at.back);
  }

  /** The pieces counted here, as records (offset u32, length u32, count f64) over an arena (copies). */
  pieceRecords(): { records: Uint8Array; arena: Uint8Array } {
    const k = this.k;
    const n = k.pieceCount.value as number;
    const buf = k.memory.buffer;
    const records = new Uint8Array(buf, k.records.value as number, 16 * n).slice();
    let end = 0;
    const view = new DataView(records.buffer);
    for (let i = 0; i < n; i++) end = Math.max(end, view.getUint32(16 * i, true) + view.getInt32(16 * i + 4, true));
    return { records, arena: new Uint8Array(buf, k.arena.value as number, end).slice() };
  }

  /** Adds piece records counted by other instances (see pieceRecords): the threads' merge. */
  addPieceRecords({ records, arena }: { records: Uint8Array; arena: Uint8Array }): void {
    const k = this.k;
    const rs = Math.max(16, records.length);
    const as = Math.max(16, arena.length);
    const rp = k.alloc(rs);
    const ap = k.alloc(as);
    new Uint8Array(k.memory.buffer, rp, records.length).set(records);
    new Uint8Array(k.memory.buffer, ap, arena.length).set(arena);
    k.mergePieces(rp, ap, records.length / 16);
    k.release(rp, rs);
    k.release(ap, as);
  }

  pieces(): PieceTotals {
    return piecesOfRecords(this.pieceRecords());
  }
}

/** Piece records (see WasmTrainKernel.pieceRecords) as {@link PieceRecords}, and their total count. */
export function piecesOfRecords({ records, arena }: { records: Uint8Array; arena: Uint8Array }): PieceTotals {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const n = records.length / 16;
  const pieces: PieceRecords = { arena, starts: new Uint32Array(n), lengths: new Uint32Array(n), counts: new Float64Array(n) };
  let total = 0;
  for (let i = 0; i < n; i++) {
    pieces.starts[i] = view.getUint32(16 * i, true);
    pieces.lengths[i] = view.getInt32(16 * i + 4, true);
    total += pieces.counts[i] = view.getFloat64(16 * i + 8, true);
  }
  return { pieces, total };
}
