import type { Engine } from './engine.js';
import type { CompiledModel } from './model.js';
import { JsSampler } from './sampler-js.js';

/**
 * The pure-JS engine: the reference algorithm (SPEC §3, trie-walk form) over the compiled model's
 * typed arrays. It is the readable twin of assembly/viterbi.ts, the baseline it is benchmarked
 * against, and the fallback where WebAssembly is unavailable. Keep the two in step.
 */
export class JsEngine implements Engine {
  readonly name = 'js' as const;
  private readonly model: CompiledModel;
  private readonly encoder = new TextEncoder();
  /** best[] over a window: position p lives at p & mask (the window is longer than any piece). */
  private readonly ring: Float64Array;
  private readonly mask: number;
  /** back[e] = id of the best last piece of bytes[..e); out = ids of a call before copying. */
  private back = new Int32Array(1);
  private out = new Uint32Array(1);
  private readonly sampler: JsSampler;

  constructor(model: CompiledModel) {
    this.model = model;
    this.sampler = new JsSampler(model);
    this.ring = new Float64Array(ringSize(model.maxPieceLength));
    this.mask = this.ring.length - 1;
  }

  encodeText(text: string, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    return this.encodeBytes(this.encoder.encode(text), split, front, backSlots, alpha);
  }

  setRandomState(state: Uint32Array): void {
    this.sampler.random.setState(state);
  }

  encodeBytes(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    if (alpha >= 0) return this.sampler.encode(bytes, split, front, backSlots, alpha);
    const n = bytes.length;
    if (this.back.length < n + 1) this.back = new Int32Array(grow(n + 1));
    if (this.out.length < n) this.out = new Uint32Array(grow(n));
    const { back, out, ring, mask } = this;
    const { trie, scores, lengths } = this.model;
    let count = 0;
    for (let a = 0; a < n; ) {
      const b = split ? chunkEnd(bytes, a, n) : n;
      viterbi(bytes, a, b, trie.units, trie.nodeIds, scores, ring, mask, back);
      count += traceback(a, b, back, lengths, out, count);
      a = b;
    }
    const ids = new Uint32Array(front + count + backSlots);
    ids.set(out.subarray(0, count), front);
    return ids;
  }
}

/** Smallest power of two greater than the longest piece, so a window holds best[s..s+maxLen]. */
export function ringSize(maxPieceLength: number): number {
  let r = 2;
  while (r <= maxPieceLength) r <<= 1;
  return r;
}

const grow = (n: number) => Math.max(n, 1024) + (n >> 2);

/** End of the chunk starting at a: a run of non-`\n` bytes, then the run of `\n` after it. */
export function chunkEnd(bytes: Uint8Array, a: number, n: number): number {
  let i = a;
  while (i < n && bytes[i] !== 10) i++;
  while (i < n && bytes[i] === 10) i++;
  return i;
}

// For each start s, walk the trie along bytes[s..b); every piece bytes[s..e) found offers
// best[s] + score to best[e], taken only if strictly greater (SPEC §3 tie rule).
function viterbi(
  bytes: Uint8Array, a: number, b: number,
  units: Int32Array, nodeIds: Int32Array, scores: Float64Array,
  ring: Float64Array, mask: number, back: Int32Array,
): void {
  ring.fill(-Infinity);
  ring[a & mask] = 0;
  for (let s = a; s < b; s++) {
    const bs = ring[s & mask]!;
    ring[s & mask] = -Infinity; // this slot next holds best[s + ring size]
    let node = 0;
    for (let j = s; j < b; j++) {
      const next = units[node << 1]! + bytes[j]!;
      if (units[(next << 1) + 1] !== node) break;
      node = next;
      const id = nodeIds[node]!;
      if (id >= 0) {
        const score = bs + scores[id]!;
        const e = (j + 1) & mask;
        if (score > ring[e]!) {
          ring[e] = score;
          back[j + 1] = id;
        }
      }
    }
  }
}

// Follows back[] from b to a and appends the ids in text order at out[at..]; returns their number.
function traceback(a: number, b: number, back: Int32Array, lengths: Int32Array, out: Uint32Array, at: number): number {
  let count = 0;
  for (let e = b; e > a; e -= lengths[back[e]!]!) count++;
  let k = at + count;
  for (let e = b; e > a; e -= lengths[back[e]!]!) out[--k] = back[e]!;
  return count;
}
