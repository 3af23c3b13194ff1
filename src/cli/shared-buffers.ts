// Recycled SharedArrayBuffers for the CLI's blocks (input bytes, and the workers' output). Each
// block would otherwise allocate a fresh buffer on the main thread, and V8 frees such (external)
// memory only at its next full GC, which its tiny main-thread heap delays until ~64 MiB of dead
// buffers have piled up. With recycling, the main thread allocates nothing per block in the
// steady state: memory is (blocks in flight) × (buffer size), whatever the input size.

export class SharedBuffers {
  private readonly free: SharedArrayBuffer[] = [];

  /**
   * @param size Capacity of a new buffer (a request for more gets a buffer of its own size).
   * @param keep The most buffers kept for reuse (the blocks in flight).
   */
  constructor(
    private size: number,
    private readonly keep: number,
  ) {}

  /** A view of `n` bytes (default: the whole capacity) at the start of a free or new buffer. */
  take(n = this.size): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= n);
    const buffer = i >= 0 ? this.free.splice(i, 1)[0]! : new SharedArrayBuffer(Math.max(n, this.size));
    return new Uint8Array(buffer, 0, n);
  }

  /** Returns a buffer for reuse: one of a normal size is kept (up to `keep`), others are left to the GC. */
  give(bytes: Uint8Array | undefined): void {
    const buffer = bytes?.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) return;
    if (buffer.byteLength < this.size || buffer.byteLength > 2 * this.size || this.free.length >= this.keep) return;
    this.free.push(buffer);
  }

  /** Makes new buffers at least `size` bytes (older, smaller ones are dropped when given back). */
  grow(size: number, limit: number): void {
    this.size = Math.min(limit, Math.max(this.size, Math.ceil(size)));
  }
}
