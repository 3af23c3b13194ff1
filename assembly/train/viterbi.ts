// SPEC §6.4 in the kernel: the n-gram Viterbi over each training chunk, and piece counting.
// The comparisons are the reference's numpy expression `(v[i-1][a] + t[a][b]) + score[i][b]`,
// first maximum over a, term for term (see src/train/ngram-viterbi.ts, the JS twin).

import { order, probTable } from './ngrams';
import { valueOf } from './hash';
import { addPiece } from './pieces';

const scores = memory.data(8 * 8);
const vA = memory.data(8 * 8);
const vB = memory.data(8 * 8);
let ensureUnicode: bool = true;

export function setEnsureUnicode(on: bool): void {
  ensureUnicode = on;
}

/** Scores of byte e (its chunk starts at `start`) per state; −∞ where no n-gram applies. */
@inline function nodeScores(bytes: usize, start: i32, e: i32): void {
  const n = order;
  for (let j = 0; j < n; j++) store<f64>(scores + (<usize>j << 3), -Infinity);
  const most = min(n, e - start + 1);
  let key: u64 = <u64>load<u8>(bytes + <usize>e);
  // Order 1: every byte has a value.
  store<f64>(scores, load<f64>(probTable(1) + (<usize>key << 3)));
  for (let m = 1; m < most; m++) {
    key |= <u64>load<u8>(bytes + <usize>(e - m)) << (<u64>m << 3);
    let v: f64;
    if (m == 1) {
      v = load<f64>(probTable(2) + (<usize>key << 3));
      if (v == -Infinity) break;
    } else {
      v = valueOf(probTable(m + 1), key);
      if (v == Infinity) break;
    }
    // Absent here means absent for every longer n-gram ending at e (it would contain this one).
    store<f64>(scores + (<usize>m << 3), v);
  }
  if (ensureUnicode) {
    const b = load<u8>(bytes + <usize>e);
    if (b >= 0x80 && b < 0xc0) store<f64>(scores, -Infinity);
  }
}

/**
 * Segments chunks[0..nChunks) (chunk k is bytes[ends[k-1]..ends[k]), ends i32) and counts their
 * pieces. back: scratch of order bytes per byte of the longest chunk.
 */
export function countPieces(bytes: usize, ends: usize, nChunks: i32, back: usize): void {
  const n = order;
  const last = n - 1;
  let start: i32 = 0;
  for (let k = 0; k < nChunks; k++) {
    const end = load<i32>(ends + (<usize>k << 2));
    let v = vA;
    let w = vB;
    nodeScores(bytes, start, start);
    memory.copy(v, scores, <usize>n << 3);
    for (let e = start + 1; e < end; e++) {
      nodeScores(bytes, start, e);
      const row = back + <usize>(e - start) * <usize>n;
      // State 0: reachable from every state.
      const s0 = load<f64>(scores);
      let best = (load<f64>(v) + 0.0) + s0;
      let arg = 0;
      for (let a = 1; a < n; a++) {
        const c = (load<f64>(v + (<usize>a << 3)) + 0.0) + s0;
        if (c > best) { best = c; arg = a; }
      }
      store<f64>(w, best);
      store<u8>(row, <u8>arg);
      // State b ≥ 1: from b − 1, and the last state from itself too; every other candidate is −∞.
      for (let b = 1; b < n; b++) {
        const sb = load<f64>(scores + (<usize>b << 3));
        best = (load<f64>(v + (<usize>(b - 1) << 3)) + 0.0) + sb;
        arg = b - 1;
        if (b == last) {
          const c = (load<f64>(v + (<usize>b << 3)) + 0.0) + sb;
          if (c > best) { best = c; arg = b; }
        }
        if (best == -Infinity) arg = 0; // all candidates −∞: the first, state 0
        store<f64>(w + (<usize>b << 3), best);
        store<u8>(row + <usize>b, <u8>arg);
      }
      const t = v; v = w; w = t;
    }
    let state = 0;
    for (let b = 1; b < n; b++) if (load<f64>(v + (<usize>b << 3)) > load<f64>(v + (<usize>state << 3))) state = b;
    // Back from the end: a piece ends where the next one starts, at each byte in state 0.
    let pieceEnd = end;
    for (let i = end - start - 1; i >= 0; i--) {
      if (state == 0) {
        addPiece(bytes + <usize>(start + i), pieceEnd - start - i, 1);
        pieceEnd = start + i;
      }
      if (i > 0) state = load<u8>(back + <usize>i * <usize>n + <usize>state);
    }
    start = end;
  }
}
