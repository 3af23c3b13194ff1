/**
 * The sampler's random numbers: xoshiro128** (Blackman & Vigna) on four 32-bit words, written with
 * `Math.imul` and `>>> 0` so that it is exactly the u32 arithmetic of assembly/sampler.ts. Both
 * engines run this generator from the same 128-bit state, so a seed fixes every draw on every
 * platform. No BigInt anywhere: a uniform double in [0, 1) takes two 32-bit outputs (27 + 26 bits).
 */
export class Xoshiro128 {
  /** The four state words (int32 storage: raw 32-bit loads and stores, no boxing in V8). */
  private readonly s = new Int32Array(4);

  constructor(state: Uint32Array = seedState(0)) {
    this.setState(state);
  }

  /** Restarts from a state of four words (not all zero). */
  setState(state: Uint32Array): void {
    this.s.set(new Int32Array(state.buffer, state.byteOffset, 4));
  }

  /** The current state (a copy). */
  getState(): Uint32Array {
    return new Uint32Array(this.s.slice().buffer);
  }

  /** The next output, a uint32. */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3, 11);
    return result >>> 0;
  }

  /**
   * A uniform double in [0, 1), a multiple of 2^-53: the high 32 bits from one output, the low 21
   * from the top of the next.
   */
  nextDouble(): number {
    const high = this.nextUint32() * 2097152;
    return (high + (this.nextUint32() >>> 11)) * 1.1102230246251565e-16;
  }

  /**
   * A uniform in (0, 1) from one output k: (k + 1/2)·2^−32. The linear-domain sampler's u, one per
   * end (a 53-bit double costs two outputs, ~10% of sampling speed there; the grid is still finer
   * than the reference's rand() / RAND_MAX, 2^−31).
   */
  nextUniform32(): number {
    return (this.nextUint32() + 0.5) * 2.3283064365386963e-10;
  }

  /**
   * `u · total < part` for the next uniform u of {@link nextDouble}: true with probability
   * part / total (for 0 ≤ part ≤ total). Draws the low 21 bits of u only when its high 32 bits
   * leave the answer open (probability about 2^-32), so it usually costs one output; the answer
   * is always exactly that of the full 53-bit u, since rounding u·total is monotone in u.
   */
  chance(part: number, total: number): boolean {
    const high = this.nextUint32() * 2097152;
    const yes = (high + 2097151) * 1.1102230246251565e-16 * total < part;
    if (yes === high * 1.1102230246251565e-16 * total < part) return yes;
    return (high + (this.nextUint32() >>> 11)) * 1.1102230246251565e-16 * total < part;
  }
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/** murmur3's finalizer: a bijection on uint32 that spreads every input bit over the output. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The generator state for a user's seed. Distinct seeds give distinct states (words 0 and 1 are
 * bijections of the seed's low and high 32 bits, two's complement for negative seeds), and word 2
 * is never zero when word 0 is, so the state is never all zero. Throws a TypeError/RangeError for
 * anything but a safe integer.
 */
export function seedState(seed: number): Uint32Array {
  checkSeed(seed);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const s0 = fmix32(lo ^ 0x9e3779b9);
  const s1 = fmix32(hi ^ 0x7f4a7c15);
  const s2 = fmix32((s0 ^ 0x6c078965) >>> 0);
  const s3 = fmix32((s1 + 0x632be5ab) >>> 0);
  return Uint32Array.of(s0, s1, s2, s3);
}

/** A fresh unpredictable state from `crypto.getRandomValues`. */
export function randomState(): Uint32Array {
  const c = (globalThis as { crypto?: { getRandomValues?: <T extends ArrayBufferView>(a: T) => T } }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new Error('bytepiece-wasm: crypto.getRandomValues is unavailable here; pass options.seed to Tokenizer.load or call setSeed before sampling');
  }
  const state = c.getRandomValues(new Uint32Array(4));
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1; // xoshiro's one forbidden state
  return state;
}

/** The seeds accepted everywhere (Tokenizer, pool, streams, CLI), as error messages state them. */
export const SEED_RANGE = 'a finite integer between -(2^53 - 1) and 2^53 - 1';

/** A seed is a safe integer: negative values are allowed, fractions, NaN, ±Infinity and non-numbers are not. */
export function checkSeed(seed: unknown, what = 'seed'): asserts seed is number {
  if (typeof seed !== 'number') throw new TypeError(`${what} must be an integer, got ${typeof seed === 'bigint' ? `${seed}n (a bigint)` : typeof seed}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${what} must be ${SEED_RANGE}, got ${String(seed)}`);
}
