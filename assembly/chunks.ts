// Where the kernels cut a text in two halves that they segment side by side.

// Two streams: the text is cut at a chunk start near its middle (chunks are segmented on their
// own, so the halves are independent) and both halves advance together, one byte of each per
// iteration. Each byte's walks wait on the node records the previous byte loaded (a chain of cache
// misses on large models); interleaving two such chains lets their misses overlap. Both halves
// must have PAIR_MIN bytes; shorter texts take one stream without scanning for a cut. 16, not 64:
// short English and code texts gain 10-15% in the deterministic kernel (docs/kernel-notes.md),
// Chinese is neutral.
export const PAIR_MIN = 16;

/**
 * The position q > 0 nearest n / 2 where a chunk starts (input[q - 1] is `\n`, input[q] is not),
 * looking on both sides at once; or 0. The nearer the middle, the fewer bytes the single stream
 * runs after the shorter half ends.
 */
export function middleChunkStart(input: usize, n: i32): i32 {
  const mid = n >> 1; // >= PAIR_MIN >= 1
  for (let d = 0; d < mid; d++) {
    const hi = mid + d;
    if ((hi < n) & (load<u8>(input + <usize>hi - 1) == 10) & (load<u8>(input + <usize>hi) != 10)) return hi;
    const lo = mid - 1 - d;
    if ((lo > 0) & (load<u8>(input + <usize>lo - 1) == 10) & (load<u8>(input + <usize>lo) != 10)) return lo;
  }
  return 0;
}
