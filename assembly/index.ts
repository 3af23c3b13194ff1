// The WASM kernel: the byte trie walk and the Viterbi best path over linear memory.
// No strings, no GC objects: the host (src/engine-wasm.ts) lays out the model tables and the
// per-call buffers in memory and passes their addresses. The same algorithm as src/engine-js.ts,
// step for step, except that the kernel runs two halves of a text side by side (see forward).
//
// The walk runs all start positions in lockstep (see the notes at the end of this file): at each
// byte, every live walk (one per earlier start whose bytes so far spell a trie path) takes one step
// on that byte. The steps of different walks do not depend on each other, so their cache misses
// overlap, where walking one start at a time is a chain of dependent misses.

import { NODES } from './layout';
import { middleChunkStart, PAIR_MIN } from './chunks';
import { tracebackRecords } from './traceback';
export { NODES };

// Model tables, set once by setModel.
let nodeIds: usize = 0; // i32 piece id per node, or -1
let lengths: usize = 0; // i32 byte length per piece id
let live: usize = 0; // scratch: 32 bytes per live walk: best[start] f64, node i32, start i32, base(node) i32
let live2: usize = 0; // the second stream's live walks
let rootBase: i32 = 0;

/** live, live2: room for maxPieceLength + 2 walks each, 32 bytes per walk. */
export function setModel(nodeIdsPtr: usize, lengthsPtr: usize, livePtr: usize, root: i32, live2Ptr: usize): void {
  nodeIds = nodeIdsPtr;
  lengths = lengthsPtr;
  live = livePtr;
  rootBase = root;
  live2 = live2Ptr;
}

/**
 * Segments input[0..n). With split, each `\n`-terminated chunk is segmented on its own.
 * trace: 8 * (n + 1) bytes of scratch. Returns the number of ids, written in text order to the
 * i32 slots that end where the scratch ends (trace + 8 * (n + 1)).
 */
export function encode(input: usize, n: i32, trace: usize, split: bool): i32 {
  forward(input, n, trace, split);
  return tracebackRecords(n, trace, nodeIds);
}

/**
 * The forward pass alone over input[0..n) as one chunk, from a position whose best score is
 * `bestStart`: a window of a chunk too long to segment in one piece of memory (the host follows
 * the trace back from where every best path meets; see WasmEngine.windowed). trace as in encode.
 */
export function forwardWindow(input: usize, n: i32, trace: usize, bestStart: f64): void {
  park(live);
  single(input, 0, n, trace, false, live, 0, bestStart, 0);
}

/** The ids of the best path to n in the last forward pass, as encode leaves them; their number. */
export function traceback(n: i32, trace: usize): i32 {
  return tracebackRecords(n, trace, nodeIds);
}

let secondIds = 0;

/**
 * As encode (with split), over two texts laid end to end, input[0..p) and input[p..n), each
 * segmented on its own as if alone, side by side as two streams (so that two short texts overlap
 * their cache misses as the halves of a longer one do): the ids of the first, then of the second,
 * whose number secondCount() then returns.
 */
export function encodeTwo(input: usize, n: i32, trace: usize, p: i32): i32 {
  forwardFrom(input, n, trace, true, p, true);
  let c = 0;
  for (let e = n; e > p; c++) e = load<i32>(trace + (<usize>e << 3), 4);
  secondIds = c;
  return tracebackRecords(n, trace, nodeIds);
}

/** The number of ids of the second text in the last encodeTwo. */
export function secondCount(): i32 {
  return secondIds;
}

/** As encode, but only counts the ids (nothing is written past the forward pass). */
export function count(input: usize, n: i32, trace: usize, split: bool): i32 {
  forward(input, n, trace, split);
  let count = 0;
  for (let e = n; e > 0; count++) e = load<i32>(trace + (<usize>e << 3), 4);
  return count;
}

// For each end e = i + 1 in order, the candidates bytes[s..e) arrive in increasing s (the live
// walks are kept oldest first, the new one-byte walk last): the reference's order (SPEC §3), and
// the strict > keeps the first of equal scores. trace[e] = (node, start) of the best last piece.
//
// The running maximum is kept as the bits of the double, compared as signed integers: every
// candidate is negative or -Infinity (scores are logs of probabilities < 1, see compileModel), and
// on negative doubles a > b exactly when bits(a) < bits(b). That keeps the update a cmov: V8 turns
// a select on f64 into a branch, which here is mispredicted about every other candidate.
//
// A live walk is 32 bytes: best[start] f64, then (node, start) as one i64 (node in the low half),
// which is also the trace entry when it wins: one load, one select and one store carry both; then
// the node's base i32, read from the node's record in the step that reached it (same cache line as
// its check and score), so the next step goes straight to the child's record: one dependent load
// per step instead of two.
const NEG_INF_BITS: i64 = 0xfff0000000000000;

// The first FIXED = 2 slots of a walk list are stepped in straight-line code, the rest in a loop
// (on Chinese 2/3 of the bytes have at most 2 live walks, so the loop is mostly skipped; see the
// notes at the end). Slots count..1 hold an always-dead sentinel: node -2 (no check is below -1)
// with the root's base (base + c is a hot root child), so the compaction never keeps it. Each
// byte writes one past its new walk (slot count <= maxPieceLength: the host's lists have
// maxPieceLength + 2 slots); park fills slots 0 and 1 when a list restarts empty.
const FIXED: usize = 2;
const SENTINEL_REC: i64 = 0xfffffffe; // node -2, start 0

/** Puts sentinels in the first FIXED slots of a walk list (count = 0). */
// @ts-ignore: decorator
@inline function park(walks: usize): void {
  for (let j: usize = 0; j < FIXED; j++) {
    store<i64>(walks + (j << 5), SENTINEL_REC, 8);
    store<i32>(walks + (j << 5), rootBase, 16);
  }
}

// Texts with a chunk start near the middle run as two streams, side by side (see assembly/chunks.ts).
function forward(input: usize, n: i32, trace: usize, split: bool): void {
  forwardFrom(input, n, trace, split, split & (n >= 2 * PAIR_MIN) ? middleChunkStart(input, n) : 0, false);
}

// With `apart`, input[p..n) starts afresh even where input[p - 1] is not `\n` (encodeTwo).
function forwardFrom(input: usize, n: i32, trace: usize, split: bool, p: i32, apart: bool): void {
  park(live);
  park(live2);
  if (min(p, n - p) < PAIR_MIN) {
    if (!apart) {
      single(input, 0, n, trace, split, live, 0, 0, 0);
      return;
    }
    single(input, 0, p, trace, true, live, 0, 0, 0);
    park(live);
    single(input, p, n, trace, true, live, 0, 0, 0);
    return;
  }
  const a = live;
  const b = live2;
  const root = rootBase;
  let countA = 0;
  let bestPrevA: f64 = 0;
  let prevA: u32 = 0;
  let countB = 0;
  let bestPrevB: f64 = 0;
  let prevB: u32 = 10;
  const m = min(p, n - p);
  for (let k = 0; k < m; k++) {
    // Byte k of the first half, then byte p + k of the second: each block is the step of
    // `single` below, written out twice so that both streams' state stays in locals.
    {
      const i = k;
      const c = <u32>load<u8>(input + <usize>i);
      if ((prevA == 10) & (c != 10)) {
        countA = 0;
        bestPrevA = 0;
        park(a);
      }
      prevA = c;
      let best = NEG_INF_BITS;
      let bestRec: i64 = 0;
      let w: usize = a;
      const node1 = root + <i32>c; // the walk starting here: loaded first, its candidate goes last
      const rec1 = (<i64>i << 32) | <i64>node1;
      const score1 = reinterpret<i64>(bestPrevA + load<f64>(<usize>node1 << 4, NODES + 8));
      const base1 = load<i32>(<usize>node1 << 4, NODES);
      // Slots 0 and 1 in straight-line code, read up front (a slot's compacted copy goes at w,
      // at or below it), then the slots past them in a loop.
      const slotRec0 = load<i64>(a, 8);
      const slotBs0 = load<f64>(a, 0);
      const slotNext0 = load<i32>(a, 16) + <i32>c;
      const slotRec1 = load<i64>(a, 40);
      const slotBs1 = load<f64>(a, 32);
      const slotNext1 = load<i32>(a, 48) + <i32>c;
      {
        const node = <i32>slotRec0;
        const q = <usize>slotNext0 << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(slotBs0 + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = slotRec0 + <i64>(slotNext0 - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, slotBs0);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      {
        const node = <i32>slotRec1;
        const q = <usize>slotNext1 << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(slotBs1 + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = slotRec1 + <i64>(slotNext1 - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, slotBs1);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      const end = a + (<usize>countA << 5);
      for (let r = a + 64; r < end; r += 32) {
        const rec = load<i64>(r, 8);
        const bs = load<f64>(r);
        const node = <i32>rec;
        const next = load<i32>(r, 16) + <i32>c; // node's base, carried in the walk
        const q = <usize>next << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(bs + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = rec + <i64>(next - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, bs);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      // A sentinel in the slot past the new walk: with count = 1 it is slot 1 at the next byte.
      store<i64>(w, SENTINEL_REC, 40);
      store<i32>(w, root, 48);
      const better1 = score1 < best;
      best = select<i64>(score1, best, better1);
      bestRec = select<i64>(rec1, bestRec, better1);
      store<f64>(w, bestPrevA);
      store<i64>(w, rec1, 8);
      store<i32>(w, base1, 16);
      countA = <i32>((w - a) >> 5) + 1;
      store<i64>(trace + (<usize>(i + 1) << 3), bestRec);
      bestPrevA = reinterpret<f64>(best);
    }
    {
      const i = p + k;
      const c = <u32>load<u8>(input + <usize>i);
      if ((prevB == 10) & (c != 10)) {
        countB = 0;
        bestPrevB = 0;
        park(b);
      }
      prevB = c;
      let best = NEG_INF_BITS;
      let bestRec: i64 = 0;
      let w: usize = b;
      const node1 = root + <i32>c; // the walk starting here: loaded first, its candidate goes last
      const rec1 = (<i64>i << 32) | <i64>node1;
      const score1 = reinterpret<i64>(bestPrevB + load<f64>(<usize>node1 << 4, NODES + 8));
      const base1 = load<i32>(<usize>node1 << 4, NODES);
      // Slots 0 and 1 in straight-line code, read up front (a slot's compacted copy goes at w,
      // at or below it), then the slots past them in a loop.
      const slotRec0 = load<i64>(b, 8);
      const slotBs0 = load<f64>(b, 0);
      const slotNext0 = load<i32>(b, 16) + <i32>c;
      const slotRec1 = load<i64>(b, 40);
      const slotBs1 = load<f64>(b, 32);
      const slotNext1 = load<i32>(b, 48) + <i32>c;
      {
        const node = <i32>slotRec0;
        const q = <usize>slotNext0 << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(slotBs0 + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = slotRec0 + <i64>(slotNext0 - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, slotBs0);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      {
        const node = <i32>slotRec1;
        const q = <usize>slotNext1 << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(slotBs1 + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = slotRec1 + <i64>(slotNext1 - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, slotBs1);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      const end = b + (<usize>countB << 5);
      for (let r = b + 64; r < end; r += 32) {
        const rec = load<i64>(r, 8);
        const bs = load<f64>(r);
        const node = <i32>rec;
        const next = load<i32>(r, 16) + <i32>c; // node's base, carried in the walk
        const q = <usize>next << 4;
        const alive = load<i32>(q, NODES + 4) == node;
        const base2 = load<i32>(q, NODES);
        const score = reinterpret<i64>(bs + load<f64>(q, NODES + 8));
        const better = alive & (score < best);
        const rec2 = rec + <i64>(next - node);
        best = select<i64>(score, best, better);
        bestRec = select<i64>(rec2, bestRec, better);
        store<f64>(w, bs);
        store<i64>(w, rec2, 8);
        store<i32>(w, base2, 16);
        w += <usize>alive << 5;
      }
      // A sentinel in the slot past the new walk: with count = 1 it is slot 1 at the next byte.
      store<i64>(w, SENTINEL_REC, 40);
      store<i32>(w, root, 48);
      const better1 = score1 < best;
      best = select<i64>(score1, best, better1);
      bestRec = select<i64>(rec1, bestRec, better1);
      store<f64>(w, bestPrevB);
      store<i64>(w, rec1, 8);
      store<i32>(w, base1, 16);
      countB = <i32>((w - b) >> 5) + 1;
      store<i64>(trace + (<usize>(i + 1) << 3), bestRec);
      bestPrevB = reinterpret<f64>(best);
    }
  }
  single(input, m, p, trace, true, a, countA, bestPrevA, prevA);
  single(input, p + m, n, trace, true, b, countB, bestPrevB, prevB);
}

// One stream over input[from..to), from the state it had at `from`.
function single(input: usize, from: i32, to: i32, trace: usize, split: bool, walks: usize, count: i32, bestPrev: f64, prev: u32): void {
  const root = rootBase;
  for (let i = from; i < to; i++) {
    const c = <u32>load<u8>(input + <usize>i);
    if (split & (prev == 10) & (c != 10)) {
      // A chunk ends after a run of `\n`: no piece crosses it, and best restarts at 0.
      count = 0;
      bestPrev = 0;
      park(walks);
    }
    prev = c;
    let best = NEG_INF_BITS;
    let bestRec: i64 = 0;
    let w: usize = walks;
    // The walk starting here (its first step always exists: every byte is a piece): loaded first,
    // its candidate goes last.
    const node1 = root + <i32>c;
    const rec1 = (<i64>i << 32) | <i64>node1;
    const score1 = reinterpret<i64>(bestPrev + load<f64>(<usize>node1 << 4, NODES + 8));
    const base1 = load<i32>(<usize>node1 << 4, NODES);
    // Slots 0 and 1 in straight-line code, read up front (a slot's compacted copy goes at w,
    // at or below it), then the slots past them in a loop.
    const slotRec0 = load<i64>(walks, 8);
    const slotBs0 = load<f64>(walks, 0);
    const slotNext0 = load<i32>(walks, 16) + <i32>c;
    const slotRec1 = load<i64>(walks, 40);
    const slotBs1 = load<f64>(walks, 32);
    const slotNext1 = load<i32>(walks, 48) + <i32>c;
    {
      const node = <i32>slotRec0;
      const q = <usize>slotNext0 << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const base2 = load<i32>(q, NODES);
      const score = reinterpret<i64>(slotBs0 + load<f64>(q, NODES + 8));
      const better = alive & (score < best);
      const rec2 = slotRec0 + <i64>(slotNext0 - node);
      best = select<i64>(score, best, better);
      bestRec = select<i64>(rec2, bestRec, better);
      store<f64>(w, slotBs0);
      store<i64>(w, rec2, 8);
      store<i32>(w, base2, 16);
      w += <usize>alive << 5;
    }
    {
      const node = <i32>slotRec1;
      const q = <usize>slotNext1 << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const base2 = load<i32>(q, NODES);
      const score = reinterpret<i64>(slotBs1 + load<f64>(q, NODES + 8));
      const better = alive & (score < best);
      const rec2 = slotRec1 + <i64>(slotNext1 - node);
      best = select<i64>(score, best, better);
      bestRec = select<i64>(rec2, bestRec, better);
      store<f64>(w, slotBs1);
      store<i64>(w, rec2, 8);
      store<i32>(w, base2, 16);
      w += <usize>alive << 5;
    }
    const end = walks + (<usize>count << 5);
    for (let r = walks + 64; r < end; r += 32) {
      const rec = load<i64>(r, 8);
      const bs = load<f64>(r);
      const node = <i32>rec;
      const next = load<i32>(r, 16) + <i32>c; // node's base, carried in the walk
      const q = <usize>next << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const base2 = load<i32>(q, NODES);
      const score = reinterpret<i64>(bs + load<f64>(q, NODES + 8));
      const better = alive & (score < best);
      const rec2 = rec + <i64>(next - node); // (next, start): next - node cannot borrow
      best = select<i64>(score, best, better);
      bestRec = select<i64>(rec2, bestRec, better);
      store<f64>(w, bs);
      store<i64>(w, rec2, 8);
      store<i32>(w, base2, 16);
      w += <usize>alive << 5;
    }
    // A sentinel in the slot past the new walk: with count = 1 it is slot 1 at the next byte.
    store<i64>(w, SENTINEL_REC, 40);
    store<i32>(w, root, 48);
    const better1 = score1 < best;
    best = select<i64>(score1, best, better1);
    bestRec = select<i64>(rec1, bestRec, better1);
    store<f64>(w, bestPrev);
    store<i64>(w, rec1, 8);
    store<i32>(w, base1, 16);
    count = <i32>((w - walks) >> 5) + 1;
    store<i64>(trace + (<usize>(i + 1) << 3), bestRec);
    bestPrev = reinterpret<f64>(best);
  }
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
// Reasoned out, not built (then built, see below): a 2-byte root table (65536 entries) buys
// nothing in lockstep form: a walk's first two steps already start from the 256 hot root children,
// so the table load replaces the depth-2 record load one for one.
//
// Second round (bench/kernel-ab.ts: builds side by side in one process, rounds interleaved, median
// CPU time of 11, whole corpus in one call; ratio to the build kept before it, zh / en / code;
// an A/A run of one build against a copy of itself gives 1.03 / 0.96 / 1.02, so differences within
// ±4% are noise):
// Kept:
//   - A walk's node and start packed in one i64 (and trace entries = those i64s, 8 bytes per
//     position instead of two i32 arrays): one load, one select and one store carry both.
//     plus.80k 1.02-1.08 / 1.12-1.15 / 1.01-1.15, eu.plus.160k 1.05 / 1.07 / 1.09.
//   - Two streams: cut the text at a chunk start near its middle and advance both halves one byte
//     each per iteration (chunks are independent, so this is exact). Each byte's walks wait on the
//     records the previous byte loaded, a chain of misses; two chains overlap. With the two
//     streams' state in locals: 1.07 / 1.20 / 1.23 (with the state in memory below each walk list,
//     to share one inlined step function: 0.81-0.98 / 1.23-1.42 / 0.97-1.20). Texts without a
//     `\n` (and tokenizeBytes, one chunk) take the single stream.
// Tried and rejected:
//   - Unrolling the walk loop by two (an always-dead sentinel walk pads an odd count): 0.82 / 0.94
//     / 0.88.
//   - Live walks of 8 bytes (node, start) with best[start] read back from the trace (16-byte
//     entries: one store less per step, one dependent load more): 0.94 / 0.99 / 0.97.
//   - The 2-byte root table, built (i32[65536] = 256 KB: the node of each two-byte prefix, 0 when
//     none; the walk from i - 1 enters the list at depth 2 through it, one loop step less per
//     byte): 0.95 / 0.97 / 0.98. As reasoned above, the depth-2 record (its score, and its base
//     for the next step) must still be loaded, so the miss stays, and the extra straight-line
//     code costs what the saved loop step did.
//   - A do-while walk loop with the chunk reset made branch-free (selects): 0.92 / 0.91 / 0.91.
//   - Four streams (cuts at chunk starts near the quartiles, four blocks of state in locals; two
//     streams when there are not three cuts): 0.68 / 0.87 / 0.85 against two streams. Too many
//     live values for x64's registers: the spills cost more than the extra overlap gains.
//   - Not built: an ASCII fast path. Every byte value starts a walk at the root the same way, and
//     what costs is the depth ≥ 2 steps, where ASCII is not special; nothing in the walk is
//     per-character work that ASCII could skip.

// Third round (bench/kernel-ab.ts as above, plus.80k unless noted, zh / en / code; machine under
// load avg 5-6, A/A 0.99 / 1.01 / 1.03):
// Kept:
//   - The node's base carried in the live walk (32-byte walks): a step loads the child's record
//     (check, score, and the child's base for the next step, one cache line) straight from
//     base + c, where it loaded the node's record first for its base (an L1 hit, but one more
//     dependent load on every walk's chain from byte to byte). Two runs: 1.09 / 1.06 / 1.07 and
//     1.02 / 1.03 / 1.12; eu.plus.160k 1.01 / 1.18 / 1.13.
// Tried and rejected:
//   - Dropping a walk as soon as it reaches a leaf (base == leafBase, read from the record the
//     step loads anyway; the new one-byte walk likewise), instead of letting it fail its check at
//     the next byte in the hot free slots past the last node. It removes 12% of the steps on zh
//     (22% with eu.plus.160k), 7% on en, 4% on code, but a step from a leaf is cheap (hot memory,
//     predictable) and the extra compare costs about as much: 0.98-1.01 / 1.00-1.01 / 0.97-0.98;
//     eu.plus.160k 1.07 / 0.98 / 1.00.
//   - The child's base and check read as one i64 (one load instead of two, same record):
//     0.96 / 0.96 / 1.09 against A/A 1.02 / 1.07 / 1.09.
// Kept: PAIR_MIN 16 instead of 64 (two streams for short texts with a chunk start near the
//   middle). kernel-ab --short N, 31 rounds, load avg ~7, A/A 1.01 / 0.92-0.98 / 1.00-1.03:
//   ~100-byte documents 1.00-0.99 / 1.15-1.17 / 1.13-1.16, ~60 bytes 0.99 / 1.04 / 1.08,
//   ~160 bytes 1.03 / 1.11 / 1.10; whole documents (--per-doc) 0.99 / 1.11 / 1.02. 24 and 32 gain
//   less (100 bytes: 24 1.11-1.17 on en, 32 1.08). (An earlier run at load avg 10.5 gave
//   0.90-1.06 / 1.02-1.27 / 1.03-1.16, A/A spread 0.91-1.11.)
// Kept, though within noise: middleChunkStart takes the chunk start nearest the middle on either
// side (it took the first one after the middle, else the last one before). Per document
// (kernel-ab --per-doc) the bytes left to the single stream drop from 26% to 18% on zh-fortunes
// and from 47% to 37% on en-fortunes (counted); timed 1.00 / 1.06 / noise (A/A 0.99 / 1.04 /
// 0.91: code is 88 large documents, cut at once either way).

// Fourth round: the first slots of the walk list in straight-line code (bench/kernel-ab.ts, 21-31
// rounds, load avg 1.3-2.2, each run with an A/A copy of the base build; ratios to the kernel
// before, zh / en / code; A/A 0.98-1.02 in the quiet runs, up to 0.91-1.08 in two runs that
// caught a load spike, whose ratios are left out below). Idea: the walk loop's trip count changes
// from byte to byte (zh-fortunes on plus.80k: 1 live walk in 20% of bytes, 2 in 46%, 3 in 25%),
// so its exit should be mispredicted about once per byte per stream.
// Kept: FIXED = 2 (slots 0 and 1 straight-line, an always-dead sentinel where count < 2, a loop
//   over slots 2.. only), with the one-byte walk's record loaded before the slots, its candidate
//   still last. plus.80k: 1.05-1.09 / 1.03-1.06 / 1.01-1.03 (zh 19.2 -> 17.7 ns/B, 31 rounds);
//   eu.plus.160k: 1.05-1.08 / 1.02-1.04 / 1.01-1.03. Per document (--per-doc, plus.80k)
//   1.07 / 1.02 / 1.00; ~100-byte documents (--short 100) neutral: 0.99-1.05 / 0.99-1.05 /
//   0.97-1.03 on both models (A/A 0.96-1.03). Under load (avg 2.7-4, zh at 32-35 ns/B for both
//   builds) the gain goes: plus.80k whole corpus 0.99-1.02 / 0.98-1.02 / 0.93-1.11 (A/A 0.96-1.21),
//   per document 1.11 / 1.00 / 1.02; eu.plus.160k 1.07 / 1.00 / 1.05, per document 1.05 / 1.06 /
//   1.03 (A/A 0.94-1.05).
// Measured beside it, not kept:
//   - FIXED = 2 with the one-byte walk loaded after the loop (as before): zh 1.05-1.07, en/code
//     the same as kept; FIXED = 1 (slot 0 peeled: no sentinel stores at all, count >= 1 after
//     every byte): 1.04-1.07 / 0.98-1.08 / 1.03-1.06, zh below FIXED = 2 in the same runs
//     (1.05 vs 1.08 plus.80k, 1.03 vs 1.05 eu.plus.160k, 31 rounds).
//   - FIXED = 3: 1.02-1.03 / 1.00-1.01 / 0.98-1.02; with the one-byte walk loaded first 0.96 /
//     0.97 / 0.96 (noisier runs): the third sentinel slot costs on the 66% of zh bytes with <= 2
//     walks more than skipping the loop saves on the other 25%.
// So the mispredicted loop exit was not the main cost: peeling one slot gives most of the gain,
// and skipping the loop for 91% of zh bytes (FIXED = 3) gives less than for 66% (FIXED = 2).
// Chinese stays ~17.7 ns/B kernel-only, far from ~12.

// Fifth round (2026-11-28, third session; bench/kernel-ab.ts, 11 rounds, whole corpus in one call,
// plus.80k, both builds forced to one stream; A/A 0.97 / 1.02 / 1.08):
// Tried and rejected: no compaction. The walks in a ring of 64 slots indexed by start mod 64 (best
// f64, node, base: 16 bytes), the live set a u64 mask walked lowest bit (oldest) first with ctz, so
// that no store address depends on whether earlier walks died (with compaction, slot k's copy goes
// to an address that waits on every check before it, and the next byte's loads wait on those
// stores). 0.79 / 0.98 / 0.94 against the kernel kept: that dependency is not what bounds a step.
// (This machine's VM exposes no hardware counters to perf, so the bound was not pinned down.)
// Tried and rejected: a touch of the next byte's record (each step, once it has the child's base,
// also loads the check at base + the next input byte, xor-ed into a global so it stays), to start
// that miss a byte early: per document (--per-doc, 11 rounds, A/A 0.95-0.99) 0.83 / 0.88 / 0.79.
//
// Experiment, not built into the package: a character-level kernel for "eu" models (every
// multi-byte piece is whole UTF-8 characters). Walks start only at character starts and step one
// character per lookup in a double array over dense character indices (a code point -> index
// table first); inside a character only single-byte pieces can end. Counted on the shared corpora
// (zh-fortunes): 3.6-3.7 byte-level lookups per byte against 1.9-2.0 character-level ones. Code
// and measurements: bench/char-kernel/char.ts, bench/char-kernel-dev.ts (ids identical to this
// kernel on every document of the three corpora; kernel-only, per document, one stream against
// this kernel's two): zh 1.16-1.18x on eu.plus.160k, 1.43x on zh.id.eu.80k, but en 0.73-0.80x and
// code 0.67-0.74x (ASCII gains nothing and pays the decoding and the extra index load); a
// two-stream version added ~2%. Worth building only as a hybrid (character steps over runs of
// multi-byte characters, this kernel elsewhere), with the character trie built at load or stored
// in the binary format (its build took ~0.5 s in the experiment's unoptimised builder).

// Sixth round (2026-11-28, fourth session; bench/kernel-ab.ts --per-doc, 11-15 rounds, plus.80k
// unless noted, ratios to the kernel kept, zh / en / code; A/A in the same runs 0.95-1.08).
// To see what V8 makes of the loop: node --perf-prof --no-liftoff under `perf record -k 1`, then
// `perf inject --jit` and `perf annotate` (this VM has no hardware counters, but cpu-clock samples
// and the x64 code show). The two-stream loop is ~38 instructions per walk step, with ~20 spill
// loads/stores per byte pair and a stack-guard check on every loop back-edge.
// Tried and rejected:
//   - SIMD (wasm simd128): the two streams as the two i64x2 lanes (walk lists interleaved, slot k
//     of A and B side by side; one v128 load per field for both, records loaded per lane and
//     unpacked, best/bestRec by bitselect, compaction by lane stores). Ids identical. ~25 x64
//     instructions per walk step against ~38, yet 0.88-0.92 / 0.95-1.07 / 0.91-1.06 (alive via
//     i64x2.shr_s, which V8 emulates in 6 instructions); with alive via a shuffle 0.94-0.96 on zh
//     and 1.04-1.11 on en/code, where the A/A copy in the same run gave 1.08 / 1.10 / 1.09; with
//     alive and the record addresses in scalar code (SIMD for scores and stores only) 0.95 / 0.93
//     / 0.89. The lane extracts lengthen the chain from a record load to the
//     next store address, and bitselect is 3 instructions.
//   - The walk lists and the root's base at constant addresses (fewer live registers in the
//     two-stream loop): 1.01 / 0.96 / 0.96.
//   - Each stream's slots 0 and 1 for the next byte loaded right after its own stores, before the
//     other stream's (so that A's loads need not wait on the addresses of B's compaction stores):
//     0.93 / 0.98 / 0.92.
//   - Character steps in this byte trie for eu models (every multi-byte piece is whole
//     characters, so inside a character only single-byte pieces end and only single-byte walks
//     start): at a lead byte every live walk takes the whole character (2-4 dependent lookups,
//     one candidate and one compaction), the mid-character ends are the chain of single bytes.
//     Needs no second trie. Ids identical on every document of the three corpora. Single stream,
//     eu.plus.160k, against this kernel forced to one stream: 1.07-1.13 / 0.98-1.03 / 1.02-1.05;
//     against the two-stream kernel kept 0.94-1.15 / 0.77 / 0.79. Two streams of it (each stream
//     a character per iteration, state in locals), against the kernel kept: eu.plus.160k 1.05-1.09
//     / 0.93-0.97 / 0.82-0.93 (A/A 0.99-1.01 / 0.95-1.01 / 0.83-0.98), zh.id.eu.80k 1.14 / 0.96 /
//     0.92 (A/A 1.00 / 1.01 / 0.98). The lookups per walk stay, so Chinese gains little; the
//     55 MB/s target would need ~1.38x. The code: bench/char-kernel/eu-steps.patch.
//   - The trie's layout: nodes breadth-first to depth 1, 3 or 4 instead of 2 (src/trie.ts
//     bfsDepth), same kernel: 0.92-0.95 / 0.91-1.00 / 1.03-1.04 against an A/A of 1.03 / 0.93 /
//     1.07, i.e. noise.
// Reasoned out, not built: an Aho-Corasick formulation. Each byte would take one goto (plus failure
// links where it fails) and then follow the output links, one per piece ending there; every one
// of those loads depends on the one before, where the lockstep walks' loads are independent of
// each other. On Chinese it would visit fewer nodes (only pieces) but as one chain of ~3.5
// dependent loads per byte; a full DFA to avoid the failure links needs 256 entries per state.
//
// Seventh round (2026-11-28, fifth session; bench/kernel-ab.ts --per-doc, 11-15 rounds, ratios to
// the kernel kept, zh / en / code, an A/A copy in every run: 0.98-1.04 unless noted).
// On a quiet machine (load avg 0.4-0.6) this kernel runs zh-fortunes at 5.7-6.0 µs per document
// on plus.80k (66-70 MB/s, bench/profile-dev.ts), and Tokenizer.encode at 7.6-8.3 µs (48-53 MB/s):
// the NFC check, UTF-8 and the result's ArrayBuffer take the other ~1.9 µs. The annotated x64
// (method as in the sixth round) puts the most samples of the two-stream loop (~5% per stream) on
// the instruction right after slot 0's record load: slot 0 is the oldest walk, the deepest node,
// the likeliest cache miss. So the experiments below shrink or reorder the node table.
// Tried and rejected:
//   - 8-byte records: u32 base << 9 | label (bases made unique in the builder, so the label alone
//     checks the parent; 511 in a free slot) and u32 piece id, with each piece's f64 score in a
//     table by id (one load further from the record; trace entries carry the id, so the traceback
//     needs no node -> id table). Ids identical. plus.80k 0.88 / 0.99 / 0.74, eu.plus.160k 0.89-0.95
//     / 0.98-0.99 / 0.88.
//   - 8-byte records (base, check) with the scores in a parallel f64 array by node (two independent
//     loads per step, the walk's chain only through the small one): eu.plus.160k 0.94 / 0.96 / 0.96
//     (zh inconclusive: the A/A copy gave 1.26 in that run).
//   - Probe, not exact (ids differ): the 8-byte records with the score as an f32 in place of the
//     id, so the score stays in the record at half the footprint: eu.plus.160k 1.00 / 1.13 / 0.98.
//     Halving the table helps English on the large model (5.5 MB of records against 2 MB of L2 per
//     core) and not Chinese; but an exact score needs its 53 bits (the sums must round as the
//     reference's do), and every exact 8-byte layout above loses more in the extra load.
//   - Hot-first layout: subtrees placed in decreasing order of the largest piece count in them (a
//     heap in place of the breadth-first queue and depth-first stack), so that frequent paths share
//     cache lines: eu.plus.160k 0.88 / 0.86 / 0.94. Depth-first placement (a walk's next node near
//     the current one) is worth more than clustering by frequency.
//   - The character steps (bench/char-kernel/eu-steps.patch) again, quiet machine, 15 rounds:
//     eu.plus.160k zh 1.05, zh.id.eu.80k 1.12 (A/A 0.99-1.00). Still far from what 55 MB/s needs.
//   - The one-byte walk left out of the count when its root child is a leaf (a walk that dies at the
//     next byte; on Chinese most continuation bytes are such leaves), so fewer bytes run the loop
//     past the fixed slots: 1.00 / 0.98 / 1.00, eu.plus.160k 0.98 / 1.00 / 1.02.
//   - Upper bound only (ids wrong): the chunk-reset check deleted from the two-stream loop, ~9 x64
//     instructions per byte: 1.03 / 1.00 / 0.99. Scanning ahead for chunk starts could at best buy
//     that, so it was not built.
//
// Eighth round (2026-11-28, sixth session). Native C on this machine, side by side: the bench
// section bench/sections/native.ts compiles bench/native/walk.c (gcc 12 -O3 -march=native) over
// this engine's own double array and alternates one pass of each native kernel with one pass of
// this kernel and one of Tokenizer.encode (paired ratios: this machine's speed swings by up to 2x
// from second to second, and it swings for every kernel, native too). Two runs (the section alone,
// then inside the committed bench/RESULTS.md), per document, zh / en / code: the fastest native
// kernel, the plain walk (one walk per start, push-style) over split arrays, plus.80k 49.8-51.7 /
// 16.6-18.9 / 24.2-30.9 MB/s, eu.plus.160k 48.7-63.0 / 16.1-17.1 / 21.7-26.7; this kernel ÷ the
// best native kernel 0.69-0.74 / 1.47-1.72 / 1.49-1.61 and 0.61-0.74 / 1.66-1.71 / 1.08-1.34;
// Tokenizer.encode ÷ best native 0.55-0.63 / 1.24-1.61 / 1.55-1.74 and 0.49-0.60 / 1.49-1.68 /
// 1.11-1.41. In quiet seconds (bench/kernel-ab.ts beside the native binary) the native plain walk
// ran zh at 65-75 MB/s and this kernel at 60-66. The native lockstep (this algorithm, one stream)
// is the slowest native kernel on every corpus (zh 32-40 against 49-63): on Chinese the plain walk
// is what native code does best, and this kernel is at 0.6-0.99 of it (0.99 in a third, --quick
// run; lowest when the machine is loaded); on English and code this kernel beats every native
// kernel tried. A native port of this kernel's two streams (branch-free selects on the score bits
// as here, slots 0-1 not peeled; not kept in the section) ran zh at 29-39 MB/s, below the
// one-stream native lockstep: for this loop V8's code is not behind gcc's. What beats it on
// Chinese is gcc's plain walk, which V8 does not match (the plain walk in WASM, below, runs zh no
// faster than this kernel).
// Tried and rejected: the plain walk in WASM (push-style, one walk per start, best[] beside the
// trace, the strict-> update as a branch): ids identical; zh 0.98-0.99 in quiet seconds and
// 1.09-1.18 in slow ones (it suffers less when the machine is loaded: fewer instructions per byte),
// en 0.50-0.56, code 0.65-0.82. With the update branch-free (two selects, two stores): zh 0.85.
// As a per-document choice for Chinese it fails on mixed text: documents of ~400 bytes, 90% of
// them Chinese lines and 10% English lines, 0.90 (75%: 0.78). Per region within a document it
// would have to merge pushed candidates (plain walks) with pulled ones (lockstep) under the
// smallest-start tie rule. Per chunk it needs no merging (chunks are independent): built as a
// probe, each `\n` chunk scanned first and run as a plain walk when more than half of its bytes are
// >= 0x80, runs of the other chunks through this kernel (two streams as now): 1.02 / 0.93 / 0.91,
// eu.plus.160k 0.98 / 0.89 / 0.92 (A/A 1.12 / 0.98 / 1.00 and 0.99 / 0.94 / 1.01). The scan alone
// costs English and code ~8%, and Chinese gains nothing in the seconds this ran.
// Reasoned out with counts, not built: a character-level kernel for models that are not "eu".
// bytepiece.plus.80k has 369 pieces that are not whole characters (63 start inside one, the rest
// end inside one, e.g. the two-byte prefixes of three-byte characters), and 99.998% of the
// multi-byte characters of zh-fortunes share bytes with one of them (a piece ending after their
// first or second byte, or starting after it). So a character-level walk would still need the
// byte-level steps at nearly every character for these pieces; the timing probe that ignores
// them (ids wrong on 3697 of 5263 documents) gave 1.27x on zh and 0.65-0.68 on en/code, before
// paying for them.

export { setSampler, setRandomState, sample, sampleLinear } from './sampler';
export { binaryCounts, binaryTable, binarySum } from './binary';
