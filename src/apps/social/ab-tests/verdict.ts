import { sampleSizePerVariant, testProportions } from './statistics.js';

/**
 * From each variant's figures to a verdict. The metric is a rate per impression (engagement =
 * reactions + comments + shares + clicks, or one of them), so each impression is a trial and
 * the variants are compared as proportions. A winner is declared only when the test rejects
 * "all variants perform the same" at the test's alpha:
 * - two variants: the two-proportion z-test, p < alpha;
 * - more: the chi-square test of independence, p < alpha, and then the best variant must also
 *   beat the runner-up in a two-proportion z-test at alpha / (k − 1) (Bonferroni), since a
 *   significant chi-square only says that *some* rates differ.
 * Otherwise the verdict says what is missing: data enough for the approximation, or (with
 * the current rates) about how many impressions per variant would settle it at 80% power.
 */
export interface VariantFigures {
  id: string;
  label: string;
  successes: number;
  impressions: number;
}

export interface Verdict {
  winner: { id: string; label: string } | null;
  test: string;
  /** The p-value compared with alpha (for >2 variants: the chi-square's). */
  p_value: number | null;
  statistic: number | null;
  alpha: number;
  /** Best vs runner-up, for more than two variants. */
  pairwise: { p_value: number; threshold: number } | null;
  significant: boolean;
  message: string;
}

export const METHOD_TWO = 'two-proportion z-test';
export const METHOD_MANY = 'chi-square + z-test best vs runner-up (Bonferroni)';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(2) : p.toFixed(4));

export function judge(variants: VariantFigures[], alpha: number): Verdict {
  const method = variants.length === 2 ? METHOD_TWO : METHOD_MANY;
  const none = (message: string, extra: Partial<Verdict> = {}): Verdict => ({ winner: null, test: method, p_value: null, statistic: null, alpha, pairwise: null, significant: false, message: `No winner yet: ${message}`, ...extra });
  const noImpressions = variants.filter((v) => v.impressions === 0).map((v) => v.label);
  if (noImpressions.length) return none(`no impressions reported yet for ${noImpressions.join(', ')} (publish the variants and wait for the metrics job; Bluesky, Mastodon and LinkedIn member posts report no impressions)`);
  const overflow = variants.find((v) => v.successes > v.impressions);
  if (overflow) return none(`variant ${overflow.label} has more counted actions (${overflow.successes}) than impressions (${overflow.impressions}), so its rate is not a proportion; choose a single action as the metric`);
  const result = testProportions(variants.map((v) => ({ successes: v.successes, trials: v.impressions })));
  if (!result.ok) return none(result.needed);
  const ranked = [...variants].sort((a, b) => b.successes / b.impressions - a.successes / a.impressions);
  const [best, second] = ranked;
  const rates = ranked.map((v) => `${v.label} ${pct(v.successes / v.impressions)}`).join(', ');
  const base = { p_value: result.pValue, statistic: result.statistic };
  const needMore = () => {
    const n = sampleSizePerVariant(best.successes / best.impressions, second.successes / second.impressions, variants.length === 2 ? alpha : alpha / (variants.length - 1));
    const have = Math.min(...variants.map((v) => v.impressions));
    return Number.isFinite(n) ? `at the current rates about ${n.toLocaleString('en')} impressions per variant would settle it (80% power); the smallest variant has ${have.toLocaleString('en')}` : 'the rates are identical so far';
  };
  if (result.pValue >= alpha) {
    return none(`${result.test}: p = ${fmtP(result.pValue)} is not below α = ${alpha} (${rates}); ${needMore()}`, base);
  }
  if (variants.length === 2) {
    return { winner: { id: best.id, label: best.label }, test: method, ...base, alpha, pairwise: null, significant: true, message: `${best.label} wins: ${rates}; ${result.test} p = ${fmtP(result.pValue)} < α = ${alpha}` };
  }
  const pair = testProportions([{ successes: best.successes, trials: best.impressions }, { successes: second.successes, trials: second.impressions }]);
  const threshold = alpha / (variants.length - 1);
  if (!pair.ok) return none(`the variants differ (chi-square p = ${fmtP(result.pValue)}), but ${best.label} against ${second.label} needs ${pair.needed}`, base);
  const pairwise = { p_value: pair.pValue, threshold };
  if (pair.pValue >= threshold) {
    return none(`the variants differ (chi-square p = ${fmtP(result.pValue)} < α = ${alpha}), but ${best.label} does not yet beat ${second.label} (z-test p = ${fmtP(pair.pValue)}, needs < ${fmtP(threshold)}); ${needMore()}`, { ...base, pairwise });
  }
  return { winner: { id: best.id, label: best.label }, test: method, ...base, alpha, pairwise, significant: true, message: `${best.label} wins: ${rates}; chi-square p = ${fmtP(result.pValue)} < α = ${alpha}, and against ${second.label} z-test p = ${fmtP(pair.pValue)} < ${fmtP(threshold)}` };
}
