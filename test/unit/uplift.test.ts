import { describe, expect, it } from 'vitest';
import {
  measureUplift,
  normalQuantileTwoSided,
  normalTwoSidedP,
  studentQuantileTwoSided,
  studentTwoSidedP,
  summariseOutcomes,
  wilsonInterval,
} from '../../src-main/ml/uplift';

const group = (responders: number, customers: number) => ({ customers, responders });

describe('distributions', () => {
  it('matches tabulated normal and Student t values (SciPy 1.17)', () => {
    expect(normalQuantileTwoSided(0.05)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantileTwoSided(0.01)).toBeCloseTo(2.5758293035489, 10);
    expect(studentQuantileTwoSided(0.05, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentQuantileTwoSided(0.05, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(normalTwoSidedP(0.3)).toBeCloseTo(0.7641771556220948, 12);
    expect(normalTwoSidedP(5) / 5.733031437583866e-7).toBeCloseTo(1, 10);
    expect(studentTwoSidedP(2.5, 7.3)).toBeCloseTo(0.03965023466560043, 12);
  });

  it('gives the Wilson interval of Newcombe (1998), table I', () => {
    // 0/10: 0 to 0.2775; 1/29: 0.0061 to 0.1718.
    const none = wilsonInterval(0, 10, 1.959963984540054);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const one = wilsonInterval(1, 29, 1.959963984540054);
    expect(one.low).toBeCloseTo(0.0061, 4);
    expect(one.high).toBeCloseTo(0.1718, 4);
  });
});

describe('measureUplift: difference in response rates', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions", table II, method 10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('%i/%i vs %i/%i gives Newcombe interval %f to %f', (x1, n1, x2, n2, low, high) => {
    const result = measureUplift(group(x1, n1), group(x2, n2));
    expect(result.absolute.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(result.absolute.low).toBeCloseTo(low, 4);
    expect(result.absolute.high).toBeCloseTo(high, 4);
  });

  it('gives the pooled two-proportion z test p-value and calls a clear difference significant', () => {
    const result = measureUplift(group(56, 70), group(48, 80));
    // z = 0.2 / sqrt(0.6933 × 0.3067 × (1/70 + 1/80)) = 2.6509.
    expect(result.pValue).toBeCloseTo(0.008045081368196566, 10);
    expect(result.significant).toBe(true);
  });

  it('does not call a campaign significant when its interval crosses zero', () => {
    const result = measureUplift(group(45, 900), group(3, 100));
    expect(result.absolute.low).toBeLessThan(0);
    expect(result.pValue).toBeCloseTo(0.37476160207866893, 10);
    expect(result.significant).toBe(false);
  });

  it('gives p = 1 when no one, or everyone, responded', () => {
    expect(measureUplift(group(0, 500), group(0, 50)).pValue).toBe(1);
    expect(measureUplift(group(500, 500), group(50, 50)).pValue).toBe(1);
    expect(measureUplift(group(0, 500), group(0, 50)).significant).toBe(false);
  });

  it('uses the confidence level asked for', () => {
    const wide = measureUplift(group(56, 70), group(48, 80), { confidence: 0.99 });
    const usual = measureUplift(group(56, 70), group(48, 80));
    expect(wide.confidence).toBe(0.99);
    expect(wide.absolute.low).toBeLessThan(usual.absolute.low);
    expect(wide.absolute.high).toBeGreaterThan(usual.absolute.high);
  });
});

describe('measureUplift: relative uplift', () => {
  it('gives the risk ratio − 1 with a log-scale delta-method interval', () => {
    const relative = measureUplift(group(45, 900), group(3, 100)).relative;
    // log(0.05 / 0.03) ± 1.96 × sqrt(1/45 − 1/900 + 1/3 − 1/100), exponentiated, minus 1.
    expect(relative?.estimate).toBeCloseTo(2 / 3, 12);
    expect(relative?.low).toBeCloseTo(-0.4724255435593925, 9);
    expect(relative?.high).toBeCloseTo(4.265186257345821, 9);
  });

  it('is null when no held-out customer responded', () => {
    expect(measureUplift(group(5, 56), group(0, 29)).relative).toBeNull();
  });

  it('is −100% with a Haldane-corrected interval when no contacted customer responded', () => {
    const relative = measureUplift(group(0, 100), group(5, 100)).relative;
    expect(relative?.estimate).toBe(-1);
    const logRatio = Math.log(0.5 / 101 / (5.5 / 101));
    const se = Math.sqrt(1 / 0.5 - 1 / 101 + 1 / 5.5 - 1 / 101);
    expect(relative?.low).toBeCloseTo(Math.exp(logRatio - 1.959963984540054 * se) - 1, 10);
    expect(relative?.high).toBeCloseTo(Math.exp(logRatio + 1.959963984540054 * se) - 1, 10);
  });
});

describe('measureUplift: revenue per customer', () => {
  it("gives Welch's interval, degrees of freedom and p-value (SciPy ttest_ind_from_stats)", () => {
    const result = measureUplift(
      { customers: 900, responders: 45, revenue: { mean: 12.5, variance: 400 } },
      { customers: 100, responders: 3, revenue: { mean: 8, variance: 225 } },
    );
    expect(result.treated.revenuePerCustomer).toBe(12.5);
    expect(result.holdout.revenuePerCustomer).toBe(8);
    expect(result.revenue?.estimate).toBe(4.5);
    expect(result.revenue?.degreesOfFreedom).toBeCloseTo(141.36651286032694, 9);
    expect(result.revenue?.low).toBeCloseTo(1.2549866341474787, 9);
    expect(result.revenue?.high).toBeCloseTo(7.745013365852522, 9);
    expect(result.revenue?.pValue).toBeCloseTo(0.00690790680676721, 12);
  });

  it('is null without revenue, or with fewer than two customers in a group', () => {
    expect(measureUplift(group(1, 10), group(1, 10)).revenue).toBeNull();
    const revenue = { mean: 5, variance: 1 };
    expect(measureUplift({ ...group(1, 10), revenue }, { ...group(0, 1), revenue }).revenue).toBeNull();
  });

  it('is exact when neither group varies', () => {
    const zero = { mean: 0, variance: 0 };
    const revenue = measureUplift({ ...group(0, 10), revenue: zero }, { ...group(0, 10), revenue: zero }).revenue;
    expect(revenue).toEqual({ estimate: 0, low: 0, high: 0, pValue: 1, degreesOfFreedom: 18 });
  });
});

describe('summariseOutcomes', () => {
  it('counts responders and revenue moments per group from per-customer arrays', () => {
    const holdout = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const responded = [0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1];
    const revenue = [0, 0, 10, 25, 3.5, 0, 40, 0, 5, 0, 0, 12];
    const { treated, holdout: held } = summariseOutcomes(holdout, responded, revenue);
    expect(treated.customers).toBe(7);
    expect(treated.responders).toBe(4);
    expect(held.customers).toBe(5);
    expect(held.responders).toBe(2);
    expect(treated.revenue?.mean).toBeCloseTo(78.5 / 7, 12);
    expect(held.revenue?.mean).toBeCloseTo(3.4, 12);
    expect(treated.revenue?.variance).toBeCloseTo(242.82142857142856, 10);
    expect(held.revenue?.variance).toBeCloseTo(27.8, 12);
    // SciPy: ttest_ind(treated, holdout, equal_var=False) → t = 1.2317, p = 0.25399, df = 7.7778.
    const revenueResult = measureUplift(treated, held).revenue;
    expect(revenueResult?.estimate).toBeCloseTo(7.814285714285713, 12);
    expect(revenueResult?.pValue).toBeCloseTo(0.2539904574066416, 10);
    expect(revenueResult?.degreesOfFreedom).toBeCloseTo(7.777808361214637, 10);
  });

  it('leaves revenue out when none is given, and refuses arrays of different lengths', () => {
    expect(summariseOutcomes(Uint8Array.from([0, 1]), [true, false])).toEqual({
      treated: { customers: 1, responders: 1 },
      holdout: { customers: 1, responders: 0 },
    });
    expect(() => summariseOutcomes(Uint8Array.from([0, 1]), [1])).toThrow(/one response/);
  });
});

describe('measureUplift: input checks', () => {
  it('refuses an empty group, impossible counts and a confidence outside (0, 1)', () => {
    expect(() => measureUplift(group(0, 0), group(0, 10))).toThrow(/contacted group has no customers/);
    expect(() => measureUplift(group(0, 10), group(0, 0))).toThrow(/held-out group has no customers/);
    expect(() => measureUplift(group(11, 10), group(0, 10))).toThrow(/between 0 and its size/);
    expect(() => measureUplift(group(1, 10), group(1, 10), { confidence: 95 })).toThrow(/between 0 and 1/);
  });
});
