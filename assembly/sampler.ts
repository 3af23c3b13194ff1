// Viterbi sampling (SPEC §4) in the kernel: the twin of src/sampler-js.ts, draw for draw (the
// representation z[e] = L[e] + ln m[e] and the update rules are explained there). Plain loops over
// linear memory; the host lays out the tables and passes their addresses to setSampler.

import { NODES } from './layout';

// Model tables (the same ones the deterministic kernel reads: the node table at NODES holds each
// node's base, check and piece score) and the sampler's own window.
let nodeIds: usize = 0; // i32 piece id per node, or -1
let lengths: usize = 0; // i32 byte length per piece id
let window: usize = 0; // (f64 L, f64 m) per position, power-of-two entries
let mask: i32 = 0;
let exp2Table: usize = 0; // f64 2^(j/64), j = 0..63 (src/exp-neg.ts)

// xoshiro128** state (src/prng.ts).
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

export function setSampler(nodeIdsPtr: usize, lengthsPtr: usize, windowPtr: usize, windowMask: i32, exp2TablePtr: usize): void {
  nodeIds = nodeIdsPtr;
  lengths = lengthsPtr;
  window = windowPtr;
  mask = windowMask;
  exp2Table = exp2TablePtr;
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

// True with probability part / total: u·total < part for u uniform on the multiples of 2^-53 in
// [0, 1), as src/prng.ts's chance (high 32 bits of u from one output, the low 21 only if needed).
// @ts-ignore: decorator
@inline function chance(part: f64, total: f64): bool {
  const high = <f64>nextUint32() * 2097152.0;
  const yes = (high + 2097151.0) * 1.1102230246251565e-16 * total < part;
  if (yes == (high * 1.1102230246251565e-16 * total < part)) return yes;
  return (high + <f64>(nextUint32() >>> 11)) * 1.1102230246251565e-16 * total < part;
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

// @ts-ignore: decorator
@inline function slotOf(p: i32): usize {
  return window + (<usize>(p & mask) << 4);
}

/**
 * Draws a segmentation of input[0..n) at inverse temperature alpha ≥ 0. With split, each
 * `\n`-terminated chunk is segmented on its own. back: i32[n + 1] scratch; out: u32[n] receives
 * the ids. Returns the number of ids.
 */
export function sample(input: usize, n: i32, back: usize, out: usize, split: bool, alpha: f64): i32 {
  let count = 0;
  let a = 0;
  while (a < n) {
    let b = n;
    if (split) {
      b = a;
      while (b < n && load<u8>(input + <usize>b) != 10) b++;
      while (b < n && load<u8>(input + <usize>b) == 10) b++;
    }
    forward(input, a, b, back, alpha);
    count += traceback(a, b, back, out + (<usize>count << 2));
    a = b;
  }
  return count;
}

function forward(input: usize, a: i32, b: i32, back: usize, alpha: f64): void {
  for (let q = 0; q <= mask; q++) store<f64>(window + (<usize>q << 4), -Infinity);
  store<f64>(slotOf(a), 0);
  store<f64>(slotOf(a), 1, 8);
  for (let s = a; s < b; s++) {
    const here = slotOf(s);
    let ls = load<f64>(here);
    let ms = load<f64>(here, 8);
    store<f64>(here, -Infinity); // this slot next holds position s + window size
    if (ms >= 4294967296.0) {
      ms *= 2.3283064365386963e-10;
      ls += 22.18070977791825;
    }
    if ((s & mask) == 0) {
      for (let q = 0; q <= mask; q++) {
        const at = window + (<usize>q << 4);
        store<f64>(at, load<f64>(at) - ls);
      }
      ls = 0;
    }
    let node = 0;
    for (let j = s; j < b; j++) {
      const next = load<i32>(<usize>node << 4, NODES) + <i32>load<u8>(input + <usize>j);
      if (load<i32>(<usize>next << 4, NODES + 4) != node) break;
      node = next;
      const score = load<f64>(<usize>node << 4, NODES + 8);
      if (score == -Infinity) continue; // not a piece
      const id = load<i32>(nodeIds + (<usize>node << 2));
      const w = ls + alpha * score;
      const e = slotOf(j + 1);
      const le = load<f64>(e);
      const backAt = back + (<usize>(j + 1) << 2);
      if (le == -Infinity) {
        store<f64>(e, w);
        store<f64>(e, ms, 8);
        store<i32>(backAt, id);
      } else if (w <= le) {
        const t = ms * expNeg(w - le);
        const me = load<f64>(e, 8) + t;
        store<f64>(e, me, 8);
        store<i32>(backAt, select<i32>(id, load<i32>(backAt), chance(t, me)));
      } else {
        const me = load<f64>(e, 8) * expNeg(le - w) + ms;
        store<f64>(e, w);
        store<f64>(e, me, 8);
        store<i32>(backAt, select<i32>(id, load<i32>(backAt), chance(ms, me)));
      }
    }
  }
}

function traceback(a: i32, b: i32, back: usize, out: usize): i32 {
  let count = 0;
  for (let e = b; e > a; e -= load<i32>(lengths + (<usize>load<i32>(back + (<usize>e << 2)) << 2))) count++;
  let k = count;
  for (let e = b; e > a; ) {
    const id = load<i32>(back + (<usize>e << 2));
    store<i32>(out + (<usize>--k << 2), id);
    e -= load<i32>(lengths + (<usize>id << 2));
  }
  return count;
}
