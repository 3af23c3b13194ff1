/**
 * SPEC §6.5-6.6: prune the pieces out of the n-gram Viterbi. Dropped pieces are re-segmented with
 * the Unigram tokenizer of the kept ones (an engine's `encodeBytes`, on raw bytes) and their
 * counts passed on; then every kept piece is re-segmented with the current set until the number
 * of pieces stops changing; then, per vocabulary size, largest first, the same after truncation.
 */
import type { Engine } from '../engine/engine.js';
import { compileModel, type CompiledModel } from '../model/compile.js';
import { vocabularyOf } from './model-writer.js';
import { byLengthThenBytes, bytesToKey, keyToBytes, type PieceCounts, type PieceRecords } from './piece-set.js';

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

/** Pieces to re-segment: calls `visit` with each one's bytes and count. */
export type DropList = (visit: (bytes: Uint8Array, count: number) => void) => void;

/** The pieces of a list of `[piece, count]` as a {@link DropList}. */
const listed =
  (pieces: Iterable<[string, number]>): DropList =>
  (visit) => {
    for (const [piece, count] of pieces) visit(keyToBytes(piece), count);
  };

/**
 * Re-segments every piece of `drop` with the tokenizer of `keep`, adding its count to each piece
 * of its segmentation (once per occurrence); returns those sums.
 */
export function splitPieces(keep: PieceCounts, drop: DropList, engine: EngineFactory): PieceCounts {
  const keys = [...keep.keys()].sort(byLengthThenBytes);
  const vocab = vocabularyOf(keys, keep);
  const segmenter = engine(compileModel(vocab, 'pieces being pruned'));
  const sums = new Float64Array(vocab.vocabSize);
  drop((bytes, count) => {
    const ids = segmenter.encodeBytes(bytes, false, 0, 0);
    for (let i = 0; i < ids.length; i++) sums[ids[i]!]! += count;
  });
  const out: PieceCounts = new Map();
  for (let id = 3; id < vocab.vocabSize; id++) if (sums[id]! > 0) out.set(keys[id - 3]!, sums[id]!);
  return out;
}

/** SPEC §6.5's repeat loop: re-segment the kept pieces with themselves until their number settles. */
function settle(keep: PieceCounts, settings: PruneSettings, round: { n: number }): PieceCounts {
  for (;;) {
    const before = keep.size;
    keep = splitPieces(keep, listed(keep), settings.engine);
    settings.onRound?.(++round.n);
    if (keep.size === before) return keep;
  }
}

/** Moves the counts of `drop` onto `keep` (re-segmented), in place. */
function absorb(keep: PieceCounts, drop: DropList, settings: PruneSettings): void {
  for (const [piece, count] of splitPieces(keep, drop, settings.engine)) keep.set(piece, keep.get(piece)! + count);
}

/**
 * Step 5's first prune: every single byte is kept (count 1 if unseen), and a longer piece if it
 * is at most maxPieceLength bytes and counted at least minCount times; the others are dropped.
 */
function firstPrune(pieces: PieceCounts | PieceRecords, settings: PruneSettings): { keep: PieceCounts; drop: DropList } {
  const keeps = (length: number, count: number) => length === 1 || (length <= settings.maxPieceLength && count >= settings.minCount);
  const keep: PieceCounts = new Map();
  let drop: DropList;
  if (pieces instanceof Map) {
    const dropped: [string, number][] = [];
    for (const [piece, count] of pieces) {
      if (keeps(piece.length, count)) keep.set(piece, count);
      else dropped.push([piece, count]);
    }
    pieces.clear();
    drop = listed(dropped);
  } else {
    const { arena, starts, lengths, counts } = pieces;
    const dropped: number[] = [];
    for (let i = 0; i < counts.length; i++) {
      if (keeps(lengths[i]!, counts[i]!)) keep.set(bytesToKey(arena.subarray(starts[i]!, starts[i]! + lengths[i]!)), counts[i]!);
      else dropped.push(i);
    }
    drop = (visit) => {
      for (const i of dropped) visit(arena.subarray(starts[i]!, starts[i]! + lengths[i]!), counts[i]!);
    };
  }
  for (let b = 0; b < 256; b++) {
    const k = String.fromCharCode(b);
    if (!keep.has(k)) keep.set(k, 1);
  }
  return { keep, drop };
}

/** Steps 5 and 6: the final pieces for each size, largest first. A `pieces` map is consumed. */
export function prunePieces(pieces: PieceCounts | PieceRecords, settings: PruneSettings): PieceCounts[] {
  const round = { n: 0 };
  const first = firstPrune(pieces, settings);
  let keep = first.keep;
  absorb(keep, first.drop, settings);
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
    absorb(keep, listed(ranked.slice(size - 3)), settings);
    keep = settle(keep, settings, round);
    results.push(keep);
  }
  return results;
}
