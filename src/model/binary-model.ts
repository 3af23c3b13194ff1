import { ModelError } from './errors.js';
import type { CompiledModel } from './compile.js';
import type { DoubleArray } from './trie.js';
import { decodeBinaryWasm, offsetsFromLengths, pieceBytesFromTrie, type BinarySections, type FillFrom } from './binary-wasm.js';

// Our own compact model format: fixed-width sections that are used with one copy or one linear
// pass each (no JSON, no base64, no logarithms, no trie build), plus a checksum and structural
// checks that keep every index the kernel follows in range. Little-endian throughout.
//
//   offset  size  field
//   0       8     magic  89 42 50 57 4D 0D 0A 1A  ("\x89BPWM\r\n\x1a": binary, survives no text mangling)
//   8       4     version (3)
//   12      4     flags (0; a reader rejects bits it does not know)
//   16      4     vocabSize (pieces + 3)
//   20      4     trie slots (nodes + free slots + the 256 guard slots)
//   24      4     distinct counts
//   28      4     piece bytes in all (the lengths added up)
//   32      4     payload length in bytes (the rest of the file)
//   36      4     zero
//   40      8     offset of the score predictor (float64; see predictLn)
//   48      16    checksum of the payload: over its 32-bit words w (little-endian), A = Σ w and
//                 B = Σ of the running sums A (each u64, wrapping; see payloadSums)
//   64      ...   payload, each section starting at a multiple of 8 (zero padding):
//                   u32 × pieces   rank of each piece's count among the distinct counts (ascending),
//                                  the pieces taken in the order of their nodes' slots
//                   f64 × distinct the distinct counts, each minus the previous one
//                   u64 × distinct the bits of their scores (float64) minus the bits of a prediction
//                   i32 × 2 slots  per slot: base − slot, or NONE for a leaf or a free slot;
//                                  check − slot, or NONE for a free slot (the root's is −2 − 0)
//                   u16 × slots    depth of the node at the slot (0 for the root and free slots)
//                   i32 × slots    id of the piece at the slot minus the last id seen at the same
//                                  depth (0 before the first), or NONE for no piece
//
// A piece's bytes are the path from the root to its node (each step's byte: the child's slot minus
// its parent's base), and its length is its node's depth: neither is stored (version 2 stored both,
// 22% of the file). The pieces are listed by slot, not by id: decoding then streams through the
// node table (in id order it swept the table ~70 times, cache miss after cache miss), and within
// one length ids rise with the slot, so the id deltas are mostly 1. Counts repeat a lot, so each count and its score is stored once; scores are
// stored bit-exact as the (tiny) difference from predictLn(count) − offset, a few IEEE operations
// that give the same bits in every engine; the deltas keep everything small once gzipped (a node's
// base and parent are near it, pieces of one length are laid out in order, sorted counts are close).
//
// Reading: the checksum and the two decoding passes (count table; node table with the pieces) are
// done by the kernel's WebAssembly functions (assembly/binary.ts via src/binary-wasm.ts) whenever a
// kernel is at hand, whatever the engine: as WebAssembly they run compiled from the start, where the
// same loops in JS run cold at interpreter speed. The WASM engine then takes over that instance,
// tables in place. The pure-JS passes below remain for where WebAssembly is not available and give
// the same tables and the same errors (test/golden/load-paths.test.ts checks both).
//
// Where a cold load of bytepiece.eu.plus.160k went (version 2, ~24 ms on a quiet machine): ~0.6 ms
// per MB of fresh memory touched (13.6 MB: the 8.1 MB file copied in, the 5.5 MB node table), the
// CRC-32 (2.2 ms), the piece pass walking the node table in id order (~70 sweeps, a cache miss per
// piece) and the scores looked up at random; and the passes ran start to end in V8's baseline code.
// Version 3 stores neither piece bytes nor lengths, decodes the node section inside the node table,
// lists pieces by slot in one pass with the nodes, gathers the scores in blocks, sums the payload
// instead of a CRC, and calls each pass in slices so optimized code takes over.

export const BINARY_MAGIC = new Uint8Array([0x89, 0x42, 0x50, 0x57, 0x4d, 0x0d, 0x0a, 0x1a]);
export const BINARY_VERSION = 3;
const HEADER = 64;
const NONE = -0x80000000;
/** The longest piece the format holds: depths are u16. */
export const MAX_PIECE_BYTES = 0xffff;
const pad8 = (n: number) => n + (-n & 7); // no 32-bit wrap: sizes come from an untrusted header

/** True if `bytes` starts with the binary model magic. */
export function isBinaryModel(bytes: Uint8Array): boolean {
  if (bytes.length < BINARY_MAGIC.length) return false;
  for (let i = 0; i < BINARY_MAGIC.length; i++) if (bytes[i] !== BINARY_MAGIC[i]) return false;
  return true;
}

/** Byte offsets of the payload sections, from the sizes in the header. */
function layout(vocabSize: number, size: number, distinct: number) {
  const pieces = vocabSize - 3;
  const countIndex = HEADER;
  const counts = countIndex + pad8(4 * pieces);
  const scores = counts + 8 * distinct;
  const nodes = scores + 8 * distinct;
  const depths = nodes + 8 * size;
  const ids = depths + pad8(2 * size);
  return { countIndex, counts, scores, nodes, depths, ids, end: ids + pad8(4 * size) };
}

/** Serializes a compiled model (see the layout above). */
export function writeBinaryModel(model: CompiledModel): Uint8Array {
  const { vocab, trie, scores } = model;
  const { vocabSize, offsets, counts } = vocab;
  const pieces = vocabSize - 3;
  // Depths (piece lengths) are stored as u16: refuse what the reader would then reject.
  if (model.maxPieceLength > MAX_PIECE_BYTES) {
    let id = 3;
    while (offsets[id + 1]! - offsets[id]! <= MAX_PIECE_BYTES) id++;
    throw new RangeError(
      `toBinary: piece ${id} has ${offsets[id + 1]! - offsets[id]!} bytes; the binary format stores pieces of at most ${MAX_PIECE_BYTES} bytes (keep this model as .model JSON)`,
    );
  }
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
  const at = layout(vocabSize, size, distinct);
  const file = new Uint8Array(at.end);
  const view = new DataView(file.buffer);
  const countDeltas = new Float64Array(file.buffer, at.counts, distinct);
  let total = 0;
  for (let id = 3; id < vocabSize; id++) total += counts[id]!;
  const offset = Math.log(total); // any value works: the reader uses the stored one
  const scoreBits = new Float64Array(distinctScores);
  const bits = new Uint32Array(scoreBits.buffer);
  const predicted = new Float64Array(distinct);
  const pbits = new Uint32Array(predicted.buffer);
  const residuals = new Uint32Array(file.buffer, at.scores, 2 * distinct);
  for (let k = 0; k < distinct; k++) {
    countDeltas[k] = distinctCounts[k]! - (k > 0 ? distinctCounts[k - 1]! : 0);
    predicted[k] = predictLn(distinctCounts[k]!) - offset;
    const lo = bits[2 * k]!;
    const plo = pbits[2 * k]!;
    residuals[2 * k] = (lo - plo) >>> 0;
    residuals[2 * k + 1] = (bits[2 * k + 1]! - pbits[2 * k + 1]! - (lo < plo ? 1 : 0)) >>> 0;
  }
  view.setFloat64(40, offset, true);
  const nodes = new Int32Array(file.buffer, at.nodes, 2 * size);
  const leafBase = size - 256;
  const nodeOfId = new Int32Array(vocabSize);
  for (let i = 0; i < size; i++) {
    const b = words[4 * i]!;
    const c = words[4 * i + 1]!;
    nodes[2 * i] = c === -1 || b === leafBase ? NONE : b - i;
    nodes[2 * i + 1] = c === -1 ? NONE : c - i;
    if (nodeIds[i]! >= 0) nodeOfId[nodeIds[i]!] = i;
  }
  const depthOut = new Uint16Array(file.buffer, at.depths, size);
  for (let id = 3; id < vocabSize; id++) {
    // Each node's depth is the length of a piece through it: mark the paths of every piece.
    let n = nodeOfId[id]!;
    for (let d = offsets[id + 1]! - offsets[id]!; d > 0 && depthOut[n] === 0; d--) {
      depthOut[n] = d;
      n = words[4 * n + 1]!;
    }
  }
  const countIndexOut = new Uint32Array(file.buffer, at.countIndex, pieces);
  const idsOut = new Int32Array(file.buffer, at.ids, size);
  const lastId = new Int32Array(1 << 16);
  let r = 0;
  for (let i = 0; i < size; i++) {
    const id = nodeIds[i]!;
    if (id < 0) {
      idsOut[i] = NONE;
      continue;
    }
    const d = depthOut[i]!;
    idsOut[i] = id - lastId[d]!;
    lastId[d] = id;
    countIndexOut[r++] = countIndex[id - 3]!;
  }
  file.set(BINARY_MAGIC, 0);
  view.setUint32(8, BINARY_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, vocabSize, true);
  view.setUint32(20, size, true);
  view.setUint32(24, distinct, true);
  view.setUint32(28, totalBytes, true);
  view.setUint32(32, file.length - HEADER, true);
  return sealBinaryModel(file);
}

/**
 * The payload's checksum sums [A, B] (see the layout above): any change of one word changes A, any
 * swap of two different words changes B. Version 2 stored a CRC-32; these sums cost a fraction of it
 * to check (they are computed by the kernel, two words per step, in the WASM decoder).
 */
export function payloadSums(payload: Uint8Array): [bigint, bigint] {
  // 64-bit sums as 32-bit halves in doubles (exact): BigInt arithmetic per word is far slower.
  let aLo = 0;
  let aHi = 0;
  let bLo = 0;
  let bHi = 0;
  const n = payload.length >> 2;
  const words = (payload.byteOffset & 3) === 0 ? new Uint32Array(payload.buffer, payload.byteOffset, n) : new Uint32Array(payload.slice(0, 4 * n).buffer);
  for (let k = 0; k < n; k++) {
    aLo += words[k]!;
    if (aLo >= 0x100000000) {
      aLo -= 0x100000000;
      aHi = (aHi + 1) >>> 0;
    }
    bLo += aLo;
    bHi += aHi;
    if (bLo >= 0x100000000) {
      bLo -= 0x100000000;
      bHi += 1;
    }
    bHi >>>= 0;
  }
  return [(BigInt(aHi) << 32n) | BigInt(aLo), (BigInt(bHi) << 32n) | BigInt(bLo)];
}

/** Writes the checksum of a binary model's payload into its header (after an edit); returns the file. */
export function sealBinaryModel(file: Uint8Array): Uint8Array {
  const [a, b] = payloadSums(file.subarray(HEADER));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  view.setBigUint64(48, a, true);
  view.setBigUint64(56, b, true);
  return file;
}

/**
 * Reads a binary model: a compiled model (vocabulary, trie, scores and lengths, nothing to rebuild),
 * validated (sizes, checksum, every index in range, the trie a tree no deeper than the longest
 * piece, every piece at a node of its length). Errors name what is wrong and where. `kernel`: the
 * WebAssembly kernel, to decode with.
 */
export function readBinaryModel(file: Uint8Array, name = 'model', kernel?: WebAssembly.Module): CompiledModel {
  return readBinaryModelFrom(
    { head: file.subarray(0, HEADER), length: file.length, fill: (into, position) => into.set(file.subarray(position, position + into.length)), bytes: file },
    name,
    kernel,
  );
}

/**
 * A binary model file not (necessarily) in memory yet: its first bytes (the whole header, or the
 * whole file if shorter), its length, and a way to read the rest into an array: straight into the
 * decoder's memory, with no copy of the file in between.
 */
export interface BinaryModelFile {
  readonly head: Uint8Array;
  readonly length: number;
  /** Fills `into` with the file's bytes from byte `position` (≥ HEADER) on (throws if it cannot). */
  readonly fill: FillFrom;
  /** The whole file, if it is in memory already. */
  readonly bytes?: Uint8Array;
}

/** The header's size in bytes: the least a reader must read before it can call readBinaryModelFrom. */
export const BINARY_HEADER = 64;

/** readBinaryModel from a file given as its head, length and a way to read the rest. */
export function readBinaryModelFrom(src: BinaryModelFile, name = 'model', kernel?: WebAssembly.Module): CompiledModel {
  const fail = (why: string): never => {
    throw new ModelError(`corrupt binary model: ${why}`, name);
  };
  const { head, length } = src;
  if (!isBinaryModel(head)) fail('no magic header');
  if (length < 12) fail(`truncated: ${length} bytes, the header alone has ${HEADER}`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BINARY_VERSION) {
    throw new ModelError(
      `binary model version ${version} is not supported (this package reads version ${BINARY_VERSION}); re-export it with this version's toBinary()`,
      name,
    );
  }
  if (length < HEADER) fail(`truncated: ${length} bytes, the header alone has ${HEADER}`);
  const flags = view.getUint32(12, true);
  if (flags !== 0) fail(`unknown flags 0x${flags.toString(16)} at byte 12`);
  const vocabSize = view.getUint32(16, true);
  const size = view.getUint32(20, true);
  const distinct = view.getUint32(24, true);
  const totalBytes = view.getUint32(28, true);
  const payload = view.getUint32(32, true);
  if (HEADER + payload !== length) {
    fail(
      HEADER + payload > length
        ? `truncated: the header announces ${HEADER + payload} bytes, the file has ${length}`
        : `${length - HEADER - payload} unexpected bytes after the payload (at byte ${HEADER + payload})`,
    );
  }
  for (let i = 36; i < 40; i++) if (head[i] !== 0) fail(`non-zero reserved byte ${i}`);
  const offset = view.getFloat64(40, true);
  if (!Number.isFinite(offset)) fail(`score offset ${offset} at byte 40`);
  // Every entry takes at least a byte of the file, so no size can exceed its length.
  if (
    vocabSize < 4 ||
    size < 257 + 1 ||
    distinct < 1 ||
    distinct > vocabSize - 3 ||
    vocabSize > length ||
    size > length ||
    totalBytes > Math.min(0xffff * (vocabSize - 3), 0x7fffffff)
  ) {
    fail(`implausible sizes (vocabSize ${vocabSize}, trie slots ${size}, distinct counts ${distinct}) at byte 16`);
  }
  const at = layout(vocabSize, size, distinct);
  if (at.end !== length) fail(`the sections take ${at.end} bytes, the file has ${length}`);
  // The checksum covers the payload; it is checked before anything in the payload is read (the
  // WebAssembly decoder computes it: plain JS would run cold over megabytes).
  const storedA = view.getBigUint64(48, true);
  const storedB = view.getBigUint64(56, true);
  const checkSum = ([a, b]: readonly bigint[] | BigUint64Array) => {
    if (a !== storedA || b !== storedB) fail(`checksum mismatch (stored ${hex(storedA)} ${hex(storedB)}, computed ${hex(a!)} ${hex(b!)})`);
  };
  const sections: BinarySections = { vocabSize, size, distinct, totalBytes, offset, ...at };
  if (kernel) {
    let d: ReturnType<typeof decodeBinaryWasm>;
    try {
      d = decodeBinaryWasm(kernel, HEADER, sections, src.fill, checkSum);
    } catch (e) {
      if (e instanceof RangeError) throw new ModelError(e.message, name);
      throw e;
    }
    if (d.badCount >= 0) fail(badCountMessage(d.badCount, ...d.countEntry(d.badCount)));
    if (d.badNode >= 0) fail(badNodeMessage(d.badNode));
    if (d.badPiece >= 0) fail(badPieceMessage(d.badPiece, at.ids));
    if (d.placed !== vocabSize - 3) fail(missingMessage(d.placed, vocabSize - 3));
    if (d.total !== totalBytes) fail(badTotalMessage(d.total, totalBytes));
    if (d.deepest > d.maxLength) fail(tooDeepMessage(d.deepest, d.maxLength));
    return d.model();
  }
  let file = src.bytes;
  if (!file) {
    file = new Uint8Array(length);
    file.set(head.subarray(0, HEADER));
    src.fill(file.subarray(HEADER), HEADER);
  }
  if ((file.byteOffset & 7) !== 0) file = file.slice(); // the sections are read as aligned typed arrays
  checkSum(payloadSums(file.subarray(HEADER)));
  const d = decodeBinaryJs(file, sections);
  if (d.badCount >= 0) fail(badCountMessage(d.badCount, d.distinctCounts[d.badCount]!, d.distinctScores[d.badCount]!));
  if (d.badNode >= 0) fail(badNodeMessage(d.badNode));
  if (d.badPiece >= 0) fail(badPieceMessage(d.badPiece, at.ids));
  if (d.placed !== vocabSize - 3) fail(missingMessage(d.placed, vocabSize - 3));
  const { words, nodeIds, offsets, counts, scores, lengths } = d;
  if (offsets[vocabSize] !== totalBytes) fail(badTotalMessage(offsets[vocabSize]!, totalBytes));
  // No walk may go deeper than the longest piece: the kernel has room for that many live walks.
  if (d.deepest > d.maxLength) fail(tooDeepMessage(d.deepest, d.maxLength));
  const trie: DoubleArray = { words, f64: new Float64Array(words.buffer, words.byteOffset, words.length >> 1), nodeIds, rootBase: words[0]!, size };
  let bytes: Uint8Array | undefined;
  return {
    vocab: {
      vocabSize,
      get bytes() {
        return (bytes ??= pieceBytesFromTrie(words, nodeIds, offsets));
      },
      offsets,
      counts,
    },
    trie,
    scores,
    lengths,
    maxPieceLength: d.maxLength,
  };
}

const hex = (x: bigint) => `0x${x.toString(16).padStart(16, '0')}`;
const validCount = (c: number) => c >= 1 && c <= Number.MAX_SAFE_INTEGER && Math.floor(c) === c;
const badCountMessage = (k: number, count: number, score: number) =>
  `entry ${k} of the count table: ${validCount(count) ? `score ${score} (must be negative)` : `count ${count} (must be a positive integer)`}`;
const badNodeMessage = (slot: number) => `trie slot ${slot}: base, parent or depth out of range`;
const badPieceMessage = (slot: number, idsAt: number) =>
  `trie slot ${slot}: its piece's id is out of range or repeated, or its count index is, or the slot cannot hold a piece (byte ${idsAt + 4 * slot})`;
const missingMessage = (placed: number, pieces: number) => `only ${placed} of the ${pieces} pieces have a node`;
const badTotalMessage = (sum: number, header: number) => `the pieces' lengths add up to ${sum} bytes, the header says ${header}`;
// No walk may go deeper than the longest piece: the kernel has room for that many live walks.
const tooDeepMessage = (deepest: number, longest: number) => `the trie is ${deepest} deep, the longest piece has ${longest} bytes`;

/** What the pure-JS passes give (the same as assembly/binary.ts's, as plain arrays). */
interface DecodedBinary {
  readonly badCount: number;
  readonly badNode: number;
  readonly badPiece: number;
  readonly placed: number;
  readonly distinctCounts: Float64Array;
  readonly distinctScores: Float64Array;
  readonly words: Int32Array;
  readonly nodeIds: Int32Array;
  readonly offsets: Uint32Array;
  readonly lengths: Int32Array;
  readonly counts: Float64Array;
  readonly scores: Float64Array;
  readonly deepest: number;
  readonly maxLength: number;
}

/**
 * The pure-JS decoder (where WebAssembly is not available): the passes of assembly/binary.ts.
 * Each pass is a small function of its own: this runs once per process, cold, and V8 compiles a
 * small loop on-stack sooner and without deoptimizing on code after the loop that has not run yet.
 */
function decodeBinaryJs(file: Uint8Array, s: BinarySections): DecodedBinary {
  const { vocabSize, size, distinct, totalBytes } = s;
  const buf = file.buffer;
  const base = file.byteOffset;
  const pieces = vocabSize - 3;
  const distinctCounts = new Float64Array(distinct);
  const distinctScores = new Float64Array(distinct);
  const words = new Int32Array(4 * size);
  const nodeIds = new Int32Array(size).fill(-1);
  const offsets = new Uint32Array(vocabSize + 1);
  const counts = new Float64Array(vocabSize);
  const scores = new Float64Array(vocabSize);
  const lengths = new Int32Array(vocabSize);
  const stats = new Int32Array(4);
  const decoded = { distinctCounts, distinctScores, words, nodeIds, offsets, counts, scores, lengths };
  // 1. The distinct counts and their scores.
  const badCount = undoDeltas(
    new Float64Array(buf, base + s.counts, distinct),
    new Uint32Array(buf, base + s.scores, 2 * distinct),
    s.offset,
    distinctCounts,
    distinctScores,
  );
  if (badCount >= 0) return { ...decoded, badCount, badNode: -1, badPiece: -1, placed: 0, deepest: 0, maxLength: 0 };
  // 2. The node table and the pieces, slot by slot. Every node's stored depth must be its parent's
  // plus one (the root's 0, no other 0): following parents then strictly descends to the root, so
  // there are no loops and no walk is deeper than the deepest node.
  scores[0] = scores[1] = scores[2] = -Infinity;
  const bad = slotTable(
    new Int32Array(buf, base + s.nodes, 2 * size),
    new Uint16Array(buf, base + s.depths, size),
    new Int32Array(buf, base + s.ids, size),
    new Uint32Array(buf, base + s.countIndex, pieces),
    distinctCounts,
    distinctScores,
    words,
    nodeIds,
    lengths,
    counts,
    scores,
    totalBytes,
    stats,
  );
  offsets.set(offsetsFromLengths(lengths));
  const badNode = bad >= 0 && stats[3] === 1 ? bad : -1;
  const badPiece = bad >= 0 && stats[3] === 2 ? bad : -1;
  return { ...decoded, badCount, badNode, badPiece, placed: stats[2]!, deepest: stats[0]!, maxLength: stats[1]! };
}

/** Counts from their deltas, scores from prediction + residual (64-bit); -1, or the first bad entry. */
function undoDeltas(countDeltas: Float64Array, residuals: Uint32Array, offset: number, counts: Float64Array, scores: Float64Array): number {
  const bits = new Uint32Array(scores.buffer);
  let c = 0;
  for (let k = 0; k < counts.length; k++) {
    c += countDeltas[k]!;
    counts[k] = c; // before the check: the error message shows it
    if (!validCount(c)) return k;
    scores[k] = predictLn(c) - offset;
    const lo = bits[2 * k]!;
    const sumLo = lo + residuals[2 * k]!;
    bits[2 * k + 1] = (bits[2 * k + 1]! + residuals[2 * k + 1]! + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
    bits[2 * k] = sumLo >>> 0;
    if (!(scores[k]! < 0)) return k;
  }
  return -1;
}

const PF = new Float64Array(1);
const PU = new Uint32Array(PF.buffer);
PF[0] = 1;
const PHI = PU[1] === 0x3ff00000 ? 1 : 0; // the high word's index (1 on little-endian)

/**
 * ln(c) to ~1e-15 for c ≥ 1, with basic IEEE operations only, so every engine gives the same bits
 * (not Math.log: engines may differ in its last bit). Only a predictor: the file stores the exact
 * scores' difference from it.
 */
function predictLn(c: number): number {
  PF[0] = c;
  const hw = PU[PHI]!;
  let k = (hw >>> 20) - 1023;
  PU[PHI] = (hw & 0xfffff) | 0x3ff00000;
  let m = PF[0]!;
  if (m > 1.4142135623730951) {
    m = m / 2;
    k++;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  const series = 1 + z * (1 / 3 + z * (1 / 5 + z * (1 / 7 + z * (1 / 9 + z * (1 / 11 + z * (1 / 13 + z * (1 / 15 + z / 17)))))));
  return k * 0.6931471805599453 + 2 * s * series;
}

/**
 * The node table and the pieces in one pass over the slots (binaryTable of assembly/binary.ts, check
 * for check): per slot its base and parent (in range, its depth its parent's plus one, free slots at
 * depth 0), then its piece if it has one (a new id, the last id at its depth plus the entry, at an
 * occupied slot other than the root and the guard slots; its length the node's depth; its count and
 * score through the next count index). stats: [0] deepest node, [1] longest piece, [2] pieces
 * placed, [3] what failed (1 the node, 2 its piece). Returns -1, or the first bad slot.
 */
function slotTable(
  nodes: Int32Array,
  depth: Uint16Array,
  ids: Int32Array,
  countIndex: Uint32Array,
  distinctCounts: Float64Array,
  distinctScores: Float64Array,
  words: Int32Array,
  nodeIds: Int32Array,
  lengths: Int32Array,
  counts: Float64Array,
  scores: Float64Array,
  totalBytes: number,
  stats: Int32Array,
): number {
  const f64 = new Float64Array(words.buffer);
  const size = depth.length;
  const leafBase = size - 256;
  const distinct = distinctCounts.length;
  const pieces = countIndex.length;
  const vocabSize = pieces + 3;
  const last = new Int32Array(1 << 16);
  const bad = (slot: number, what: number) => {
    stats[3] = what;
    return slot;
  };
  let deepest = 0;
  let placed = 0;
  let at = 0;
  let max = 0;
  for (let i = 0; i < size; i++) {
    const bd = nodes[2 * i]!;
    const cd = nodes[2 * i + 1]!;
    const d = depth[i]!;
    let check = -1;
    if (cd !== NONE) {
      check = i + cd;
      if (i === 0 ? check !== -2 : check < 0 || check >= leafBase || check === i) return bad(i, 1);
      if (i !== 0) {
        if (d === 0 || d !== depth[check]! + 1) return bad(i, 1);
        if (d > deepest) deepest = d;
      } else if (d !== 0) return bad(0, 1);
    } else if (i === 0 || d !== 0) return bad(i, 1);
    let b = leafBase;
    if (bd !== NONE) {
      b = i + bd;
      if (b < 0 || b > leafBase || check === -1) return bad(i, 1);
    }
    words[4 * i] = b;
    words[4 * i + 1] = check;
    f64[2 * i + 1] = -Infinity;
    const delta = ids[i]!;
    if (delta === NONE) continue;
    if (i === 0 || i >= leafBase || placed >= pieces || check === -1) return bad(i, 2);
    const id = (last[d]! + delta) | 0; // d ≥ 1: an occupied slot other than the root
    if (id < 3 || id >= vocabSize || lengths[id] !== 0) return bad(i, 2);
    const j = countIndex[placed]!;
    if (j >= distinct) return bad(i, 2);
    at += d;
    if (at > totalBytes) return bad(i, 2);
    if (d > max) max = d;
    last[d] = id;
    lengths[id] = d;
    const score = distinctScores[j]!;
    counts[id] = distinctCounts[j]!;
    scores[id] = score;
    nodeIds[i] = id;
    f64[2 * i + 1] = score;
    placed++;
  }
  stats[0] = deepest;
  stats[1] = max;
  stats[2] = placed;
  return -1;
}
