// Sorting exported counts by key (u64, ascending) together with their counts (f64): an LSD radix
// sort, one pass per key byte (a pass is skipped when every key has the same byte there). The
// staged trainer writes its n-gram counts as sorted runs (src/node/stage-file.ts), which merge
// exactly and in any order.

import { alloc, release } from './alloc';

/** Sorts keys[0..n) (u64) ascending, moving cs[0..n) (f64) with them; keys use their low `bytes` bytes. */
export function sortCounts(keys: usize, cs: usize, n: i32, bytes: i32): void {
  if (n < 2) return;
  const size = <usize>n << 3;
  const tk = alloc(size);
  const tc = alloc(size);
  const hist = alloc(256 << 2);
  let srcK = keys, srcC = cs, dstK = tk, dstC = tc;
  for (let b = 0; b < bytes; b++) {
    const shift = <u64>(b << 3);
    memory.fill(hist, 0, 256 << 2);
    for (let i = 0; i < n; i++) {
      const d = <usize>((load<u64>(srcK + (<usize>i << 3)) >> shift) & 0xff) << 2;
      store<u32>(hist + d, load<u32>(hist + d) + 1);
    }
    let same = false;
    for (let d = 0; d < 256; d++) if (load<u32>(hist + (<usize>d << 2)) == <u32>n) { same = true; break; }
    if (same) continue;
    let sum: u32 = 0;
    for (let d = 0; d < 256; d++) {
      const h = load<u32>(hist + (<usize>d << 2));
      store<u32>(hist + (<usize>d << 2), sum);
      sum += h;
    }
    for (let i = 0; i < n; i++) {
      const key = load<u64>(srcK + (<usize>i << 3));
      const d = <usize>((key >> shift) & 0xff) << 2;
      const at = <usize>load<u32>(hist + d);
      store<u32>(hist + d, <u32>at + 1);
      store<u64>(dstK + (at << 3), key);
      store<f64>(dstC + (at << 3), load<f64>(srcC + (<usize>i << 3)));
    }
    const k = srcK; srcK = dstK; dstK = k;
    const c = srcC; srcC = dstC; dstC = c;
  }
  if (srcK != keys) {
    memory.copy(keys, srcK, size);
    memory.copy(cs, srcC, size);
  }
  release(tk, size);
  release(tc, size);
  release(hist, 256 << 2);
}
