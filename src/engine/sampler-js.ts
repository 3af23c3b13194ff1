import { expNeg } from './exp-neg.js';
import type { CompiledModel } from '../model/compile.js';
import { Xoshiro128 } from './prng.js';
import { fillWeights, planEpoch, inverseBinade, linearPlan, type LinearPlan } from './sampling-weights.js';
import { AlphaTables } from './alpha-tables.js';

/**
 * Viterbi sampling (SPEC §4) in pure JS: the twin of assembly/sampler.ts, draw for draw.
 *
 * Two samplers, chosen from (model, alpha) only by linearPlan (src/sampling-weights.ts):
 * - forwardLinear, for alpha·D ≤ 600 (every alpha up to ~5–7 on the shared models): weights
 *   W = exp(alpha·(score − m·len)) ≤ 1 from a per-alpha table, Z[e] = Σ Z[s]·W as plain doubles,
 *   and one uniform per end that picks a candidate by cumulative weight. That is the reservoir's
 *   law (each candidate with probability its share of Z[e]) with one draw per end and no exp.
 * - forward, for larger alphas, in the log domain, as follows.
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
 * All start positions walk the trie in lockstep, as in the deterministic engine: at byte i every
 * live walk (oldest first) steps on it, and one that reaches a piece bytes[s..i+1) offers it to end
 * i + 1; then the walk starting at i offers its one-byte piece. So each end's candidates arrive
 * together and in SPEC §4's order: z[i + 1] and the choice for it are plain variables of the step,
 * and z[s] travels with the walk from s (no window of positions to maintain). (In the log domain,
 * one uniform per end over the cumulative weights, and stepping the generator inline on local
 * copies of its state, both measured slower; see docs/kernel-notes.md.)
 *
 * Numerics: at each byte the walks' L are moved into the frame where the current position has L = 0
 * (one subtraction per walk, done while compacting them), so every stored L is a difference of z
 * within one piece's span, |L| ≤ (longest piece)·(alpha·largest |score| + 32), however long the
 * chunk (z itself grows without bound: ~0.5 per byte at alpha 0, ~−3·alpha per byte otherwise), and
 * each probability's relative rounding error stays near |L|·2^−53. m is rescaled by 2^−32 (L raised
 * by 32·ln 2) when it passes 2^32. No NaN or infinity can arise for finite alpha ≤ 1e290
 * (Tokenizer's limit).
 */
export class JsSampler {
  private readonly model: CompiledModel;
  /** Live walks: log-weight of z[start] (L, m), node reached, start. */
  private readonly liveL: Float64Array;
  private readonly liveM: Float64Array;
  private readonly liveNode: Int32Array;
  private readonly liveStart: Int32Array;
  /** back[e] = node of the sampled last piece of bytes[..e); then the ids, in place (see encode). */
  private back = new Int32Array(1);
  /** starts[e] = start of the sampled last piece of bytes[..e). */
  private starts = new Int32Array(1);
  /** The engine's generator; `Tokenizer.setSeed` restarts it. */
  readonly random = new Xoshiro128();
  /** Linear domain: the live walks' Z[start] and cumulative sums (see forwardLinear). */
  private readonly liveV: Float64Array;
  private readonly liveC: Float64Array;
  /** The last alpha's plan (a call's plan costs a lookup and some arithmetic; data sets use one alpha). */
  private planAlpha = NaN;
  private planEpoch = -1;
  private plan: LinearPlan | null = null;
  /** W per trie node for the last alphas (src/sampling-weights.ts). */
  private readonly tables = new AlphaTables<Float64Array>((alpha, reuse) => {
    const weights = reuse ?? new Float64Array(this.model.trie.size);
    fillWeights(this.model, alpha, weights);
    return weights;
  });

  constructor(model: CompiledModel) {
    this.model = model;
    const slots = model.maxPieceLength + 1;
    this.liveL = new Float64Array(slots);
    this.liveM = new Float64Array(slots);
    this.liveNode = new Int32Array(slots);
    this.liveStart = new Int32Array(slots);
    this.liveV = new Float64Array(slots);
    this.liveC = new Float64Array(slots);
  }

  /** W per trie node for this alpha, from the cache or built. */
  private weights(alpha: number): Float64Array {
    return this.tables.get(alpha);
  }

  /** Draws a segmentation of `bytes` (one per `\n`-chunk with `split`); ids framed as in the Engine. */
  encode(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha: number): Uint32Array {
    const n = bytes.length;
    if (this.back.length < n + 1) {
      this.back = new Int32Array(grow(n + 1));
      this.starts = new Int32Array(this.back.length);
    }
    if (alpha !== this.planAlpha || this.planEpoch !== planEpoch) {
      this.plan = linearPlan(this.model, alpha);
      this.planAlpha = alpha;
      this.planEpoch = planEpoch;
    }
    const plan = this.plan;
    if (plan) this.forwardLinear(bytes, n, split, plan);
    else this.forward(bytes, n, split, alpha);
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

  /**
   * Fills back[1..n] and starts[1..n] with sampled last pieces, in the linear domain
   * (src/sampling-weights.ts): Z[e] = Σ over the candidates of Z[s]·W(piece), and one uniform u
   * per end picks the candidate whose share of Z[e] covers u·Z[e] (the first whose cumulative sum
   * exceeds it; the reservoir's law, with one draw per end instead of one per candidate).
   *
   * Lockstep as in forward: the records written at byte i (V = Z[start] and the cumulative sum C
   * at end i + 1, in candidate order, the one-byte walk last) are exactly those read at byte
   * i + 1, so the choice for end i + 1 is made while stepping byte i + 1; at a chunk's start and
   * at the end, by a pass of its own. Walks that do not reach a piece add W = 0 and cannot be
   * chosen. Values are kept in range by exact power-of-two rescaling when the total leaves
   * [plan.low, plan.high] (the cumulative sums keep the old frame: they only meet this end's target).
   * The uniforms (Xoshiro128.nextUniform32) are drawn one per byte, in text order: the kernel,
   * which may segment two halves of a text side by side, draws them all beforehand.
   */
  private forwardLinear(bytes: Uint8Array, n: number, split: boolean, plan: LinearPlan): void {
    const { liveV, liveC, liveNode, liveStart, back, starts, random } = this;
    const { words } = this.model.trie;
    const W = this.weights(plan.alpha);
    const { low, high } = plan;
    const root = words[0]!;
    let live = 0;
    let z = 1; // Z[i]
    let target = 0; // u·Z[i]: the choice for end i
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const c = bytes[i]!;
      if (prev === 10 && c !== 10 && split) {
        // A chunk ends after a run of `\n`: choose its last piece, then start afresh.
        this.choose(i, live, target);
        live = 0;
        z = 1;
      }
      prev = c;
      let total = 0;
      let chosen = -1;
      let w = 0;
      for (let k = 0; k < live; k++) {
        const node = liveNode[k]!;
        if (chosen < 0 && liveC[k]! > target) {
          chosen = k;
          back[i] = node;
          starts[i] = liveStart[k]!;
        }
        const next = words[node << 2]! + c;
        if (words[(next << 2) + 1] !== node) continue;
        const v = liveV[k]!;
        total += v * W[next]!;
        liveV[w] = v;
        liveC[w] = total;
        liveNode[w] = next;
        liveStart[w] = liveStart[k]!;
        w++;
      }
      // The walk starting here, whose first step is always a piece (every byte is one).
      const node1 = root + c;
      total += z * W[node1]!;
      liveV[w] = z;
      liveC[w] = total;
      liveNode[w] = node1;
      liveStart[w] = i;
      live = w + 1;
      target = random.nextUniform32() * total;
      if (total < low || total > high) {
        // Multiply by 2^−E, E = total's binary exponent: exact, and total lands in [1, 2).
        const scale = inverseBinade(total);
        for (let k = 0; k < live; k++) liveV[k]! *= scale;
        total *= scale;
      }
      z = total;
    }
    if (n > 0) this.choose(n, live, target);
  }

  // The choice for end e among the live records: the first whose cumulative sum exceeds target.
  private choose(e: number, live: number, target: number): void {
    const { liveC } = this;
    let k = 0;
    while (k < live - 1 && !(liveC[k]! > target)) k++;
    this.back[e] = this.liveNode[k]!;
    this.starts[e] = this.liveStart[k]!;
  }

  // Fills back[1..n] and starts[1..n] with sampled last pieces.
  private forward(bytes: Uint8Array, n: number, split: boolean, alpha: number): void {
    const { liveL, liveM, liveNode, liveStart, back, starts, random } = this;
    const { words, f64 } = this.model.trie;
    const root = words[0]!; // the root's base: its child on byte c is root + c
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
      // z[i + 1] = top + ln total, accumulated over the candidates in order (in the frame where
      // z[i] has L = 0), and the reservoir choice among them (index of the walk).
      let top = -Infinity;
      let total = 0;
      let chosen = 0;
      let w = 0;
      for (let k = 0; k < live; k++) {
        const node = liveNode[k]!;
        const next = words[node << 2]! + c;
        if (words[(next << 2) + 1] !== node) continue;
        const l = liveL[k]! - lc;
        const m = liveM[k]!;
        liveL[w] = l;
        liveM[w] = m;
        liveNode[w] = next;
        liveStart[w] = liveStart[k]!;
        const score = f64[(next << 1) + 1]!;
        if (score !== -Infinity) {
          const x = l + alpha * score;
          if (top === -Infinity) {
            top = x;
            total = m;
            chosen = w;
          } else if (x <= top) {
            const t = m * expNeg(x - top);
            total += t;
            if (random.chance(t, total)) chosen = w;
          } else {
            total = total * expNeg(top - x) + m;
            top = x;
            if (random.chance(m, total)) chosen = w;
          }
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
      if (top === -Infinity) {
        top = x1;
        total = mc;
        chosen = w;
      } else if (x1 <= top) {
        const t = mc * expNeg(x1 - top);
        total += t;
        if (random.chance(t, total)) chosen = w;
      } else {
        total = total * expNeg(top - x1) + mc;
        top = x1;
        if (random.chance(mc, total)) chosen = w;
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
  }
}

const grow = (n: number) => Math.max(n, 1024) + (n >> 2);
