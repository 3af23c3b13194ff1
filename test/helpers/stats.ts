// Goodness-of-fit helpers for the sampling tests: exact distributions are compared with empirical
// ones by Pearson's chi-square test (small expected counts pooled) and total-variation distance.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    // Series for P(a, x).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * front);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return front * h;
}

/** P(X ≥ k) for X ~ Poisson(λ) = P(Gamma(k, 1) ≤ λ) = 1 − Q(k, λ) (k ≥ 1). */
export function poissonUpperTail(k: number, lambda: number): number {
  return k <= 0 ? 1 : 1 - gammaQ(k, lambda);
}

/** P(X ≤ k) for X ~ Poisson(λ). */
export function poissonLowerTail(k: number, lambda: number): number {
  return gammaQ(k + 1, lambda);
}

export interface FitResult {
  /** p-value of the test (chi-square with pooled bins, or an exact Poisson tail with one bin). */
  p: number;
  /** Total-variation distance between the empirical and the exact distribution. */
  tv: number;
  /** Number of bins after pooling. */
  bins: number;
  chi2: number;
}

/**
 * Compares observed counts (n draws in all) with exact probabilities. Categories are pooled,
 * smallest expected first, until every bin expects ≥ 5 draws. When everything but the most likely
 * category expects fewer than 5 draws, the count outside it is checked against its Poisson law.
 */
export function goodnessOfFit(probs: number[], counts: number[], n: number): FitResult {
  let tv = 0;
  for (let i = 0; i < probs.length; i++) tv += Math.abs(counts[i]! / n - probs[i]!);
  tv /= 2;
  const order = probs.map((_, i) => i).sort((a, b) => probs[a]! - probs[b]!);
  const bins: { e: number; o: number }[] = [];
  let cur = { e: 0, o: 0 };
  for (const i of order) {
    cur.e += probs[i]! * n;
    cur.o += counts[i]!;
    if (cur.e >= 5) {
      bins.push(cur);
      cur = { e: 0, o: 0 };
    }
  }
  if (cur.e > 0 || cur.o > 0) {
    if (bins.length > 0) {
      bins[bins.length - 1]!.e += cur.e;
      bins[bins.length - 1]!.o += cur.o;
    } else bins.push(cur);
  }
  if (bins.length < 2) {
    // One category carries (almost) everything: test the draws that fell elsewhere.
    const top = order[order.length - 1]!;
    const lambda = (1 - probs[top]!) * n;
    const k = n - counts[top]!;
    const p = lambda === 0 ? (k === 0 ? 1 : 0) : Math.min(1, 2 * Math.min(poissonUpperTail(k, lambda), poissonLowerTail(k, lambda)));
    return { p, tv, bins: 1, chi2: NaN };
  }
  let chi2 = 0;
  for (const { e, o } of bins) chi2 += ((o - e) * (o - e)) / e;
  return { p: gammaQ((bins.length - 1) / 2, chi2 / 2), tv, bins: bins.length, chi2 };
}

/**
 * Kolmogorov–Smirnov test of values against the uniform law on [0, 1]: the p-value of the largest
 * gap between their empirical CDF and the identity (asymptotic Kolmogorov distribution with
 * Stephens' small-sample correction).
 */
export function ksUniform(values: number[]): { d: number; p: number } {
  const xs = [...values].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  xs.forEach((x, i) => {
    d = Math.max(d, (i + 1) / n - x, x - i / n);
  });
  const t = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * t * t);
  return { d, p: Math.min(1, Math.max(0, p)) };
}
