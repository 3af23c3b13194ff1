// One chunk (a line) that arrives in parts, segmented window by window in bounded memory, with the
// ids of one pass over the whole chunk: the streams' way through a line too long to hold (a JS
// string stops at ~536M UTF-16 units). The rule is WasmEngine.windowed's: a forward pass over a
// window from the best score at its start gives every end in it the best last piece of one whole
// pass; where the best paths from the window's last L ends (L the longest piece) all meet, at c,
// everything before c is final. Its ids are emitted, c's best score summed along them (the same
// additions, in the same order, as the pass made), and the next window starts at c.

import type { CompiledModel } from '../model/compile.js';

/** An engine's forward pass over one window, and the trace it leaves (valid until its next call). */
export interface WindowPass {
  /** The forward pass over `bytes` as one chunk, from a start whose best score is `best`. */
  forward(bytes: Uint8Array, best: number): void;
  /** The start of the best last piece ending at e (1 <= e <= bytes.length of the last forward). */
  start(e: number): number;
  /** Its trie node. */
  node(e: number): number;
}

/** Window size of the streams' long lines (bytes). Settable for tests: small values make many windows. */
export const lineWindowing = { window: 1 << 20 };

/**
 * Where the best paths from ends w - L + 1 .. w all meet: the highest position every one of them
 * passes through (0 if only the window's start). `marks`: scratch of at least w + 1 zero bytes,
 * left zero.
 */
export function meetPoint(start: (e: number) => number, w: number, L: number, marks: Uint8Array): number {
  const low = w - L + 1;
  marks.fill(1, low, w + 1);
  let heads = L; // positions below the sweep that some path reaches next
  let meetAt = 0;
  for (let e = w; e > 0; e--) {
    if (marks[e] === 0) continue;
    marks[e] = 0;
    const s = start(e);
    if (marks[s] === 0) marks[s] = 1;
    else heads--;
    if (heads === 1 && e <= low) {
      meetAt = s;
      break;
    }
  }
  marks.fill(0, 0, w + 1);
  return meetAt;
}

/**
 * Segments one chunk given in parts (`push` bytes, then `end`), returning the ids as they become
 * final. Memory: the bytes not yet final (about a window, while best paths meet within one) and a
 * window's trace, not the chunk.
 */
export class LineWindows {
  private pending = new Uint8Array(1024);
  private length = 0;
  /** Best score at pending[0]. */
  private best = 0;
  private window: number;
  private marks = new Uint8Array(0);

  /** `window`: the first window's size in bytes (at least 4 pieces of the longest); lineWindowing's by default. */
  constructor(
    private readonly pass: WindowPass,
    private readonly model: CompiledModel,
    window = lineWindowing.window,
  ) {
    this.window = Math.max(window, 4 * model.maxPieceLength);
  }

  /** Adds the chunk's next bytes; returns the ids that became final. */
  push(bytes: Uint8Array): Uint32Array {
    this.append(bytes);
    const out: Uint32Array[] = [];
    while (this.length > this.window) {
      const ids = this.step();
      if (ids) out.push(ids);
      else if (this.length <= this.window) break; // the window grew past what is here: wait for more
    }
    return concat(out);
  }

  /** Ends the chunk; returns the rest of its ids. */
  end(): Uint32Array {
    const n = this.length;
    if (n === 0) return new Uint32Array(0);
    this.pass.forward(this.pending.subarray(0, n), this.best);
    const ids = this.emit(n);
    this.length = 0;
    return ids;
  }

  /** One window from pending[0]: the final ids, or null if the best paths did not meet (the window doubles). */
  private step(): Uint32Array | null {
    const w = this.window;
    const L = this.model.maxPieceLength;
    this.pass.forward(this.pending.subarray(0, w), this.best);
    if (this.marks.length < w + 1) this.marks = new Uint8Array(w + 1);
    const c = w > L ? meetPoint((e) => this.pass.start(e), w, L, this.marks) : 0;
    if (c === 0) {
      this.window *= 2;
      return null;
    }
    const ids = this.emit(c);
    this.pending.copyWithin(0, c, this.length);
    this.length -= c;
    return ids;
  }

  /** The ids of the best path from c back to 0 in text order; c's best score becomes `best`. */
  private emit(c: number): Uint32Array {
    const { pass } = this;
    let count = 0;
    for (let e = c; e > 0; e = pass.start(e)) count++;
    const nodes = new Uint32Array(count);
    let k = count;
    for (let e = c; e > 0; e = pass.start(e)) nodes[--k] = pass.node(e);
    const { f64, nodeIds } = this.model.trie; // getters on a binary model: read once per window
    let best = this.best;
    for (let i = 0; i < count; i++) {
      const node = nodes[i]!;
      best += f64[2 * node + 1]!;
      nodes[i] = nodeIds[node]!;
    }
    this.best = best;
    return nodes;
  }

  private append(bytes: Uint8Array): void {
    const need = this.length + bytes.length;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.pending.length));
      grown.set(this.pending.subarray(0, this.length));
      this.pending = grown;
    }
    this.pending.set(bytes, this.length);
    this.length = need;
  }
}

/** The ids of `parts` in one array (the part itself if only one). */
export function concat(parts: Uint32Array[]): Uint32Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
