// The CLI's recycled block buffers (src/cli/shared-buffers.ts): a buffer given back is the next one
// taken, at most `keep` are kept, odd sizes are left to the GC, and grow() retires small buffers.
import { describe, expect, it } from 'vitest';
import { SharedBuffers } from '../../src/cli/shared-buffers.js';

describe('SharedBuffers', () => {
  it('reuses buffers given back instead of allocating', () => {
    const pool = new SharedBuffers(1024, 2);
    const a = pool.take(100);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([a.byteOffset, a.byteLength, a.buffer.byteLength]).toEqual([0, 100, 1024]);
    pool.give(a);
    const b = pool.take(); // whole capacity
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteLength).toBe(1024);
    expect(pool.take().buffer).not.toBe(a.buffer); // nothing free: a new one
  });

  it('keeps at most `keep` buffers, and none of an odd size', () => {
    const pool = new SharedBuffers(1024, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    for (const t of taken) pool.give(t);
    const big = pool.take(5000); // a long line: a buffer of its own size
    expect(big.buffer.byteLength).toBe(5000);
    pool.give(big);
    pool.give(new Uint8Array(1024)); // not shared: ignored
    const again = [pool.take(), pool.take(), pool.take()].map((t) => t.buffer);
    expect(again.filter((b) => taken.some((t) => t.buffer === b))).toHaveLength(2);
    expect(again).not.toContain(big.buffer);
  });

  it('grow() makes new buffers larger (up to a limit) and drops the smaller ones given back', () => {
    const pool = new SharedBuffers(1024, 4);
    const small = pool.take();
    pool.grow(3000, 2048);
    pool.give(small);
    const next = pool.take();
    expect(next.buffer).not.toBe(small.buffer);
    expect(next.buffer.byteLength).toBe(2048);
  });
});
