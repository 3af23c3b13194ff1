// Viterbi sampling (SPEC §4: `alpha`, seeds) is a Tokenizer feature. The batch, pool, stream and CLI
// layers only pass it through; they check that the Tokenizer in hand implements it, so a request for
// sampling is never silently answered with the deterministic segmentation.

import type { EncodeOptions } from './tokenizer.js';

/** Encode options plus `alpha` (SPEC §4), for the layers that pass options through to `encode`. */
export type SamplingEncodeOptions = EncodeOptions & {
  /** Viterbi sampling: `alpha >= 0` draws a segmentation (SPEC §4); absent or `< 0`: deterministic. */
  alpha?: number;
};

interface Seedable {
  setSeed(seed: number): void;
}

/** Whether this build's Tokenizer implements sampling (it exposes `setSeed`). */
export function supportsSampling(tokenizer: object): tokenizer is Seedable {
  return typeof (tokenizer as Partial<Seedable>).setSeed === 'function';
}

/** Throws a clear error when `alpha` or a seed is asked of a Tokenizer that cannot sample. */
export function checkSampling(tokenizer: object, alpha: number | undefined, seed?: number): void {
  if (alpha !== undefined && (typeof alpha !== 'number' || Number.isNaN(alpha))) {
    throw new TypeError(`alpha must be a number, got ${String(alpha)}`);
  }
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) {
    throw new TypeError(`seed must be an integer in [0, 2^32), got ${String(seed)}`);
  }
  if ((alpha !== undefined || seed !== undefined) && !supportsSampling(tokenizer)) {
    throw new Error('sampling (alpha / seed) is not supported by this build of bytepiece-wasm yet');
  }
}

/**
 * A well-mixed 32-bit seed for item `index` of a run seeded with `seed` (murmur3's finalizer), so
 * results depend on the seed and the item, not on which thread or batch encoded it.
 */
export function mixSeed(seed: number, index: number, sub = 0): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(sub + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
