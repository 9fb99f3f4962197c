/**
 * The significance tests an A/B test's winner must pass, written out so that the numbers a
 * user sees can be checked by hand (test/apps/social/ab-statistics.test.ts compares them with
 * SciPy's). Each variant is a proportion: `successes` (engagements, clicks…) out of `trials`
 * (impressions). Two variants: the two-sided two-proportion z-test with a pooled proportion.
 * More: Pearson's chi-square test of independence on the k × 2 table (k − 1 degrees of freedom).
 * Both are large-sample approximations, so each refuses to answer until every expected cell
 * count is at least MIN_EXPECTED (the usual rule of thumb), and says so.
 */
export interface Proportion {
  successes: number;
  trials: number;
}

export type SignificanceResult =
  | { ok: true; test: 'two-proportion z-test' | 'chi-square test of independence'; statistic: number; degreesOfFreedom?: number; pValue: number }
  | { ok: false; test: 'two-proportion z-test' | 'chi-square test of independence'; needed: string };

export const MIN_EXPECTED = 5;

export function testProportions(groups: Proportion[]): SignificanceResult {
  const test = groups.length === 2 ? ('two-proportion z-test' as const) : ('chi-square test of independence' as const);
  if (groups.length < 2) return { ok: false, test, needed: 'at least two variants' };
  const bad = groups.findIndex((g) => !(Number.isInteger(g.successes) && Number.isInteger(g.trials) && g.successes >= 0 && g.trials >= g.successes));
  if (bad >= 0) return { ok: false, test, needed: `variant ${bad + 1}: successes must be whole numbers between 0 and its impressions` };
  const trials = groups.reduce((s, g) => s + g.trials, 0);
  const successes = groups.reduce((s, g) => s + g.successes, 0);
  const pooled = trials > 0 ? successes / trials : 0;
  // Expected counts of the smallest variant decide whether the approximation holds.
  const smallest = Math.min(...groups.map((g) => g.trials));
  const expected = Math.min(smallest * pooled, smallest * (1 - pooled));
  if (trials === 0 || expected < MIN_EXPECTED) {
    return { ok: false, test, needed: `at least ${MIN_EXPECTED} expected successes and failures in every variant (the smallest variant has ${smallest} impressions at a pooled rate of ${(pooled * 100).toFixed(2)}%)` };
  }
  if (groups.length === 2) {
    const [a, b] = groups;
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
    const z = (a.successes / a.trials - b.successes / b.trials) / se;
    return { ok: true, test, statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
  }
  let chi2 = 0;
  for (const g of groups) {
    const e1 = g.trials * pooled;
    const e0 = g.trials * (1 - pooled);
    chi2 += (g.successes - e1) ** 2 / e1 + (g.trials - g.successes - e0) ** 2 / e0;
  }
  const df = groups.length - 1;
  return { ok: true, test, statistic: chi2, degreesOfFreedom: df, pValue: chiSquareSf(chi2, df) };
}

/**
 * Impressions per variant a two-variant test needs to detect the difference between rates p1
 * and p2 at significance alpha (two-sided) with the given power: the normal-approximation
 * formula n = (z₁₋α/₂ + z_power)² (p1(1−p1) + p2(1−p2)) / (p1 − p2)². Infinity when equal.
 */
export function sampleSizePerVariant(p1: number, p2: number, alpha: number, power = 0.8): number {
  if (p1 === p2) return Infinity;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((z * z * (p1 * (1 - p1) + p2 * (1 - p2))) / (p1 - p2) ** 2);
}

/** P(Z > z) for the standard normal, through erfc (relative error below 1.2e-7). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error < 1.2e-7 everywhere. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(X > x) for chi-square with k degrees of freedom: the regularized upper incomplete gamma Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammaQ(k / 2, x / 2);
}

function gammaQ(a: number, x: number): number {
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaContinuedFraction(a, x);
}

// Series for P(a, x), good for x < a + 1 (Numerical Recipes gser).
function gammaSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  for (let n = 1; n < 500; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

// Lentz's continued fraction for Q(a, x), good for x ≥ a + 1 (Numerical Recipes gcf).
function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
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

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for positive arguments.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The standard normal's quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
