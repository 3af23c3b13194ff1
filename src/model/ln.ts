// Correctly rounded natural logarithm for float64.
//
// Fast path: x = 2^k · m, m ∈ [√½, √2), m = c·(1+s)/(1−s) with c = j/1024 the nearest table point, so
//   ln x = k·ln2 + ln c + 2·atanh(s),   |s| ≤ 2^-11.5,
// all in double-double arithmetic (relative error < 2^-97, bounded conservatively by 2^-90 below).
// If that interval does not pin down a single float64 (about 2^-36 of random inputs; a few per mille of
// x within 2^-41 of 1, where ln x ≈ (x−1) − (x−1)²/2 can lie next to a midpoint), a BigInt fixed-point
// evaluation with growing precision decides (Ziv's strategy).

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
const HI = U32[1] === 0x3ff00000 ? 1 : 0; // index of the high (sign/exponent) word: 1 on little-endian

const SPLIT = 134217729; // 2^27 + 1: Veltkamp splitting constant (JS has no fma)
const TWO_53 = 9007199254740992;
const TWO_54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308; // 2^-1022
const SQRT2 = Math.SQRT2;
const J_MIN = 724; // Math.round(m·1024) for m ∈ [√½, √2) lies in [724, 1448]
const ERR = 2 ** -90; // bound on the fast path's relative error (analysis: < 2^-97; observed ≤ 2^-100)

// ln(j/1024) for j ∈ [724, 1448] as double-doubles (hi, lo interleaved), and ln 2; filled on first use.
let lnC = new Float64Array(0);
let ln2Hi = 0;
let ln2Lo = 0;

// ---- double-double primitives (Dekker / Knuth); each leaves its result in R[0] + R[1] ----
// (a typed array rather than module-level `let`s: V8 would box every store to those)
const R = new Float64Array(2);

/** a + b = R[0] + R[1] exactly. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  R[1] = a - (s - bb) + (b - bb);
  R[0] = s;
}

/** a + b = R[0] + R[1] exactly, provided |a| ≥ |b| (or a = 0). */
function fastTwoSum(a: number, b: number): void {
  const s = a + b;
  R[1] = b - (s - a);
  R[0] = s;
}

/** a · b = R[0] + R[1] exactly (Dekker product on Veltkamp halves). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[1] = ah * bh - p + ah * bl + al * bh + al * bl;
  R[0] = p;
}

/** (ah + al) + (bh + bl) ≈ R[0] + R[1]; fine here because no operand pair cancels by more than ~2x. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  fastTwoSum(R[0]!, R[1]! + al + bl);
}

/** (ah + al) · (bh + bl) ≈ R[0] + R[1]. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  fastTwoSum(R[0]!, R[1]! + (ah * bl + al * bh));
}

/** 2^e for an integer e ∈ [-1022, 1023], built from the bits so it is exact. */
function pow2(e: number): number {
  U32[HI] = (e + 1023) << 20;
  U32[1 - HI] = 0;
  return F64[0]!;
}

/**
 * Natural log of a positive finite double, correctly rounded (round-half-even to the nearest float64).
 *
 * Unlike `Math.log`, which is allowed to be (and, in V8, sometimes is) one ulp off, the result is the
 * float64 nearest to the exact ln(x). `lnCorrectlyRounded(1) === 0`.
 *
 * @param x - a positive finite number (subnormals included)
 * @returns ln(x) rounded to nearest float64
 * @throws RangeError if x is not a positive finite number (≤ 0, NaN or ±Infinity)
 */
export function lnCorrectlyRounded(x: number): number {
  if (!(x > 0 && x < Infinity)) throw new RangeError(`lnCorrectlyRounded: expected a positive finite number, got ${x}`);
  if (x === 1) return 0;
  if (lnC.length === 0) initTables();

  // x = 2^k · m with m ∈ [√½, √2): k = 0 around x = 1, so nothing cancels there.
  let k = 0;
  if (x < MIN_NORMAL) {
    x *= TWO_54; // subnormal → normal, exact
    k = -54;
  }
  F64[0] = x;
  const hw = U32[HI]!;
  k += (hw >>> 20) - 1023;
  U32[HI] = (hw & 0xfffff) | 0x3ff00000;
  let m = F64[0]!;
  if (m > SQRT2) {
    m *= 0.5;
    k++;
  }

  // m = c·(1+s)/(1−s) with s = (m − c)/(m + c), c = j/1024.
  const j = Math.round(m * 1024);
  const c = j / 1024;
  const d = m - c; // exact: both are multiples of 2^-53 and |d| ≤ 2^-11
  twoSum(m, c);
  const ah = R[0]!;
  const al = R[1]!; // m + c exactly
  // s = sh + sl: quotient plus one correction from the remainder d − sh·(ah + al), taken exactly.
  const sh = d / ah;
  twoProd(sh, ah);
  const sl = (d - R[0]! - R[1]! - sh * al) / ah; // d − R[0] is exact (Sterbenz)

  // 2·atanh(s) = 2s·(1 + W), W = u/3 + u²/5 + u³/7 + u⁴/9 + … with u = s² ≤ 2^-23 (truncation < 2^-118).
  twoProd(sh, sh);
  const uh = R[0]!;
  const ul = R[1]! + 2 * sh * sl;
  // u/3 as a double-double: 3w is formed exactly as w + 2w, so the remainder is exact.
  const w = uh / 3;
  twoSum(w, 2 * w);
  const wl = (uh - R[0]! - R[1]! + ul) / 3;
  const tail = uh * uh * (1 / 5 + uh * (1 / 7 + uh / 9)); // ≤ 2^-48: double precision is plenty
  fastTwoSum(1, w);
  ddMul(2 * sh, 2 * sl, R[0]!, R[1]! + (wl + tail));
  const lh = R[0]!;
  const ll = R[1]!;

  // ln x = k·ln2 + ln c + 2·atanh(s); k·ln2Hi is exact via twoProd, k·ln2Lo adds < 2^-106 relative.
  twoProd(k, ln2Hi);
  const t = 2 * (j - J_MIN);
  ddAdd(R[0]!, R[1]! + k * ln2Lo, lnC[t]!, lnC[t + 1]!);
  ddAdd(R[0]!, R[1]!, lh, ll);

  // Ziv's rounding test: if both ends of the error interval round to the same float64, so does ln x
  // (rounding is monotonic). e dwarfs the rounding error of R[1] ± e, so the test itself is sound.
  const hi = R[0]!;
  const lo = R[1]!;
  const e = ERR * Math.abs(hi);
  const r = hi + (lo - e);
  if (r === hi + (lo + e)) return r;
  return lnSlow(m, k);
}

// ---- exact fallback and table construction: BigInt fixed point ----

/** atanh(num/den)·2^f for |num/den| ≤ 1/3; each term is truncated once, so the error is < 3 units per term. */
function atanhFixed(num: bigint, den: bigint, f: bigint): bigint {
  const n2 = num * num;
  const d2 = den * den;
  let term = (num << f) / den;
  let sum = 0n;
  for (let i = 1n; term !== 0n; i += 2n) {
    sum += term / i;
    term = (term * n2) / d2;
  }
  return sum;
}

/** The float64 nearest to v·2^-f (v ≠ 0, |v·2^-f| ∈ [2^-60, 2^10]), ties to even. */
function fixedToDouble(v: bigint, f: number): number {
  // Number(bigint) rounds to nearest-even; first cut v to 64 bits, folding the rest into a sticky
  // bit, so that scaling by 2^(shift − f) stays in range and exact.
  const a = v < 0n ? -v : v;
  const shift = Math.max(0, a.toString(2).length - 64);
  let t = a >> BigInt(shift);
  if (t << BigInt(shift) !== a) t |= 1n;
  const r = Number(t) * pow2(shift - f);
  return v < 0n ? -r : r;
}

/** ln(m·2^k), m ∈ [√½, √2), by 2·atanh((m−1)/(m+1)) + k·ln2 in fixed point, doubling precision until decided. */
function lnSlow(m: number, k: number): number {
  const mi = BigInt(m * TWO_53); // an integer, as m ≥ ½
  const one = 1n << 53n;
  for (let f = 256; ; f *= 2) {
    const fb = BigInt(f);
    const v = 2n * (atanhFixed(mi - one, mi + one, fb) + BigInt(k) * atanhFixed(1n, 3n, fb));
    const err = fb << 16n; // > 30× the truncation error (< 2f units per ln 2, times |k| ≤ 1074)
    const lo = fixedToDouble(v - err, f);
    if (lo === fixedToDouble(v + err, f)) return lo;
  }
}

/** Fills ln(j/1024), chained by ln((j±1)/j) = ±2·atanh(1/(2j±1)), and ln 2: 192-bit fixed point rounded to double-double. */
function initTables(): void {
  const f = 192n;
  const scale = pow2(-192);
  const toDD = (v: bigint): void => {
    const h = Number(v); // |v| ≥ 2^181 or v = 0, so h is an integer and v − h is exact
    R[0] = h * scale;
    R[1] = Number(v - BigInt(h)) * scale;
  };
  const table = new Float64Array(2 * (1449 - J_MIN));
  const store = (v: bigint, j: number): void => {
    toDD(v);
    table.set(R, 2 * (j - J_MIN));
  };
  let v = 0n; // ln(1024/1024)
  store(v, 1024);
  for (let j = 1024; j < 1448; j++) store((v += 2n * atanhFixed(1n, BigInt(2 * j + 1), f)), j + 1);
  v = 0n;
  for (let j = 1024; j > J_MIN; j--) store((v -= 2n * atanhFixed(1n, BigInt(2 * j - 1), f)), j - 1);
  toDD(2n * atanhFixed(1n, 3n, f));
  ln2Hi = R[0]!;
  ln2Lo = R[1]!;
  lnC = table;
}
