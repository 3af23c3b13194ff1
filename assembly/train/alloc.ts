// Memory for the trainer kernel's tables: blocks of power-of-two sizes, bumped from the top of
// linear memory (grown as needed) and recycled through one free list per size class. Tables grow
// by doubling, so the block a table leaves behind is the size the next table to grow needs.

// Free-list heads, one per class (block = 2^class bytes); a free block's first 8 bytes link on.
const heads = memory.data(8 * 64);
let top: usize = 0;

function classOf(size: usize): i32 {
  if (size <= 16) return 4;
  return 64 - <i32>clz<u64>(<u64>(size - 1));
}

/** A block of at least `size` bytes, 16-aligned, contents undefined. */
export function alloc(size: usize): usize {
  if (top == 0) top = (__heap_base + 15) & ~<usize>15;
  const c = classOf(size);
  const head = heads + (<usize>c << 3);
  const free = load<usize>(head);
  if (free != 0) {
    store<usize>(head, load<usize>(free));
    return free;
  }
  const bytes = <usize>1 << c;
  const ptr = top;
  const end = ptr + bytes;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
  top = end;
  return ptr;
}

/** Gives back a block of `size` bytes (the size it was allocated with). */
export function release(ptr: usize, size: usize): void {
  if (ptr == 0) return;
  const head = heads + (<usize>classOf(size) << 3);
  store<usize>(ptr, load<usize>(head));
  store<usize>(head, ptr);
}
