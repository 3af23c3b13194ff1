// Open-addressing tables from u64 keys (an n-gram of up to 8 bytes, packed last byte first: see
// src/train/ngram-count.ts) to a u64 count or an f64 value, 16 bytes a slot (key, then value).
// A table is a handle to 24 bytes of metadata: slots pointer, log2 of the slot count, entries.
// In count tables a slot is free while its count is 0; in value tables while its value is +∞
// (the values are log-probabilities, ≤ 0).

import { alloc, release } from './alloc';

@inline export function slotsOf(t: usize): usize { return load<usize>(t); }
@inline export function bitsOf(t: usize): i32 { return load<i32>(t, 8); }
@inline export function sizeOf(t: usize): i32 { return load<i32>(t, 12); }

@inline function hashKey(key: u64, bits: i32): usize {
  let h = key * 0x9e3779b97f4a7c15;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9;
  return <usize>(h >> (64 - <u64>bits));
}

const EMPTY_VALUE: f64 = Infinity;

/** The slot `key` probes first. */
@inline export function homeIndex(t: usize, key: u64): usize {
  return hashKey(key, bitsOf(t));
}

/** A new table of 2^bits slots (counts zeroed, or values +∞ when `values`). */
export function newTable(bits: i32, values: bool): usize {
  const t = alloc(24);
  const n = <usize>1 << bits;
  const slots = alloc(n << 4);
  if (values) {
    for (let i: usize = 0; i < n; i++) store<f64>(slots + (i << 4), EMPTY_VALUE, 8);
  } else {
    memory.fill(slots, 0, n << 4);
  }
  store<usize>(t, slots);
  store<i32>(t, bits, 8);
  store<i32>(t, 0, 12);
  return t;
}

export function freeTable(t: usize): void {
  release(slotsOf(t), <usize>16 << bitsOf(t));
  release(t, 24);
}

/**
 * The slot holding `key`, or the free slot where it goes: the one probe loop of every table
 * operation (linear probing). `values` says the table's kind, so what a free slot holds.
 */
@inline function slotOf(t: usize, key: u64, values: bool): usize {
  const bits = bitsOf(t);
  const mask = (<usize>1 << bits) - 1;
  const slots = slotsOf(t);
  let i = hashKey(key, bits);
  while (true) {
    const p = slots + (i << 4);
    const free = values ? load<f64>(p, 8) == EMPTY_VALUE : load<u64>(p, 8) == 0;
    if (free || load<u64>(p) == key) return p;
    i = (i + 1) & mask;
  }
}

/** Adds `amount` to the count of `key` (inserting it). Grows past 3/4 full. */
export function addCount(t: usize, key: u64, amount: u64): void {
  const p = slotOf(t, key, false);
  const c = load<u64>(p, 8);
  store<u64>(p, c + amount, 8);
  if (c != 0) return;
  store<u64>(p, key);
  const size = sizeOf(t) + 1;
  store<i32>(t, size, 12);
  if (<usize>size * 4 > (<usize>3 << bitsOf(t))) growCounts(t);
}

function growCounts(t: usize): void {
  const old = slotsOf(t);
  const oldN = <usize>1 << bitsOf(t);
  const n = oldN << 1;
  const slots = alloc(n << 4);
  memory.fill(slots, 0, n << 4);
  store<usize>(t, slots);
  store<i32>(t, bitsOf(t) + 1, 8);
  for (let s: usize = 0; s < oldN; s++) {
    const q = old + (s << 4);
    const c = load<u64>(q, 8);
    if (c == 0) continue;
    const key = load<u64>(q);
    const p = slotOf(t, key, false);
    store<u64>(p, key);
    store<u64>(p, c, 8);
  }
  release(old, oldN << 4);
}

/** The count of `key`, 0 if absent. */
export function countOf(t: usize, key: u64): u64 {
  return load<u64>(slotOf(t, key, false), 8);
}

/** Sets the value of `key` in a value table sized for all its entries (no growth). */
export function putValue(t: usize, key: u64, value: f64): void {
  const p = slotOf(t, key, true);
  if (load<f64>(p, 8) == EMPTY_VALUE) {
    store<u64>(p, key);
    store<i32>(t, sizeOf(t) + 1, 12);
  }
  store<f64>(p, value, 8);
}

/** The value of `key`, or +∞ if absent. */
@inline export function valueOf(t: usize, key: u64): f64 {
  return load<f64>(slotOf(t, key, true), 8);
}
