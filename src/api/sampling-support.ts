// Viterbi sampling (SPEC §4: `alpha`, seeds) is a Tokenizer feature. The batch, pool, stream and CLI
// layers pass it through; they check the options up front (so a bad value fails before any work,
// with the Tokenizer's wording) and derive per-item seeds, so results do not depend on threads.

import type { EncodeOptions } from './tokenizer.js';
import { checkSeed, fmix32 } from '../engine/prng.js';
import { checkAlpha } from './check-alpha.js';

/** Encode options plus `alpha` (SPEC §4), for the layers that pass options through to `encode`. */
export type SamplingEncodeOptions = EncodeOptions & {
  /** Viterbi sampling: `alpha >= 0` draws a segmentation (SPEC §4); absent or `< 0`: deterministic. */
  alpha?: number;
};

/**
 * Checks `alpha` as `Tokenizer.encode` does (same class and wording), and a seed as
 * `Tokenizer.setSeed` would (any safe integer is a seed, negative included), before any work.
 */
export function checkSampling(alpha: number | undefined, seed?: number, what = 'seed'): void {
  checkAlpha(alpha);
  if (seed !== undefined) checkSeed(seed, what);
}

/**
 * A well-mixed 32-bit seed for item `index` of a run seeded with `seed` (any safe integer; its high
 * bits count, two's complement for negative seeds) by murmur3's finalizer, so results depend on
 * the seed and the item, not on which thread or batch encoded it.
 */
export function mixSeed(seed: number, index: number, sub = 0): number {
  const high = Math.floor(seed / 4294967296) >>> 0; // 0 for seeds in [0, 2^32): those mix as before
  return fmix32((seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(sub + 1, 0x85ebca77) ^ Math.imul(high, 0xcc9e2d51)) >>> 0);
}
