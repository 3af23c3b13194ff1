// Counts of byte strings of any length (the n-gram Viterbi's pieces): an open-addressing table
// of 8-byte slots (1 + piece index, hash) over piece records of 16 bytes (arena offset u32,
// length u32, count f64), the bytes of each distinct piece stored once in an arena.

import { alloc, release } from './alloc';

let slots: usize = 0;
let bits: i32 = 0;
export let pieceCount: i32 = 0;
export let records: usize = 0;
let recordCap: i32 = 0;
export let arena: usize = 0;
let arenaCap: usize = 0;
export let arenaUsed: usize = 0;

export function initPieces(): void {
  bits = 14;
  slots = alloc(<usize>8 << bits);
  memory.fill(slots, 0, <usize>8 << bits);
  recordCap = 1 << 13;
  records = alloc(<usize>recordCap << 4);
  arenaCap = 1 << 16;
  arena = alloc(arenaCap);
  pieceCount = 0;
  arenaUsed = 0;
}

@inline function hashBytes(p: usize, len: i32): u32 {
  // FNV-1a, 8 bytes a step where it can, then a murmur finalizer.
  let h: u64 = 0xcbf29ce484222325;
  let i = 0;
  for (; i + 8 <= len; i += 8) h = (h ^ load<u64>(p + <usize>i)) * 0x100000001b3;
  for (; i < len; i++) h = (h ^ <u64>load<u8>(p + <usize>i)) * 0x100000001b3;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  return <u32>h;
}

function sameBytes(a: usize, b: usize, len: i32): bool {
  let i = 0;
  for (; i + 8 <= len; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  for (; i < len; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

/** Adds `amount` to the count of the piece at p[0..len). */
export function addPiece(p: usize, len: i32, amount: f64): void {
  const h = hashBytes(p, len);
  const mask = (<u32>1 << <u32>bits) - 1;
  let i = h >> (32 - <u32>bits);
  while (true) {
    const s = slots + (<usize>i << 3);
    const idx = load<i32>(s);
    if (idx == 0) break;
    if (load<u32>(s, 4) == h) {
      const r = records + (<usize>(idx - 1) << 4);
      if (load<i32>(r, 4) == len && sameBytes(arena + <usize>load<u32>(r), p, len)) {
        store<f64>(r, load<f64>(r, 8) + amount, 8);
        return;
      }
    }
    i = (i + 1) & mask;
  }
  if (pieceCount == recordCap) {
    const bigger = alloc(<usize>recordCap << 5);
    memory.copy(bigger, records, <usize>recordCap << 4);
    release(records, <usize>recordCap << 4);
    records = bigger;
    recordCap <<= 1;
  }
  if (arenaUsed + <usize>len > arenaCap) {
    let cap = arenaCap << 1;
    while (arenaUsed + <usize>len > cap) cap <<= 1;
    const bigger = alloc(cap);
    memory.copy(bigger, arena, arenaUsed);
    release(arena, arenaCap);
    arena = bigger;
    arenaCap = cap;
  }
  memory.copy(arena + arenaUsed, p, <usize>len);
  const r = records + (<usize>pieceCount << 4);
  store<u32>(r, <u32>arenaUsed);
  store<i32>(r, len, 4);
  store<f64>(r, amount, 8);
  arenaUsed += <usize>len;
  pieceCount++;
  const s = slots + (<usize>i << 3);
  store<i32>(s, pieceCount);
  store<u32>(s, h, 4);
  if (<u32>pieceCount * 2 > mask + 1) growSlots();
}

function growSlots(): void {
  const old = slots;
  const oldN = <usize>1 << bits;
  bits++;
  const n = <usize>1 << bits;
  slots = alloc(n << 3);
  memory.fill(slots, 0, n << 3);
  const mask = <u32>(n - 1);
  for (let k: usize = 0; k < oldN; k++) {
    const q = old + (k << 3);
    const idx = load<i32>(q);
    if (idx == 0) continue;
    const h = load<u32>(q, 4);
    let i = h >> (32 - <u32>bits);
    while (load<i32>(slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
    store<i32>(slots + (<usize>i << 3), idx);
    store<u32>(slots + (<usize>i << 3), h, 4);
  }
  release(old, oldN << 3);
}

/**
 * Adds n piece records (16 bytes each, as `records`: offset into `bytes`, length, count) counted
 * elsewhere: merging what the counting threads found, without a string per piece on the host.
 */
export function mergePieces(recs: usize, bytes: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const r = recs + (<usize>k << 4);
    addPiece(bytes + <usize>load<u32>(r), load<i32>(r, 4), load<f64>(r, 8));
  }
}
