import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END as CALIBRATION_END, readCdnow, readLifetimesCsv } from '../../bench/cdnow';
import {
  bgNbdLogLikelihood,
  bgNbdToJSON,
  conditionalExpectedPurchases,
  expectedCumulativeRepeats,
  expectedPurchases,
  fitBgNbd,
  loadBgNbd,
  probabilityAlive,
  purchaseCountProbability,
  type BgNbdParams,
} from '../../src-main/ml/bgnbd';
import { clvSummary } from '../../src-main/ml/clv-summary';
import { digamma, logGamma, minimize, minimizePositive } from '../../src-main/ml/optimize';
import { CoreError } from '../../src-main/shared/errors';

/** lifetimes' rounded CDNOW summary (ID, frequency, recency, T): the input of its Quickstart. */
function lifetimesSummary() {
  const rows = readLifetimesCsv('cdnow_customers_summary.csv');
  return {
    ids: rows.map((row) => row[0] ?? 0),
    x: rows.map((row) => row[1] ?? 0),
    tx: rows.map((row) => row[2] ?? 0),
    T: rows.map((row) => row[3] ?? 0),
  };
}

const expectRelative = (actual: number, expected: number, tolerance: number) =>
  expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(tolerance);

/** Fader, Hardie & Lee (2005) to 3 decimals, as lifetimes' and BTYD's tests use them. */
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('numerics', () => {
  it('computes ln Γ and ψ to double precision', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 13);
    // ln 99! and ψ(30) = H₂₉ − γ, summed term by term.
    const logFactorial99 = Array.from({ length: 99 }, (_, k) => Math.log(k + 1)).reduce((s, v) => s + v, 0);
    const harmonic29 = Array.from({ length: 29 }, (_, k) => 1 / (k + 1)).reduce((s, v) => s + v, 0);
    expect(logGamma(100)).toBeCloseTo(logFactorial99, 11);
    expect(logGamma(1e-8)).toBeCloseTo(18.420680738180209, 9);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 14);
    expect(digamma(30)).toBeCloseTo(harmonic29 - 0.5772156649015329, 14);
  });

  const rosenbrock = (v: Float64Array, gradient?: Float64Array) => {
    const [x = 0, y = 0] = v;
    gradient?.set([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  };

  it('finds the minimum of Rosenbrock’s valley with an analytic or a numeric gradient', () => {
    for (const numericGradient of [false, true]) {
      const result = minimize(rosenbrock, [-1.2, 1], { numericGradient });
      expect(result.converged).toBe(true);
      expect(result.x[0]).toBeCloseTo(1, 5);
      expect(result.x[1]).toBeCloseTo(1, 5);
      expect(result.value).toBeLessThan(1e-10);
    }
  });

  it('keeps parameters positive and reports a run out of iterations as not converged', () => {
    // Minimum at θ = (3, 0.02): (θ₁ − 3)² + (ln θ₂ − ln 0.02)².
    const objective = (theta: Float64Array, gradient?: Float64Array) => {
      const [a = 0, b = 0] = theta;
      gradient?.set([2 * (a - 3), (2 * Math.log(b / 0.02)) / b]);
      return (a - 3) ** 2 + Math.log(b / 0.02) ** 2;
    };
    const result = minimizePositive(objective, [[1, 1]]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(3, 8);
    expect(result.x[1]).toBeCloseTo(0.02, 10);
    expect(minimize(rosenbrock, [-1.2, 1], { maxIterations: 3 }).converged).toBe(false);
  });
});

describe('fitBgNbd on CDNOW_sample (2,357 customers, calibration to 1997-09-30, weeks)', () => {
  const summary = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END });
  const fit = fitBgNbd(summary);

  it('reaches the maximum-likelihood estimates of CLVTools and Fader–Hardie–Lee', () => {
    const { r, alpha, a, b } = fit.params;
    expectRelative(r, 0.2425945, 1e-3);
    expectRelative(alpha, 4.4136019, 1e-3);
    expectRelative(a, 0.7929199, 1e-3);
    expectRelative(b, 2.4258881, 1e-3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 2);
    expect(bgNbdLogLikelihood(fit.params, summary)).toBeCloseTo(fit.logLikelihood, 8);
    expect(fit.converged).toBe(true);
    expect(fit).toMatchObject({ name: 'BG/NBD', unit: 'week', customers: 2357, repeatCustomers: 946, warnings: [] });
  });

  it('gives the paper’s likelihood at the paper’s parameters (−9582.4)', () => {
    expect(bgNbdLogLikelihood(PAPER, summary)).toBeCloseTo(-9582.4, 0);
    expect(bgNbdLogLikelihood(PAPER, summary)).toBeLessThan(fit.logLikelihood);
  });

  it('matches Hardie’s spreadsheet: E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226', () => {
    const [expected = 0] = conditionalExpectedPurchases(fit.params, { x: [2], tx: [30.43], T: [38.86] }, 39);
    expect(Math.abs(expected - 1.226)).toBeLessThan(0.001);
  });

  it('matches BTYD’s unconditional E[X(t)]', () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const btyd = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(expectedPurchases(fit.params, t)).toBeCloseTo(btyd[i] ?? 0, 3));
    expect(expectedPurchases(fit.params, 0)).toBe(0);
  });

  it('expects 1,653.409 holdout repeat customer-days (1,882 happened)', () => {
    const holdoutLength = summary.holdout?.length ?? 0;
    const expected = conditionalExpectedPurchases(fit.params, summary, holdoutLength).reduce((s, v) => s + v, 0);
    expect(expected).toBeCloseTo(1653.409, 2);
    expect(summary.holdout?.total).toBe(1882);
  });

  it('ranks the same five customers first for next week as lifetimes, with its values on its input', () => {
    const topFive = (ids: ArrayLike<number>, expected: Float64Array) =>
      Array.from(expected.keys())
        .sort((i, j) => (expected[j] ?? 0) - (expected[i] ?? 0))
        .slice(0, 5)
        .map((i) => ({ id: ids[i], expected: expected[i] ?? 0 }));
    const quickstart = [
      { id: 1516, expected: 0.710623 },
      { id: 157, expected: 0.662396 },
      { id: 1981, expected: 0.486526 },
      { id: 841, expected: 0.474738 },
      { id: 509, expected: 0.424877 },
    ];
    const rounded = lifetimesSummary();
    const onRounded = topFive(rounded.ids, conditionalExpectedPurchases(fitBgNbd(rounded).params, rounded, 1));
    onRounded.forEach((row, i) => {
      expect(row.id).toBe(quickstart[i]?.id);
      expect(row.expected).toBeCloseTo(quickstart[i]?.expected ?? 0, 6);
    });
    const onExact = topFive(summary.ids, conditionalExpectedPurchases(fit.params, summary, 1));
    expect(onExact.map((row) => row.id)).toEqual(quickstart.map((row) => row.id));
    onExact.forEach((row, i) => expect(row.expected).toBeCloseTo(quickstart[i]?.expected ?? 0, 3));
  });

  it('gives P(alive) 1 without repeat purchases and 1 / (1 + a/(b + x − 1)) right after a purchase', () => {
    const { a, b } = fit.params;
    const alive = probabilityAlive(fit.params, { x: [0, 4, 4, 4], tx: [0, 20, 20, 10], T: [30, 20, 30, 30] });
    expect(alive[0]).toBe(1);
    expect(alive[1]).toBeCloseTo(1 / (1 + a / (b + 3)), 12);
    expect(alive[2]).toBeLessThan(alive[1] ?? 0);
    expect(alive[3]).toBeLessThan(alive[2] ?? 0);
  });

  it('gives the expected tracking curve of lifetimes’ daily fit (1997-01-11..14: 10.67, 12.67, 14.87, 17.24)', () => {
    const daily = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END, unit: 'day' });
    const dailyFit = fitBgNbd(daily, { unit: 'day' });
    // A rate per day is a seventh of the rate per week; the other parameters do not depend on the unit.
    expectRelative(dailyFit.params.alpha, 7 * fit.params.alpha, 1e-5);
    expectRelative(dailyFit.params.a, fit.params.a, 1e-5);
    const curve = expectedCumulativeRepeats(dailyFit.params, daily.birth, [11, 12, 13, 14]);
    [10.67, 12.67, 14.87, 17.24].forEach((value, i) => expect(curve[i]).toBeCloseTo(value, 2));
  });
});

describe('BG/NBD probabilities with the paper’s parameters (as lifetimes and BTYD)', () => {
  it('gives P(X(t) = n)', () => {
    expectRelative(purchaseCountProbability(PAPER, 2, 10), 1.07869e-7, 1e-5);
    expectRelative(purchaseCountProbability(PAPER, 39, 0), 0.5737864, 1e-6);
    const btyd = [
      0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171,
      0.0002769613, 0.000222226,
    ];
    btyd.forEach((p, i) => expectRelative(purchaseCountProbability(PAPER, 30, 11 + i), p, 1e-6));
  });

  it('sums P(X(t) = n) over n to 1 and to the mean E[X(t)]', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = purchaseCountProbability(PAPER, 10, n);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 10);
    expect(mean).toBeCloseTo(expectedPurchases(PAPER, 10), 8);
  });
});

describe('fitBgNbd on CDNOW_master (23,570 customers)', () => {
  it('reaches the reference estimates and expects 16,873.726 holdout repeat customer-days (19,684 happened)', () => {
    const summary = clvSummary(readCdnow('CDNOW_master.txt'), { calibrationEnd: CALIBRATION_END });
    const fit = fitBgNbd(summary);
    expectRelative(fit.params.r, 0.251624, 1e-4);
    expectRelative(fit.params.alpha, 4.788945, 1e-4);
    expectRelative(fit.params.a, 0.723433, 1e-4);
    expectRelative(fit.params.b, 2.161087, 1e-4);
    expect(fit.logLikelihood).toBeCloseTo(-95368.4439, 2);
    const expected = conditionalExpectedPurchases(fit.params, summary, summary.holdout?.length ?? 0);
    expect(expected.reduce((s, v) => s + v, 0)).toBeCloseTo(16873.726, 1);
    expect(summary.holdout?.total).toBe(19684);
  });
});

describe('fitBgNbd on poor data', () => {
  const sample = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END });
  const firstCustomers = (k: number) => ({
    x: sample.x.slice(0, k),
    tx: sample.tx.slice(0, k),
    T: sample.T.slice(0, k),
  });

  it('refuses data without any repeat purchase, saying why', () => {
    const attempt = () => fitBgNbd({ x: [0, 0, 0], tx: [0, 0, 0], T: [10, 20, 30] });
    expect(attempt).toThrow(CoreError);
    expect(attempt).toThrow(/No customer bought on more than one day/);
  });

  it('refuses impossible summaries', () => {
    expect(() => fitBgNbd({ x: [1.5], tx: [2], T: [3] })).toThrow(/whole number/);
    expect(() => fitBgNbd({ x: [1], tx: [4], T: [3] })).toThrow(/recency at most the age/);
    expect(() => fitBgNbd({ x: [0], tx: [1], T: [3] })).toThrow(/no repeat purchase but a recency/);
    expect(() => fitBgNbd({ x: [1, 2], tx: [1], T: [3, 4] })).toThrow(/one value per customer/);
    expect(() => fitBgNbd({ x: [], tx: [], T: [] })).toThrow(/no customers/);
  });

  it('still fits 10 customers, warning that there are too few and that drop-out is not determined', () => {
    const fit = fitBgNbd(firstCustomers(10));
    expect(fit.customers).toBe(10);
    expect(fit.repeatCustomers).toBe(5);
    expect(fit.warnings).toContainEqual({
      code: 'TOO_FEW_REPEAT_CUSTOMERS',
      params: { repeatCustomers: 5, recommended: 50 },
    });
    expect(fit.warnings).toContainEqual({ code: 'EXTREME_PARAMETERS', params: { parameters: 'a, b' } });
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(PAPER, firstCustomers(10)));
  });

  it('warns when most customers bought once, and when the search ran out of iterations', () => {
    const extra = 8000;
    const many = {
      x: [...sample.x, ...new Array<number>(extra).fill(0)],
      tx: [...sample.tx, ...new Array<number>(extra).fill(0)],
      T: [...sample.T, ...new Array<number>(extra).fill(39)],
    };
    const share = 1 - 946 / (2357 + extra);
    expect(fitBgNbd(many).warnings).toEqual([{ code: 'MANY_ONE_TIME_BUYERS', params: { share } }]);
    const stopped = fitBgNbd(sample, { maxIterations: 2 });
    expect(stopped.converged).toBe(false);
    expect(stopped.warnings).toContainEqual({ code: 'NOT_CONVERGED', params: { iterations: 2 } });
  });
});

describe('BG/NBD model JSON', () => {
  it('round-trips and refuses anything else', () => {
    const fit = fitBgNbd(lifetimesSummary(), { unit: 'week' });
    const json = JSON.parse(JSON.stringify(bgNbdToJSON(fit))) as unknown;
    const model = loadBgNbd(json);
    expect(model).toEqual({
      name: 'BG/NBD',
      unit: 'week',
      params: fit.params,
      logLikelihood: fit.logLikelihood,
      customers: 2357,
    });
    expect(conditionalExpectedPurchases(model.params, { x: [2], tx: [30.43], T: [38.86] }, 39)[0]).toBeCloseTo(
      1.226,
      3,
    );
    expect(() => loadBgNbd(null)).toThrow(/not a saved BG\/NBD model/);
    expect(() => loadBgNbd({ ...model, params: { ...model.params, a: -1 } })).toThrow(CoreError);
    expect(() => loadBgNbd({ ...model, unit: 'month' })).toThrow(CoreError);
  });
});
