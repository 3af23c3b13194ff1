import { expNeg } from './exp-neg.js';
import type { CompiledModel } from './model.js';
import { Xoshiro128 } from './prng.js';

/**
 * Viterbi sampling (SPEC §4) in pure JS: the twin of assembly/sampler.ts, draw for draw.
 *
 * The reference keeps z[e] = log Σ over segmentations of bytes[..e) of exp(alpha·Σ scores) and,
 * for each candidate piece bytes[s..e) in the deterministic order, adds w = z[s] + alpha·score to
 * z[e] and takes the piece as back[e] with probability exp(w − z[e]): a weighted reservoir draw,
 * after which piece k of end e is back[e] with probability W_k / Σ_j W_j (W_k = exp(w_k)),
 * independently of the draws at other ends. Any draw with these per-end probabilities, independent
 * across ends, gives the same law for back[] and hence for the sample. We draw once per end:
 * with all of e's candidates in hand, one uniform u picks the first k with u·Σ_j W_j < W_1 + … + W_k
 * (probability W_k / Σ W exactly, up to float64 rounding of the weights; the sums are formed in the
 * same order both times, so the last running sum is the total and u < 1 always picks a candidate).
 * An end with a single candidate needs no draw. u is a multiple of 2^−53 in [0, 1): its high 32 bits
 * come from one generator output and usually settle the choice (every u sharing them picks the same
 * candidate); the low 21 bits are drawn only when they do not (probability about 2^−32 per end).
 *
 * All start positions walk the trie in lockstep, as in the deterministic engine: at byte i every
 * live walk (oldest first) steps on it, and one that reaches a piece bytes[s..i+1) offers it to end
 * i + 1; then the walk starting at i offers its one-byte piece. So every end's candidates arrive
 * together and in SPEC §4's order, and z[s] need only travel with the walk from s.
 *
 * Representation: z = L + ln m, with m ≥ 1 and L the largest candidate log-weight of its end, so
 * weights are exp of non-positive numbers (expNeg: the same bits in both engines) and no log is ever
 * taken. At each byte the walks' L are moved into the frame where the current position has L = 0
 * (one subtraction per walk, done while compacting them), so every stored L is a difference of z
 * within one piece's span, |L| ≤ (longest piece)·(alpha·largest |score| + ln(candidates) + 23),
 * however long the chunk (z itself grows without bound: ~0.5 per byte at alpha 0, ~−3·alpha per
 * byte otherwise). m is rescaled by 2^−32 (L raised by 32·ln 2) when it passes 2^32. No NaN or
 * infinity can arise for finite alpha ≤ 1e290 (Tokenizer's limit).
 */
export class JsSampler {
  private readonly model: CompiledModel;
  /** Live walks: log-weight of z[start] (L, m), node reached, start. */
  private readonly liveL: Float64Array;
  private readonly liveM: Float64Array;
  private readonly liveNode: Int32Array;
  private readonly liveStart: Int32Array;
  /** Candidates of the current end: log-weight, then weight; index of the candidate's walk. */
  private readonly candW: Float64Array;
  private readonly candWalk: Int32Array;
  /** back[e] = node of the sampled last piece of bytes[..e); then the ids, in place (see encode). */
  private back = new Int32Array(1);
  /** starts[e] = start of the sampled last piece of bytes[..e). */
  private starts = new Int32Array(1);
  /** The engine's generator; `Tokenizer.setSeed` restarts it. */
  readonly random = new Xoshiro128();

  constructor(model: CompiledModel) {
    this.model = model;
    const slots = model.maxPieceLength + 1;
    this.liveL = new Float64Array(slots);
    this.liveM = new Float64Array(slots);
    this.liveNode = new Int32Array(slots);
    this.liveStart = new Int32Array(slots);
    this.candW = new Float64Array(slots);
    this.candWalk = new Int32Array(slots);
  }

  /** Draws a segmentation of `bytes` (one per `\n`-chunk with `split`); ids framed as in the Engine. */
  encode(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha: number): Uint32Array {
    const n = bytes.length;
    if (this.back.length < n + 1) {
      this.back = new Int32Array(grow(n + 1));
      this.starts = new Int32Array(this.back.length);
    }
    this.forward(bytes, n, split, alpha);
    // Follow starts[] from n to 0, writing the ids from back[n] downwards (the id of the piece
    // ending at e goes to a slot ≥ e already read).
    const { back, starts } = this;
    const nodeIds = this.model.trie.nodeIds;
    let w = n;
    for (let e = n; e > 0; e = starts[e]!) back[w--] = nodeIds[back[e]!]!;
    const count = n - w;
    const ids = new Uint32Array(front + count + backSlots);
    ids.set(back.subarray(w + 1, n + 1), front);
    return ids;
  }

  // Fills back[1..n] and starts[1..n] with sampled last pieces.
  private forward(bytes: Uint8Array, n: number, split: boolean, alpha: number): void {
    const { liveL, liveM, liveNode, liveStart, candW, candWalk, back, starts } = this;
    const { words, f64 } = this.model.trie;
    const root = words[0]!; // the root's base: its child on byte c is root + c
    const state = this.random.s;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    let live = 0;
    let lc = 0; // z[i] = lc + ln mc, in the frame of liveL
    let mc = 1;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const c = bytes[i]!;
      if (prev === 10 && c !== 10 && split) {
        // A chunk ends after a run of `\n`: no piece crosses it, and z restarts at 0.
        live = 0;
        lc = 0;
        mc = 1;
      }
      prev = c;
      // Pass 1: step every walk, moving its L to the frame where z[i] has L = 0; collect the pieces
      // found as candidates, and their largest log-weight.
      let top = -Infinity;
      let nc = 0;
      let w = 0;
      for (let k = 0; k < live; k++) {
        const node = liveNode[k]!;
        const next = words[node << 2]! + c;
        if (words[(next << 2) + 1] !== node) continue;
        const l = liveL[k]! - lc;
        liveL[w] = l;
        liveM[w] = liveM[k]!;
        liveNode[w] = next;
        liveStart[w] = liveStart[k]!;
        const score = f64[(next << 1) + 1]!;
        if (score !== -Infinity) {
          const x = l + alpha * score;
          candW[nc] = x;
          candWalk[nc] = w;
          nc++;
          top = Math.max(top, x);
        }
        w++;
      }
      // The walk starting here, whose first step is always a piece (every byte is one).
      const node1 = root + c;
      const x1 = alpha * f64[(node1 << 1) + 1]!;
      liveL[w] = 0;
      liveM[w] = mc;
      liveNode[w] = node1;
      liveStart[w] = i;
      live = w + 1;
      let chosen = w;
      let total = mc;
      if (nc > 0) {
        candW[nc] = x1;
        candWalk[nc] = w;
        nc++;
        top = Math.max(top, x1);
        // Pass 2: weights relative to the largest.
        total = 0;
        for (let k = 0; k < nc; k++) {
          const weight = liveM[candWalk[k]!]! * expNeg(candW[k]! - top);
          candW[k] = weight;
          total += weight;
        }
        // One uniform: xoshiro128** inline (src/prng.ts's nextUint32, on local copies of the state).
        let r = Math.imul(s1, 5);
        const high = (Math.imul((r << 7) | (r >>> 25), 9) >>> 0) * 2097152;
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const u = high * 1.1102230246251565e-16 * total;
        let k = 0;
        let sum = candW[0]!;
        const last = nc - 1;
        while (!(u < sum) && k < last) sum += candW[++k]!;
        if (!((high + 2097151) * 1.1102230246251565e-16 * total < sum)) {
          r = Math.imul(s1, 5);
          const low = (Math.imul((r << 7) | (r >>> 25), 9) >>> 0) >>> 11;
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          const v = (high + low) * 1.1102230246251565e-16 * total;
          while (!(v < sum) && k < last) sum += candW[++k]!;
        }
        chosen = candWalk[k]!;
      } else {
        top = x1;
      }
      if (total >= 4294967296) {
        total *= 2.3283064365386963e-10;
        top += 22.18070977791825;
      }
      back[i + 1] = liveNode[chosen]!;
      starts[i + 1] = liveStart[chosen]!;
      lc = top;
      mc = total;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }
}

const grow = (n: number) => Math.max(n, 1024) + (n >> 2);
