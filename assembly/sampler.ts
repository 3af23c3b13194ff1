// Viterbi sampling (SPEC §4) in the kernel: the twin of src/sampler-js.ts, draw for draw (the
// algorithm, its exactness and its numerics are explained there). Plain loops over linear memory;
// the host lays out the tables and passes their addresses to setSampler.
//
// Like the deterministic kernel (assembly/index.ts), all start positions walk the trie in lockstep:
// at byte i every live walk steps on it, and those that reach a piece offer it as a candidate for
// end i + 1, oldest walk first, then the new one-byte walk: the candidates of one end in SPEC §4's
// order, all in one step. One pass collects them (and the largest log-weight), a second turns them
// into weights relative to it and sums them, and one uniform draw picks the last piece of the end.

import { NODES } from './layout';

// Model tables (the node table at NODES holds each node's base, check and piece score).
let nodeIds: usize = 0; // i32 piece id per node, or -1
let exp2Table: usize = 0; // f64 2^(j/64), j = 0..63 (src/exp-neg.ts)
// Scratch, set by setSampler: the live walks, WALK bytes each (f64 L, f64 m: the log-weight
// z[start] = L + ln m in the frame of the current position; i32 node reached; i32 start), then
// the candidates of the current end, CAND bytes each (f64 log-weight, then weight; u32 address of
// the candidate's walk record).
let walks: usize = 0;
let cands: usize = 0;
const WALK: usize = 24;
const CAND: usize = 16;

// xoshiro128** state (src/prng.ts).
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

/**
 * Sets the tables, and the scratch at scratchPtr for a model whose longest piece has maxPieceLength
 * bytes (at most that many walks are live at once, and as many candidates). Returns the scratch's
 * size in bytes: the host reserves that much memory from scratchPtr.
 */
export function setSampler(nodeIdsPtr: usize, exp2TablePtr: usize, scratchPtr: usize, maxPieceLength: i32): i32 {
  nodeIds = nodeIdsPtr;
  exp2Table = exp2TablePtr;
  walks = scratchPtr;
  cands = scratchPtr + WALK * <usize>(maxPieceLength + 1);
  return <i32>(WALK + CAND) * (maxPieceLength + 1);
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

const NEG_INF_BITS: i64 = 0xfff0000000000000;

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
    // Pass 1: step every walk, moving its log-weight to the frame where z[i] has L = 0; collect
    // the pieces found as candidates, and their largest log-weight.
    let top: f64 = -Infinity;
    let cand = cands;
    let w = walks;
    for (let r = walks; r < end; r += WALK) {
      const node = load<i32>(r, 16);
      const next = load<i32>(<usize>node << 4, NODES) + <i32>c;
      const q = <usize>next << 4;
      const alive = load<i32>(q, NODES + 4) == node;
      const score = load<f64>(q, NODES + 8);
      const l = load<f64>(r) - lc;
      const start = load<i32>(r, 20);
      store<f64>(w, l);
      store<f64>(w, load<f64>(r, 8), 8);
      store<i32>(w, next, 16);
      store<i32>(w, start, 20);
      const piece = alive & (score != -Infinity);
      // Not a piece: a zero score instead of -Infinity (0 · -Infinity would be NaN at alpha 0),
      // and the candidate is not counted; the selects on bits keep this branch-free.
      const x = l + alpha * reinterpret<f64>(reinterpret<i64>(score) & -(<i64>piece));
      store<f64>(cand, x);
      store<u32>(cand, <u32>w, 8);
      cand += <usize>piece << 4;
      top = max(top, reinterpret<f64>(select<i64>(reinterpret<i64>(x), NEG_INF_BITS, piece)));
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
    let chosen = w;
    let total = mc;
    if (cand != cands) {
      store<f64>(cand, x1);
      store<u32>(cand, <u32>w, 8);
      cand += CAND;
      top = max(top, x1);
      // Pass 2: weights relative to the largest (≤ 1 each; the largest one's is its m ≥ 1).
      total = 0;
      for (let k = cands; k < cand; k += CAND) {
        const weight = load<f64>(<usize>load<u32>(k, 8), 8) * expNeg(load<f64>(k) - top);
        store<f64>(k, weight);
        total += weight;
      }
      // One uniform u (a multiple of 2^-53 in [0, 1)); the piece is the first whose running sum
      // exceeds u·total. The high 32 bits of u usually settle it; the low 21 are drawn if not.
      const high = <f64>nextUint32() * 2097152.0;
      const t = high * 1.1102230246251565e-16 * total;
      let k = cands;
      let sum = load<f64>(k);
      const last = cand - CAND;
      while (!(t < sum) & (k < last)) {
        k += CAND;
        sum += load<f64>(k);
      }
      if (!((high + 2097151.0) * 1.1102230246251565e-16 * total < sum)) {
        const u = (high + <f64>(nextUint32() >>> 11)) * 1.1102230246251565e-16 * total;
        while (!(u < sum) & (k < last)) {
          k += CAND;
          sum += load<f64>(k);
        }
      }
      chosen = <usize>load<u32>(k, 8);
    } else {
      top = x1;
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
