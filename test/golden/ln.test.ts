import { describe, it, expect } from 'vitest';
import Decimal from 'decimal.js';
import { unzipSync, strFromU8 } from 'fflate';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lnCorrectlyRounded } from '../../src/model/ln.js';

const MODELS_DIR = fileURLToPath(new URL('../../../shared/models', import.meta.url));

// ---- independent reference: decimal.js ln, compared exactly against float64 rounding boundaries ----

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (d: number): bigint => (view.setFloat64(0, d), view.getBigUint64(0));
const fromBits = (b: bigint): number => (view.setBigUint64(0, b), view.getFloat64(0));
/** Neighbouring doubles of a finite non-zero d, by stepping its bit pattern. */
const nextUp = (d: number): number => fromBits(d > 0 ? bitsOf(d) + 1n : bitsOf(d) - 1n);
const nextDown = (d: number): number => fromBits(d > 0 ? bitsOf(d) - 1n : bitsOf(d) + 1n);

/** d = n · 2^e exactly, from the bits. */
function dyadic(d: number): [bigint, number] {
  const b = bitsOf(d);
  const biased = Number((b >> 52n) & 0x7ffn);
  const mant = (b & 0xfffffffffffffn) | (biased ? 1n << 52n : 0n);
  return [b >> 63n ? -mant : mant, Math.max(biased, 1) - 1075];
}

const powersOf5: bigint[] = [1n];
/** n · 2^e as an exact Decimal (n·2^e = n·5^-e · 10^e); constructors never round, only operations do. */
function exactDecimal(n: bigint, e: number): Decimal {
  if (e >= 0) return new Decimal((n << BigInt(e)).toString());
  while (powersOf5.length <= -e) powersOf5.push(powersOf5[powersOf5.length - 1]! * 5n);
  return new Decimal(`${n * powersOf5[-e]!}e${e}`);
}

/** The exact midpoint of two finite doubles. */
function midpoint(a: number, b: number): Decimal {
  const [na, ea] = dyadic(a);
  const [nb, eb] = dyadic(b);
  const e = Math.min(ea, eb);
  return exactDecimal((na << BigInt(ea - e)) + (nb << BigInt(eb - e)), e - 1);
}

const DecimalAt = new Map<number, typeof Decimal>();
function decimalAt(digits: number): typeof Decimal {
  let D = DecimalAt.get(digits);
  if (!D) DecimalAt.set(digits, (D = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_HALF_EVEN })));
  return D;
}

/**
 * Whether `got` is ln(x) correctly rounded to float64: the exact ln x must lie strictly between the
 * midpoints from `got` to its two neighbours. (Ties cannot occur: for a double x ≠ 1, ln x is
 * transcendental by Lindemann–Weierstrass, hence never a dyadic midpoint.) decimal.js gives ln x to
 * `digits` significant digits (correctly rounded, at worst 1 unit off); 10 units of slack cover that
 * and the rounding of L ± slack. Undecided at one precision → retry at a higher one.
 */
function isCorrectlyRounded(x: number, got: number): boolean {
  const lo = midpoint(nextDown(got), got);
  const hi = midpoint(got, nextUp(got));
  const [n, e] = dyadic(x);
  for (const digits of [30, 60, 200]) {
    const D = decimalAt(digits);
    const L = D.ln(new D(exactDecimal(n, e)));
    const slack = new D(`1e${L.e - digits + 2}`);
    const lower = L.minus(slack);
    const upper = L.plus(slack);
    if (lower.gt(lo) && upper.lt(hi)) return true;
    if (upper.lt(lo) || lower.gt(hi)) return false;
  }
  throw new Error(`ln(${x}): cannot decide the rounding even with 200 digits`);
}

/**
 * Checks every x; returns the inputs where lnCorrectlyRounded is wrong, and how often Math.log is wrong
 * (where it differs, the checker must also reject Math.log's value, or the checker itself is broken).
 */
function checkAll(xs: Iterable<number>): { wrong: number[]; checked: number; mathLogWrong: number } {
  const wrong: number[] = [];
  let checked = 0;
  let mathLogWrong = 0;
  for (const x of xs) {
    const got = lnCorrectlyRounded(x);
    checked++;
    if (x === 1 ? !Object.is(got, 0) : !isCorrectlyRounded(x, got)) wrong.push(x);
    else if (Math.log(x) !== got) {
      if (isCorrectlyRounded(x, Math.log(x)))
        wrong.push(x); // both accepted: impossible
      else mathLogWrong++;
    }
  }
  return { wrong, checked, mathLogWrong };
}

/** Small seeded PRNG (mulberry32), so the random cases are reproducible. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- 1. every distinct count (and total) of every shared model ----

const haveShared = existsSync(MODELS_DIR);
if (!haveShared) console.warn(`../shared not found: skipping the shared-model ln checks (looked for ${MODELS_DIR})`);

describe.skipIf(!haveShared)('lnCorrectlyRounded on shared model counts', () => {
  it('is correctly rounded for every distinct piece count and every model total', () => {
    const zips = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBeGreaterThan(0);
    const values = new Set<number>();
    const invalid: string[] = [];
    for (const zip of zips) {
      const files = unzipSync(readFileSync(`${MODELS_DIR}/${zip}`));
      const names = Object.keys(files).filter((f) => f.endsWith('.model'));
      expect(names, zip).toHaveLength(1);
      const model = JSON.parse(strFromU8(files[names[0]!]!)) as Record<string, [number, string, number]>;
      let total = 0;
      for (const [, , count] of Object.values(model)) {
        if (!(Number.isSafeInteger(count) && count > 0)) invalid.push(`${zip}: count ${count}`);
        values.add(count);
        total += count;
      }
      if (!Number.isSafeInteger(total)) invalid.push(`${zip}: total ${total} may be inexact`);
      values.add(total);
    }
    expect(invalid).toEqual([]);

    const t0 = performance.now();
    const { wrong, checked, mathLogWrong } = checkAll(values);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `ln: checked ${checked} distinct counts/totals from ${zips.length} models against decimal.js in ${seconds} s; ` +
        `Math.log is off for ${mathLogWrong} of them`,
    );
    expect(wrong).toEqual([]);
    expect(mathLogWrong).toBeGreaterThan(0); // the check can tell a 1-ulp error from a correct result
  }, 300_000);
});

// ---- 2. edge values ----

describe('lnCorrectlyRounded edge values', () => {
  it('returns exactly 0 for 1', () => {
    expect(Object.is(lnCorrectlyRounded(1), 0)).toBe(true);
  });

  it('is correctly rounded for special values', () => {
    const xs = [2, 3, 10, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e12, 1e-300, 1e300];
    xs.push(Number.MIN_VALUE, 2 * Number.MIN_VALUE, 2 ** -1022 - Number.MIN_VALUE, 2 ** -1022, Number.MAX_VALUE);
    xs.push(Math.SQRT2, nextUp(Math.SQRT2), nextDown(Math.SQRT2), Math.SQRT1_2, Math.E, nextUp(Math.E));
    for (let i = 1; i <= 60; i++) xs.push(2 ** i, 2 ** -i);
    xs.push(2 ** 1023, 2 ** -1074);
    // Within a few ulps of 1, ln x ≈ (x−1) − (x−1)²/2 sits next to a rounding boundary: some of these
    // need the slow exact path.
    for (let n = 1; n <= 64; n++) xs.push(1 + n * 2 ** -52, 1 - n * 2 ** -53);
    const { wrong } = checkAll(xs);
    expect(wrong).toEqual([]);
  });

  it('is correctly rounded for seeded random doubles', () => {
    const rand = mulberry32(20240601);
    const xs: number[] = [];
    for (let i = 0; i < 2000; i++) {
      // any positive finite bit pattern, subnormals included
      let x: number;
      do x = fromBits((BigInt(Math.floor(rand() * 0x7ff00000)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
      while (!(x > 0) || x === Infinity);
      xs.push(x);
    }
    for (let i = 0; i < 1000; i++) xs.push(1 + Math.floor(rand() * 1e12)); // count-like integers
    for (let i = 0; i < 1000; i++) xs.push(0.7 + rand() * 0.72); // the reduced range [√½, √2)
    for (let i = 0; i < 500; i++) xs.push(1 + (rand() - 0.5) * 2 ** (-60 * rand())); // near 1
    const { wrong } = checkAll(xs);
    expect(wrong).toEqual([]);
  }, 60_000);

  it('throws RangeError for inputs that are not positive finite numbers', () => {
    for (const x of [0, -0, -1, -Number.MIN_VALUE, -Infinity, Infinity, NaN]) {
      expect(() => lnCorrectlyRounded(x), String(x)).toThrow(RangeError);
    }
  });
});
