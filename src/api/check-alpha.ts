// options.alpha, checked alike by every entry point (Tokenizer, streams, pool, batch).

/** The largest alpha accepted: far beyond where samples stop changing, and safe from overflow. */
const MAX_ALPHA = 1e290;

/**
 * options.alpha → the engines' alpha (−1: deterministic), or the error every entry point gives: a
 * TypeError for a value that is not a number, a RangeError for a number out of range (NaN too).
 */
export function checkAlpha(alpha: unknown): number {
  if (alpha === undefined) return -1;
  if (typeof alpha !== 'number') throw new TypeError(`options.alpha must be a number, got ${typeof alpha === 'string' ? JSON.stringify(alpha) : typeof alpha}`);
  if (Number.isNaN(alpha)) throw new RangeError('options.alpha is NaN: use a number >= 0 to sample, or a negative one (or none) for the best segmentation');
  if (!Number.isFinite(alpha))
    throw new RangeError(`options.alpha must be finite, got ${alpha}: use a negative alpha (or none) for the best segmentation, a finite alpha >= 0 to sample`);
  if (alpha > MAX_ALPHA) throw new RangeError(`options.alpha must be at most ${MAX_ALPHA}, got ${alpha}`);
  return alpha < 0 ? -1 : alpha;
}
