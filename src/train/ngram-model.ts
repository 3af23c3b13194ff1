/**
 * SPEC §6.3: n-gram counts → pruned conditional log-probabilities. Every byte is a 1-gram (count 1
 * if unseen, adding 1 to the total); an n-gram of order ≥ 2 is kept if its count ≥ minCount; its
 * value is ln count(g) − ln count(g without its last byte), each log correctly rounded (the
 * reference's pieces depend on the last bit). A kept n-gram's prefix and suffix are kept too
 * (they occur at least as often), which the Viterbi relies on to stop early.
 */
import { lnCorrectlyRounded } from '../model/ln.js';
import { KeyTable } from './key-table.js';
import { keyWidth, referenceRawSizes, type NgramCounter } from './ngram-count.js';

/** The pruned model: `tables[L]` maps an L-gram's key (see ngram-count.ts) to its log-probability. */
export interface NgramModel {
  readonly order: number;
  readonly tables: KeyTable[];
  /**
   * Sizes of the reference's tables per order 0..order before pruning (the 0-gram counts 1; the
   * order-j table holds the j-grams and the chunk endings shorter than j, see NgramCounter.tails).
   */
  readonly rawSizes: number[];
  /** The same after pruning (order 1 is then always 256). */
  readonly prunedSizes: number[];
}

/** ln of an integer count, each small one computed once. */
export class LnCache {
  private readonly small = new Float64Array(1 << 16);
  ln(count: number): number {
    if (count < this.small.length) {
      let v = this.small[count]!;
      if (v === 0 && count !== 1) v = this.small[count] = lnCorrectlyRounded(count);
      return v;
    }
    return lnCorrectlyRounded(count);
  }
}

export function pruneNgrams(counter: NgramCounter, minCount: number): NgramModel {
  const { order, tables: counts } = counter;
  const rawSizes = referenceRawSizes(counter);
  const logs = new LnCache();
  const key = new Uint32Array(keyWidth(order) + 1);
  // Every byte is a 1-gram.
  let total = counter.total;
  const ones = counts[1]!;
  for (let b = 0; b < 256; b++) {
    key[0] = b;
    if (ones.find(key, 0) < 0) {
      ones.add(key, 0, 1);
      total++;
    }
  }
  const lnTotal = lnCorrectlyRounded(total);
  const tables: KeyTable[] = [new KeyTable(1, 1)];
  const prunedSizes = [1];
  for (let L = 1; L <= order; L++) {
    const raw = counts[L]!;
    const w = raw.width;
    const least = L > 1 ? minCount : 0;
    let kept = 0;
    for (let s = 0; s < raw.capacity; s++) if (raw.used[s] !== 0 && raw.values[s]! >= least) kept++;
    let bits = 4;
    while (1 << bits < 2 * kept) bits++;
    const out = new KeyTable(w, bits);
    const prefixTable = counts[L - 1]!;
    const pw = L > 1 ? prefixTable.width : 0;
    for (let s = 0; s < raw.capacity; s++) {
      if (raw.used[s] === 0) continue;
      const count = raw.values[s]!;
      if (count < least) continue;
      let lnPrefix = lnTotal;
      if (L > 1) {
        // The prefix (without the last byte, which is the key's lowest byte): the key shifted down 8 bits.
        const at = s * w;
        for (let k = 0; k < pw; k++) key[k] = (raw.keys[at + k]! >>> 8) | ((k + 1 < w ? raw.keys[at + k + 1]! : 0) << 24);
        const p = prefixTable.find(key, 0);
        if (p < 0) throw new Error(`internal: the prefix of a kept ${L}-gram is absent`);
        lnPrefix = logs.ln(prefixTable.values[p]!);
      }
      out.add(raw.keys, s * w, logs.ln(count) - lnPrefix);
    }
    tables.push(out);
    prunedSizes.push(out.size);
  }
  return { order, tables, rawSizes, prunedSizes };
}
