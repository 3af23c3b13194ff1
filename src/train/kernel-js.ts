/**
 * The trainer's hot loops in plain JavaScript: n-gram counting, pruning into log-probabilities,
 * the n-gram Viterbi and piece counting. The readable twin of the WebAssembly kernel
 * (assembly/train/), and the baseline it is measured against.
 */
import type { ChunkBatch } from './chunker.js';
import { NgramCounter } from './ngram-count.js';
import { pruneNgrams, type NgramModel } from './ngram-model.js';
import { NgramSegmenter } from './ngram-viterbi.js';
import { PieceTable } from './piece-table.js';
import type { PieceRecords } from './piece-set.js';

/**
 * What the trainer needs from a kernel, in call order. A kernel on threads (src/node/) answers
 * with promises; a batch may be reused once a call has returned (or its promise resolved).
 */
export interface TrainKernel {
  countNgrams(batch: ChunkBatch): void | Promise<void>;
  /** Prunes the counts into log-probabilities; returns the table sizes per order 0..order, before and after. */
  pruneNgrams(minCount: number): NgramSizes | Promise<NgramSizes>;
  countPieces(batch: ChunkBatch): void | Promise<void>;
  /** The pieces counted, and their total count. */
  pieces(): PieceTotals | Promise<PieceTotals>;
  /** Lets go of threads, if any. */
  close?(): Promise<void>;
}

export interface NgramSizes {
  rawSizes: number[];
  prunedSizes: number[];
}
/**
 * Counts sorted by key ascending (so by the n-gram's bytes): entry i's key is
 * words[i·width .. (i+1)·width), packed as in ngram-count.ts.
 */
export interface SortedCounts {
  words: Uint32Array;
  width: number;
  counts: Float64Array;
}
export interface PieceTotals {
  pieces: PieceRecords;
  total: number;
}

export class JsTrainKernel implements TrainKernel {
  private counter: NgramCounter | undefined;
  private model: NgramModel | undefined;
  private segmenter: NgramSegmenter | undefined;
  private table = new PieceTable();

  constructor(
    private readonly order: number,
    private readonly ensureUnicode: boolean,
  ) {
    this.counter = new NgramCounter(order);
  }

  /** Distinct n-grams and chunk endings held (what grows with the corpus). */
  heldNgrams(): number {
    let n = 0;
    for (let L = 1; L <= this.order; L++) n += this.counter!.tables[L]!.size + (L < this.order ? this.counter!.tails[L]!.size : 0);
    return n;
  }

  /** The n-grams of order L (or, with `tail`, the chunk endings of L bytes), sorted by key. */
  sortedCounts(L: number, tail: boolean): SortedCounts {
    const table = (tail ? this.counter!.tails : this.counter!.tables)[L]!;
    const w = table.width;
    const slots: number[] = [];
    for (let s = 0; s < table.capacity; s++) if (table.used[s] !== 0) slots.push(s);
    const keys = table.keys;
    slots.sort((a, b) => {
      for (let k = w - 1; k >= 0; k--) {
        const x = keys[a * w + k]!;
        const y = keys[b * w + k]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
    const words = new Uint32Array(slots.length * w);
    const counts = new Float64Array(slots.length);
    slots.forEach((s, i) => {
      for (let k = 0; k < w; k++) words[i * w + k] = keys[s * w + k]!;
      counts[i] = table.values[s]!;
    });
    return { words, width: w, counts };
  }

  /** Empties the counts (after a spill). */
  resetCounts(): void {
    this.counter = new NgramCounter(this.order);
  }

  /** Installs a pruned model made elsewhere (the staged trainer's). */
  setModel(model: NgramModel): void {
    this.counter = undefined;
    this.model = model;
    this.segmenter = new NgramSegmenter(model, this.ensureUnicode);
  }

  countNgrams(batch: ChunkBatch): void {
    this.counter!.addBatch(batch);
  }

  /** Lets go of the tables; the kernel cannot be used after. */
  async close(): Promise<void> {
    this.counter = undefined;
    this.model = undefined;
    this.segmenter = undefined;
    this.table = new PieceTable();
  }

  pruneNgrams(minCount: number): { rawSizes: number[]; prunedSizes: number[] } {
    this.model = pruneNgrams(this.counter!, minCount);
    this.counter = undefined; // the counts are no longer needed
    this.segmenter = new NgramSegmenter(this.model, this.ensureUnicode);
    return { rawSizes: this.model.rawSizes, prunedSizes: this.model.prunedSizes };
  }

  /** The pruned model (for tests of that stage). */
  get ngramModel(): NgramModel | undefined {
    return this.model;
  }

  countPieces(batch: ChunkBatch): void {
    this.segmenter!.countBatch(batch, this.table);
  }

  pieces(): PieceTotals {
    const t = this.table;
    const n = t.size;
    const lengths = new Uint32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      lengths[i] = t.length(i);
      total += t.counts[i]!;
    }
    const pieces = { arena: t.arena.slice(0, t.arenaLength), starts: Uint32Array.from(t.starts.subarray(0, n)), lengths, counts: t.counts.slice(0, n) };
    return { pieces, total };
  }
}
