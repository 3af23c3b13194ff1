// The WASM kernel: the byte trie walk and the Viterbi best path over linear memory.
// No strings, no GC objects: the host (src/engine-wasm.ts) lays out the model tables and the
// per-call buffers in memory and passes their addresses. The same algorithm as src/engine-js.ts,
// step for step, except that the kernel runs two halves of a text side by side (see forward).
//
// The walk runs all start positions in lockstep (performance notes at the end of this file): at each
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

/** Bytes of one list of live walks (the host places two: live, live2): maxPieceLength + 2 walks of 32 bytes. */
export function liveListBytes(maxPieceLength: i32): i32 {
  return 32 * (maxPieceLength + 2);
}

/** live, live2: liveListBytes(maxPieceLength) bytes each. */
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
// (on Chinese 2/3 of the bytes have at most 2 live walks, so the loop is mostly skipped; see
// docs/kernel-notes.md). Slots count..1 hold an always-dead sentinel: node -2 (no check is below -1)
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
      // ---- per-byte step, copy 1 of 3 (stream A of two): the copies differ only in their
      // state's names; test/unit/kernel-step.test.ts keeps them identical. Change all three.
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
      // ---- end of per-byte step, copy 1 of 3
    }
    {
      const i = p + k;
      const c = <u32>load<u8>(input + <usize>i);
      if ((prevB == 10) & (c != 10)) {
        countB = 0;
        bestPrevB = 0;
        park(b);
      }
      // ---- per-byte step, copy 2 of 3 (stream B of two): the copies differ only in their
      // state's names; test/unit/kernel-step.test.ts keeps them identical. Change all three.
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
      // ---- end of per-byte step, copy 2 of 3
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
    // ---- per-byte step, copy 3 of 3 (the single stream): the copies differ only in their
    // state's names; test/unit/kernel-step.test.ts keeps them identical. Change all three.
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
    // ---- end of per-byte step, copy 3 of 3
  }
}

// ---- Performance notes (every measurement, and what was rejected: docs/kernel-notes.md)
// The walk is bound by dependent cache misses: each byte's steps wait on the records the previous
// byte loaded. What this loop relies on:
//   - all start positions walk in lockstep, so the walks' misses overlap (against one walk per
//     start: en/code ~1.4-1.9x, zh even);
//   - a 16-byte node record (check, f64 score, base) read in one cache line, with the node's base
//     carried in the live walk, so a step is one dependent load (1.02-1.12x);
//   - the running best kept as i64 bits (a select, not a branch), a walk's node and start packed
//     in one i64, the node table at a constant address;
//   - two streams: a text cut at a chunk start near its middle, both halves advanced per iteration
//     with their state in locals (1.07 / 1.20 / 1.23 zh / en / code); PAIR_MIN 16;
//   - walk slots 0 and 1 in straight-line code with always-dead sentinels (FIXED = 2, 1.01-1.09x).
// Measured and rejected: unrolling, four streams (register spills), 8-byte records (every exact
// layout), a 2-byte root table, SIMD lanes for the two streams, no-compaction rings, prefetching
// the next byte's record, hot-first or deeper breadth-first trie layouts, character steps for eu
// models (zh at most 1.05-1.14x, en/code lose), the plain walk (zh even, en/code 0.5-0.8x).
// Against native C (bench/sections/native.ts): ahead on en and code, 0.6-0.99x of gcc's plain
// walk on zh.

export { setSampler, setRandomState, sample, sampleLinear } from './sampler';
export { binaryCounts, binaryTable, binarySum } from './binary';
