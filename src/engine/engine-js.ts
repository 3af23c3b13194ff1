import type { Engine } from './engine.js';
import type { CompiledModel } from '../model/compile.js';
import { JsSampler } from './sampler-js.js';
import type { WindowPass } from './line-windows.js';

/**
 * The pure-JS engine: the algorithm of the WASM kernel (assembly/index.ts), step for step, over the
 * same flat node table. It is the readable twin of the kernel, the baseline it is benchmarked
 * against, and the fallback where WebAssembly is unavailable. Keep the two in step. (Where the
 * kernel packs a walk's node and start into one i64, this keeps them in two Int32Arrays: JS has
 * no cheap 64-bit integer.)
 */
export class JsEngine implements Engine {
  readonly name = 'js' as const;
  private readonly model: CompiledModel;
  private readonly encoder = new TextEncoder();
  /** Live walks: the node each has reached and best[] at its start. */
  private readonly liveNodes: Int32Array;
  private readonly liveBest: Float64Array;
  private readonly liveStart: Int32Array;
  /** UTF-8 of the current text. */
  private input = new Uint8Array(1024);
  /** back[e] = node of the best last piece of bytes[..e); then the ids, in place (see traceback). */
  private back = new Int32Array(1024);
  /** starts[e] = start of the best last piece of bytes[..e). */
  private starts = new Int32Array(1024);

  /** Viterbi sampling (alpha ≥ 0), with the engine's generator. */
  private readonly sampler: JsSampler;

  constructor(model: CompiledModel) {
    this.model = model;
    this.sampler = new JsSampler(model);
    this.liveNodes = new Int32Array(model.maxPieceLength + 2);
    this.liveBest = new Float64Array(model.maxPieceLength + 2);
    this.liveStart = new Int32Array(model.maxPieceLength + 2);
  }

  /** Writes the UTF-8 of `text` to `this.input`; returns its length. */
  private write(text: string): number {
    const len = text.length;
    if (this.input.length < 3 * len) this.input = new Uint8Array(grow(3 * len));
    return this.encoder.encodeInto(text, this.input).written;
  }

  /** Segments input[0..n); the ids are then back[n + 1 - count .. n]. */
  private run(bytes: Uint8Array, n: number, split: boolean): number {
    if (this.back.length < n + 1) {
      this.back = new Int32Array(grow(n + 1));
      this.starts = new Int32Array(this.back.length);
    }
    const { trie } = this.model;
    forward(bytes, n, split, trie.words, trie.f64, trie.rootBase, this.liveNodes, this.liveBest, this.liveStart, this.back, this.starts);
    return traceback(n, this.back, this.starts, trie.nodeIds);
  }

  private result(n: number, count: number, front: number, backSlots: number): Uint32Array {
    const ids = new Uint32Array(front + count + backSlots);
    const from = n + 1 - count;
    ids.set(this.back.subarray(from, from + count), front);
    return ids;
  }

  encodeText(text: string, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    const n = this.write(text);
    if (alpha >= 0) return this.sampler.encode(this.input.subarray(0, n), split, front, backSlots, alpha);
    return this.result(n, this.run(this.input, n, split), front, backSlots);
  }

  encodeBytes(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    if (alpha >= 0) return this.sampler.encode(bytes, split, front, backSlots, alpha);
    const n = bytes.length;
    return this.result(n, this.run(bytes, n, split), front, backSlots);
  }

  setRandomState(state: Uint32Array): void {
    this.sampler.random.setState(state);
  }

  countText(text: string, split: boolean): number {
    const n = this.write(text);
    return this.run(this.input, n, split);
  }

  encodeTextInto(text: string, split: boolean, out: Uint32Array, at: number, alpha = -1): number {
    const n = this.write(text);
    let ids: Uint32Array | Int32Array;
    if (alpha >= 0) ids = this.sampler.encode(this.input.subarray(0, n), split, 0, 0, alpha);
    else {
      const count = this.run(this.input, n, split);
      ids = this.back.subarray(n + 1 - count, n + 1);
    }
    this.last = ids;
    if (ids.length > out.length - at) return -ids.length;
    out.set(ids, at);
    return ids.length;
  }

  /** The ids of the last encodeTextInto (a view of `back`, valid until the next call, or a sample). */
  private last: Uint32Array | Int32Array = new Uint32Array(0);

  copyLastInto(out: Uint32Array, at: number): void {
    out.set(this.last, at);
  }

  windowPass(): WindowPass {
    return {
      forward: (bytes, best) => {
        const n = bytes.length;
        if (this.back.length < n + 1) {
          this.back = new Int32Array(grow(n + 1));
          this.starts = new Int32Array(this.back.length);
        }
        const { trie } = this.model;
        forward(bytes, n, false, trie.words, trie.f64, trie.rootBase, this.liveNodes, this.liveBest, this.liveStart, this.back, this.starts, best);
      },
      start: (e) => this.starts[e]!,
      node: (e) => this.back[e]!,
    };
  }
}

const grow = (n: number) => Math.max(n, 1024) + (n >> 2);

// All start positions walk the trie in lockstep: at byte i, each live walk (oldest first) steps
// on bytes[i]; one that finds a piece bytes[s..i+1) offers best[s] + score to best[i + 1], taken
// only if strictly greater (SPEC §3 tie rule: candidates for an end arrive in increasing s).
// Then a new walk starts at i. Chunks (split) end after a run of `\n`: walks stop, best restarts at 0.
// (The kernel carries each walk's base in the walk; here a liveBase array doing the same measured
// 0.86 / 0.86 / 0.70x zh / en / code, plus.80k, one process interleaved: not taken. A plain walk,
// one walk per start pushing best[s] + score to each end it reaches, ids identical, measured
// 1.00-1.10 / 0.99-1.11 / 1.00-1.16x this, four runs over plus.80k, eu.plus.160k and zh.id.eu.80k,
// one call per document, bytes in place: within ~15%, so this stays the kernel's twin.)
function forward(
  bytes: Uint8Array,
  n: number,
  split: boolean,
  words: Int32Array,
  f64: Float64Array,
  rootBase: number,
  liveNodes: Int32Array,
  liveBest: Float64Array,
  liveStart: Int32Array,
  back: Int32Array,
  starts: Int32Array,
  bestStart = 0,
): void {
  let live = 0;
  let bestPrev = bestStart; // the best score at bytes[0]: 0 at a chunk's start, else a window's (LineWindows)
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (prev === 10 && c !== 10 && split) {
      live = 0;
      bestPrev = 0;
    }
    prev = c;
    let best = -Infinity;
    let bestNode = 0;
    let bestStart = 0;
    let w = 0;
    for (let k = 0; k < live; k++) {
      const node = liveNodes[k]!;
      const next = words[node << 2]! + c;
      if (words[(next << 2) + 1] !== node) continue;
      const bs = liveBest[k]!;
      const start = liveStart[k]!;
      const score = bs + f64[(next << 1) + 1]!;
      if (score > best) {
        best = score;
        bestNode = next;
        bestStart = start;
      }
      liveNodes[w] = next;
      liveBest[w] = bs;
      liveStart[w] = start;
      w++;
    }
    const node1 = rootBase + c;
    const score1 = bestPrev + f64[(node1 << 1) + 1]!;
    if (score1 > best) {
      best = score1;
      bestNode = node1;
      bestStart = i;
    }
    liveNodes[w] = node1;
    liveBest[w] = bestPrev;
    liveStart[w] = i;
    live = w + 1;
    back[i + 1] = bestNode;
    starts[i + 1] = bestStart;
    bestPrev = best;
  }
}

// Follows starts[] from n to 0 and writes the ids from back[n] downwards (the id of the piece ending
// at e goes to a slot ≥ e already read). Returns their number; they are back[n + 1 - count .. n].
function traceback(n: number, back: Int32Array, starts: Int32Array, nodeIds: Int32Array): number {
  let w = n;
  for (let e = n; e > 0; e = starts[e]!) back[w--] = nodeIds[back[e]!]!;
  return n - w;
}
