import { expNeg } from './exp-neg.js';
import type { CompiledModel } from './model.js';
import { Xoshiro128 } from './prng.js';

/**
 * Viterbi sampling (SPEC §4) in pure JS: the twin of assembly/sampler.ts, draw for draw.
 *
 * The reference keeps z[e] = log Σ over segmentations of bytes[..e) of exp(alpha·Σ scores) and,
 * for each candidate piece bytes[s..e) in the deterministic order, adds w = z[s] + alpha·score to
 * z[e] and takes the piece as back[e] with probability exp(w − z[e]) (a weighted reservoir draw:
 * the last piece of the sample ends up chosen with probability ∝ its share of z[e]). We keep the
 * same algorithm and draw order but represent z[e] as L[e] + ln m[e]: L[e] is the largest w seen
 * at e and m[e] ≥ 1 the sum of the weights relative to it. Then a candidate costs one exp of a
 * non-positive number and one draw, no log and no overflow:
 *
 *   first candidate at e:   L = w, m = m[s], back[e] = piece          (probability 1: no draw)
 *   w ≤ L:                  t = m[s]·exp(w − L); m += t; take it if u·m < t
 *   w > L:                  m = m·exp(L − w) + m[s]; L = w; take it if u·m < m[s]
 *
 * with u uniform on the multiples of 2^−53 in [0, 1) (Xoshiro128.chance): the reference's acceptance
 * probability, tested as u < p, so the first candidate is always taken and back[e] never points
 * nowhere (the reference's rand() ≤ RAND_MAX test can reject it and then loop forever).
 *
 * Numerics: m[s] is rescaled by 2^−32 (and L[s] raised by 32·ln2) when it passes 2^32, and every
 * window-size positions the whole window is shifted by L[s]. So m ≤ 2^32·(candidates per position)
 * and |L| stays below about 2·(window size)·alpha·(largest |score|) on inputs of any length, while
 * z itself grows without bound (~0.5 per byte at alpha 0, ~−3·alpha per byte otherwise): each
 * probability's relative rounding error stays near |L|·2^−53 (1e−12 at alpha 5) however long the
 * chunk. No NaN or infinity can arise for finite alpha ≤ 1e290 (Tokenizer's limit).
 */
export class JsSampler {
  private readonly model: CompiledModel;
  /** L and m of the window, position p at p & mask. */
  private readonly top: Float64Array;
  private readonly mass: Float64Array;
  private readonly mask: number;
  private back = new Int32Array(1);
  private out = new Uint32Array(1);
  /** The engine's generator; `Tokenizer.setSeed` restarts it. */
  readonly random = new Xoshiro128();

  constructor(model: CompiledModel) {
    this.model = model;
    const size = ringSize(model.maxPieceLength);
    this.top = new Float64Array(size);
    this.mass = new Float64Array(size);
    this.mask = size - 1;
  }

  /** Draws a segmentation of `bytes` (one per `\n`-chunk with `split`); ids framed as in the Engine. */
  encode(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha: number): Uint32Array {
    const n = bytes.length;
    if (this.back.length < n + 1) this.back = new Int32Array(grow(n + 1));
    if (this.out.length < n) this.out = new Uint32Array(grow(n));
    const { back, out } = this;
    const lengths = this.model.lengths;
    let count = 0;
    for (let a = 0; a < n; ) {
      const b = split ? chunkEnd(bytes, a, n) : n;
      this.forward(bytes, a, b, alpha);
      // Follow back[] from b to a; the ids come out last first.
      let k = 0;
      for (let e = b; e > a; e -= lengths[back[e]!]!) k++;
      count += k;
      for (let e = b, at = count; e > a; e -= lengths[back[e]!]!) out[--at] = back[e]!;
      a = b;
    }
    const ids = new Uint32Array(front + count + backSlots);
    ids.set(out.subarray(0, count), front);
    return ids;
  }

  // The forward pass over bytes[a..b): fills back[a+1..b] with sampled last pieces.
  private forward(bytes: Uint8Array, a: number, b: number, alpha: number): void {
    const { top, mass, mask, back, random } = this;
    const { words, f64, nodeIds } = this.model.trie;
    top.fill(-Infinity);
    top[a & mask] = 0;
    mass[a & mask] = 1;
    for (let s = a; s < b; s++) {
      const i = s & mask;
      let ls = top[i]!;
      let ms = mass[i]!;
      top[i] = -Infinity; // this slot next holds position s + ring size
      if (ms >= 4294967296) {
        ms *= 2.3283064365386963e-10;
        ls += 22.18070977791825;
      }
      if (i === 0) {
        for (let q = 0; q <= mask; q++) top[q] = top[q]! - ls;
        ls = 0;
      }
      let node = 0;
      for (let j = s; j < b; j++) {
        const next = words[node << 2]! + bytes[j]!;
        if (words[(next << 2) + 1] !== node) break;
        node = next;
        const score = f64[(node << 1) + 1]!;
        if (score === -Infinity) continue; // not a piece
        const id = nodeIds[node]!;
        const w = ls + alpha * score;
        const e = (j + 1) & mask;
        const le = top[e]!;
        if (le === -Infinity) {
          top[e] = w;
          mass[e] = ms;
          back[j + 1] = id;
        } else if (w <= le) {
          const t = ms * expNeg(w - le);
          const me = mass[e]! + t;
          mass[e] = me;
          if (random.chance(t, me)) back[j + 1] = id;
        } else {
          const me = mass[e]! * expNeg(le - w) + ms;
          top[e] = w;
          mass[e] = me;
          if (random.chance(ms, me)) back[j + 1] = id;
        }
      }
    }
  }
}

const grow = (n: number) => Math.max(n, 1024) + (n >> 2);

/** Smallest power of two greater than the longest piece, so a window holds positions s..s+maxLen. */
export function ringSize(maxPieceLength: number): number {
  let r = 2;
  while (r <= maxPieceLength) r <<= 1;
  return r;
}

/** End of the chunk starting at a: a run of non-`\n` bytes, then the run of `\n` after it. */
function chunkEnd(bytes: Uint8Array, a: number, n: number): number {
  let i = a;
  while (i < n && bytes[i] !== 10) i++;
  while (i < n && bytes[i] === 10) i++;
  return i;
}
