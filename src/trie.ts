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
  const { bytes, offsets, vocabSize } = vocab;
  const pieces = vocabSize - 3;
  const ids = new Int32Array(pieces);
  for (let i = 0; i < pieces; i++) ids[i] = i + 3;
  const tmp = new Int32Array(pieces);

  // A trie has at most one node per piece byte, plus the root; the slack is for the gaps the
  // base search leaves. Growing is rare (and copies), so it is checked inline.
  let cap = Math.max(1024, bytes.length + (bytes.length >> 3) + 1024);
  let check = new Int32Array(cap).fill(FREE);
  let base = new Int32Array(cap);
  let nodeIds = new Int32Array(cap).fill(-1);
  const grown = (a: Int32Array, size: number, fill: number) => {
    const b = new Int32Array(size).fill(fill);
    b.set(a);
    return b;
  };
  check[0] = -2; // the root is occupied and is nobody's child
  let top = 0; // highest slot in use

  // Tasks: node, lo, hi, depth (ids[lo..hi) all start with the node's path of length depth).
  // Shallow tasks run first-in first-out (breadth-first), deep ones last-in first-out.
  const queue: number[] = [0, 0, pieces, 0];
  let qHead = 0;
  const stack: number[] = [];
  const count = new Int32Array(256);
  const start = new Int32Array(256);
  const labels = new Int32Array(256);
  let nextCheckPos = 1;

  for (;;) {
    let node: number, lo: number, hi: number, depth: number;
    if (qHead < queue.length) {
      node = queue[qHead]!;
      lo = queue[qHead + 1]!;
      hi = queue[qHead + 2]!;
      depth = queue[qHead + 3]!;
      qHead += 4;
    } else if (stack.length > 0) {
      depth = stack.pop()!;
      hi = stack.pop()!;
      lo = stack.pop()!;
      node = stack.pop()!;
    } else {
      break;
    }
    // Count the labels at this depth; remember which ones occur (usually few of 256).
    let terminal = -1;
    let nl = 0;
    for (let i = lo; i < hi; i++) {
      const id = ids[i]!;
      const at = offsets[id]! + depth;
      if (at === offsets[id + 1]!) {
        if (terminal >= 0) {
          throw new ModelError(`ids ${terminal} and ${id} are the same piece (${hex(bytes, offsets, id)})`, source);
        }
        terminal = id;
      } else {
        const c = bytes[at]!;
        if (count[c]++ === 0) labels[nl++] = c;
      }
    }
    if (terminal >= 0) nodeIds[node] = terminal;
    if (nl === 0) continue;
    // Labels in increasing order (insertion sort: a node has few children but the root).
    for (let k = 1; k < nl; k++) {
      const c = labels[k]!;
      let m = k - 1;
      while (m >= 0 && labels[m]! > c) {
        labels[m + 1] = labels[m]!;
        m--;
      }
      labels[m + 1] = c;
    }
    let at = lo;
    for (let k = 0; k < nl; k++) {
      const c = labels[k]!;
      start[c] = at;
      at += count[c]!;
      count[c] = 0;
    }
    // Scatter the non-terminal ids into label order (stable), then copy back.
    const end = at;
    if (nl > 1 || terminal >= 0) {
      for (let i = lo; i < hi; i++) {
        const id = ids[i]!;
        if (id === terminal) continue;
        tmp[start[bytes[offsets[id]! + depth]!]!++] = id;
      }
      for (let i = lo; i < end; i++) ids[i] = tmp[i]!;
    } else {
      start[labels[0]!] = end;
    }

    // Find a base where every child slot is free.
    const first = labels[0]!;
    let pos = Math.max(first + 1, nextCheckPos) - 1;
    let nonzero = 0;
    let sawFree = false;
    let b = 0;
    for (;;) {
      pos++;
      if (pos + 257 > cap) {
        const size = 2 * (pos + 257);
        check = grown(check, size, FREE);
        base = grown(base, size, 0);
        nodeIds = grown(nodeIds, size, -1);
        cap = size;
      }
      if (check[pos] !== FREE) {
        nonzero++;
        continue;
      }
      if (!sawFree) {
        nextCheckPos = pos;
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
    if (nonzero / (pos - nextCheckPos + 1) >= 0.95) nextCheckPos = pos;
    base[node] = b;
    for (let k = 0; k < nl; k++) {
      const child = b + labels[k]!;
      check[child] = node;
      if (child > top) top = child;
    }
    const childDepth = depth + 1;
    if (childDepth < bfsDepth) {
      for (let k = 0; k < nl; k++) {
        const c = labels[k]!;
        queue.push(b + c, k === 0 ? lo : start[labels[k - 1]!]!, start[c]!, childDepth);
      }
    } else {
      // Push children last-label-first so the smallest label is placed next (depth-first layout).
      for (let k = nl - 1; k >= 0; k--) {
        const c = labels[k]!;
        stack.push(b + c, k === 0 ? lo : start[labels[k - 1]!]!, start[c]!, childDepth);
      }
    }
  }
  // Leaves point past the last node, at 256 free slots.
  const leafBase = top + 1;
  const size = top + 257;
  const words = new Int32Array(4 * size);
  const f64 = new Float64Array(words.buffer);
  for (let i = 0; i < size; i++) {
    const c = i < cap ? check[i]! : FREE;
    words[4 * i + 1] = c;
    const b = i < cap ? base[i]! : 0;
    words[4 * i] = c !== FREE && b === 0 ? leafBase : b;
    f64[2 * i + 1] = -Infinity;
  }
  const ids2 = new Int32Array(size).fill(-1);
  ids2.set(nodeIds.subarray(0, Math.min(size, cap)));
  return { words, f64, nodeIds: ids2, rootBase: words[0]!, size };
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
