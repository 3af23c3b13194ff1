// SPEC §6.2-6.3 in the kernel: byte n-gram counts (orders 1..8) and the pruned log-probability
// tables the n-gram Viterbi reads. Orders 1 and 2 are direct arrays indexed by the key; higher
// orders are hash tables (hash.ts). The logarithms are taken by the host (correctly rounded,
// src/model/ln.ts): the kernel hands out the kept n-grams with their counts and the counts of
// their prefixes, and takes back their log-probabilities.

import { alloc, release } from './alloc';
import { addCount, countOf, freeTable, homeIndex, newTable, putValue, sizeOf, slotsOf, bitsOf } from './hash';

export let order: i32 = 0;
/** Per order L (index L): count table (direct for L ≤ 2, else a hash table handle). */
const counts = memory.data(8 * 10);
/** Per order L < order: the distinct chunk endings of L bytes (hash tables), for the reference's table sizes. */
const tails = memory.data(8 * 10);
/** Per order L: pruned log-probabilities (direct f64 arrays, −∞ if absent, for L ≤ 2; else value tables). */
export const probs = memory.data(8 * 10);

@inline function countTable(L: i32): usize { return load<usize>(counts + (<usize>L << 3)); }
@inline export function probTable(L: i32): usize { return load<usize>(probs + (<usize>L << 3)); }

/**
 * This instance counts the n-grams of orders ≥ 3 whose key falls in share `part` of `parts` (by
 * a hash), and orders 1-2 and the chunk endings only if it is share 0: threads that all read the
 * whole corpus then hold disjoint tables, with nothing to merge (src/node/train-threads.ts).
 */
let part: u64 = 0;
let parts: u64 = 1;

@inline function mine(key: u64): bool {
  if (parts == 1) return true;
  // The hash's high 32 bits scaled to [0, parts) by a multiply (a 64-bit remainder costs ~40
  // cycles, and this runs for every n-gram on every thread).
  return (((key * 0xd6e8feb86659fd93) >> 32) * parts) >> 32 == part;
}

/** Sets up empty count tables for n-grams of orders 1..n (n ≤ 8); this instance counts share `p` of `ps`. */
export function initNgrams(n: i32, p: i32, ps: i32): void {
  part = <u64>p;
  parts = <u64>ps;
  order = n;
  for (let L = 1; L <= n; L++) {
    let t: usize;
    if (L == 1) { t = alloc(256 << 3); memory.fill(t, 0, 256 << 3); }
    else if (L == 2) { t = alloc(65536 << 3); memory.fill(t, 0, 65536 << 3); }
    else t = newTable(L == 3 ? 14 : 16, false);
    store<usize>(counts + (<usize>L << 3), t);
    if (L < n) store<usize>(tails + (<usize>L << 3), newTable(8, false));
  }
}

/**
 * Inserts into the big tables (orders ≥ 3) go by region: up to SEGMENT keys of one order are
 * gathered, sorted by the top BUCKET_BITS bits of their home slot (one counting pass, one
 * scatter), then inserted bucket by bucket, so that each run of inserts stays in 1/256 of the
 * table. Done in arrival order instead, each insert is a cache and TLB miss (tables of 2-32 MiB,
 * 4 KiB pages): ~77 ns an n-gram on fortunes. Counts add, so the order does not matter.
 */
const SEGMENT: i32 = 1 << 17;
const BUCKET_BITS: i32 = 8;
let gathered: usize = 0;
let scattered: usize = 0;
const bucketStarts = memory.data(4 * ((1 << BUCKET_BITS) + 1));

/** Adds 1 to the count of each of keys[0..n) in table t, region by region (see SEGMENT). */
function insertByRegion(t: usize, keys: usize, n: i32): void {
  const shift = bitsOf(t) - BUCKET_BITS;
  if (shift <= 4) {
    for (let i = 0; i < n; i++) addCount(t, load<u64>(keys + (<usize>i << 3)), 1);
    return;
  }
  const buckets = 1 << BUCKET_BITS;
  memory.fill(bucketStarts, 0, <usize>(buckets + 1) << 2);
  for (let i = 0; i < n; i++) {
    const b = <usize>(homeIndex(t, load<u64>(keys + (<usize>i << 3))) >> shift);
    const p = bucketStarts + ((b + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let b = 1; b <= buckets; b++) {
    const p = bucketStarts + (<usize>b << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  for (let i = 0; i < n; i++) {
    const key = load<u64>(keys + (<usize>i << 3));
    const p = bucketStarts + (<usize>(homeIndex(t, key) >> shift) << 2);
    const at = load<i32>(p);
    store<i32>(p, at + 1);
    store<u64>(scattered + (<usize>at << 3), key);
  }
  for (let i = 0; i < n; i++) addCount(t, load<u64>(scattered + (<usize>i << 3)), 1);
}

/** Counts the n-grams of chunks[0..nChunks): chunk k is bytes[ends[k-1]..ends[k]) (ends: i32). */
export function countNgrams(bytes: usize, ends: usize, nChunks: i32): void {
  const n = order;
  if (gathered == 0) {
    gathered = alloc(<usize>SEGMENT << 3);
    scattered = alloc(<usize>SEGMENT << 3);
  }
  // Orders ≥ 3, one at a time: the key rolls along each chunk (a byte in, the oldest out).
  for (let L = 3; L <= n; L++) {
    const t = countTable(L);
    const mask: u64 = L == 8 ? <u64>-1 : (<u64>1 << (<u64>L << 3)) - 1;
    let held = 0;
    let start: i32 = 0;
    for (let k = 0; k < nChunks; k++) {
      const end = load<i32>(ends + (<usize>k << 2));
      let key: u64 = 0;
      for (let e = start; e < end; e++) {
        key = ((key << 8) | <u64>load<u8>(bytes + <usize>e)) & mask;
        if (e - start + 1 < L || !mine(key)) continue;
        store<u64>(gathered + (<usize>held << 3), key);
        if (++held == SEGMENT) {
          insertByRegion(t, gathered, held);
          held = 0;
        }
      }
      start = end;
    }
    insertByRegion(t, gathered, held);
  }
  if (part != 0) return;
  // Orders 1 and 2 (direct arrays) and the chunk endings: share 0 counts them.
  const c1 = countTable(1);
  const c2 = countTable(2);
  let start: i32 = 0;
  for (let k = 0; k < nChunks; k++) {
    const end = load<i32>(ends + (<usize>k << 2));
    let key: u64 = 0;
    for (let e = start; e < end; e++) {
      key = ((key << 8) | <u64>load<u8>(bytes + <usize>e)) & 0xffff;
      const p1 = c1 + (<usize>(key & 0xff) << 3);
      store<u64>(p1, load<u64>(p1) + 1);
      if (e > start) {
        const p2 = c2 + (<usize>key << 3);
        store<u64>(p2, load<u64>(p2) + 1);
      }
    }
    // The chunk's endings shorter than the order (only for the reference's table sizes).
    let tail: u64 = 0;
    const most = min(n - 1, end - start);
    for (let m = 0; m < most; m++) {
      tail |= <u64>load<u8>(bytes + <usize>(end - 1 - m)) << (<u64>m << 3);
      addCount(load<usize>(tails + (<usize>(m + 1) << 3)), tail, 1);
    }
    start = end;
  }
}

/** Distinct n-grams of order L counted (L ≥ 1), or of chunk endings of L bytes when `tail`. */
export function ngramsCounted(L: i32, tail: bool): i32 {
  if (tail) return sizeOf(load<usize>(tails + (<usize>L << 3)));
  const t = countTable(L);
  if (L > 2) return sizeOf(t);
  const n = L == 1 ? 256 : 65536;
  let c = 0;
  for (let i = 0; i < n; i++) if (load<u64>(t + (<usize>i << 3)) != 0) c++;
  return c;
}

/** The count of the order-1 n-gram `b` (the host fills in unseen bytes). */
export function unigramCount(b: i32): f64 {
  return <f64>load<u64>(countTable(1) + (<usize>b << 3));
}

/** The count of the L-gram `key` (0 if absent). */
@inline function countIn(L: i32, key: u64): u64 {
  const t = countTable(L);
  return L <= 2 ? load<u64>(t + (<usize>key << 3)) : countOf(t, key);
}

/**
 * Writes the kept n-grams of order L ≥ 2 (count ≥ minCount): keys (u64) to `keys`, counts and
 * their prefixes' counts (f64) to `cs` and `ps`; returns how many. With `dry`, only counts them.
 */
export function keptNgrams(L: i32, minCount: f64, keys: usize, cs: usize, ps: usize, dry: bool): i32 {
  const k = countsAtLeast(L, minCount, keys, cs, dry);
  if (!dry) {
    // The prefix (without the last byte, the key's lowest) is the key shifted down 8 bits.
    for (let i = 0; i < k; i++) store<f64>(ps + (<usize>i << 3), <f64>countIn(L - 1, load<u64>(keys + (<usize>i << 3)) >> 8));
  }
  return k;
}

/**
 * The entries of count table `t` with count ≥ minCount, keys (u64) to `keys` and counts (f64) to
 * `cs`; returns how many (with `dry`, only counts them). `direct`: the number of entries if `t`
 * is a direct array (entry i is key i), 0 if it is a hash table (slots of key, count).
 */
function collect(t: usize, direct: i32, minCount: f64, keys: usize, cs: usize, dry: bool): i32 {
  const n: usize = direct ? <usize>direct : <usize>1 << bitsOf(t);
  const base = direct ? t : slotsOf(t);
  const stride: usize = direct ? 3 : 4;
  const at: usize = direct ? 0 : 8;
  let k = 0;
  for (let s: usize = 0; s < n; s++) {
    const p = base + (s << stride);
    const c = load<u64>(p + at);
    if (c == 0 || <f64>c < minCount) continue;
    if (!dry) {
      store<u64>(keys + (<usize>k << 3), direct ? <u64>s : load<u64>(p));
      store<f64>(cs + (<usize>k << 3), <f64>c);
    }
    k++;
  }
  return k;
}

/**
 * The n-grams of order L (≥ 1) with count ≥ minCount, keys (u64) to `keys` and counts (f64) to
 * `cs`; returns how many (with `dry`, only counts them). What a counting thread hands over.
 */
export function countsAtLeast(L: i32, minCount: f64, keys: usize, cs: usize, dry: bool): i32 {
  return collect(countTable(L), L == 1 ? 256 : L == 2 ? 65536 : 0, minCount, keys, cs, dry);
}

/**
 * The distinct chunk endings of L bytes (L < order) counted here, keys (u64) to `keys` and counts
 * (f64) to `cs`; returns how many (with `dry`, only counts them). For the staged trainer's files.
 */
export function tailCounts(L: i32, keys: usize, cs: usize, dry: bool): i32 {
  return collect(load<usize>(tails + (<usize>L << 3)), 0, 1, keys, cs, dry);
}

/** Adds n counts (keys u64, counts f64) to the tables of order L: merging what threads counted. */
export function addCounts(L: i32, keys: usize, cs: usize, n: i32): void {
  const t = countTable(L);
  for (let i = 0; i < n; i++) {
    const key = load<u64>(keys + (<usize>i << 3));
    const c = <u64>load<f64>(cs + (<usize>i << 3));
    if (L <= 2) {
      const p = t + (<usize>key << 3);
      store<u64>(p, load<u64>(p) + c);
    } else {
      addCount(t, key, c);
    }
  }
}

/** Frees the count tables (after keptNgrams has been read for every order). */
export function freeCounts(): void {
  for (let L = 1; L <= order; L++) {
    const t = countTable(L);
    if (L == 1) release(t, 256 << 3);
    else if (L == 2) release(t, 65536 << 3);
    else freeTable(t);
    if (L < order) freeTable(load<usize>(tails + (<usize>L << 3)));
  }
}

/** Builds the pruned table of order L from n keys (u64) and log-probabilities (f64). */
export function setProbs(L: i32, keys: usize, values: usize, n: i32): void {
  let t: usize;
  if (L <= 2) {
    const size = L == 1 ? 256 : 65536;
    t = alloc(<usize>size << 3);
    for (let i = 0; i < size; i++) store<f64>(t + (<usize>i << 3), -Infinity);
    for (let i = 0; i < n; i++) store<f64>(t + (<usize>load<u64>(keys + (<usize>i << 3)) << 3), load<f64>(values + (<usize>i << 3)));
  } else {
    let bits = 4;
    while ((1 << bits) < 2 * n) bits++;
    t = newTable(bits, true);
    for (let i = 0; i < n; i++) putValue(t, load<u64>(keys + (<usize>i << 3)), load<f64>(values + (<usize>i << 3)));
  }
  store<usize>(probs + (<usize>L << 3), t);
}
