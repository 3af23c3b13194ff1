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
