/**
 * SPEC §6.2: counts every byte n-gram of length 1..order that lies inside a chunk (the reference
 * also counts the shorter tails at a chunk's end, and discards them when pruning). The JS twin of
 * the kernel's counting.
 *
 * Keys: the n-gram of length L ending at byte e is packed last byte first, byte e−m in word m>>2
 * at bits 8·(m&3), in `keyWidth(L)` words. Packing backwards from the end lets the Viterbi extend
 * a key one byte at a time as it looks at longer n-grams ending at the same byte, and makes the
 * key of an n-gram without its last byte that key shifted down by 8 bits.
 */
import type { ChunkBatch } from './chunker.js';
import { KeyTable } from './key-table.js';

/** 32-bit words in the key of an n-gram of `length` bytes. */
export const keyWidth = (length: number): number => ((length - 1) >> 2) + 1;

export class NgramCounter {
  readonly order: number;
  /** tables[L] counts the L-grams (L = 1..order); tables[0] is unused. */
  readonly tables: KeyTable[];
  /** The 0-gram count: the number of byte positions seen. */
  total = 0;
  /**
   * tails[L] holds the distinct chunk endings of L < order bytes: the reference's table of order
   * j also counts these shorter keys (its `text[i:i+j]` at a chunk's end), so its "raw" sizes
   * include them. Only those figures need them (SPEC §6.3 discards them).
   */
  readonly tails: KeyTable[];
  private readonly key: Uint32Array;

  constructor(order: number) {
    this.order = order;
    this.tables = [new KeyTable(1, 1)];
    for (let L = 1; L <= order; L++) this.tables.push(new KeyTable(keyWidth(L), L === 1 ? 9 : 12));
    this.tails = [new KeyTable(1, 1)];
    for (let L = 1; L < order; L++) this.tails.push(new KeyTable(keyWidth(L), 8));
    this.key = new Uint32Array(keyWidth(order));
  }

  /** Counts the n-grams of every chunk in the batch. */
  addBatch(batch: ChunkBatch): void {
    const { bytes, ends } = batch;
    let start = 0;
    for (let k = 0; k < batch.count; k++) {
      const end = ends[k]!;
      this.addChunk(bytes, start, end);
      start = end;
    }
  }

  addChunk(bytes: Uint8Array, start: number, end: number): void {
    const { order, tables, key } = this;
    this.total += end - start;
    for (let e = start; e < end; e++) {
      key.fill(0);
      const most = Math.min(order, e - start + 1);
      for (let m = 0; m < most; m++) {
        key[m >> 2]! |= bytes[e - m]! << (8 * (m & 3));
        tables[m + 1]!.add(key, 0, 1);
        if (e + 1 === end && m + 1 < order) this.tails[m + 1]!.add(key, 0, 1);
      }
    }
  }
}

/**
 * The reference's table sizes per order 0..order before pruning: its order-j table holds the
 * j-grams and the chunk endings shorter than j.
 */
export function referenceRawSizes(counter: NgramCounter): number[] {
  const sizes = [1];
  let tails = 0;
  for (let L = 1; L <= counter.order; L++) {
    sizes.push(counter.tables[L]!.size + tails);
    if (L < counter.order) tails += counter.tails[L]!.size;
  }
  return sizes;
}
