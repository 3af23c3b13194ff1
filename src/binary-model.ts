import { ModelError } from './errors.js';
import type { CompiledModel } from './model.js';
import type { DoubleArray } from './trie.js';
import type { Vocabulary } from './vocabulary.js';

// Our own compact model format: the vocabulary, the scores and the trie's bases, so loading is a
// few linear passes (no JSON, no base64, no logarithms, no base search). Little-endian throughout.
//
//   offset  size  field
//   0       8     magic  89 42 50 57 4D 0D 0A 1A  ("\x89BPWM\r\n\x1a": binary, survives no text mangling)
//   8       4     version (1)
//   12      4     flags (0; a reader rejects bits it does not know)
//   16      4     vocabSize (pieces + 3)
//   20      4     trie slots (nodes + free slots + the 256 guard slots)
//   24      4     payload length in bytes
//   28      4     checksum of the payload (see checksum())
//   32      ...   payload:
//                   piece lengths, LEB128, ids 3..vocabSize-1
//                   piece bytes, concatenated in id order
//                   counts, LEB128 (up to 2^53 - 1), same order
//                   padding to a multiple of 8 (from the file start), then
//                   scores, float64, same order
//                   bases, LEB128 of zigzag(base - slot) + 1 per trie slot, 0 for a leaf or a free slot
//
// Checks are derived on load by walking every piece through the bases, which also validates them.

export const BINARY_MAGIC = new Uint8Array([0x89, 0x42, 0x50, 0x57, 0x4d, 0x0d, 0x0a, 0x1a]);
export const BINARY_VERSION = 1;
const HEADER = 32;

/** True if `bytes` starts with the binary model magic. */
export function isBinaryModel(bytes: Uint8Array): boolean {
  if (bytes.length < BINARY_MAGIC.length) return false;
  for (let i = 0; i < BINARY_MAGIC.length; i++) if (bytes[i] !== BINARY_MAGIC[i]) return false;
  return true;
}

/** Serializes a compiled model (see the layout above). */
export function writeBinaryModel(model: CompiledModel): Uint8Array {
  const { vocab, trie, scores } = model;
  const { vocabSize, bytes, offsets, counts } = vocab;
  const out = new Writer(HEADER + bytes.length + 12 * vocabSize + 3 * trie.size + 64);
  out.at = HEADER;
  for (let id = 3; id < vocabSize; id++) out.varint(offsets[id + 1]! - offsets[id]!);
  out.bytes(bytes.subarray(offsets[3]!, offsets[vocabSize]!));
  for (let id = 3; id < vocabSize; id++) out.varint(counts[id]!);
  out.align(8);
  out.bytes(new Uint8Array(scores.buffer, scores.byteOffset + 3 * 8, (vocabSize - 3) * 8));
  const { words, size } = trie;
  const leafBase = size - 256;
  for (let i = 0; i < size; i++) {
    const b = words[4 * i]!;
    const interior = words[4 * i + 1] !== -1 && b !== leafBase;
    out.varint(interior ? zigzag(b - i) + 1 : 0);
  }
  const file = out.buf.subarray(0, out.at);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  file.set(BINARY_MAGIC, 0);
  view.setUint32(8, BINARY_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, vocabSize, true);
  view.setUint32(20, size, true);
  view.setUint32(24, file.length - HEADER, true);
  view.setUint32(28, checksum(file, HEADER, file.length), true);
  return file.slice();
}

/**
 * Reads a binary model: a vocabulary with its trie and scores already built (`compiled`), fully
 * validated (sizes, checksum, every piece's path through the trie). Errors name what is wrong and
 * the byte offset.
 */
export function readBinaryModel(file: Uint8Array, name = 'model'): Vocabulary {
  const fail = (why: string): never => {
    throw new ModelError(`corrupt binary model: ${why}`, name);
  };
  if (!isBinaryModel(file)) fail('no magic header');
  if (file.length < HEADER) fail(`truncated: ${file.length} bytes, the header alone has ${HEADER}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BINARY_VERSION) {
    throw new ModelError(`binary model version ${version} is not supported (this package reads version ${BINARY_VERSION}); re-export it with this version's toBinary()`, name);
  }
  const flags = view.getUint32(12, true);
  if (flags !== 0) fail(`unknown flags 0x${flags.toString(16)} at byte 12`);
  const vocabSize = view.getUint32(16, true);
  const size = view.getUint32(20, true);
  const payload = view.getUint32(24, true);
  if (HEADER + payload !== file.length) {
    fail(HEADER + payload > file.length
      ? `truncated: the header announces ${HEADER + payload} bytes, the file has ${file.length}`
      : `${file.length - HEADER - payload} unexpected bytes after the payload (at byte ${HEADER + payload})`);
  }
  const sum = checksum(file, HEADER, file.length);
  if (sum !== view.getUint32(28, true)) fail(`checksum mismatch (stored 0x${view.getUint32(28, true).toString(16)}, computed 0x${sum.toString(16)})`);
  if (vocabSize < 4 || size < 257 + 1) fail(`implausible sizes (vocabSize ${vocabSize}, trie slots ${size}) at byte 16`);

  const r = new Reader(file, HEADER, fail);
  const offsets = new Uint32Array(vocabSize + 1);
  let total = 0;
  for (let id = 3; id < vocabSize; id++) {
    const len = r.varint();
    if (len === 0) fail(`piece ${id} is empty (byte ${r.at})`);
    total += len;
    offsets[id + 1] = total;
  }
  const bytes = r.bytes(total).slice();
  const counts = new Float64Array(vocabSize);
  for (let id = 3; id < vocabSize; id++) {
    const at = r.at;
    const c = r.varint();
    if (c <= 0 || c > Number.MAX_SAFE_INTEGER) fail(`count of piece ${id} is ${c} (byte ${at})`);
    counts[id] = c;
  }
  r.align(8);
  const scores = new Float64Array(vocabSize);
  scores[0] = scores[1] = scores[2] = -Infinity;
  const raw = r.bytes(8 * (vocabSize - 3));
  new Uint8Array(scores.buffer, 24).set(raw);
  for (let id = 3; id < vocabSize; id++) if (!(scores[id]! < 0)) fail(`score of piece ${id} is ${scores[id]} (must be negative)`);

  const words = new Int32Array(4 * size);
  const f64 = new Float64Array(words.buffer);
  const leafBase = size - 256;
  for (let i = 0; i < size; i++) {
    const at = r.at;
    const z = r.varint();
    if (z !== 0) {
      const b = i + unzigzag(z - 1);
      if (b < 1 || b > leafBase - 1) fail(`base ${b} of slot ${i} out of range (byte ${at})`);
      words[4 * i] = b;
    } else {
      words[4 * i] = leafBase;
    }
    words[4 * i + 1] = -1;
    f64[2 * i + 1] = -Infinity;
  }
  if (r.at !== file.length) fail(`${file.length - r.at} unexpected bytes at byte ${r.at}`);

  // Derive checks and node ids by walking every piece; a path that runs into another node's slot,
  // a missing base or two pieces ending on one node is corruption.
  const nodeIds = new Int32Array(size).fill(-1);
  words[1] = -2;
  for (let id = 3; id < vocabSize; id++) {
    let node = 0;
    for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
      const b = words[4 * node]!;
      if (b === leafBase) fail(`piece ${id}: node ${node} has no base`);
      const child = b + bytes[k]!;
      if (child >= leafBase) fail(`piece ${id}: slot ${child} is past the last node`);
      const check = words[4 * child + 1]!;
      if (check === -1) words[4 * child + 1] = node;
      else if (check !== node) fail(`piece ${id}: slot ${child} belongs to node ${check}, not ${node}`);
      node = child;
    }
    if (nodeIds[node] !== -1) fail(`pieces ${nodeIds[node]} and ${id} end on one node`);
    nodeIds[node] = id;
    f64[2 * node + 1] = scores[id]!;
  }
  const trie: DoubleArray = { words, f64, nodeIds, rootBase: words[0]!, size };
  return { vocabSize, bytes, offsets, counts, compiled: { trie, scores } };
}

const zigzag = (v: number) => (v >= 0 ? 2 * v : -2 * v - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/**
 * A 32-bit checksum of file[from..to): FNV-1a over 32-bit little-endian words (the tail padded
 * with zeros), mixed at the end. Not cryptographic; it catches corruption and is fast in JS.
 */
function checksum(file: Uint8Array, from: number, to: number): number {
  const n = to - from;
  const words = n >> 2;
  let aligned: Uint8Array = file.subarray(from, to);
  if ((aligned.byteOffset & 3) !== 0) aligned = aligned.slice();
  const u32 = new Uint32Array(aligned.buffer, aligned.byteOffset, words);
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < words; i++) h = Math.imul(h ^ u32[i]!, 0x01000193);
  let tail = 0;
  for (let i = n & ~3; i < n; i++) tail |= aligned[i]! << (8 * (i & 3));
  h = Math.imul(h ^ tail, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

class Writer {
  buf: Uint8Array;
  at = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.at + n, 2 * this.buf.length));
    b.set(this.buf);
    this.buf = b;
  }
  varint(v: number): void {
    this.room(10);
    while (v >= 128) {
      this.buf[this.at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  align(a: number): void {
    this.room(a);
    while (this.at % a !== 0) this.buf[this.at++] = 0;
  }
}

class Reader {
  at: number;
  constructor(private readonly file: Uint8Array, at: number, private readonly fail: (why: string) => never) {
    this.at = at;
  }
  varint(): number {
    const file = this.file;
    let b = file[this.at++];
    if (b === undefined) return this.fail(`truncated at byte ${this.at - 1}`);
    if (b < 128) return b;
    let v = b & 127;
    let scale = 128;
    for (let k = 1; ; k++) {
      b = file[this.at++];
      if (b === undefined) return this.fail(`truncated at byte ${this.at - 1}`);
      if (k >= 8) return this.fail(`varint too long at byte ${this.at - 1}`);
      v += (b & 127) * scale;
      if (b < 128) return v;
      scale *= 128;
    }
  }
  bytes(n: number): Uint8Array {
    if (this.at + n > this.file.length) this.fail(`truncated: ${n} bytes needed at byte ${this.at}, ${this.file.length - this.at} left`);
    const b = this.file.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  align(a: number): void {
    while (this.at % a !== 0) {
      if (this.file[this.at] !== 0) this.fail(`non-zero padding at byte ${this.at}`);
      this.at++;
    }
  }
}
