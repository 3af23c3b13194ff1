import { checkSingleBytes, type Vocabulary } from './vocabulary.js';
import { buildDoubleArray, type DoubleArray } from './trie.js';
import { lnCorrectlyRounded } from './ln.js';
import { ModelError } from './errors.js';
import type { PlacedTables } from './binary-wasm.js';

/**
 * Everything the engines need, as flat typed arrays shared by the pure-JS and WASM engines.
 * Immutable once built; per-call scratch space lives in the engines.
 */
export interface CompiledModel {
  readonly vocab: Vocabulary;
  readonly trie: DoubleArray;
  /** Score per id: ln(count) − ln(Σ counts), each log correctly rounded (SPEC §3). */
  readonly scores: Float64Array;
  /** Byte length per id (0 for the special ids). */
  readonly lengths: Int32Array;
  readonly maxPieceLength: number;
  /** Present when the tables were decoded into a kernel instance (binary models). */
  readonly placed?: PlacedTables;
}

/**
 * Builds the trie and scores for a validated vocabulary (or takes those a binary model carries);
 * rejects models that are not total.
 */
export function compileModel(vocab: Vocabulary, source?: string): CompiledModel {
  const trie = vocab.compiled?.trie ?? buildDoubleArray(vocab, source);
  const singleByteIds = new Int32Array(256);
  const { words: w, nodeIds: ids } = trie; // once: a binary model's are getters
  for (let b = 0; b < 256; b++) {
    const child = trie.rootBase + b;
    singleByteIds[b] = w[4 * child + 1] === 0 ? ids[child]! : -1;
  }
  checkSingleBytes(singleByteIds, source);

  const compiled = vocab.compiled;
  if (compiled) {
    // Getters passed through: a binary model makes scores on first use, and its tables are views
    // re-made when the kernel's memory grows.
    return {
      vocab,
      trie,
      get scores() { return compiled.scores; },
      get lengths() { return compiled.lengths; },
      maxPieceLength: compiled.maxPieceLength,
      placed: compiled.placed,
    };
  }
  const { vocabSize, offsets } = vocab; // not before: a binary model makes its offsets on first use
  const lengths = new Int32Array(vocabSize);
  let maxPieceLength = 0;
  for (let id = 3; id < vocabSize; id++) {
    const len = offsets[id + 1]! - offsets[id]!;
    lengths[id] = len;
    if (len > maxPieceLength) maxPieceLength = len;
  }
  const logTotal = lnCorrectlyRounded(exactTotal(vocab.counts));
  const scores = new Float64Array(vocabSize);
  scores[0] = scores[1] = scores[2] = -Infinity;
  // Small counts repeat a lot (about a third of the pieces of a 160k model share their count with
  // another), and the correctly rounded log costs ~100 ns: take each small one once.
  const small = new Float64Array(Math.min(SMALL_COUNTS, vocabSize * 2));
  for (let id = 3; id < vocabSize; id++) {
    const count = vocab.counts[id]!;
    let ln: number;
    if (count < small.length) {
      ln = small[count]!;
      if (ln === 0 && count !== 1) ln = small[count] = lnCorrectlyRounded(count);
    } else {
      ln = lnCorrectlyRounded(count);
    }
    const score = ln - logTotal;
    // The kernel compares sums of scores by their bits, which orders negative doubles only. Every
    // count is below the total by at least 255 (the other single bytes), so this cannot fail.
    if (!(score < 0)) throw new ModelError(`piece ${id}: score ${score} is not negative`, source);
    scores[id] = score;
  }
  const { f64, nodeIds, size } = trie;
  for (let i = 0; i < size; i++) {
    const id = nodeIds[i]!;
    if (id >= 0) f64[2 * i + 1] = scores[id]!;
  }
  return { vocab, trie, scores, lengths, maxPieceLength };
}

const SMALL_COUNTS = 1 << 16;

// The reference sums Python integers exactly and rounds once when taking the log; a float64 running
// sum is exact only while it stays below 2^53, so fall back to BigInt past that.
function exactTotal(counts: Float64Array): number {
  let total = 0;
  for (let id = 3; id < counts.length; id++) total += counts[id]!;
  if (total <= Number.MAX_SAFE_INTEGER) return total;
  let big = 0n;
  for (let id = 3; id < counts.length; id++) big += BigInt(counts[id]!);
  return Number(big);
}
