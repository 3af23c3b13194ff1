/**
 * SPEC §6.5-6.6: prune the pieces out of the n-gram Viterbi. Dropped pieces are re-segmented with
 * the Unigram tokenizer of the kept ones (an engine's `encodeBytes`, on raw bytes) and their
 * counts passed on; then every kept piece is re-segmented with the current set until the number
 * of pieces stops changing; then, per vocabulary size, largest first, the same after truncation.
 */
import type { Engine } from '../engine/engine.js';
import { compileModel, type CompiledModel } from '../model/compile.js';
import { vocabularyOf } from './model-writer.js';
import { byLengthThenBytes, keyToBytes, type PieceCounts } from './piece-set.js';

/** Makes a tokenizer engine (JS or WASM) for a compiled model. */
export type EngineFactory = (model: CompiledModel) => Engine;

export interface PruneSettings {
  maxPieceLength: number;
  minCount: number;
  /** Largest first. */
  sizes: readonly number[];
  engine: EngineFactory;
  /** Called after each re-segmentation round. */
  onRound?: (round: number) => void;
}

/**
 * Re-segments every `[piece, count]` of `drop` with the tokenizer of `keep`, adding the count
 * to each piece of its segmentation (once per occurrence); returns those sums.
 */
export function splitPieces(keep: PieceCounts, drop: Iterable<[string, number]>, engine: EngineFactory): PieceCounts {
  const keys = [...keep.keys()].sort(byLengthThenBytes);
  const vocab = vocabularyOf(keys, keep);
  const segmenter = engine(compileModel(vocab, 'pieces being pruned'));
  const sums = new Float64Array(vocab.vocabSize);
  for (const [piece, count] of drop) {
    const ids = segmenter.encodeBytes(keyToBytes(piece), false, 0, 0);
    for (let i = 0; i < ids.length; i++) sums[ids[i]!]! += count;
  }
  const out: PieceCounts = new Map();
  for (let id = 3; id < vocab.vocabSize; id++) if (sums[id]! > 0) out.set(keys[id - 3]!, sums[id]!);
  return out;
}

/** SPEC §6.5's repeat loop: re-segment the kept pieces with themselves until their number settles. */
function settle(keep: PieceCounts, settings: PruneSettings, round: { n: number }): PieceCounts {
  for (;;) {
    const before = keep.size;
    keep = splitPieces(keep, keep, settings.engine);
    settings.onRound?.(++round.n);
    if (keep.size === before) return keep;
  }
}

/** Moves the counts of `drop` onto `keep` (re-segmented), in place. */
function absorb(keep: PieceCounts, drop: Iterable<[string, number]>, settings: PruneSettings): void {
  for (const [piece, count] of splitPieces(keep, drop, settings.engine)) keep.set(piece, keep.get(piece)! + count);
}

/** Steps 5 and 6: the final pieces for each size, largest first. `pieces` is consumed. */
export function prunePieces(pieces: PieceCounts, settings: PruneSettings): PieceCounts[] {
  const round = { n: 0 };
  for (let b = 0; b < 256; b++) {
    const k = String.fromCharCode(b);
    if (!pieces.has(k)) pieces.set(k, 1);
  }
  let keep: PieceCounts = new Map();
  const drop: [string, number][] = [];
  for (const [piece, count] of pieces) {
    if (piece.length === 1 || (piece.length <= settings.maxPieceLength && count >= settings.minCount)) keep.set(piece, count);
    else drop.push([piece, count]);
  }
  pieces.clear();
  absorb(keep, drop, settings);
  keep = settle(keep, settings, round);
  const results: PieceCounts[] = [];
  for (const size of settings.sizes) {
    if (keep.size <= size - 3) {
      results.push(keep);
      continue;
    }
    // Single bytes first, then by count (descending), length (descending), bytes.
    const ranked = [...keep].sort((x, y) => {
      const sx = x[0].length > 1 ? 1 : 0;
      const sy = y[0].length > 1 ? 1 : 0;
      if (sx !== sy) return sx - sy;
      if (x[1] !== y[1]) return y[1] - x[1];
      if (x[0].length !== y[0].length) return y[0].length - x[0].length;
      return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
    });
    keep = new Map(ranked.slice(0, size - 3));
    absorb(keep, ranked.slice(size - 3), settings);
    keep = settle(keep, settings, round);
    results.push(keep);
  }
  return results;
}
