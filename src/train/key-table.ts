/**
 * An open-addressing hash table from fixed-width keys (`width` 32-bit words) to float64 values:
 * the JS twin's n-gram tables. A slot is free while its value is 0 (counts start at 1 and the
 * tables that hold log-probabilities mark presence separately, see `has`).
 */
export class KeyTable {
  readonly width: number;
  /** Entries in use. */
  size = 0;
  private bits: number;
  keys: Uint32Array;
  values: Float64Array;
  used: Uint8Array;

  constructor(width: number, capacityBits = 10) {
    this.width = width;
    this.bits = capacityBits;
    this.keys = new Uint32Array(width << capacityBits);
    this.values = new Float64Array(1 << capacityBits);
    this.used = new Uint8Array(1 << capacityBits);
  }

  /** Number of slots. */
  get capacity(): number {
    return 1 << this.bits;
  }

  /** Slot of the key `key[at .. at + width)`, or -1. */
  find(key: Uint32Array, at: number): number {
    const w = this.width;
    const mask = (1 << this.bits) - 1;
    let slot = hash(key, at, w) >>> (32 - this.bits);
    const { keys, used } = this;
    for (;;) {
      if (used[slot] === 0) return -1;
      if (same(keys, slot * w, key, at, w)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Adds `amount` to the key's value, inserting it (from 0) if absent. */
  add(key: Uint32Array, at: number, amount: number): void {
    const w = this.width;
    const mask = (1 << this.bits) - 1;
    let slot = hash(key, at, w) >>> (32 - this.bits);
    const { keys, used } = this;
    for (;;) {
      if (used[slot] === 0) break;
      if (same(keys, slot * w, key, at, w)) {
        this.values[slot]! += amount;
        return;
      }
      slot = (slot + 1) & mask;
    }
    used[slot] = 1;
    for (let k = 0; k < w; k++) keys[slot * w + k] = key[at + k]!;
    this.values[slot] = amount;
    if (++this.size * 2 > mask + 1) this.grow();
  }

  /** Sets the key's value (inserting it if absent). */
  set(key: Uint32Array, at: number, value: number): void {
    const slot = this.find(key, at);
    if (slot >= 0) this.values[slot] = value;
    else this.add(key, at, value);
  }

  private grow(): void {
    const { keys, values, used, width: w } = this;
    const old = used.length;
    this.bits++;
    this.keys = new Uint32Array(w << this.bits);
    this.values = new Float64Array(1 << this.bits);
    this.used = new Uint8Array(1 << this.bits);
    this.size = 0;
    for (let s = 0; s < old; s++) if (used[s] !== 0) this.add(keys, s * w, values[s]!);
  }
}

function same(a: Uint32Array, i: number, b: Uint32Array, j: number, w: number): boolean {
  for (let k = 0; k < w; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/** A 32-bit mix of the key words (murmur3's finalizer over a multiplicative combine). */
export function hash(key: Uint32Array, at: number, w: number): number {
  let h = 0x9e3779b9;
  for (let k = 0; k < w; k++) h = Math.imul(h ^ key[at + k]!, 0x85ebca6b) ^ (h >>> 13);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
