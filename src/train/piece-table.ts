/**
 * Counts of byte strings of any length (the pieces out of the n-gram Viterbi, SPEC §6.4): an
 * open-addressing table over an arena holding each distinct piece's bytes once.
 */
export class PieceTable {
  /** Distinct pieces. */
  size = 0;
  private bits = 12;
  /** Per slot: 1 + index of the piece, 0 if free. */
  private slots = new Int32Array(1 << 12);
  private hashes = new Uint32Array(1 << 12);
  /** Per piece (in order of first sight): start in the arena, and count. */
  starts = new Int32Array(1 << 11);
  counts = new Float64Array(1 << 11);
  arena = new Uint8Array(1 << 16);
  /** Bytes used in the arena (piece k ends where piece k+1 starts; the last at `arenaLength`). */
  arenaLength = 0;

  /** Adds `amount` to the count of `bytes[start..end)`. */
  add(bytes: Uint8Array, start: number, end: number, amount: number): void {
    const h = hashBytes(bytes, start, end);
    const mask = (1 << this.bits) - 1;
    let slot = h >>> (32 - this.bits);
    const len = end - start;
    for (;;) {
      const p = this.slots[slot]!;
      if (p === 0) break;
      if (this.hashes[slot] === h && this.length(p - 1) === len && this.sameBytes(p - 1, bytes, start, len)) {
        this.counts[p - 1]! += amount;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const index = this.size++;
    if (index === this.starts.length) {
      const s = new Int32Array(index * 2);
      s.set(this.starts);
      this.starts = s;
      const c = new Float64Array(index * 2);
      c.set(this.counts);
      this.counts = c;
    }
    if (this.arenaLength + len > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLength + len));
      a.set(this.arena.subarray(0, this.arenaLength));
      this.arena = a;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaLength);
    this.starts[index] = this.arenaLength;
    this.arenaLength += len;
    this.counts[index] = amount;
    this.slots[slot] = index + 1;
    this.hashes[slot] = h;
    if (this.size * 2 > mask + 1) this.grow();
  }

  /** Byte length of piece `index`. */
  length(index: number): number {
    return (index + 1 < this.size ? this.starts[index + 1]! : this.arenaLength) - this.starts[index]!;
  }

  /** The bytes of piece `index` (a view into the arena). */
  piece(index: number): Uint8Array {
    const s = this.starts[index]!;
    return this.arena.subarray(s, s + this.length(index));
  }

  private sameBytes(index: number, bytes: Uint8Array, start: number, len: number): boolean {
    const a = this.arena;
    const s = this.starts[index]!;
    for (let k = 0; k < len; k++) if (a[s + k] !== bytes[start + k]) return false;
    return true;
  }

  private grow(): void {
    const { slots, hashes } = this;
    this.bits++;
    this.slots = new Int32Array(1 << this.bits);
    this.hashes = new Uint32Array(1 << this.bits);
    const mask = (1 << this.bits) - 1;
    for (let s = 0; s < slots.length; s++) {
      const p = slots[s]!;
      if (p === 0) continue;
      const h = hashes[s]!;
      let slot = h >>> (32 - this.bits);
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = p;
      this.hashes[slot] = h;
    }
  }
}

/** FNV-1a over the bytes, then murmur3's finalizer. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
