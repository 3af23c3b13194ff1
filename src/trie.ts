import { ModelError } from './errors.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * A double-array trie over piece bytes. Node `i` has `base = units[2i]` and `check = units[2i + 1]`;
 * its child on byte `c` is `j = base + c` when `units[2j + 1] === i`. The root is node 0. Base and
 * check sit side by side so one step of a walk touches one cache line. `nodeIds[i]` is the id of the
 * piece spelled by the path to node `i`, or -1. Arrays are padded so `base + 255` is always in range.
 */
export interface DoubleArray {
  readonly units: Int32Array;
  readonly nodeIds: Int32Array;
}

const FREE = -1;

/**
 * Builds the double array. Children are found by an MSD radix partition of the ids (no comparison
 * sort), nodes are placed depth-first so a walk's next node is usually near the current one, and the
 * base search skips regions that are nearly full (the darts heuristic) so building stays linear in
 * practice. Iterative on purpose: a recursive builder deoptimizes badly in V8 on deep tries.
 */
export function buildDoubleArray(vocab: Vocabulary, source?: string): DoubleArray {
  const { bytes, offsets, vocabSize } = vocab;
  const pieces = vocabSize - 3;
  let ids = new Int32Array(pieces);
  for (let i = 0; i < pieces; i++) ids[i] = i + 3;
  let tmp = new Int32Array(pieces);

  let cap = Math.max(1024, bytes.length + 512);
  let units = new Int32Array(2 * cap).fill(FREE);
  let nodeIds = new Int32Array(cap).fill(-1);
  const ensure = (size: number) => {
    if (size <= cap) return;
    let next = cap;
    while (next < size) next *= 2;
    const u = new Int32Array(2 * next).fill(FREE);
    u.set(units);
    const t = new Int32Array(next).fill(-1);
    t.set(nodeIds);
    units = u;
    nodeIds = t;
    cap = next;
  };
  units[1] = -2; // the root is occupied and is nobody's child
  let top = 0; // highest slot in use

  // Task stack: node, lo, hi, depth (ids[lo..hi) all start with the node's path of length depth).
  const stack: number[] = [0, 0, pieces, 0];
  const count = new Int32Array(256);
  const start = new Int32Array(256);
  const labels = new Int32Array(256);
  let nextCheckPos = 1;

  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const node = stack.pop()!;
    count.fill(0);
    let terminal = -1;
    for (let i = lo; i < hi; i++) {
      const id = ids[i]!;
      const len = offsets[id + 1]! - offsets[id]!;
      if (len === depth) {
        if (terminal >= 0) {
          throw new ModelError(`ids ${terminal} and ${id} are the same piece (${hex(bytes, offsets, id)})`, source);
        }
        terminal = id;
      } else {
        count[bytes[offsets[id]! + depth]!]!++;
      }
    }
    if (terminal >= 0) nodeIds[node] = terminal;
    let nl = 0;
    let at = lo;
    for (let c = 0; c < 256; c++) {
      if (count[c] === 0) continue;
      labels[nl++] = c;
      start[c] = at;
      at += count[c]!;
    }
    if (nl === 0) continue;
    // Scatter the non-terminal ids into label order (stable), then copy back.
    const end = at;
    for (let i = lo; i < hi; i++) {
      const id = ids[i]!;
      if (id === terminal) continue;
      tmp[start[bytes[offsets[id]! + depth]!]!++] = id;
    }
    ids.set(tmp.subarray(lo, end), lo);

    // Find a base where every child slot is free.
    const first = labels[0]!;
    let pos = Math.max(first + 1, nextCheckPos) - 1;
    let nonzero = 0;
    let sawFree = false;
    let base = 0;
    for (;;) {
      pos++;
      ensure(pos + 257);
      if (units[2 * pos + 1] !== FREE) {
        nonzero++;
        continue;
      }
      if (!sawFree) {
        nextCheckPos = pos;
        sawFree = true;
      }
      base = pos - first;
      let ok = true;
      for (let k = 1; k < nl; k++) {
        if (units[2 * (base + labels[k]!) + 1] !== FREE) {
          ok = false;
          break;
        }
      }
      if (ok) break;
    }
    if (nonzero / (pos - nextCheckPos + 1) >= 0.95) nextCheckPos = pos;
    units[2 * node] = base;
    for (let k = 0; k < nl; k++) {
      const child = base + labels[k]!;
      units[2 * child + 1] = node;
      if (child > top) top = child;
    }
    // Push children last-label-first so the smallest label is placed next (depth-first layout).
    for (let k = nl - 1; k >= 0; k--) {
      const c = labels[k]!;
      const childLo = k === 0 ? lo : start[labels[k - 1]!]!;
      stack.push(base + c, childLo, start[c]!, depth + 1);
    }
  }
  const size = top + 257;
  ensure(size);
  return { units: units.slice(0, 2 * size), nodeIds: nodeIds.slice(0, size) };
}

/** Id of the piece with exactly these bytes, or -1. */
export function lookup(trie: DoubleArray, piece: Uint8Array): number {
  const { units, nodeIds } = trie;
  let node = 0;
  for (let i = 0; i < piece.length; i++) {
    const next = units[2 * node]! + piece[i]!;
    if (units[2 * next + 1] !== node) return -1;
    node = next;
  }
  return node === 0 ? -1 : nodeIds[node]!;
}

function hex(bytes: Uint8Array, offsets: Uint32Array, id: number): string {
  const parts: string[] = [];
  for (let i = offsets[id]!; i < offsets[id + 1]!; i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}
