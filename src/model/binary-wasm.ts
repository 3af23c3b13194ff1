// Decoding a binary model's sections with the kernel's WebAssembly functions (assembly/binary.ts),
// in an instance of its own: WebAssembly runs compiled from the first iteration, where the same
// loops in JS run cold, at interpreter speed, for most of a load (see src/binary-model.ts).
// The tables are decoded into that instance's memory, where the WASM engine then takes them over
// (no copy); nothing proportional to the vocabulary runs in JS on the load path.

import type { CompiledModel, PlacedTables } from './compile.js';
import type { DoubleArray } from './trie.js';

/** What assembly/binary.ts exports. */
interface BinaryKernel {
  memory: WebAssembly.Memory;
  NODES: WebAssembly.Global;
  binaryCounts(countDeltas: number, residuals: number, offset: number, counts: number, scores: number, from: number, to: number): number;
  binaryTable(
    nodes: number,
    depths: number,
    ids: number,
    size: number,
    words: number,
    countIndex: number,
    pieces: number,
    distinctScores: number,
    distinct: number,
    scoreBlock: number,
    lengths: number,
    last: number,
    totalBytes: number,
    stats: number,
    from: number,
    to: number,
  ): number;
  binarySum(data: number, n: number, sums: number): void;
}

const EXPORTS = ['memory', 'NODES', 'binaryCounts', 'binaryTable', 'binarySum'] as const;

/** True if `module` is a kernel with the binary-model functions (a stale or foreign one is not). */
export function hasBinaryDecoder(module: WebAssembly.Module): boolean {
  const have = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return EXPORTS.every((name) => have.has(name));
}

/** Where the sections start in the file (byte offsets), and their sizes (from the header). */
export interface BinarySections {
  readonly vocabSize: number;
  readonly size: number;
  readonly distinct: number;
  readonly totalBytes: number;
  readonly offset: number;
  readonly countIndex: number;
  readonly counts: number;
  readonly scores: number;
  readonly nodes: number;
  readonly depths: number;
  readonly ids: number;
  readonly end: number;
}

/** Reads the file's bytes from byte `position` on into `into` (all of it, or throws). */
export type FillFrom = (into: Uint8Array, position: number) => void;

/** The outcome of the passes: the first bad entry of each (-1: none), and the tables. */
export interface WasmDecoded {
  readonly badCount: number;
  readonly badNode: number;
  /** The first slot whose piece is bad (-1: none). */
  readonly badPiece: number;
  /** Pieces placed (all of them unless badPiece). */
  readonly placed: number;
  /** Count and score of entry k of the count table (for error messages). */
  countEntry(k: number): [number, number];
  readonly deepest: number;
  readonly maxLength: number;
  /** The pieces' lengths added up. */
  readonly total: number;
  /** The compiled model over the decoded tables (only when every pass passed). */
  model(): CompiledModel;
}

const PAGE = 65536;
/** Pieces per block of scores gathered by the table pass (SCORE_BLOCK of assembly/binary.ts). */
const SCORE_BLOCK = 2048;
/** Entries per call of the decoding passes (see decodeBinaryWasm). */
const SLICE = 1 << 13;
/** Bytes per read and call of the checksum (a multiple of 8; well inside the L2 cache). */
const SUM_SLICE = 1 << 17;
// Not `(p + a - 1) & -a`: int32 arithmetic turns addresses past 2 GiB negative. Exact below 2^53.
const align = (p: number, a: number) => p + (-p & (a - 1));

/**
 * Decodes a binary model in a fresh instance of `module`. `fill` reads the payload (the file after
 * its `header` bytes) straight to where the passes want it, a slice at a time; the payload's checksum
 * sums then go to `checkSum` (which throws if they are wrong) before any pass runs.
 *
 * Every fresh memory page costs time on a cold load (~0.6 ms per MB here, as much as the decoding
 * itself), so the payload is laid out to be decoded in place and nothing is copied that need not be:
 * the node section (base and parent per slot, 8 bytes) is read into the top half of the node
 * table, which the table pass then overwrites as it goes; the node ids are made over the id section, the distinct counts and scores
 * over their encoded forms. Only what the engines need is
 * built; offsets, counts and scores by id, and the piece bytes (from the trie: a piece is the path
 * to its node) are made on first use, in JS.
 */
export function decodeBinaryWasm(
  module: WebAssembly.Module,
  header: number,
  s: BinarySections,
  fill: FillFrom,
  checkSum: (sums: BigUint64Array) => void,
): WasmDecoded {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error('bytepiece-wasm: kernel abort');
      },
    },
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
  const nodes = words + 8 * size; // the node section, decoded in place
  const stats = take(24);
  const sums = take(16);
  const lengths = take(4 * vocabSize); // by id; fresh memory: zero
  const front = s.nodes - header; // the sections before the node section
  const payload = take(front + (s.end - s.depths));
  const end = at;
  // Past the end (scratch for the engine later): the table pass's last id per depth (zero) and
  // its block of gathered scores.
  const last = align(end, 8);
  const scoreBlock = last + 4 * 65536;
  const need = align(scoreBlock + 8 * SCORE_BLOCK, PAGE);
  const have = k.memory.buffer.byteLength;
  if (need > have) {
    // A model too large for this system's WebAssembly memory (4 GiB at most): say so, not grow()'s words.
    const refused = (why: string) => new RangeError(`decoding this binary model (${size} trie nodes) needs ${need} bytes of WebAssembly memory, and ${why}`);
    if (need > 65536 * PAGE) throw refused('WebAssembly memory stops at 4 GiB');
    try {
      k.memory.grow((need - have) / PAGE);
    } catch (e) {
      throw refused(`the system refused it (${(e as Error).message})`);
    }
  }
  const u8 = new Uint8Array(k.memory.buffer);
  // In file order (the order of the checksum).
  const parts = [u8.subarray(payload, payload + front), u8.subarray(nodes, nodes + 8 * size), u8.subarray(payload + front, payload + front + s.end - s.depths)];
  // Read and summed a slice at a time, each summed while it is still in the cache.
  const positions = [header, s.nodes, s.depths];
  for (const [n, part] of parts.entries()) {
    for (let from = 0; from < part.length; from += SUM_SLICE) {
      const slice = part.subarray(from, from + SUM_SLICE);
      fill(slice, positions[n]! + from);
      k.binarySum(slice.byteOffset, slice.length, sums);
    }
  }
  checkSum(new BigUint64Array(k.memory.buffer, sums, 2));
  const p = (fileOffset: number) => payload + fileOffset - header;
  const depths = payload + front;
  // Decoded in place where a section is read once (fewer fresh pages): the distinct counts and
  // scores over their encoded forms, the node ids over the id section.
  const distinctCounts = p(s.counts);
  const distinctScores = p(s.scores);
  const nodeIds = depths + s.ids - s.depths;
  // Slice by slice: V8 runs a call with the code it started with, its baseline compiler's at first
  // (about half the speed here); the optimized code compiled in the background meanwhile takes over
  // at a later slice. In one call each, these passes ran at baseline speed from start to end.
  let badCount = -1;
  for (let from = 0; from < distinct && badCount < 0; from += SLICE) {
    badCount = k.binaryCounts(p(s.counts), p(s.scores), s.offset, distinctCounts, distinctScores, from, Math.min(distinct, from + SLICE));
  }
  let badSlot = -1;
  for (let from = 0; from < size && badCount < 0 && badSlot < 0; from += SLICE) {
    badSlot = k.binaryTable(
      nodes,
      depths,
      nodeIds,
      size,
      words,
      p(s.countIndex),
      pieces,
      distinctScores,
      distinct,
      scoreBlock,
      lengths,
      last,
      s.totalBytes,
      stats,
      from,
      Math.min(size, from + SLICE),
    );
  }
  const st = new Int32Array(k.memory.buffer, stats, 6);
  const badNode = badSlot >= 0 && st[5] === 1 ? badSlot : -1;
  const badPiece = badSlot >= 0 && st[5] === 2 ? badSlot : -1;
  const placedPieces = st[4]!;
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
  const lengthsView = view((b) => new Int32Array(b, lengths, vocabSize));
  const countsOf = f64(distinctCounts, distinct);
  const scoresOf = f64(distinctScores, distinct);
  const countIndex = view((b) => new Uint32Array(b, p(s.countIndex), pieces));
  return {
    badCount,
    badNode,
    badPiece,
    placed: placedPieces,
    countEntry: (j) => [countsOf()[j]!, scoresOf()[j]!],
    deepest,
    maxLength,
    total,
    model(): CompiledModel {
      const trie: DoubleArray = {
        get words() {
          return wordsView();
        },
        get f64() {
          return f64View();
        },
        get nodeIds() {
          return nodeIdsView();
        },
        rootBase: wordsView()[0]!,
        size,
      };
      let offsets: Uint32Array | undefined;
      let counts: Float64Array | undefined;
      let scores: Float64Array | undefined;
      let bytes: Uint8Array | undefined;
      const byId = (table: Float64Array, special: number) => countTableById(table, countIndex(), nodeIdsView(), special);
      const offsetsOf = () => (offsets ??= offsetsFromLengths(lengthsView()));
      let taken = false;
      const placed: PlacedTables = {
        take: (m) => {
          if (taken || m !== module) return undefined;
          taken = true;
          return { instance, nodeIds, lengths, end };
        },
      };
      return {
        vocab: {
          vocabSize,
          get bytes() {
            return (bytes ??= pieceBytesFromTrie(wordsView(), nodeIdsView(), offsetsOf()));
          },
          get offsets() {
            return offsetsOf();
          },
          get counts() {
            return (counts ??= byId(countsOf(), 0));
          },
        },
        trie,
        get scores() {
          return (scores ??= byId(scoresOf(), -Infinity));
        },
        get lengths() {
          return lengthsView();
        },
        maxPieceLength: maxLength,
        placed,
      };
    },
  };
}

/**
 * A table of the distinct counts (or their scores) by id: the count indices are in slot order, one
 * per slot with a piece. Ids 0-2 get `special`.
 */
export function countTableById(table: Float64Array, countIndex: Uint32Array, nodeIds: Int32Array, special: number): Float64Array {
  const out = new Float64Array(countIndex.length + 3);
  out[0] = out[1] = out[2] = special;
  let r = 0;
  for (let node = 0; node < nodeIds.length; node++) {
    const id = nodeIds[node]!;
    if (id >= 0) out[id] = table[countIndex[r++]!]!;
  }
  return out;
}

/** Offsets by id (vocabSize + 1 of them) from the lengths by id. */
export function offsetsFromLengths(lengths: Int32Array): Uint32Array {
  const offsets = new Uint32Array(lengths.length + 1);
  for (let id = 0; id < lengths.length; id++) offsets[id + 1] = offsets[id]! + lengths[id]!;
  return offsets;
}

/**
 * The pieces' bytes, concatenated in id order, read off a decoded trie: a piece is the path from
 * the root to its node, each step's byte the child's slot minus its parent's base. The trie was
 * checked (parents strictly shallower, every piece at a node as deep as it is long).
 */
export function pieceBytesFromTrie(words: Int32Array, nodeIds: Int32Array, offsets: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(offsets[offsets.length - 1]!);
  for (let node = 0; node < nodeIds.length; node++) {
    const id = nodeIds[node]!;
    if (id < 0) continue;
    let n = node;
    for (let at = offsets[id + 1]! - 1; at >= offsets[id]!; at--) {
      const parent = words[4 * n + 1]!;
      bytes[at] = n - words[4 * parent]!;
      n = parent;
    }
  }
  return bytes;
}
