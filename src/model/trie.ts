import { ModelError } from './errors.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * A double-array trie over piece bytes, one 16-byte record per node, so one step of a walk touches
 * one record (one cache line):
 *
 *     words[4i]      base:  node i's child on byte c is j = base + c ...
 *     words[4i + 1]  check: ... when words[4j + 1] === i (the parent's index; -1 in a free slot)
 *     f64[2i + 1]    score of the piece spelled by the path to node i, -Infinity if none
 *                    (set by compileModel; `f64` is a Float64Array view of the same buffer)
 *
 * The root is node 0. A node without children has base = `leafBase`, which points at 256 free
 * slots past the last node, so a walk leaving a leaf fails its check in memory that stays hot.
 * Every base + 255 is in range. `nodeIds[i]` is the id of node i's piece, or -1.
 */
export interface DoubleArray {
  readonly words: Int32Array;
  readonly f64: Float64Array;
  readonly nodeIds: Int32Array;
  /** base of the root: single byte c is node rootBase + c. */
  readonly rootBase: number;
  readonly size: number;
}

const FREE = -1;
/** Nodes up to this depth are placed breadth-first (they are visited by most walks), deeper ones depth-first. */
const BFS_DEPTH = 2;

/**
 * Builds the double array. Children are found by partitioning the ids on the byte at the node's
 * depth (a counting pass over the node's ids and only the labels it uses), nodes near the root
 * are placed breadth-first so the hot top levels share cache lines, deeper subtrees depth-first so
 * a walk's next node is usually near the current one, and the base search skips regions that are
 * nearly full (the darts heuristic) so building stays linear in practice. Iterative on purpose: a
 * recursive builder deoptimizes badly in V8 on deep tries.
 */
export function buildDoubleArray(vocab: Vocabulary, source?: string, bfsDepth = BFS_DEPTH): DoubleArray {
  return new TrieBuilder(vocab, source, bfsDepth).build();
}

/**
 * The builder's state and steps. Split into small methods, each run once per node, on purpose:
 * the build runs once per process, cold, and V8 optimizes a small function called many times after
 * a few hundred calls with complete type feedback, where one big loop is compiled on-stack with
 * feedback missing for paths not yet taken and deoptimized again and again (measured: ~5x slower).
 */
class TrieBuilder {
  private readonly bytes: Uint8Array;
  private readonly offsets: Uint32Array;
  private readonly ids: Int32Array;
  private readonly tmp: Int32Array;
  private check: Int32Array;
  private base: Int32Array;
  private nodeIds: Int32Array;
  private cap: number;
  private top = 0; // highest slot in use
  private nextCheckPos = 1;
  // Per node: how many ids continue with each label, where each label's ids start, the labels used.
  private readonly count = new Int32Array(256);
  private readonly start = new Int32Array(256);
  private readonly labels = new Int32Array(256);
  private nl = 0;
  // Tasks (node, lo, hi, depth: ids[lo..hi) all start with the node's path of length depth).
  // Shallow tasks run first-in first-out (breadth-first) from the queue, deep ones last-in
  // first-out from the stack.
  private queue: Int32Array;
  private qHead = 0;
  private qTail = 0;
  private stack: Int32Array;
  private sTop = 0;

  constructor(
    vocab: Vocabulary,
    private readonly source: string | undefined,
    private readonly bfsDepth: number,
  ) {
    this.bytes = vocab.bytes;
    this.offsets = vocab.offsets;
    const pieces = vocab.vocabSize - 3;
    this.ids = new Int32Array(pieces);
    for (let i = 0; i < pieces; i++) this.ids[i] = i + 3;
    this.tmp = new Int32Array(pieces);
    // A trie has at most one node per piece byte, plus the root, but the published models have
    // about one per three bytes: start at half (less memory to clear) and grow if needed (copies).
    const n = this.bytes.length;
    this.cap = Math.max(1024, (n >> 1) + 1024);
    this.check = new Int32Array(this.cap).fill(FREE);
    this.base = new Int32Array(this.cap);
    this.nodeIds = new Int32Array(this.cap).fill(-1);
    this.check[0] = -2; // the root is occupied and is nobody's child
    this.queue = new Int32Array(4 * 1024);
    this.stack = new Int32Array(4 * 1024);
    this.push(true, 0, 0, pieces, 0);
    // Run the loop methods on an empty range first, more times than V8 waits before it records
    // type feedback for a function. The first real call (the root: all ids) is compiled on-stack
    // mid-loop, and without feedback for the code after the loop, V8 deoptimized that compiled loop
    // on every later call, thousands of times (measured with --trace-deopt).
    for (let k = 0; k < 32; k++) {
      this.countLabels(0, 0, 0);
      this.scatter(0, 0, 0, -1);
      this.copyBack(0, 0);
    }
  }

  build(): DoubleArray {
    for (;;) {
      let node: number, lo: number, hi: number, depth: number;
      if (this.qHead < this.qTail) {
        const q = this.queue;
        const h = this.qHead;
        node = q[h]!;
        lo = q[h + 1]!;
        hi = q[h + 2]!;
        depth = q[h + 3]!;
        this.qHead = h + 4;
      } else if (this.sTop > 0) {
        const st = this.stack;
        const t = (this.sTop -= 4);
        node = st[t]!;
        lo = st[t + 1]!;
        hi = st[t + 2]!;
        depth = st[t + 3]!;
      } else {
        break;
      }
      this.expand(node, lo, hi, depth);
    }
    return this.finish();
  }

  /** Places the children of `node`, whose ids are ids[lo..hi), and queues them. */
  private expand(node: number, lo: number, hi: number, depth: number): void {
    const counted = this.countLabels(lo, hi, depth);
    const nl = counted % 512;
    const terminal = (counted - nl) / 512 - 1;
    if (terminal >= 0) this.nodeIds[node] = terminal;
    if (nl === 0) return;
    this.nl = nl;
    if (nl > 1) this.sortLabels();
    const end = this.labelStarts(lo);
    if (nl > 1 || terminal >= 0) {
      this.scatter(lo, hi, depth, terminal);
      this.copyBack(lo, end);
    } else {
      this.start[this.labels[0]!] = end;
    }
    const b = this.findBase();
    this.base[node] = b;
    const { labels, start, check } = this;
    for (let k = 0; k < nl; k++) {
      const child = b + labels[k]!;
      check[child] = node;
      if (child > this.top) this.top = child;
    }
    const childDepth = depth + 1;
    if (childDepth < this.bfsDepth) {
      for (let k = 0; k < nl; k++) {
        const c = labels[k]!;
        this.push(true, b + c, k === 0 ? lo : start[labels[k - 1]!]!, start[c]!, childDepth);
      }
    } else {
      // Push children last-label-first so the smallest label is placed next (depth-first layout).
      for (let k = nl - 1; k >= 0; k--) {
        const c = labels[k]!;
        this.push(false, b + c, k === 0 ? lo : start[labels[k - 1]!]!, start[c]!, childDepth);
      }
    }
  }

  /**
   * Counts the labels at this depth (remembering which occur: usually few of 256) and finds the
   * piece ending here. Returns (terminal + 1) * 512 + number of labels.
   */
  private countLabels(lo: number, hi: number, depth: number): number {
    const { ids, offsets, bytes, count, labels } = this;
    let terminal = -1;
    let nl = 0;
    for (let i = lo; i < hi; i++) {
      const id = ids[i]!;
      const at = offsets[id]! + depth;
      if (at === offsets[id + 1]!) {
        if (terminal >= 0) this.duplicate(terminal, id);
        terminal = id;
      } else {
        const c = bytes[at]!;
        if (count[c]!++ === 0) labels[nl++] = c;
      }
    }
    return (terminal + 1) * 512 + nl;
  }

  private duplicate(a: number, b: number): never {
    throw new ModelError(`ids ${a} and ${b} are the same piece (${hex(this.bytes, this.offsets, b)})`, this.source);
  }

  /** Labels in increasing order (insertion sort: a node has few children but the root). */
  private sortLabels(): void {
    const labels = this.labels;
    const nl = this.nl;
    for (let k = 1; k < nl; k++) {
      const c = labels[k]!;
      let m = k - 1;
      while (m >= 0 && labels[m]! > c) {
        labels[m + 1] = labels[m]!;
        m--;
      }
      labels[m + 1] = c;
    }
  }

  /** Sets start[c] to where label c's ids will start; returns the end of the non-terminal ids. */
  private labelStarts(lo: number): number {
    const { labels, start, count } = this;
    const nl = this.nl;
    let at = lo;
    for (let k = 0; k < nl; k++) {
      const c = labels[k]!;
      start[c] = at;
      at += count[c]!;
      count[c] = 0;
    }
    return at;
  }

  /** Moves the non-terminal ids into label order (stable) in tmp; start[c] ends at label c's end. */
  private scatter(lo: number, hi: number, depth: number, terminal: number): void {
    const { start, ids, tmp, offsets, bytes } = this;
    for (let i = lo; i < hi; i++) {
      const id = ids[i]!;
      if (id === terminal) continue;
      tmp[start[bytes[offsets[id]! + depth]!]!++] = id;
    }
  }

  private copyBack(lo: number, end: number): void {
    const { ids, tmp } = this;
    for (let i = lo; i < end; i++) ids[i] = tmp[i]!;
  }

  /** Finds a base where every child slot is free. */
  private findBase(): number {
    const { labels } = this;
    const nl = this.nl;
    const first = labels[0]!;
    let pos = Math.max(first + 1, this.nextCheckPos) - 1;
    let nonzero = 0;
    let sawFree = false;
    let b = 0;
    let check = this.check;
    for (;;) {
      pos++;
      if (pos + 257 > this.cap) {
        this.grow(2 * (pos + 257));
        check = this.check;
      }
      if (check[pos] !== FREE) {
        nonzero++;
        continue;
      }
      if (!sawFree) {
        this.nextCheckPos = pos;
        sawFree = true;
      }
      b = pos - first;
      let ok = true;
      for (let k = 1; k < nl; k++) {
        if (check[b + labels[k]!] !== FREE) {
          ok = false;
          break;
        }
      }
      if (ok) break;
    }
    if (nonzero / (pos - this.nextCheckPos + 1) >= 0.95) this.nextCheckPos = pos;
    return b;
  }

  private grow(size: number): void {
    this.check = grown(this.check, size, FREE);
    this.base = grown(this.base, size, 0);
    this.nodeIds = grown(this.nodeIds, size, -1);
    this.cap = size;
  }

  private push(fifo: boolean, node: number, lo: number, hi: number, depth: number): void {
    let a: Int32Array;
    let t: number;
    if (fifo) {
      if (this.qTail + 4 > this.queue.length) this.queue = grown(this.queue, 2 * this.queue.length, 0);
      a = this.queue;
      t = this.qTail;
      this.qTail = t + 4;
    } else {
      if (this.sTop + 4 > this.stack.length) this.stack = grown(this.stack, 2 * this.stack.length, 0);
      a = this.stack;
      t = this.sTop;
      this.sTop = t + 4;
    }
    a[t] = node;
    a[t + 1] = lo;
    a[t + 2] = hi;
    a[t + 3] = depth;
  }

  /** Lays the nodes out as 16-byte records; leaves point past the last node, at 256 free slots. */
  private finish(): DoubleArray {
    const { check, base, nodeIds, cap } = this;
    const leafBase = this.top + 1;
    const size = this.top + 257;
    const words = new Int32Array(4 * size);
    const f64 = new Float64Array(words.buffer);
    const used = Math.min(size, cap);
    for (let i = 0; i < used; i++) {
      const c = check[i]!;
      words[4 * i + 1] = c;
      const b = base[i]!;
      words[4 * i] = c !== FREE && b === 0 ? leafBase : b;
      f64[2 * i + 1] = -Infinity;
    }
    for (let i = used; i < size; i++) {
      words[4 * i + 1] = FREE;
      f64[2 * i + 1] = -Infinity;
    }
    const ids = new Int32Array(size).fill(-1);
    ids.set(nodeIds.subarray(0, used));
    return { words, f64, nodeIds: ids, rootBase: words[0]!, size };
  }
}

function grown(a: Int32Array, size: number, fill: number): Int32Array {
  const b = new Int32Array(size).fill(fill);
  b.set(a);
  return b;
}

/** Id of the piece with exactly these bytes, or -1. */
export function lookup(trie: DoubleArray, piece: Uint8Array): number {
  const { words, nodeIds } = trie;
  let node = 0;
  for (let i = 0; i < piece.length; i++) {
    const next = words[4 * node]! + piece[i]!;
    if (words[4 * next + 1] !== node) return -1;
    node = next;
  }
  return node === 0 ? -1 : nodeIds[node]!;
}

function hex(bytes: Uint8Array, offsets: Uint32Array, id: number): string {
  const parts: string[] = [];
  for (let i = offsets[id]!; i < offsets[id + 1]!; i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}
