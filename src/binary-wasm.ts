// Decoding a binary model's sections with the kernel's WebAssembly functions (assembly/binary.ts),
// in an instance of its own: WebAssembly runs compiled from the first iteration, where the same
// loops in JS run cold, at interpreter speed, for most of a load (see src/binary-model.ts).
// The tables are decoded into that instance's memory, where the WASM engine then takes them over
// (no copy); nothing proportional to the vocabulary runs in JS on the load path.

import type { DoubleArray } from './trie.js';
import type { Vocabulary } from './vocabulary.js';

/** What assembly/binary.ts exports. */
interface BinaryKernel {
  memory: WebAssembly.Memory;
  NODES: WebAssembly.Global;
  binaryCounts(countDeltas: number, residuals: number, distinct: number, offset: number, counts: number, scores: number): number;
  binaryNodes(bases: number, checks: number, depths: number, size: number, words: number, stats: number): number;
  binaryPieces(
    lengths: number, countIndex: number, nodeOf: number, pieces: number, distinctScores: number, distinct: number,
    words: number, depths: number, size: number, nodeIds: number, totalBytes: number, stats: number,
  ): number;
  binaryCrc32(data: number, n: number, crc: number, table: number): number;
}

const EXPORTS = ['memory', 'NODES', 'binaryCounts', 'binaryNodes', 'binaryPieces', 'binaryCrc32'] as const;

/** True if `module` is a kernel with the binary-model functions (a stale or foreign one is not). */
export function hasBinaryDecoder(module: WebAssembly.Module): boolean {
  const have = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return EXPORTS.every((name) => have.has(name));
}

/** Where the sections start in the file, and their sizes (from the header). */
export interface BinarySections {
  readonly vocabSize: number;
  readonly size: number;
  readonly distinct: number;
  readonly totalBytes: number;
  readonly offset: number;
  readonly lengths: number;
  readonly countIndex: number;
  readonly counts: number;
  readonly scores: number;
  readonly bases: number;
  readonly checks: number;
  readonly depths: number;
  readonly nodeOf: number;
  readonly bytes: number;
}

/**
 * A kernel instance whose memory already holds a model's tables where the WASM engine wants them
 * (the node table at NODES; the node ids and lengths by id further up): the engine takes it over
 * instead of copying them into an instance of its own. `take` hands it out once.
 */
export interface PlacedTables {
  take(module: WebAssembly.Module): { readonly instance: WebAssembly.Instance; readonly nodeIds: number; readonly lengths: number; readonly end: number } | undefined;
}

/** The outcome of the passes: the first bad entry of each (-1: none), and the tables. */
export interface WasmDecoded {
  readonly badCount: number;
  readonly badNode: number;
  readonly badPiece: number;
  /** Count and score of entry k of the count table (for error messages). */
  countEntry(k: number): [number, number];
  readonly deepest: number;
  readonly maxLength: number;
  /** The pieces' lengths added up. */
  readonly total: number;
  /** The vocabulary over the decoded tables (only when every pass passed). */
  vocabulary(): Vocabulary;
}

const PAGE = 65536;
const align = (p: number, a: number) => (p + a - 1) & -a;

/**
 * Decodes a binary model in a fresh instance of `module`: `fill` writes the payload (the file
 * after its `header` bytes, `payloadLength` of them) into the array it is given, which is where the
 * passes read it; with `computeCrc`, the payload's CRC-32 then goes to `checkCrc` (which throws if it
 * is wrong) before any pass runs.
 *
 * Only what the engines need is built: the node table and node ids. The lengths by id are the
 * file's own section, in place (four zero bytes stand before it for ids 0-2 ... see `lengths`);
 * offsets, counts and scores by id, and the piece bytes, are made on first use (decode, idToPiece,
 * toBinary), in JS, from the sections kept in memory. Every memory page touched costs time on a
 * cold load, so nothing is copied that need not be.
 */
export function decodeBinaryWasm(
  module: WebAssembly.Module, payloadLength: number, header: number, s: BinarySections,
  fill: (into: Uint8Array) => void, checksum: ((data: Uint8Array) => number) | undefined, checkCrc: (crc: number) => void,
): WasmDecoded {
  const instance = new WebAssembly.Instance(module, {
    env: { abort: () => { throw new Error('bytepiece-wasm: kernel abort'); } },
  });
  const k = instance.exports as unknown as BinaryKernel;
  const { vocabSize, size, distinct } = s;
  const pieces = vocabSize - 3;
  let at = k.NODES.value as number; // the kernel has no data segments below it
  const take = (bytes: number, alignment = 8) => {
    at = align(at, alignment);
    const p = at;
    at += bytes;
    return p;
  };
  const words = take(16 * size, 64);
  const stats = take(16);
  const table = take(1024);
  // The lengths section comes first in the payload: with 12 zero bytes before it, it is the
  // lengths by id (0 for ids 0-2) as the engines read them.
  const payload = take(16 + payloadLength) + 16;
  const end = at;
  const need = align(end, PAGE);
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow((need - have) / PAGE);
  const u8 = new Uint8Array(k.memory.buffer);
  const data = u8.subarray(payload, payload + payloadLength);
  fill(data);
  if (checksum) {
    checkCrc(checksum(data) >>> 0);
  } else {
    new Uint32Array(k.memory.buffer, table, 256).set(crcTable());
    checkCrc(k.binaryCrc32(payload, payloadLength, 0, table) >>> 0);
  }
  const p = (fileOffset: number) => payload + fileOffset - header;
  // Decoded in place where a section is read once (fewer fresh pages): the distinct counts and
  // scores over their encoded forms, the node ids over the bases (same size) once the node table
  // is built from them.
  const distinctCounts = p(s.counts);
  const distinctScores = p(s.scores);
  const nodeIds = p(s.bases);
  const badCount = k.binaryCounts(p(s.counts), p(s.scores), distinct, s.offset, distinctCounts, distinctScores);
  const badNode = badCount >= 0 ? -1 : k.binaryNodes(p(s.bases), p(s.checks), p(s.depths), size, words, stats);
  let badPiece = -1;
  if (badCount < 0 && badNode < 0) {
    u8.fill(0xff, nodeIds, nodeIds + 4 * size); // -1: no piece
    badPiece = k.binaryPieces(p(s.lengths), p(s.countIndex), p(s.nodeOf), pieces, distinctScores, distinct, words, p(s.depths), size, nodeIds, s.totalBytes, stats);
  }
  const st = new Int32Array(k.memory.buffer, stats, 4);
  const deepest = st[1]!;
  const maxLength = st[2]!;
  const total = st[3]! >>> 0;
  const memory = k.memory;
  // Views over the instance's memory, re-made when it has grown (the WASM engine grows it for its
  // scratch space once it has taken the instance over; growing detaches the old views).
  const view = <T>(make: (b: ArrayBuffer) => T): (() => T) => {
    let buffer: ArrayBuffer | undefined;
    let v: T;
    return () => {
      if (memory.buffer !== buffer) {
        buffer = memory.buffer;
        v = make(buffer);
      }
      return v;
    };
  };
  const f64 = (ptr: number, n: number) => view((b) => new Float64Array(b, ptr, n));
  const wordsView = view((b) => new Int32Array(b, words, 4 * size));
  const f64View = f64(words, 2 * size);
  const nodeIdsView = view((b) => new Int32Array(b, nodeIds, size));
  const lengthsView = view((b) => new Int32Array(b, payload - 12, vocabSize));
  const countsOf = f64(distinctCounts, distinct);
  const scoresOf = f64(distinctScores, distinct);
  const countIndex = view((b) => new Uint32Array(b, p(s.countIndex), pieces));
  const bytesView = view((b) => new Uint8Array(b, p(s.bytes), s.totalBytes));
  return {
    badCount,
    badNode,
    badPiece,
    countEntry: (j) => [countsOf()[j]!, scoresOf()[j]!],
    deepest,
    maxLength,
    total,
    vocabulary(): Vocabulary {
      const trie: DoubleArray = {
        get words() { return wordsView(); },
        get f64() { return f64View(); },
        get nodeIds() { return nodeIdsView(); },
        rootBase: wordsView()[0]!,
        size,
      };
      let offsets: Uint32Array | undefined;
      let counts: Float64Array | undefined;
      let scores: Float64Array | undefined;
      // By id, from the count table through each piece's index.
      const byId = (table: Float64Array, special: number) => {
        const out = new Float64Array(vocabSize);
        out[0] = out[1] = out[2] = special;
        const index = countIndex();
        for (let id = 3; id < vocabSize; id++) out[id] = table[index[id - 3]!]!;
        return out;
      };
      let taken = false;
      const placed: PlacedTables = {
        take: (m) => {
          if (taken || m !== module) return undefined;
          taken = true;
          return { instance, nodeIds, lengths: payload - 12, end };
        },
      };
      return {
        vocabSize,
        get bytes() { return bytesView(); },
        get offsets() {
          if (!offsets) {
            offsets = new Uint32Array(vocabSize + 1);
            const lengths = lengthsView();
            for (let id = 3; id < vocabSize; id++) offsets[id + 1] = offsets[id]! + lengths[id]!;
          }
          return offsets;
        },
        get counts() { return (counts ??= byId(countsOf(), 0)); },
        compiled: {
          trie,
          get scores() { return (scores ??= byId(scoresOf(), -Infinity)); },
          get lengths() { return lengthsView(); },
          maxPieceLength: maxLength,
          placed,
        },
      };
    },
  };
}

let table: Uint32Array | undefined;
/** The CRC-32 (IEEE) byte table: 256 entries, computed once. */
function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let j = 0; j < 8; j++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
