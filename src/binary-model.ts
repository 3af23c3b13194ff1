import { ModelError } from './errors.js';
import type { CompiledModel } from './model.js';
import type { DoubleArray } from './trie.js';
import type { Vocabulary } from './vocabulary.js';

// Our own compact model format: fixed-width sections that are used with one copy or one linear
// pass each (no JSON, no base64, no logarithms, no trie build), plus a checksum and structural
// checks that keep every index the kernel follows in range. Little-endian throughout.
//
//   offset  size  field
//   0       8     magic  89 42 50 57 4D 0D 0A 1A  ("\x89BPWM\r\n\x1a": binary, survives no text mangling)
//   8       4     version (2)
//   12      4     flags (0; a reader rejects bits it does not know)
//   16      4     vocabSize (pieces + 3)
//   20      4     trie slots (nodes + free slots + the 256 guard slots)
//   24      4     distinct counts
//   28      4     piece bytes in all (the bytes are not stored: each piece is its trie path)
//   32      4     payload length in bytes (the rest of the file)
//   36      4     CRC-32 of the payload
//   40      24    zero
//   64      ...   payload, each section starting at a multiple of 8 (zero padding):
//                   u32 × pieces   byte length of each piece, ids 3..vocabSize-1
//                   u32 × pieces   rank of its count among the distinct counts (ascending)
//                   f64 × distinct the distinct counts, each minus the previous one
//                   u64 × distinct the bits of their scores (float64), each minus the previous
//                   i32 × slots    base − slot, or NONE for a leaf or a free slot
//                   i32 × slots    check − slot, or NONE for a free slot (the root's is −2 − 0)
//                   i32 × pieces   the slot of each piece's node, minus the previous piece's
//
// Counts repeat a lot, so each count and its score (bit-exact) is stored once; the deltas keep
// everything small once gzipped (a node's base and parent are near it, pieces of one length are
// laid out in order, sorted counts and their logs are close).

export const BINARY_MAGIC = new Uint8Array([0x89, 0x42, 0x50, 0x57, 0x4d, 0x0d, 0x0a, 0x1a]);
export const BINARY_VERSION = 2;
const HEADER = 64;
const NONE = -0x80000000;
const pad8 = (n: number) => (n + 7) & ~7;

/** True if `bytes` starts with the binary model magic. */
export function isBinaryModel(bytes: Uint8Array): boolean {
  if (bytes.length < BINARY_MAGIC.length) return false;
  for (let i = 0; i < BINARY_MAGIC.length; i++) if (bytes[i] !== BINARY_MAGIC[i]) return false;
  return true;
}

/** Byte offsets of the payload sections, from the sizes in the header. */
function layout(vocabSize: number, size: number, distinct: number, totalBytes: number) {
  const pieces = vocabSize - 3;
  const lengths = HEADER;
  const countIndex = lengths + pad8(4 * pieces);
  const counts = countIndex + pad8(4 * pieces);
  const scores = counts + 8 * distinct;
  const bases = scores + 8 * distinct;
  const checks = bases + pad8(4 * size);
  const nodeOf = checks + pad8(4 * size);
  return { lengths, countIndex, counts, scores, bases, checks, nodeOf, end: nodeOf + pad8(4 * pieces), totalBytes };
}

/** Serializes a compiled model (see the layout above). */
export function writeBinaryModel(model: CompiledModel): Uint8Array {
  const { vocab, trie, scores } = model;
  const { vocabSize, offsets, counts } = vocab;
  const pieces = vocabSize - 3;
  // Distinct counts, ascending, with their scores.
  const order = Array.from({ length: pieces }, (_, k) => k + 3).sort((a, b) => counts[a]! - counts[b]!);
  const distinctCounts: number[] = [];
  const distinctScores: number[] = [];
  const countIndex = new Uint32Array(pieces);
  for (const id of order) {
    if (distinctCounts.length === 0 || distinctCounts.at(-1) !== counts[id]) {
      distinctCounts.push(counts[id]!);
      distinctScores.push(scores[id]!);
    }
    countIndex[id - 3] = distinctCounts.length - 1;
  }
  const distinct = distinctCounts.length;
  const { words, size, nodeIds } = trie;
  const totalBytes = offsets[vocabSize]! - offsets[3]!;
  const at = layout(vocabSize, size, distinct, totalBytes);
  const file = new Uint8Array(at.end);
  const view = new DataView(file.buffer);
  const lengths = new Uint32Array(file.buffer, at.lengths, pieces);
  for (let id = 3; id < vocabSize; id++) lengths[id - 3] = offsets[id + 1]! - offsets[id]!;
  new Uint32Array(file.buffer, at.countIndex, pieces).set(countIndex);
  const countDeltas = new Float64Array(file.buffer, at.counts, distinct);
  const scoreBits = new Float64Array(distinctScores);
  const bits = new Uint32Array(scoreBits.buffer);
  const scoreDeltas = new Uint32Array(file.buffer, at.scores, 2 * distinct);
  let prevLo = 0;
  let prevHi = 0;
  for (let k = 0; k < distinct; k++) {
    countDeltas[k] = distinctCounts[k]! - (k > 0 ? distinctCounts[k - 1]! : 0);
    const lo = bits[2 * k]!;
    const hi = bits[2 * k + 1]!;
    const borrow = lo < prevLo ? 1 : 0;
    scoreDeltas[2 * k] = (lo - prevLo) >>> 0;
    scoreDeltas[2 * k + 1] = (hi - prevHi - borrow) >>> 0;
    prevLo = lo;
    prevHi = hi;
  }
  const bases = new Int32Array(file.buffer, at.bases, size);
  const checks = new Int32Array(file.buffer, at.checks, size);
  const leafBase = size - 256;
  const nodeOfId = new Int32Array(vocabSize);
  for (let i = 0; i < size; i++) {
    const b = words[4 * i]!;
    const c = words[4 * i + 1]!;
    bases[i] = c === -1 || b === leafBase ? NONE : b - i;
    checks[i] = c === -1 ? NONE : c - i;
    if (nodeIds[i]! >= 0) nodeOfId[nodeIds[i]!] = i;
  }
  const nodeOf = new Int32Array(file.buffer, at.nodeOf, pieces);
  for (let id = 3; id < vocabSize; id++) nodeOf[id - 3] = nodeOfId[id]! - (id > 3 ? nodeOfId[id - 1]! : 0);
  file.set(BINARY_MAGIC, 0);
  view.setUint32(8, BINARY_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, vocabSize, true);
  view.setUint32(20, size, true);
  view.setUint32(24, distinct, true);
  view.setUint32(28, totalBytes, true);
  view.setUint32(32, file.length - HEADER, true);
  view.setUint32(36, crc32(file.subarray(HEADER)), true);
  return file;
}

/**
 * Reads a binary model: a vocabulary with its trie and scores already built (`compiled`),
 * validated (sizes, checksum, every index in range, the trie a tree no deeper than the longest
 * piece, every piece at a node of its length). Errors name what is wrong and where.
 */
export function readBinaryModel(file: Uint8Array, name = 'model', checksum: Crc32 = crc32): Vocabulary {
  const fail = (why: string): never => {
    throw new ModelError(`corrupt binary model: ${why}`, name);
  };
  if (!isBinaryModel(file)) fail('no magic header');
  if (file.length < 12) fail(`truncated: ${file.length} bytes, the header alone has ${HEADER}`);
  if ((file.byteOffset & 7) !== 0) file = file.slice(); // the sections are read as aligned typed arrays
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BINARY_VERSION) {
    throw new ModelError(`binary model version ${version} is not supported (this package reads version ${BINARY_VERSION}); re-export it with this version's toBinary()`, name);
  }
  if (file.length < HEADER) fail(`truncated: ${file.length} bytes, the header alone has ${HEADER}`);
  const flags = view.getUint32(12, true);
  if (flags !== 0) fail(`unknown flags 0x${flags.toString(16)} at byte 12`);
  const vocabSize = view.getUint32(16, true);
  const size = view.getUint32(20, true);
  const distinct = view.getUint32(24, true);
  const totalBytes = view.getUint32(28, true);
  const payload = view.getUint32(32, true);
  if (HEADER + payload !== file.length) {
    fail(HEADER + payload > file.length
      ? `truncated: the header announces ${HEADER + payload} bytes, the file has ${file.length}`
      : `${file.length - HEADER - payload} unexpected bytes after the payload (at byte ${HEADER + payload})`);
  }
  const sum = checksum(file.subarray(HEADER)) >>> 0;
  if (sum !== view.getUint32(36, true)) fail(`checksum mismatch (stored 0x${view.getUint32(36, true).toString(16)}, computed 0x${sum.toString(16)})`);
  for (let i = 40; i < HEADER; i++) if (file[i] !== 0) fail(`non-zero reserved byte ${i}`);
  if (vocabSize < 4 || size < 257 + 1 || distinct < 1 || distinct > vocabSize - 3) {
    fail(`implausible sizes (vocabSize ${vocabSize}, trie slots ${size}, distinct counts ${distinct}) at byte 16`);
  }
  const at = layout(vocabSize, size, distinct, totalBytes);
  if (at.end !== file.length) fail(`the sections take ${at.end} bytes, the file has ${file.length}`);
  const buf = file.buffer;
  const base = file.byteOffset;
  const pieces = vocabSize - 3;

  // Pieces: lengths → offsets.
  const lengths = new Uint32Array(buf, base + at.lengths, pieces);
  const offsets = new Uint32Array(vocabSize + 1);
  let total = 0;
  for (let k = 0; k < pieces; k++) {
    const len = lengths[k]!;
    if (len === 0 || len > totalBytes) fail(`piece ${k + 3} has length ${len} (byte ${at.lengths + 4 * k})`);
    total += len;
    offsets[k + 4] = total;
  }
  if (total !== totalBytes) fail(`the pieces' lengths add up to ${total} bytes, the header says ${totalBytes}`);

  // Counts and scores, through the distinct tables.
  const countDeltas = new Float64Array(buf, base + at.counts, distinct);
  const scoreDeltas = new Uint32Array(buf, base + at.scores, 2 * distinct);
  const distinctCounts = new Float64Array(distinct);
  const distinctScores = new Float64Array(distinct);
  const bits = new Uint32Array(distinctScores.buffer);
  let c = 0;
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < distinct; k++) {
    c += countDeltas[k]!;
    if (!(c >= 1 && c <= Number.MAX_SAFE_INTEGER && Math.floor(c) === c)) fail(`count ${k} of the count table is ${c}`);
    distinctCounts[k] = c;
    const dLo = scoreDeltas[2 * k]!;
    const sumLo = lo + dLo;
    hi = (hi + scoreDeltas[2 * k + 1]! + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
    lo = sumLo >>> 0;
    bits[2 * k] = lo;
    bits[2 * k + 1] = hi;
    if (!(distinctScores[k]! < 0)) fail(`score ${k} of the count table is ${distinctScores[k]} (must be negative)`);
  }
  const countIndex = new Uint32Array(buf, base + at.countIndex, pieces);
  const counts = new Float64Array(vocabSize);
  const scores = new Float64Array(vocabSize);
  scores[0] = scores[1] = scores[2] = -Infinity;
  for (let k = 0; k < pieces; k++) {
    const j = countIndex[k]!;
    if (j >= distinct) fail(`piece ${k + 3}: count index ${j} out of range (byte ${at.countIndex + 4 * k})`);
    counts[k + 3] = distinctCounts[j]!;
    scores[k + 3] = distinctScores[j]!;
  }

  const bytes = new Uint8Array(totalBytes);
  const trie = readTrie(buf, base, at, size, vocabSize, offsets, bytes, scores, fail);
  return { vocabSize, bytes, offsets, counts, compiled: { trie, scores } };
}

/**
 * The node table from the trie sections, and the piece bytes from it. Every base keeps base + 255
 * inside the table; every check is a slot; each piece is at its own node, whose path up to the
 * root is exactly as long as the piece; every node is on such a path.
 */
function readTrie(
  buf: ArrayBufferLike, base: number, at: ReturnType<typeof layout>, size: number, vocabSize: number,
  offsets: Uint32Array, bytes: Uint8Array, scores: Float64Array, fail: (why: string) => never,
): DoubleArray {
  const bases = new Int32Array(buf, base + at.bases, size);
  const checks = new Int32Array(buf, base + at.checks, size);
  const words = new Int32Array(4 * size);
  const f64 = new Float64Array(words.buffer);
  const leafBase = size - 256;
  let occupied = 0;
  for (let i = 0; i < size; i++) {
    const cd = checks[i]!;
    const bd = bases[i]!;
    let check = -1;
    if (cd !== NONE) {
      check = i + cd;
      if (i === 0 ? check !== -2 : check < 0 || check >= leafBase || check === i) fail(`slot ${i}: parent ${check} out of range`);
    } else if (i === 0) fail('the root slot is marked free');
    let b = leafBase;
    if (bd !== NONE) {
      b = i + bd;
      if (b < 0 || b > leafBase || check === -1) fail(`slot ${i}: base ${b} out of range`);
    }
    words[4 * i] = b;
    words[4 * i + 1] = check;
    f64[2 * i + 1] = -Infinity;
    if (check !== -1) occupied++;
  }
  // Pieces at their nodes; their bytes are the labels on the way up.
  const nodeOf = new Int32Array(buf, base + at.nodeOf, vocabSize - 3);
  const nodeIds = new Int32Array(size).fill(-1);
  const onPath = new Uint8Array(size);
  onPath[0] = 1;
  let marked = 1;
  let node = 0;
  for (let id = 3; id < vocabSize; id++) {
    node += nodeOf[id - 3]!;
    if (node <= 0 || node >= leafBase || words[4 * node + 1] === -1) fail(`piece ${id}: node ${node} out of range`);
    if (nodeIds[node] !== -1) fail(`pieces ${nodeIds[node]} and ${id} end on one node`);
    const from = offsets[id]!;
    const to = offsets[id + 1]!;
    nodeIds[node] = id;
    f64[2 * node + 1] = scores[id]!;
    let n = node;
    for (let k = to - 1; k >= from; k--) {
      const parent = words[4 * n + 1]!;
      if (parent < 0) fail(`piece ${id}: the path from its node reaches the root after ${to - 1 - k} of ${to - from} bytes`);
      const label = n - words[4 * parent]!;
      if (label < 0 || label > 255) fail(`piece ${id}: slot ${n} is not a child of its parent ${parent}`);
      bytes[k] = label;
      if (onPath[n] === 0) {
        onPath[n] = 1;
        marked++;
      }
      n = parent;
    }
    if (n !== 0) fail(`piece ${id}: the path from its node is longer than the piece (${to - from} bytes)`);
  }
  // Every node is on the path of a piece, so no walk can go deeper than the longest piece: the
  // kernel never has more live walks than it has room for.
  if (marked !== occupied) fail(`${occupied - marked} trie nodes lie on no piece's path`);
  return { words, f64, nodeIds, rootBase: words[0]!, size };
}

/** CRC-32 (IEEE 802.3, as zip and zlib compute it) of `data`, continuing from `crc`. */
export type Crc32 = (data: Uint8Array, crc?: number) => number;

let crcTable: Int32Array | undefined;

/** CRC-32 in plain JS (the Node entry uses native zlib.crc32, which gives the same values). */
export const crc32: Crc32 = (data, crc = 0) => {
  let table = crcTable;
  if (!table) {
    table = crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};
