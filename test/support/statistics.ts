// Pearson's chi-square goodness-of-fit test against a uniform distribution. The tail
// probability is the regularized upper incomplete gamma function Q(df / 2, x / 2), computed
// with its power series below a + 1 and with Lentz's continued fraction above. A test in
// test/core/token-format.test.ts compares the results with scipy.

/** Computes Pearson's chi-square statistic of `counts` against equal expected counts. */
export function chiSquareStatistic(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

/** Returns P(X >= x) for a chi-square variable X with `df` degrees of freedom. */
export function chiSquareUpperTail(x: number, df: number): number {
  return regularizedUpperGamma(df / 2, x / 2);
}

/** Returns the statistic that a chi-square variable with `df` degrees of freedom exceeds with probability `p`. */
export function chiSquareCriticalValue(p: number, df: number): number {
  let low = 0;
  let high = df + 100 * Math.sqrt(2 * df);
  // The tail probability falls as x grows, so bisection converges on the single crossing.
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (chiSquareUpperTail(middle, df) > p) low = middle;
    else high = middle;
  }
  return high;
}

function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - lowerGammaSeries(a, x);
  return upperGammaContinuedFraction(a, x);
}

function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

// Modified Lentz's method for the continued fraction of Q(a, x).
function upperGammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

// Lanczos approximation of ln Γ(z) with the common coefficient set for g = 7, n = 9.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (shifted + i);
  const t = shifted + LANCZOS.length - 1.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
