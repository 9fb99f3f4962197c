import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../src/apps/social/ab-tests/verdict.js';
import { chiSquareSf, normalQuantile, normalSf, sampleSizePerVariant, testProportions } from '../../../src/apps/social/ab-tests/statistics.js';

/** Reference values from SciPy 1.17 (stats.norm, stats.chi2, stats.chi2_contingency(correction=False)). */
const close = (actual: number, expected: number, rel = 1e-5) => assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-12, `${actual} ≉ ${expected}`);

describe('A/B test statistics', () => {
  it('normal tail and quantile match SciPy', () => {
    close(normalSf(1.96), 0.024997895148220435);
    close(normalSf(3.5), 0.00023262907903552502, 1e-4);
    close(normalQuantile(0.975), 1.959963984540054, 1e-8);
    close(normalQuantile(0.8), 0.8416212335729143, 1e-8);
    close(normalQuantile(0.001), -3.090232306167813, 1e-8);
  });

  it('chi-square tail matches SciPy', () => {
    close(chiSquareSf(5.991464547, 2), 0.05);
    close(chiSquareSf(11.0705, 5), 0.0499999554280436);
    close(chiSquareSf(0.5, 3), 0.9188914116546758);
    assert.equal(chiSquareSf(0, 4), 1);
  });

  it('two variants: two-proportion z-test (200/1000 vs 250/1000 → z = −2.6774, p = 0.00742)', () => {
    const r = testProportions([{ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 }]);
    assert.ok(r.ok);
    assert.equal(r.test, 'two-proportion z-test');
    close(r.statistic, -2.677397763008329);
    close(r.pValue, 0.007419649261025687);
  });

  it('three variants: chi-square test of independence', () => {
    const r = testProportions([{ successes: 30, trials: 1000 }, { successes: 45, trials: 1000 }, { successes: 60, trials: 1000 }]);
    assert.ok(r.ok);
    assert.equal(r.test, 'chi-square test of independence');
    assert.equal(r.degreesOfFreedom, 2);
    close(r.statistic, 10.471204188481675);
    close(r.pValue, 0.005323618198816455);
    const flat = testProportions([{ successes: 50, trials: 1000 }, { successes: 52, trials: 1000 }, { successes: 49, trials: 1000 }]);
    assert.ok(flat.ok);
    close(flat.pValue, 0.9523576629689436);
  });

  it('refuses to answer on too little data, and says what is needed', () => {
    const r = testProportions([{ successes: 1, trials: 20 }, { successes: 3, trials: 20 }]);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.needed : '', /at least 5 expected successes and failures/);
    assert.equal(testProportions([{ successes: 0, trials: 0 }, { successes: 0, trials: 0 }]).ok, false);
    assert.equal(testProportions([{ successes: 5, trials: 3 }, { successes: 1, trials: 10 }]).ok, false);
    assert.equal(testProportions([{ successes: 5, trials: 30 }]).ok, false);
  });

  it('sample size per variant for 80% power', () => {
    assert.equal(sampleSizePerVariant(0.03, 0.045, 0.05), 2515);
    assert.equal(sampleSizePerVariant(0.05, 0.06, 0.05), 8155);
    assert.equal(sampleSizePerVariant(0.05, 0.05, 0.05), Infinity);
  });

  it('verdict with three variants: chi-square, then the best must beat the runner-up at alpha/(k-1)', () => {
    const v = (label: string, successes: number) => ({ id: label, label, successes, impressions: 1000 });
    // The variants differ (chi-square p = 0.0053), but C (6%) vs B (4.5%) has p = 0.133 > 0.025: no winner.
    const unsure = judge([v('A', 30), v('B', 45), v('C', 60)], 0.05);
    assert.equal(unsure.winner, null);
    close(unsure.p_value!, 0.005323618198816455);
    close(unsure.pairwise!.p_value, 0.1326177819292726);
    assert.equal(unsure.pairwise!.threshold, 0.025);
    assert.match(unsure.message, /^No winner yet: the variants differ .* C does not yet beat B/);
    // C at 9% beats B at 4.5% (p = 6.05e-5 < 0.025): C wins.
    const clear = judge([v('A', 30), v('B', 45), v('C', 90)], 0.05);
    assert.deepEqual(clear.winner, { id: 'C', label: 'C' });
    close(clear.p_value!, 7.1295425788387295e-9, 1e-4);
    close(clear.pairwise!.p_value, 6.0536551367119995e-5, 1e-4);
    assert.equal(clear.significant, true);
    // A stricter alpha is respected: 200 vs 250 of 1,000 (p = 0.0074) is no winner at alpha 0.005.
    assert.equal(judge([v('A', 200), v('B', 250)], 0.005).winner, null);
    assert.equal(judge([v('A', 200), v('B', 250)], 0.01).winner?.label, 'B');
    // More actions than impressions is not a proportion.
    assert.match(judge([v('A', 1200), v('B', 250)], 0.05).message, /not a proportion/);
  });
});
