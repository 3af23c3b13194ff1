// Where the kernels cut a text in two halves that they segment side by side.

// Two streams: the text is cut at a chunk start near its middle (chunks are segmented on their
// own, so the halves are independent) and both halves advance together, one byte of each per
// iteration. Each byte's walks wait on the node records the previous byte loaded (a chain of cache
// misses on large models); interleaving two such chains lets their misses overlap. Both halves
// must have PAIR_MIN bytes; shorter texts take one stream without scanning for a cut (a guess,
// not tuned: 100-byte documents measured the same within noise with and without it).
export const PAIR_MIN = 64;

/** A position q > 0 where a chunk starts (input[q - 1] is `\n`, input[q] is not), near n / 2; or 0. */
export function middleChunkStart(input: usize, n: i32): i32 {
  const mid = n >> 1;
  for (let q = max(mid, 1); q < n; q++) {
    if ((load<u8>(input + <usize>q - 1) == 10) & (load<u8>(input + <usize>q) != 10)) return q;
  }
  for (let q = mid - 1; q > 0; q--) {
    if ((load<u8>(input + <usize>q - 1) == 10) & (load<u8>(input + <usize>q) != 10)) return q;
  }
  return 0;
}
