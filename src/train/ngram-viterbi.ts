/**
 * SPEC §6.4: segments each training chunk with the n-gram Viterbi and counts the pieces. The JS
 * twin of the kernel's segmentation; the comparisons follow the reference's numpy expression
 * `(v[i-1][a] + t[a][b]) + score[i][b]`, first maximum over a, term for term.
 */
import type { ChunkBatch } from './chunker.js';
import { keyWidth } from './ngram-count.js';
import type { NgramModel } from './ngram-model.js';
import { PieceTable } from './piece-table.js';

export class NgramSegmenter {
  private readonly model: NgramModel;
  private readonly ensureUnicode: boolean;
  private readonly key: Uint32Array;
  private v: Float64Array;
  private w: Float64Array;
  private scores: Float64Array;
  /** back[i·order + b] = the state before state b at byte i. */
  private back = new Int32Array(1 << 12);
  private states = new Int32Array(1 << 10);

  constructor(model: NgramModel, ensureUnicode: boolean) {
    this.model = model;
    this.ensureUnicode = ensureUnicode;
    this.key = new Uint32Array(keyWidth(model.order));
    this.v = new Float64Array(model.order);
    this.w = new Float64Array(model.order);
    this.scores = new Float64Array(model.order);
  }

  /** Segments every chunk of the batch and adds its pieces to `pieces`. */
  countBatch(batch: ChunkBatch, pieces: PieceTable): void {
    const { bytes, ends } = batch;
    let start = 0;
    for (let k = 0; k < batch.count; k++) {
      const end = ends[k]!;
      const n = this.segment(bytes, start, end);
      // Pieces start at the bytes in state 0.
      const states = this.states;
      let from = -1;
      for (let i = 0; i < n; i++) {
        if (states[i] !== 0) continue;
        if (from >= 0) pieces.add(bytes, start + from, start + i, 1);
        from = i;
      }
      if (from >= 0) pieces.add(bytes, start + from, end, 1);
      start = end;
    }
  }

  /** The scores of byte e (the chunk starts at `start`) in each state: −∞ where no n-gram applies. */
  private nodeScores(bytes: Uint8Array, start: number, e: number): void {
    const { order, tables } = this.model;
    const { key, scores } = this;
    scores.fill(-Infinity);
    key.fill(0);
    const most = Math.min(order, e - start + 1);
    for (let m = 0; m < most; m++) {
      key[m >> 2]! |= bytes[e - m]! << (8 * (m & 3));
      const table = tables[m + 1]!;
      const slot = table.find(key, 0);
      // Absent here means absent for every longer n-gram ending at e (it would contain this one).
      if (slot < 0) break;
      scores[m] = table.values[slot]!;
    }
    if (this.ensureUnicode) {
      const b = bytes[e]!;
      if (b >= 0x80 && b < 0xc0) scores[0] = -Infinity;
    }
  }

  /** Runs the Viterbi over bytes[start..end); leaves the state of each byte in `states`. Returns n. */
  private segment(bytes: Uint8Array, start: number, end: number): number {
    const order = this.model.order;
    const n = end - start;
    if (this.back.length < n * order) this.back = new Int32Array(Math.max(n * order, this.back.length * 2));
    if (this.states.length < n) this.states = new Int32Array(Math.max(n, this.states.length * 2));
    const { back, states, scores } = this;
    let v = this.v;
    let w = this.w;
    this.nodeScores(bytes, start, start);
    v.set(scores);
    const last = order - 1;
    for (let i = 1; i < n; i++) {
      this.nodeScores(bytes, start, start + i);
      const row = i * order;
      // State 0: reachable from every state.
      const s0 = scores[0]!;
      let best = v[0]! + 0 + s0;
      let arg = 0;
      for (let a = 1; a < order; a++) {
        const c = v[a]! + 0 + s0;
        if (c > best) {
          best = c;
          arg = a;
        }
      }
      w[0] = best;
      back[row] = arg;
      // State b ≥ 1: from b − 1, and the last state from itself too; every other candidate is −∞.
      for (let b = 1; b < order; b++) {
        const sb = scores[b]!;
        best = v[b - 1]! + 0 + sb;
        arg = b - 1;
        if (b === last) {
          const c = v[b]! + 0 + sb;
          if (c > best) {
            best = c;
            arg = b;
          }
        }
        if (best === -Infinity) arg = 0; // all candidates −∞: the first, state 0
        w[b] = best;
        back[row + b] = arg;
      }
      const t = v;
      v = w;
      w = t;
    }
    let state = 0;
    for (let b = 1; b < order; b++) if (v[b]! > v[state]!) state = b;
    for (let i = n - 1; i >= 0; i--) {
      states[i] = state;
      if (i > 0) state = back[i * order + state]!;
    }
    this.v = v;
    this.w = w;
    return n;
  }
}
