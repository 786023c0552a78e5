import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END as CALIBRATION_END, readCdnow, readLifetimesCsv } from '../../bench/cdnow';
import { conditionalExpectedPurchases, fitBgNbd } from '../../src-main/ml/bgnbd';
import { clvSummary } from '../../src-main/ml/clv-summary';
import {
  customerLifetimeValue,
  expectedAverageValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaToJSON,
  loadGammaGamma,
  MONTH_IN,
} from '../../src-main/ml/gamma-gamma';
import { CoreError } from '../../src-main/shared/errors';

/** lifetimes' rounded summary with zbar (ID, x, t_x, T, zbar): the input of its Quickstart CLV example. */
function lifetimesSummary() {
  const rows = readLifetimesCsv('cdnow_customers_summary_with_transactions.csv');
  const column = (k: number) => rows.map((row) => row[k] ?? 0);
  return { x: column(1), tx: column(2), T: column(3), zbar: column(4) };
}

const expectRelative = (actual: number, expected: number, tolerance: number) =>
  expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(tolerance);

const firstTen = <
  T extends { x: ArrayLike<number>; tx: ArrayLike<number>; T: ArrayLike<number>; zbar: ArrayLike<number> },
>(
  data: T,
) => ({
  x: Array.from(data.x).slice(0, 10),
  tx: Array.from(data.tx).slice(0, 10),
  T: Array.from(data.T).slice(0, 10),
  zbar: Array.from(data.zbar).slice(0, 10),
});

describe('fitGammaGamma on CDNOW_sample (946 repeat customers)', () => {
  const summary = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END });
  const fit = fitGammaGamma(summary);

  it('reaches the estimates of Fader & Hardie (2013) and CLVTools', () => {
    const { p, q, gamma } = fit.params;
    expectRelative(p, 6.25, 5e-3);
    expectRelative(q, 3.74, 5e-3);
    expectRelative(gamma, 15.44, 5e-3);
    expectRelative(p, 6.249553, 1e-4);
    expectRelative(q, 3.744229, 1e-4);
    expectRelative(gamma, 15.443591, 1e-4);
    expect(fit.logLikelihood).toBeCloseTo(-4055.9177, 2);
    expect(gammaGammaLogLikelihood(fit.params, summary)).toBeCloseTo(fit.logLikelihood, 8);
    expect(fit).toMatchObject({ name: 'Gamma-Gamma', customers: 946, converged: true, warnings: [] });
  });

  it('reports the frequency–value correlation of lifetimes’ Quickstart (0.1139)', () => {
    expect(fit.frequencyValueCorrelation).toBeCloseTo(0.113884, 4);
  });

  it('gives Hardie’s E[M | x, zbar] for customers 1..10, and the population mean to those without repeats', () => {
    const hardie = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const values = expectedAverageValue(fit.params, firstTen(summary));
    hardie.forEach((value, i) => expect(Math.abs((values[i] ?? 0) - value)).toBeLessThanOrEqual(0.005));
    const { p, q, gamma } = fit.params;
    expect(values[2]).toBeCloseTo((p * gamma) / (q - 1), 12);
  });

  it('reproduces lifetimes’ Quickstart 12-"month" CLV of customers 1..10 (30-unit periods, 1% discount)', () => {
    const quickstart = [
      140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574,
    ];
    // On lifetimes' own input (rounded summary, both models refitted) the figures come out to 7 digits.
    const rounded = lifetimesSummary();
    const onRounded = customerLifetimeValue(
      fitBgNbd(rounded).params,
      fitGammaGamma(rounded).params,
      firstTen(rounded),
      {
        periods: 12,
        periodLength: 30,
        discountRate: 0.01,
      },
    );
    quickstart.forEach((value, i) => expectRelative(onRounded[i] ?? 0, value, 1e-6));
    // From the transactions themselves they differ by the rounding of t_x, T and zbar only.
    const onExact = customerLifetimeValue(fitBgNbd(summary).params, fit.params, firstTen(summary), {
      periodLength: 30,
    });
    quickstart.forEach((value, i) => expectRelative(onExact[i] ?? 0, value, 1e-3));
  });

  it('adds up without discount to E[M] × E[X(year) | x, t_x, T], and discounts by 1.01 a month', () => {
    const bgnbd = fitBgNbd(summary).params;
    const ten = firstTen(summary);
    const monthly = { periods: 12, periodLength: MONTH_IN.week };
    const undiscounted = customerLifetimeValue(bgnbd, fit.params, ten, { ...monthly, discountRate: 0 });
    const purchases = conditionalExpectedPurchases(bgnbd, ten, 12 * MONTH_IN.week);
    const value = expectedAverageValue(fit.params, ten);
    undiscounted.forEach((clv, i) => expect(clv).toBeCloseTo((value[i] ?? 0) * (purchases[i] ?? 0), 10));
    const discounted = customerLifetimeValue(bgnbd, fit.params, ten, monthly);
    discounted.forEach((clv, i) => {
      expect(clv).toBeLessThan((undiscounted[i] ?? 0) / 1.01);
      expect(clv).toBeGreaterThan((undiscounted[i] ?? 0) / 1.01 ** 12);
    });
    expect(12 * 7 * MONTH_IN.week).toBeCloseTo(365.25, 10);
  });

  it('does not depend on the unit of the values: ×1,000,000 scales γ alone', () => {
    const scaled = fitGammaGamma({ x: summary.x, zbar: summary.zbar.map((z) => z * 1e6) });
    expectRelative(scaled.params.p, fit.params.p, 1e-4);
    expectRelative(scaled.params.q, fit.params.q, 1e-4);
    expectRelative(scaled.params.gamma, fit.params.gamma * 1e6, 1e-4);
    expect(scaled.warnings).toEqual([]);
  });
});

describe('fitGammaGamma on CDNOW_master', () => {
  it('reaches the reference estimates', () => {
    const fit = fitGammaGamma(clvSummary(readCdnow('CDNOW_master.txt'), { calibrationEnd: CALIBRATION_END }));
    expectRelative(fit.params.p, 6.275378, 1e-4);
    expectRelative(fit.params.q, 3.624445, 1e-4);
    expectRelative(fit.params.gamma, 14.983616, 1e-4);
    expect(fit.logLikelihood).toBeCloseTo(-40763.4763, 2);
  });
});

describe('Gamma-Gamma guardrails', () => {
  const rounded = lifetimesSummary();

  it('refuses data without repeat purchases, and leaves out repeat customers whose purchases are worth nothing', () => {
    const attempt = () => fitGammaGamma({ x: [0, 0], zbar: [0, 0] });
    expect(attempt).toThrow(CoreError);
    expect(attempt).toThrow(/No customer has a repeat purchase with a positive value/);
    const withFree = fitGammaGamma({ x: [...rounded.x, 3, 2], zbar: [...rounded.zbar, 0, -5] });
    expect(withFree.customers).toBe(946);
    expect(withFree.warnings).toEqual([{ code: 'NON_POSITIVE_VALUES_SKIPPED', params: { customers: 2 } }]);
    expect(() => fitGammaGamma({ x: [1, 2], zbar: [3] })).toThrow(/one value per customer/);
  });

  it('flags q ≤ 1 on very heavy-tailed spend, refuses a population mean then, and refits with q above 1', () => {
    const heavy = { x: rounded.x, zbar: rounded.zbar.map((z) => z ** 2.5) };
    const free = fitGammaGamma(heavy);
    expect(free.params.q).toBeLessThan(1);
    expect(free.warnings).toContainEqual({ code: 'MEAN_UNDEFINED', params: { q: free.params.q } });
    expect(() => expectedAverageValue(free.params, { x: [0], zbar: [0] })).toThrow(/refit it with q kept above 1/);
    expect(expectedAverageValue(free.params, { x: [3], zbar: [50] })[0]).toBeGreaterThan(0);
    const constrained = fitGammaGamma(heavy, { qAboveOne: true });
    expect(constrained.params.q).toBeGreaterThan(1);
    expect(constrained.logLikelihood).toBeLessThan(free.logLikelihood);
    expect(constrained.warnings.map((w) => w.code)).toContain('MEAN_UNDEFINED');
  });

  it('with q kept above 1 finds the same fit when the free fit already has it', () => {
    const free = fitGammaGamma(rounded);
    const constrained = fitGammaGamma(rounded, { qAboveOne: true });
    expectRelative(constrained.params.q, free.params.q, 1e-5);
    expectRelative(constrained.params.gamma, free.params.gamma, 1e-5);
  });

  it('still fits 10 customers but says the spread of spend cannot be determined', () => {
    const fit = fitGammaGamma(firstTen(rounded));
    expect(fit.customers).toBe(5);
    expect(fit.warnings).toContainEqual({
      code: 'TOO_FEW_REPEAT_CUSTOMERS',
      params: { repeatCustomers: 5, recommended: 50 },
    });
    expect(fit.warnings.map((w) => w.code)).toContain('EXTREME_PARAMETERS');
  });

  it('reports a search that ran out of iterations', () => {
    const fit = fitGammaGamma(rounded, { maxIterations: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.warnings).toContainEqual({ code: 'NOT_CONVERGED', params: { iterations: 1 } });
  });

  it('checks the CLV options', () => {
    const params = { bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, spend: { p: 6, q: 4, gamma: 15 } };
    const one = { x: [1], tx: [2], T: [3], zbar: [10] };
    const clv = (options: { periods?: number; periodLength: number; discountRate?: number }) => () =>
      customerLifetimeValue(params.bgnbd, params.spend, one, options);
    expect(clv({ periodLength: 0 })).toThrow(/longer than 0/);
    expect(clv({ periodLength: 4, periods: 0 })).toThrow(/whole number from 1/);
    expect(clv({ periodLength: 4, discountRate: -1 })).toThrow(/above −100%/);
  });
});

describe('Gamma-Gamma model JSON', () => {
  it('round-trips and refuses anything else', () => {
    const fit = fitGammaGamma(lifetimesSummary());
    const model = loadGammaGamma(JSON.parse(JSON.stringify(gammaGammaToJSON(fit))) as unknown);
    expect(model).toEqual({
      name: 'Gamma-Gamma',
      params: fit.params,
      logLikelihood: fit.logLikelihood,
      customers: 946,
    });
    expect(() => loadGammaGamma({ ...model, name: 'BG/NBD' })).toThrow(/not a saved Gamma-Gamma model/);
    expect(() => loadGammaGamma({ ...model, params: { p: 1, q: Number.NaN, gamma: 1 } })).toThrow(CoreError);
  });
});
