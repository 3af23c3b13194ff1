// Viterbi sampling (SPEC §4) in the kernel: the twin of src/sampler-js.ts, draw for draw (the
// algorithms, their exactness and numerics are explained there and in src/sampling-weights.ts).
// Plain loops over linear memory; the host lays out the tables and passes their addresses.
//
// Two samplers, chosen by the host from (model, alpha) only (src/sampling-weights.ts linearPlan):
//   sampleLinear  alpha·D ≤ 600 (every alpha up to ~5-7 on the shared models): linear domain, a
//                 weighted node table for this alpha (the host's copy of the node table with
//                 W per node in place of the score), Z[e] = Σ Z[s]·W
//                 as plain doubles rescaled by exact powers of two, one uniform per end (inverse
//                 CDF over the candidates' cumulative sums), a branch-free inner loop;
//   sample        larger alphas: log domain, one exp and one draw per candidate (the reservoir).
// Both walk all start positions in lockstep, as the deterministic kernel (assembly/index.ts): at
// byte i every live walk steps on it, oldest first, then the walk starting at i; so an end's
// candidates arrive together and in SPEC §4's order, and Z[start] travels with each walk.
//
// Performance notes (every measurement, and what was rejected: docs/kernel-notes.md). Sampling
// runs at ~75-90% of the deterministic kernel's speed (bench/sampling.ts; the reference loses ~30%).
// What the loops rely on:
//   - the linear domain: no exp in the loop, a per-alpha weighted node table (W in place of the
//     score, so base, check and W come from one record; 16 bytes per node per cached alpha);
//   - every uniform drawn up front by drawUniforms, the generator's state in locals (V8 keeps wasm
//     globals in memory), one 32-bit output per end;
//   - the choice for end e folded into byte e's walk loop as a select, a dead walk's W loaded
//     anyway and its term masked by bits (no data-dependent branch);
//   - two streams, as the deterministic kernel; the node's base carried in the walk record.
// Rejected: W computed inline per candidate (0.6x), the table filled by the kernel (memory-bound
// either way), straight-line slots 0-1 (noise).

import { NODES } from './layout';
import { middleChunkStart, PAIR_MIN } from './chunks';
import { tracebackRecords } from './traceback';

// Model tables (the node table at NODES holds each node's base, check and piece score).
let nodeIds: usize = 0; // i32 piece id per node, or -1
let exp2Table: usize = 0; // f64 2^(j/64), j = 0..63 (src/exp-neg.ts)
// The live walks (scratch), WALK bytes each: f64 L, f64 m (z[start] = L + ln m, in the frame of
// the current position), i32 node reached, i32 start; the linear sampler's single stream also
// carries the node's base at byte 24 (see linearRun).
let walks: usize = 0;
let walks2: usize = 0; // the linear sampler's second stream
const WALK: usize = 32;

// xoshiro128** state (src/prng.ts).
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

/**
 * Sets the tables, and the scratch at scratchPtr for a model whose longest piece has maxPieceLength
 * bytes (at most that many walks are live at once). Returns the scratch's size in bytes: the host
 * reserves that much memory from scratchPtr.
 */
export function setSampler(nodeIdsPtr: usize, exp2TablePtr: usize, scratchPtr: usize, maxPieceLength: i32): i32 {
  nodeIds = nodeIdsPtr;
  exp2Table = exp2TablePtr;
  walks = scratchPtr;
  walks2 = scratchPtr + WALK * (<usize>maxPieceLength + 1);
  return <i32>WALK * 2 * (maxPieceLength + 1);
}

/** Restarts the generator from a state of four words (not all zero). */
export function setRandomState(a: u32, b: u32, c: u32, d: u32): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

// @ts-ignore: decorator
@inline function nextUint32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

// exp(x) for x ≤ 0, operation for operation as src/exp-neg.ts.
// @ts-ignore: decorator
@inline function expNeg(x: f64): f64 {
  if (x < -708.0) return 0;
  const kf = floor(x * 92.33248261689366 + 0.5);
  const k = <i32>kf;
  const r = x - kf * 0.01083042469326756 - kf * 2.9815858269852933e-12;
  const p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333))));
  const scale = reinterpret<f64>(<u64>((k >> 6) + 1023) << 52); // 2^(k >> 6), exactly
  return load<f64>(exp2Table + (<usize>(k & 63) << 3)) * scale * p;
}

/**
 * Draws a segmentation of input[0..n) at inverse temperature alpha ≥ 0. With split, each
 * `\n`-terminated chunk is segmented on its own. back: i32[n + 1] scratch; out: u32[n], right after
 * back, receives the ids (and serves as scratch before). Returns the number of ids.
 */
export function sample(input: usize, n: i32, back: usize, out: usize, split: bool, alpha: f64): i32 {
  const starts = out - 4; // starts[e] at out[e - 1], e = 1..n
  forward(input, n, back, starts, split, alpha);
  return traceback(n, back, starts, out);
}

// True with probability part / total: u·total < part for u uniform on the multiples of 2^-53 in
// [0, 1), as src/prng.ts's chance (high 32 bits of u from one output, the low 21 only if needed).
// @ts-ignore: decorator
@inline function chance(part: f64, total: f64): bool {
  const high = <f64>nextUint32() * 2097152.0;
  const yes = (high + 2097151.0) * 1.1102230246251565e-16 * total < part;
  if (yes == (high * 1.1102230246251565e-16 * total < part)) return yes;
  return (high + <f64>(nextUint32() >>> 11)) * 1.1102230246251565e-16 * total < part;
}

// Fills back[e] (node of the sampled last piece of bytes[..e)) and starts[e] (its start), e = 1..n.
function forward(input: usize, n: i32, back: usize, starts: usize, split: bool, alpha: f64): void {
  let end = walks; // end of the live walk records
  let lc: f64 = 0; // z[i] = lc + ln mc, in the frame of the walk records
  let mc: f64 = 1;
  let prev: u32 = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(input + <usize>i);
    if (split & (prev == 10) & (c != 10)) {
      // A chunk ends after a run of `\n`: no piece crosses it, and z restarts at 0.
      end = walks;
      lc = 0;
      mc = 1;
    }
    prev = c;
    // z[i + 1] = top + ln total, accumulated over the candidates in order (in the frame where z[i]
    // has L = 0), and the reservoir choice among them.
    let top: f64 = -Infinity;
    let total: f64 = 0;
    let chosen: usize = 0;
    let w = walks;
    for (let r = walks; r < end; r += WALK) {
      const node = load<i32>(r, 16);
      const next = load<i32>(<usize>node << 4, NODES) + <i32>c;
      const q = <usize>next << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const score = load<f64>(q, NODES + 8);
      const l = load<f64>(r) - lc;
      const m = load<f64>(r, 8);
      store<f64>(w, l);
      store<f64>(w, m, 8);
      store<i32>(w, next, 16);
      store<i32>(w, load<i32>(r, 20), 20);
      if (alive & (score != -Infinity)) {
        const x = l + alpha * score;
        if (top == -Infinity) {
          top = x;
          total = m;
          chosen = w;
        } else if (x <= top) {
          const t = m * expNeg(x - top);
          total += t;
          if (chance(t, total)) chosen = w;
        } else {
          total = total * expNeg(top - x) + m;
          top = x;
          if (chance(m, total)) chosen = w;
        }
      }
      w += <usize>alive * WALK;
    }
    // The walk starting here, whose first step is always a piece (every byte is one).
    const node1 = load<i32>(NODES) + <i32>c; // the root's base + c
    const x1 = alpha * load<f64>(<usize>node1 << 4, NODES + 8);
    store<f64>(w, 0);
    store<f64>(w, mc, 8);
    store<i32>(w, node1, 16);
    store<i32>(w, i, 20);
    end = w + WALK;
    if (top == -Infinity) {
      top = x1;
      total = mc;
      chosen = w;
    } else if (x1 <= top) {
      const t = mc * expNeg(x1 - top);
      total += t;
      if (chance(t, total)) chosen = w;
    } else {
      total = total * expNeg(top - x1) + mc;
      top = x1;
      if (chance(mc, total)) chosen = w;
    }
    if (total >= 4294967296.0) {
      total *= 2.3283064365386963e-10;
      top += 22.18070977791825;
    }
    store<i32>(back + (<usize>(i + 1) << 2), load<i32>(chosen, 16));
    store<i32>(starts + (<usize>(i + 1) << 2), load<i32>(chosen, 20));
    lc = top;
    mc = total;
  }
}

/**
 * As sample, in the linear domain (src/sampling-weights.ts, src/sampler-js.ts forwardLinear):
 * weights: this alpha's weighted node table, the node table (NODES) with W in place of each score
 * (16 bytes per node: base i32, check i32, W f64), so a step reads one record; the total is rescaled when it leaves [low, high]. trace: 8 * (n + 1)
 * bytes of scratch. Returns the number of ids, written in text order to the i32 slots that end
 * where the scratch ends (trace + 8 * (n + 1)), as the deterministic kernel's encode.
 */
export function sampleLinear(input: usize, n: i32, trace: usize, split: bool, weights: usize, low: f64, high: f64): i32 {
  forwardLinear(input, n, trace, split, weights, low, high);
  return tracebackRecords(n, trace, nodeIds);
}

// A live walk in the linear domain, WALK bytes: f64 V = Z[start] (current frame), f64 C = the
// cumulative sum of its end's candidates up to it, i64 (node reached, start) as in index.ts, then
// the node's base i32, read in the step that reached the node from the child's record (same
// record as its check and W), so a step loads the child's record straight from base + c: one
// dependent load per step, as index.ts since its third round.
//
// At byte i every record written at byte i - 1 is read once, in order: the choice for end i (the
// first record whose C exceeds target = u·Z[i]) is made branch-free on the way, as the last
// record whose predecessor's C is ≤ target (the first record's predecessor counts as -1): since C
// is nondecreasing and target < Z[i] = the last C, that is the same record, with one compare per
// step. A dead walk's term is masked to +0 (its W is
// loaded anyway: that load overlaps the check's, where a load gated on the check would follow it).
function forwardLinear(input: usize, n: i32, trace: usize, split: bool, weights: usize, low: f64, high: f64): void {
  // Every uniform is drawn beforehand, in the order of the ends (as the JS twin draws them as it
  // goes, one per byte): u for end e into trace[e - 1], which byte e - 1 reads before it stores
  // its own choice there. Then two streams over two halves cut at a chunk start, as the
  // deterministic kernel (assembly/chunks.ts), each with its own walk list and frame. The second
  // half's first byte stores a meaningless choice at trace[p], which the first half's last choice
  // overwrites at the end.
  drawUniforms(trace, n);
  const p = split & (n >= 2 * PAIR_MIN) ? middleChunkStart(input, n) : 0;
  if (min(p, n - p) < PAIR_MIN) {
    linearRun(input, 0, n, trace, split, weights, low, high, walks, walks, 1, 0, 0);
    return;
  }
  const root = load<i32>(NODES);
  let endA = walks;
  let zA: f64 = 1;
  let targetA: f64 = 0;
  let prevA: u32 = 0;
  let endB = walks2;
  let zB: f64 = 1;
  let targetB: f64 = 0;
  let prevB: u32 = 10;
  const m = min(p, n - p);
  for (let k = 0; k < m; k++) {
      {
        const i = k;
        const c = <u32>load<u8>(input + <usize>i);
        const u = load<f64>(trace + (<usize>i << 3)); // u for end i + 1
        let chosen: i64 = 0;
        if (true & (prevA == 10) & (c != 10)) {
          // A chunk ends after a run of `\n`: choose its last piece, then start afresh.
          chosen = choose(walks, endA, targetA);
          endA = walks;
          zA = 1;
        }
        prevA = c;
        let total: f64 = 0;
        let prevC: f64 = -1;
        let w = walks;
        for (let r = walks; r < endA; r += WALK) {
          const v = load<f64>(r);
          const cum = load<f64>(r, 8);
          const rec = load<i64>(r, 16);
          chosen = select<i64>(rec, chosen, prevC <= targetA);
          prevC = cum;
          const node = <i32>rec;
          const next = load<i32>(r, 24) + <i32>c; // node's base, carried in the walk
          const q = weights + (<usize>next << 4);
          const alive = load<i32>(q, 4) == node;
          const base2 = load<i32>(q); // the child's base, for the next step
          const term = reinterpret<f64>(reinterpret<i64>(v * load<f64>(q, 8)) & -<i64>alive);
          total += term;
          store<f64>(w, v);
          store<f64>(w, total, 8);
          store<i64>(w, rec + <i64>(next - node), 16); // (next, start): next - node cannot borrow
          store<i32>(w, base2, 24);
          w += <usize>alive * WALK;
        }
        store<i64>(trace + (<usize>i << 3), chosen);
        // The walk starting here, whose first step is always a piece (every byte is one).
        const node1 = root + <i32>c;
        const q1 = weights + (<usize>node1 << 4);
        total += zA * load<f64>(q1, 8);
        store<f64>(w, zA);
        store<f64>(w, total, 8);
        store<i64>(w, (<i64>i << 32) | <i64>node1, 16);
        store<i32>(w, load<i32>(q1), 24);
        endA = w + WALK;
        targetA = u * total;
        if ((total < low) | (total > high)) {
          // Multiply by 2^-E, E = total's binary exponent: exact, and total lands in [1, 2).
          const scale = reinterpret<f64>((<i64>2046 - ((reinterpret<i64>(total) >>> 52) & 0x7ff)) << 52);
          for (let r = walks; r < endA; r += WALK) store<f64>(r, load<f64>(r) * scale);
          total *= scale;
        }
        zA = total;
      }
      {
        const i = p + k;
        const c = <u32>load<u8>(input + <usize>i);
        const u = load<f64>(trace + (<usize>i << 3)); // u for end i + 1
        let chosen: i64 = 0;
        if (true & (prevB == 10) & (c != 10)) {
          // A chunk ends after a run of `\n`: choose its last piece, then start afresh.
          chosen = choose(walks2, endB, targetB);
          endB = walks2;
          zB = 1;
        }
        prevB = c;
        let total: f64 = 0;
        let prevC: f64 = -1;
        let w = walks2;
        for (let r = walks2; r < endB; r += WALK) {
          const v = load<f64>(r);
          const cum = load<f64>(r, 8);
          const rec = load<i64>(r, 16);
          chosen = select<i64>(rec, chosen, prevC <= targetB);
          prevC = cum;
          const node = <i32>rec;
          const next = load<i32>(r, 24) + <i32>c; // node's base, carried in the walk
          const q = weights + (<usize>next << 4);
          const alive = load<i32>(q, 4) == node;
          const base2 = load<i32>(q); // the child's base, for the next step
          const term = reinterpret<f64>(reinterpret<i64>(v * load<f64>(q, 8)) & -<i64>alive);
          total += term;
          store<f64>(w, v);
          store<f64>(w, total, 8);
          store<i64>(w, rec + <i64>(next - node), 16); // (next, start): next - node cannot borrow
          store<i32>(w, base2, 24);
          w += <usize>alive * WALK;
        }
        store<i64>(trace + (<usize>i << 3), chosen);
        // The walk starting here, whose first step is always a piece (every byte is one).
        const node1 = root + <i32>c;
        const q1 = weights + (<usize>node1 << 4);
        total += zB * load<f64>(q1, 8);
        store<f64>(w, zB);
        store<f64>(w, total, 8);
        store<i64>(w, (<i64>i << 32) | <i64>node1, 16);
        store<i32>(w, load<i32>(q1), 24);
        endB = w + WALK;
        targetB = u * total;
        if ((total < low) | (total > high)) {
          // Multiply by 2^-E, E = total's binary exponent: exact, and total lands in [1, 2).
          const scale = reinterpret<f64>((<i64>2046 - ((reinterpret<i64>(total) >>> 52) & 0x7ff)) << 52);
          for (let r = walks2; r < endB; r += WALK) store<f64>(r, load<f64>(r) * scale);
          total *= scale;
        }
        zB = total;
      }
  }
  linearRun(input, m, p, trace, true, weights, low, high, walks, endA, zA, targetA, prevA);
  linearRun(input, p + m, n, trace, true, weights, low, high, walks2, endB, zB, targetB, prevB);
}

// One stream over input[from..to) from its state at `from` (walk list at base, records up to
// end), then the choice for end `to`. The uniforms are in trace (drawUniforms).
function linearRun(input: usize, from: i32, to: i32, trace: usize, split: bool, weights: usize, low: f64, high: f64,
  base: usize, endS: usize, zS: f64, targetS: f64, prevS: u32): void {
  const root = load<i32>(NODES);
  for (let ii = from; ii < to; ii++) {
    {
      const i = ii;
      const c = <u32>load<u8>(input + <usize>i);
      const u = load<f64>(trace + (<usize>i << 3)); // u for end i + 1 (drawUniforms)
      let chosen: i64 = 0;
      if (split & (prevS == 10) & (c != 10)) {
        // A chunk ends after a run of `\n`: choose its last piece, then start afresh.
        chosen = choose(base, endS, targetS);
        endS = base;
        zS = 1;
      }
      prevS = c;
      let total: f64 = 0;
      let prevC: f64 = -1;
      let w = base;
      for (let r = base; r < endS; r += WALK) {
        const v = load<f64>(r);
        const cum = load<f64>(r, 8);
        const rec = load<i64>(r, 16);
        chosen = select<i64>(rec, chosen, prevC <= targetS);
        prevC = cum;
        const node = <i32>rec;
        const next = load<i32>(r, 24) + <i32>c; // node's base, carried in the walk
        const q = weights + (<usize>next << 4);
        const alive = load<i32>(q, 4) == node;
        const base2 = load<i32>(q); // the child's base, for the next step
        const term = reinterpret<f64>(reinterpret<i64>(v * load<f64>(q, 8)) & -<i64>alive);
        total += term;
        store<f64>(w, v);
        store<f64>(w, total, 8);
        store<i64>(w, rec + <i64>(next - node), 16); // (next, start): next - node cannot borrow
        store<i32>(w, base2, 24);
        w += <usize>alive * WALK;
      }
      store<i64>(trace + (<usize>i << 3), chosen);
      // The walk starting here, whose first step is always a piece (every byte is one).
      const node1 = root + <i32>c;
      const q1 = weights + (<usize>node1 << 4);
      total += zS * load<f64>(q1, 8);
      store<f64>(w, zS);
      store<f64>(w, total, 8);
      store<i64>(w, (<i64>i << 32) | <i64>node1, 16);
      store<i32>(w, load<i32>(q1), 24);
      endS = w + WALK;
      targetS = u * total;
      if ((total < low) | (total > high)) {
        // Multiply by 2^-E, E = total's binary exponent: exact, and total lands in [1, 2).
        const scale = reinterpret<f64>((<i64>2046 - ((reinterpret<i64>(total) >>> 52) & 0x7ff)) << 52);
        for (let r = base; r < endS; r += WALK) store<f64>(r, load<f64>(r) * scale);
        total *= scale;
      }
      zS = total;
    }
  }
  if (to > 0) store<i64>(trace + (<usize>to << 3), choose(base, endS, targetS));
}

// u for end e + 1 into trace[e], e = 0..n-1, in order, as src/prng.ts's nextUniform32 (one output
// each), with the generator's state in locals: wasm globals live in memory in V8, so a draw in the
// forward loops waited on the previous one through stores and loads.
function drawUniforms(trace: usize, n: i32): void {
  let a = s0;
  let b = s1;
  let c = s2;
  let d = s3;
  for (let e: usize = 0; e < <usize>n; e++) {
    const k = rotl<u32>(b * 5, 7) * 9;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    store<f64>(trace + (e << 3), (<f64>k + 0.5) * 2.3283064365386963e-10);
  }
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

// The record of the first live walk whose cumulative sum exceeds target (the last one at least).
function choose(base: usize, end: usize, target: f64): i64 {
  let r = base;
  while ((r + WALK < end) & (load<f64>(r, 8) <= target)) r += WALK;
  return load<i64>(r, 16);
}

// Follows starts[] from n to 0, writing ids from back[n] downwards (the id of the piece ending at e
// goes to a slot ≥ e already read), then moves them to out.
function traceback(n: i32, back: usize, starts: usize, out: usize): i32 {
  let w = back + (<usize>n << 2);
  for (let e = n; e > 0; ) {
    store<i32>(w, load<i32>(nodeIds + (<usize>load<i32>(back + (<usize>e << 2)) << 2)));
    w -= 4;
    e = load<i32>(starts + (<usize>e << 2));
  }
  const count = <i32>((back + (<usize>n << 2) - w) >> 2);
  memory.copy(out, w + 4, <usize>count << 2);
  return count;
}
