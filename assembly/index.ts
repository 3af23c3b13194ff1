// The WASM kernel: the byte trie walk and the Viterbi best path over linear memory.
// No strings, no GC objects: the host (src/engine-wasm.ts) lays out the model tables and the
// per-call buffers in memory and passes their addresses. Mirrors src/engine-js.ts step for step.
//
// The walk runs all start positions in lockstep (see the notes at the end of this file): at each
// byte, every live walk (one per earlier start whose bytes so far spell a trie path) takes one step
// on that byte. The steps of different walks do not depend on each other, so their cache misses
// overlap, where walking one start at a time is a chain of dependent misses.

import { NODES } from './layout';
export { NODES };

// Model tables, set once by setModel.
let nodeIds: usize = 0; // i32 piece id per node, or -1
let lengths: usize = 0; // i32 byte length per piece id
let live: usize = 0; // scratch: 16 bytes per live walk: best[start] f64, node i32, start i32
let rootBase: i32 = 0;

export function setModel(nodeIdsPtr: usize, lengthsPtr: usize, livePtr: usize, root: i32): void {
  nodeIds = nodeIdsPtr;
  lengths = lengthsPtr;
  live = livePtr;
  rootBase = root;
}

/**
 * Segments input[0..n). With split, each `\n`-terminated chunk is segmented on its own.
 * back, starts: i32[n + 1] scratch each. Returns the number of ids, written in text order to
 * back[n - count + 1 .. n] (so they end where the scratch ends).
 */
export function encode(input: usize, n: i32, back: usize, starts: usize, split: bool): i32 {
  forward(input, n, back, starts, split);
  return traceback(n, back, starts);
}

/** As encode, but only counts the ids (nothing is written past the forward pass). */
export function count(input: usize, n: i32, back: usize, starts: usize, split: bool): i32 {
  forward(input, n, back, starts, split);
  let count = 0;
  for (let e = n; e > 0; count++) e = load<i32>(starts + (<usize>e << 2));
  return count;
}

// For each end e = i + 1 in order, the candidates bytes[s..e) arrive in increasing s (the live
// walks are kept oldest first, the new one-byte walk last): the reference's order (SPEC §3), and
// the strict > keeps the first of equal scores. back[e] = node of the best last piece.
//
// The running maximum is kept as the bits of the double, compared as signed integers: every
// candidate is negative or -Infinity (scores are logs of probabilities < 1, see compileModel), and
// on negative doubles a > b exactly when bits(a) < bits(b). That keeps the update a cmov: V8 turns
// a select on f64 into a branch, which here is mispredicted about every other candidate.
const NEG_INF_BITS: i64 = 0xfff0000000000000;

function forward(input: usize, n: i32, back: usize, starts: usize, split: bool): void {
  const walks = live;
  const root = rootBase;
  let count = 0; // live walks
  let bestPrev: f64 = 0; // best[i]
  let prev: u32 = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(input + <usize>i);
    if (split & (prev == 10) & (c != 10)) {
      // A chunk ends after a run of `\n`: no piece crosses it, and best restarts at 0.
      count = 0;
      bestPrev = 0;
    }
    prev = c;
    let best = NEG_INF_BITS;
    let bestNode: i32 = 0;
    let bestStart: i32 = 0;
    let w: usize = walks;
    const end = walks + (<usize>count << 4);
    for (let r = walks; r < end; r += 16) {
      const node = load<i32>(r, 8);
      const bs = load<f64>(r);
      const next = load<i32>(<usize>node << 4, NODES) + <i32>c;
      const q = <usize>next << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const score = reinterpret<i64>(bs + load<f64>(q, NODES + 8));
      const better = alive & (score < best);
      best = select<i64>(score, best, better);
      const start = load<i32>(r, 12);
      bestNode = select<i32>(next, bestNode, better);
      bestStart = select<i32>(start, bestStart, better);
      store<f64>(w, bs);
      store<i32>(w, next, 8);
      store<i32>(w, start, 12);
      w += <usize>alive << 4;
    }
    // The walk starting here: its first step always exists (every byte is a piece).
    const node1 = root + <i32>c;
    const score1 = reinterpret<i64>(bestPrev + load<f64>(<usize>node1 << 4, NODES + 8));
    const better1 = score1 < best;
    best = select<i64>(score1, best, better1);
    bestNode = select<i32>(node1, bestNode, better1);
    bestStart = select<i32>(i, bestStart, better1);
    store<f64>(w, bestPrev);
    store<i32>(w, node1, 8);
    store<i32>(w, i, 12);
    count = <i32>((w - walks) >> 4) + 1;
    store<i32>(back + (<usize>(i + 1) << 2), bestNode);
    store<i32>(starts + (<usize>(i + 1) << 2), bestStart);
    bestPrev = reinterpret<f64>(best);
  }
}

// Follows starts[] from n to 0, writing ids from back[n] downwards: the id of the piece ending at e
// goes to a slot ≥ e that has already been read, so the scratch is reused in place. The chain
// e → starts[e] stays in the scratch; the node → id loads (random, in a large table) hang off it
// and overlap, where following lengths[nodeIds[back[e]]] made every token two dependent misses.
function traceback(n: i32, back: usize, starts: usize): i32 {
  let w = back + (<usize>n << 2);
  for (let e = n; e > 0; ) {
    const id = load<i32>(nodeIds + (<usize>load<i32>(back + (<usize>e << 2)) << 2));
    store<i32>(w, id);
    w -= 4;
    e = load<i32>(starts + (<usize>e << 2));
  }
  return <i32>((back + (<usize>n << 2) - w) >> 2);
}

// ---- Notes: what was measured (bytepiece.plus.80k, whole shared corpora in one call, kernel only,
// best CPU time of 9-15 rounds on the shared 2-vCPU machine under load avg 4-6, so absolute
// figures are ~1.3x slower than on a quiet machine; compare within a row. ns per input byte,
// zh / en / code.)
//
// Kept:
//   - Old kernel (one walk per start, 8-byte base/check units + nodeIds + scores by id, f64 ring):
//     23-28 / 75-91 / 45-57.
//   - Lockstep walks + 16-byte node records with the score folded in, f64 select: 29 / 66-71 / 48.
//     English/code gain a little from overlapping misses; V8 compiles the f64 select to a branch.
//   - Same with the running max kept as i64 bits (a cmov): 28 / 52 / 38.
//   - Same with the node table at a constant address (frees a register, loads use the offset
//     field): 23 / 41 / 33 (old in the same run: 23 / 79 / 46). On a small working set (8 KB of
//     each corpus repeated) 21.5 / 33.5 / 28.4: the loop is now mostly compute- and branch-bound
//     (the exit of the walk loop, whose trip count changes from byte to byte, is mispredicted often).
//
// Tried and rejected:
//   - A minimum trip count (parking dead walks so the loop always runs >= 4 slots, to make its
//     exit predictable): 33 / 45 / 43 vs 23 / 41 / 33 without; with >= 2 slots no gain either.
//   - f64 select (see above): a data-dependent branch.
//
// Reasoned out, not built: a 2-byte root table (65536 entries) buys nothing in lockstep form: a
// walk's first two steps already start from the 256 hot root children, so the table load replaces
// the depth-2 record load one for one. Worth measuring next: starting walks at depth 2 through it
// would save one loop step per byte (zh has 2.6 steps/byte, en 4.1), and unrolling by two.

export { setSampler, setRandomState, sample } from './sampler';
export { binaryCounts, binaryNodes, binaryPieces, binaryCrc32 } from './binary';
