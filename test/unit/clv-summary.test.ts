import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END as CALIBRATION_END, readCdnow, readLifetimesCsv } from '../../bench/cdnow';
import { clvSummary } from '../../src-main/ml/clv-summary';
import { CoreError } from '../../src-main/shared/errors';

/** lifetimes' summary of the same data (ID, x, t_x, T, zbar), rounded to 2 decimals. */
function lifetimesSummary() {
  return readLifetimesCsv('cdnow_customers_summary_with_transactions.csv');
}

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((s, v) => s + v, 0);

describe('clvSummary on CDNOW_sample (calibration to 1997-09-30, weeks)', () => {
  const summary = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END });

  it('reproduces lifetimes summary of all 2,357 customers', () => {
    const reference = lifetimesSummary();
    expect(summary.ids).toEqual(reference.map((row) => row[0]));
    reference.forEach(([, x = 0, tx = 0, T = 0, zbar = 0], i) => {
      expect(summary.x[i]).toBe(x);
      expect(Math.abs((summary.tx[i] ?? 0) - tx)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs((summary.T[i] ?? 0) - T)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs((summary.zbar[i] ?? 0) - zbar)).toBeLessThanOrEqual(0.006);
    });
    expect(summary.T[0]).toBeCloseTo(272 / 7, 12);
  });

  it('has the calibration totals of REFERENCE_NUMBERS §1', () => {
    expect(summary.unit).toBe('week');
    expect(sum(summary.x)).toBe(2457);
    expect(summary.x.filter((x) => x === 0).length).toBe(1411);
    expect(summary.x.filter((x) => x > 0).length).toBe(946);
    expect(summary.newAfterCalibration).toBe(0);
    expect(summary.origin).toBe(Date.UTC(1997, 0, 1));
  });

  it('takes zbar from the repeat purchase days only (mean 35.0778, min 2.99, max 299.63 over 946)', () => {
    const repeat = Array.from(summary.zbar).filter((_, i) => (summary.x[i] ?? 0) > 0);
    expect(sum(repeat) / repeat.length).toBeCloseTo(35.0778, 4);
    expect(Math.min(...repeat)).toBeCloseTo(2.99, 2);
    expect(Math.max(...repeat)).toBeCloseTo(299.63, 2);
    expect(summary.zbar[2]).toBe(0);
  });

  it('counts the 39-week holdout: 1,882 repeat customer-days by 684 customers', () => {
    const holdout = summary.holdout;
    expect(holdout?.length).toBe(39);
    expect(holdout?.total).toBe(1882);
    expect(sum(holdout?.x ?? [])).toBe(1882);
    expect(Array.from(holdout?.x ?? []).filter((x) => x > 0).length).toBe(684);
  });

  it('tracks repeat customer-days per week as the BTYD walkthrough (weeks 20–25, 4,339 by week 78)', () => {
    const { repeats, cumulative, calibrationPeriods } = summary.tracking;
    expect(repeats.length).toBe(78);
    expect(calibrationPeriods).toBe(39);
    expect([...cumulative.subarray(19, 25)]).toEqual([1359, 1414, 1484, 1517, 1573, 1672]);
    expect([...repeats.subarray(19, 25)]).toEqual([73, 55, 70, 33, 56, 99]);
    expect(cumulative[77]).toBe(4339);
  });

  it('gives first-purchase times in weeks after the origin', () => {
    expect(summary.birth[0]).toBe(0);
    summary.birth.forEach((birth, i) => expect(birth + (summary.T[i] ?? 0)).toBeCloseTo(272 / 7, 10));
  });
});

describe('clvSummary in days', () => {
  it('tracks daily cumulative repeats as lifetimes (1997-01-11..14: 11, 12, 15, 19)', () => {
    const summary = clvSummary(readCdnow('CDNOW_sample.txt'), { calibrationEnd: CALIBRATION_END, unit: 'day' });
    expect([...summary.tracking.cumulative.subarray(10, 14)]).toEqual([11, 12, 15, 19]);
    expect(summary.T[0]).toBe(272);
    expect(summary.holdout?.length).toBe(273);
    expect(summary.tracking.calibrationPeriods).toBe(273);
  });
});

describe('clvSummary rules on small data', () => {
  const day = (d: number, hour = 12) => Date.UTC(2024, 0, d, hour);

  it('merges purchases of one UTC day, sums their values and keeps zbar to the repeat days', () => {
    const summary = clvSummary(
      {
        customer: ['b', 'a', 'a', 'a', 'a', 'b'],
        time: [day(3), day(1, 0), day(1, 23), day(8, 0), day(8, 23), day(15)],
        value: [5, 10, 20, 7, 8, 100],
      },
      { calibrationEnd: day(31), unit: 'day' },
    );
    expect(summary.ids).toEqual(['b', 'a']);
    expect([...summary.x]).toEqual([1, 1]);
    expect([...summary.tx]).toEqual([12, 7]);
    expect([...summary.T]).toEqual([28, 30]);
    expect([...summary.zbar]).toEqual([100, 15]);
    expect([...summary.birth]).toEqual([2, 0]);
    expect(summary.holdout).toBeNull();
  });

  it('splits at UTC midnight, not at local midnight', () => {
    const summary = clvSummary(
      {
        customer: Int32Array.of(7, 7),
        time: [Date.UTC(2024, 0, 1, 23, 59), Date.UTC(2024, 0, 2, 0, 1)],
        value: [1, 2],
      },
      { calibrationEnd: day(2), unit: 'day' },
    );
    expect(summary.ids).toEqual([7]);
    expect([...summary.x]).toEqual([1]);
    expect([...summary.zbar]).toEqual([2]);
  });

  it('leaves out customers who first buy after the calibration and rows after the holdout end', () => {
    const summary = clvSummary(
      {
        customer: Int32Array.of(1, 1, 1, 1, 2, 2),
        time: [day(1), day(3), day(10), day(20), day(9), day(12)],
        value: [1, 1, 1, 1, 1, 1],
      },
      { calibrationEnd: day(7), holdoutEnd: day(14), unit: 'day' },
    );
    expect(summary.ids).toEqual([1]);
    expect(summary.newAfterCalibration).toBe(1);
    expect([...summary.x]).toEqual([1]);
    expect(summary.holdout).toEqual({ length: 7, x: Int32Array.of(1), total: 1 });
    expect([...summary.tracking.repeats]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('refuses input it cannot summarise, saying why', () => {
    const base = { customer: Int32Array.of(1, 1), time: [day(1), day(2)], value: [1, 2] };
    const attempt =
      (changes: object, options: object = {}) =>
      () =>
        clvSummary({ ...base, ...changes }, { calibrationEnd: day(5), ...options });
    expect(attempt({ value: [1] })).toThrow(/one value|2 customers, 2 times and 1 values/);
    expect(attempt({ customer: new Int32Array(0), time: [], value: [] })).toThrow('There are no transactions');
    expect(attempt({ time: [day(1), Number.NaN] })).toThrow('Transaction 2 has no valid date');
    expect(attempt({ value: [1, Number.POSITIVE_INFINITY] })).toThrow('Transaction 2 has no valid value');
    expect(attempt({}, { calibrationEnd: day(1) - 86_400_000 })).toThrow(/Nobody bought before the end/);
    expect(attempt({}, { holdoutEnd: day(2) })).toThrow(/holdout must end after/);
    expect(attempt({ value: [1] })).toThrow(CoreError);
  });
});
