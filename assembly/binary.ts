// Binary model decoding and structural checks (the format: src/binary-model.ts). The same two
// passes as the pure-JS reader there, result for result, but compiled: this code runs once per
// process, and as WebAssembly it runs at machine speed from its first iteration, where the JS loops
// run at interpreter speed until V8 has optimized them (that was most of a binary load's time).
// Each function works on addresses the host chose in this instance's memory and returns -1 when
// all is well, or the index of the first bad entry for the host to name in its error.

const NONE: i32 = -0x80000000;

/**
 * ln(c) to ~1e-15 for c ≥ 1 with basic IEEE operations only: bit for bit the predictLn of
 * src/binary-model.ts (same operations in the same order; WebAssembly does not fuse them).
 */
function predictLn(c: f64): f64 {
  const bits = reinterpret<u64>(c);
  let k = <i32>(<u32>(bits >> 52)) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m = m / 2;
    k++;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  const series = 1 + z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0 + z * (1.0 / 13.0 + z * (1.0 / 15.0 + z / 17.0)))))));
  return <f64>k * 0.6931471805599453 + 2 * s * series;
}

/**
 * The distinct counts (from their deltas) and their scores (prediction + 64-bit residual). May work
 * in place (counts over countDeltas, scores over residuals): entry k is read before it is written.
 * Works on entries from..to-1 (called slice by slice, as binaryTable; the count before `from` is
 * counts[from - 1]).
 */
export function binaryCounts(countDeltas: usize, residuals: usize, offset: f64, counts: usize, scores: usize, from: i32, to: i32): i32 {
  let c: f64 = from > 0 ? load<f64>(counts + (<usize>(from - 1) << 3)) : 0;
  for (let k = from; k < to; k++) {
    const at = <usize>k << 3;
    c += load<f64>(countDeltas + at);
    store<f64>(counts + at, c); // before the check: the host's error message shows it
    if (!(c >= 1 && c <= 9007199254740991 && floor<f64>(c) == c)) return k;
    const score = reinterpret<f64>(reinterpret<u64>(predictLn(c) - offset) + load<u64>(residuals + at));
    store<f64>(scores + at, score);
    if (!(score < 0)) return k;
  }
  return -1;
}

/**
 * The node table (base, check, score per 16-byte slot) and the pieces, in one pass over the slots
 * (a second pass over the 16-byte slots cost as much again: the table is larger than the L2 cache).
 *
 * Nodes: every base + 255 and every parent inside the table, every depth its parent's plus one (so
 * parent chains cannot loop and no walk is deeper than the deepest node), free slots at depth 0.
 * `nodes` (base and parent deltas, 8 bytes per slot) may be the top half of the table itself
 * (words + 8 × size): slot i's entry is read before slot i is written, and writing slot i only
 * reaches the entries of slots ≤ i (decoded in place).
 *
 * Pieces, in place (`ids` holds the id section on entry and the node ids, -1 for no piece, on
 * return): a slot's entry is NONE or its piece's id minus the last id at the same depth (`last`: one
 * i32 per depth, zero on entry), and must be a new id in 3..pieces+2 at an occupied slot other than
 * the root and the guard slots; the piece's length (its node's depth) goes to lengths[id] (zero on
 * entry: a repeated id is one whose length is set), its score (through the next count index) to the
 * node. The lengths must add up to at most totalBytes.
 *
 * Works on slots from..to-1, carrying its state over calls in stats (zero before the first call):
 * [0] occupied slots, [1] deepest node, [2] longest piece, [3] the lengths added up, [4] pieces
 * placed; [5] what failed (1 the node, 2 its piece). Returns -1 or the first bad slot. The host calls
 * it slice by slice: a call runs the code it started with, and V8 first runs WebAssembly with its
 * baseline compiler (about half the speed here); between calls the optimized code, compiled in the
 * background meanwhile, takes over.
 */
export function binaryTable(
  nodes: usize, depths: usize, ids: usize, size: i32, words: usize,
  countIndex: usize, pieces: i32, distinctScores: usize, distinct: i32, scoreBlock: usize, lengths: usize, last: usize, totalBytes: u32, stats: usize,
  from: i32, to: i32,
): i32 {
  const leafBase = size - 256;
  const vocabSize = <u32>pieces + 3;
  let occupied = load<i32>(stats);
  let deepest = load<i32>(stats, 4);
  let max = load<u32>(stats, 8);
  let at = load<u32>(stats, 12);
  let placed = load<i32>(stats, 16);
  for (let i = from; i < to; i++) {
    const bd = load<i32>(nodes + (<usize>i << 3));
    const cd = load<i32>(nodes + (<usize>i << 3), 4);
    const d = <i32>load<u16>(depths + (<usize>i << 1));
    let check = -1;
    if (cd != NONE) {
      check = i + cd;
      if (i == 0 ? check != -2 : check < 0 || check >= leafBase || check == i) return bad(stats, i, 1);
      occupied++;
      if (i != 0) {
        if (d == 0 || d != <i32>load<u16>(depths + (<usize>check << 1)) + 1) return bad(stats, i, 1);
        if (d > deepest) deepest = d;
      } else if (d != 0) return bad(stats, 0, 1);
    } else if (i == 0 || d != 0) return bad(stats, i, 1);
    let b = leafBase;
    if (bd != NONE) {
      b = i + bd;
      if (b < 0 || b > leafBase || check == -1) return bad(stats, i, 1);
    }
    const slot = ids + (<usize>i << 2);
    const delta = load<i32>(slot);
    let id = -1;
    let score = -Infinity;
    if (delta != NONE) {
      if (i == 0 || i >= leafBase || placed >= pieces || check == -1) return bad(stats, i, 2);
      const len = <u32>d; // ≥ 1: an occupied slot other than the root
      const lastAt = last + (<usize>len << 2);
      id = load<i32>(lastAt) + delta;
      if (<u32>id < 3 || <u32>id >= vocabSize) return bad(stats, i, 2);
      const lenAt = lengths + (<usize>id << 2);
      if (load<u32>(lenAt) != 0) return bad(stats, i, 2);
      const j = load<u32>(countIndex + (<usize>placed << 2));
      if (j >= <u32>distinct) return bad(stats, i, 2);
      const inBlock = placed & (SCORE_BLOCK - 1);
      if (inBlock == 0) gatherScores(countIndex + (<usize>placed << 2), min(SCORE_BLOCK, pieces - placed), distinctScores, distinct, scoreBlock);
      at += len; // no overflow: each len is < 2^16 and the sum is checked at every step
      if (at > totalBytes) return bad(stats, i, 2);
      if (len > max) max = len;
      store<i32>(lastAt, id);
      store<u32>(lenAt, len);
      score = load<f64>(scoreBlock + (<usize>inBlock << 3));
      placed++;
    }
    store<i32>(slot, id);
    const w = words + (<usize>i << 4);
    store<i32>(w, b);
    store<i32>(w, check, 4);
    store<f64>(w, score, 8);
  }
  store<i32>(stats, occupied);
  store<i32>(stats, deepest, 4);
  store<u32>(stats, max, 8);
  store<u32>(stats, at, 12);
  store<i32>(stats, placed, 16);
  return -1;
}

/**
 * The pieces' scores are looked up at random in the count table, which the streams through the node
 * table keep evicting from the cache: one at a time, in the table pass, each was a cache miss the
 * pass waited for (half its time). binaryTable gathers them SCORE_BLOCK pieces at a time instead,
 * in a loop of independent loads whose misses overlap, into `scoreBlock` (8 × SCORE_BLOCK bytes).
 */
const SCORE_BLOCK = 2048; // src/binary-wasm.ts reserves room for it

/** scoreBlock[k] = distinctScores[countIndex[k]] for k < n (an index out of range is caught by the caller). */
function gatherScores(countIndex: usize, n: i32, distinctScores: usize, distinct: i32, scoreBlock: usize): void {
  const top = <u32>distinct - 1;
  for (let k = 0; k < n; k++) {
    const j = min<u32>(load<u32>(countIndex + (<usize>k << 2)), top);
    store<f64>(scoreBlock + (<usize>k << 3), load<f64>(distinctScores + (<usize>j << 3)));
  }
}

/** Notes what failed at `slot` (1 its node, 2 its piece) in stats[5]; returns the slot. */
@inline
function bad(stats: usize, slot: i32, what: i32): i32 {
  store<i32>(stats, what, 20);
  return slot;
}

/**
 * The payload's checksum (see src/binary-model.ts): over its 32-bit little-endian words w, the sum
 * A of the words and the sum B of the running sums A (64-bit, wrapping), continued from sums[0..1]
 * over the n bytes at data (n a multiple of 8), two words per step. Called slice by slice by the
 * host (as binaryTable) right after reading each slice: about half the time zlib's CRC-32 took here.
 */
export function binarySum(data: usize, n: i32, sums: usize): void {
  let a = load<u64>(sums);
  let b = load<u64>(sums, 8);
  for (let i = 0; i < n; i += 8) {
    const w = load<u64>(data + <usize>i);
    const lo = w & 0xffffffff;
    const hi = w >> 32;
    b += (a << 1) + (lo << 1) + hi; // (a + lo) + (a + lo + hi)
    a += lo + hi;
  }
  store<u64>(sums, a);
  store<u64>(sums, b, 8);
}
