import { expNeg } from './exp-neg.js';
import type { CompiledModel } from '../model/compile.js';

/**
 * The linear-domain sampler's weights (SPEC §4), shared by both engines so that they take the same
 * path and get the same bits.
 *
 * A piece p gets the weight W(p) = exp(alpha·(score(p) − m·len(p))), m = max over pieces of
 * score/len, so W ≤ 1. That multiplies every segmentation of an n-byte chunk by the same
 * exp(−alpha·m·n): the distribution is unchanged. The sampler then keeps Z[e] = Σ Z[s]·W(p) as
 * plain doubles, rescaled by exact powers of two when the running total leaves [low, high].
 *
 * When this is exact: let G = alpha·D, where D is the largest, over all trie paths t (every span a
 * live walk can cover), of the smallest Σ (m·len − score) over the segmentations of t into pieces.
 * Then Z[s] ≤ Z[e]·e^G for every live walk from s at e, and Z[e + 1] ≥ Z[e]·e^−G. With G ≤ 600
 * (and the window below) no live value overflows, every term carrying more than 2^−64 of its
 * total is a normal double, and no weight that matters falls under expNeg's e^−708 cut-off. Past
 * that (large alpha: ~5–12 on the shared models) the engines use the log-domain sampler.
 *
 * D depends on the model only. An upper bound costs nothing: (longest piece)·(largest m − score of
 * a single byte), ~860 on the shared models, which admits alpha up to ~0.7; the plan uses it when it
 * suffices. Larger alphas need D itself, one walk over the trie (~100–200 ms on the 160k/240k
 * models, once per model). Either way the plan is a function of (model, alpha) only.
 */
export interface LinearPlan {
  readonly alpha: number;
  /** Rescale when the total leaves [low, high] (powers of two). */
  readonly low: number;
  readonly high: number;
}

/** The largest alpha·D sampled in the linear domain (see the module comment). */
export const LINEAR_LIMIT = 600;

interface ModelBounds {
  /** max over pieces of score / length. */
  readonly m: number;
  /** An upper bound on D: (longest piece)·max over single bytes b of (m − score(b)). */
  readonly quick: number;
  /** D of the module comment, once computed. */
  deficit?: number;
}

const bounds = new WeakMap<object, ModelBounds>();
let logOnly = false;
/** Bumped by forceLogDomain: engines that cache a plan re-plan when it changes. */
export let planEpoch = 0;

/** Tests and benchmarks only: every alpha takes the log-domain sampler (true), or the rule again (false). */
export function forceLogDomain(on: boolean): void {
  logOnly = on;
  planEpoch++;
}

/** The linear-domain plan for this alpha, or null where the log-domain sampler must be used. */
export function linearPlan(model: CompiledModel, alpha: number): LinearPlan | null {
  if (logOnly) return null;
  const b = modelBounds(model);
  let g = alpha * b.quick;
  if (!(g <= LINEAR_LIMIT)) {
    b.deficit ??= largestPathDeficit(model, b.m);
    g = alpha * b.deficit;
    if (!(g <= LINEAR_LIMIT)) return null;
  }
  // Bits of headroom the live values need around the total (see the module comment): records up
  // to e^G above it (plus log2 of the candidates summed), terms down to 2^−64 of it, e^−G below.
  const gBits = Math.ceil(g * Math.LOG2E) + 1;
  const sumBits = Math.ceil(Math.log2(model.maxPieceLength + 2));
  return { alpha, low: 2 ** -(950 - gBits), high: 2 ** (1010 - gBits - sumBits) };
}

/**
 * W per trie node (0 where no piece ends) for this alpha, W of node k into out[at + k·stride]:
 * both engines' tables (the JS engine's is W alone; the WASM engine's is a copy of the node table
 * with W in place of the score, stride 2 and at 1), so the same bits.
 */
export function fillWeights(model: CompiledModel, alpha: number, out: Float64Array, stride = 1, at = 0): void {
  const { m } = modelBounds(model);
  const { nodeIds, f64, size } = model.trie;
  const { lengths } = model;
  for (let node = 0, o = at; node < size; node++, o += stride) {
    const id = nodeIds[node]!;
    if (id < 0) {
      out[o] = 0;
      continue;
    }
    const x = alpha * (f64[2 * node + 1]! - m * lengths[id]!);
    out[o] = expNeg(x < 0 ? x : 0);
  }
}

function modelBounds(model: CompiledModel): ModelBounds {
  const key = model.trie;
  let b = bounds.get(key);
  if (!b) {
    const { scores, lengths } = model;
    let m = -Infinity;
    for (let id = 3; id < scores.length; id++) {
      const r = scores[id]! / lengths[id]!;
      if (r > m) m = r;
    }
    const { f64, rootBase } = model.trie;
    let worstByte = 0;
    for (let c = 0; c < 256; c++) worstByte = Math.max(worstByte, m - f64[2 * (rootBase + c) + 1]!);
    b = { m, quick: model.maxPieceLength * worstByte };
    bounds.set(key, b);
  }
  return b;
}

/**
 * D of the module comment: a depth-first walk over the trie; at a node of depth d (path t), the
 * pieces t[j..d) (j < d) are the node itself and the pieces among its proper suffixes, which its
 * dictionary links list (Aho-Corasick: each node's link is its longest proper suffix that is a
 * piece); best[d] = min over those of best[j] + m·(d − j) − score. Memory is linear in the trie
 * (a table of the walks from every j to every d was (L + 1)·L, 896 MB for a 20,000-byte piece).
 */
export function largestPathDeficit(model: CompiledModel, m: number): number {
  const { words, f64, size } = model.trie;
  const L = model.maxPieceLength + 1;
  // Children lists (node → its children, by increasing label) from the check words.
  const first = new Int32Array(size + 1);
  for (let j = 1; j < size; j++) {
    const p = words[4 * j + 1]!;
    if (p >= 0) first[p + 1]!++;
  }
  for (let i = 0; i < size; i++) first[i + 1]! += first[i]!;
  const fill = first.slice(0, size);
  const children = new Int32Array(first[size]!);
  for (let j = 1; j < size; j++) {
    const p = words[4 * j + 1]!;
    if (p >= 0) children[fill[p]!++] = j;
  }
  const isPiece = (node: number) => f64[2 * node + 1] !== -Infinity;
  // Suffix links in breadth-first order (a node's comes from its parent's), then dictionary links.
  // The root has every byte as a child (every byte is a piece), so each search ends.
  const depth = new Int32Array(size);
  const suffix = new Int32Array(size);
  const dict = new Int32Array(size).fill(-1);
  const queue = new Int32Array(children.length + 1);
  let tail = 0;
  for (let k = first[0]!; k < first[1]!; k++) {
    const v = children[k]!;
    depth[v] = 1;
    queue[tail++] = v; // suffix 0: the root
  }
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    for (let k = first[u]!; k < first[u + 1]!; k++) {
      const v = children[k]!;
      const c = v - words[4 * u]!;
      let f = suffix[u]!;
      for (;;) {
        const q = words[4 * f]! + c;
        if (q >= 0 && q < size && words[4 * q + 1] === f) {
          suffix[v] = q;
          break;
        }
        f = suffix[f]!; // f is not the root here: the root has every child
      }
      depth[v] = depth[u]! + 1;
      queue[tail++] = v;
    }
  }
  for (let h = 0; h < tail; h++) {
    const v = queue[h]!;
    const s = suffix[v]!;
    dict[v] = s === 0 ? -1 : isPiece(s) ? s : dict[s]!;
  }
  const best = new Float64Array(L + 1);
  const stack = new Int32Array(children.length + 1);
  const depths = new Int32Array(children.length + 1);
  let top = 0;
  for (let k = first[0]!; k < first[1]!; k++) {
    stack[top] = children[k]!;
    depths[top++] = 1;
  }
  let largest = 0;
  while (top > 0) {
    const node = stack[--top]!;
    const d = depths[top]!;
    // Preorder: best[0..d) still holds the path to the parent.
    let b = Infinity;
    for (let x = isPiece(node) ? node : dict[node]!; x >= 0; x = dict[x]!) {
      const j = d - depth[x]!;
      const t = best[j]! + (m * (d - j) - f64[2 * x + 1]!);
      if (t < b) b = t;
    }
    best[d] = b;
    if (b > largest) largest = b;
    for (let k = first[node]!; k < first[node + 1]!; k++) {
      stack[top] = children[k]!;
      depths[top++] = d + 1;
    }
  }
  return largest;
}

const binade = new Float64Array(1);
const binadeWords = new Uint32Array(binade.buffer);
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0; // the word with the exponent

/** 2^−E for a positive normal double x in [2^E, 2^(E+1)) (x·2^−E is exact and in [1, 2)). */
export function inverseBinade(x: number): number {
  binade[0] = x;
  const e = (binadeWords[HIGH]! >>> 20) & 0x7ff;
  binadeWords[HIGH] = (2046 - e) << 20;
  binadeWords[1 - HIGH] = 0;
  return binade[0]!;
}
