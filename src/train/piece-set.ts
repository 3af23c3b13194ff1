/**
 * A set of pieces with counts, keyed by the piece's bytes as a Latin-1 string (one char per byte:
 * string order is byte order, and a Map keeps it hashable). The prune loops (SPEC §6.5-6.6) work
 * on these; they handle tens of thousands of pieces a round, far off the hot path.
 */
export type PieceCounts = Map<string, number>;

export function bytesToKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

export function keyToBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** The model files' order (SPEC §1): by byte length, then bytes. */
export function byLengthThenBytes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Pieces as the kernels count them, over one byte arena: piece i is
 * arena[starts[i] .. starts[i] + lengths[i]), counted counts[i] times. Most of them are dropped
 * by the first prune (SPEC §6.5): they are read from here, never made strings.
 */
export interface PieceRecords {
  arena: Uint8Array;
  starts: Uint32Array;
  lengths: Uint32Array;
  counts: Float64Array;
}

/** The records as a {@link PieceCounts} map (for the staged trainer's files). */
export function recordsToCounts(r: PieceRecords): PieceCounts {
  const out: PieceCounts = new Map();
  for (let i = 0; i < r.counts.length; i++) out.set(bytesToKey(r.arena.subarray(r.starts[i]!, r.starts[i]! + r.lengths[i]!)), r.counts[i]!);
  return out;
}
