import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeClv } from '../../src-main/analytics/clv-model';
import { clvCustomers, latestClv, runClv } from '../../src-main/analytics/clv-runs';
import { readTransactionFile } from '../../src-main/analytics/clv-transactions';
import { runImport } from '../../src-main/import/run-import';
import { CHURN_BAND_THRESHOLDS } from '../../src-main/shared/models';
import { createProject } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };
const cdnow = fileURLToPath(new URL('../../../shared/data/lifetimes_cdnow/CDNOW_sample.txt', import.meta.url));
const demoSample = fileURLToPath(new URL('../../resources/demo/online-retail-sample.csv', import.meta.url));
const tempDir = useTempDir('marketlens-clv-');

describe('lifetime value from a transactions file', () => {
  it('reads CDNOW_sample.txt as it is and reproduces the published BG/NBD and Gamma-Gamma fits', () => {
    const file = readTransactionFile(cdnow, {});
    expect(file.layout).toBe('whitespace');
    expect(file.customer).toHaveLength(6919);
    const { figures, customers } = computeClv(
      { customer: file.customer, time: file.time, value: file.value ?? new Float64Array() },
      { calibrationEnd: Date.UTC(1997, 8, 30), horizonMonths: 12, monthlyDiscountRate: 0.01 },
    );
    expect(figures.customers).toBe(2357);
    expect(figures.repeatCustomers).toBe(946);
    const { r, alpha, a, b, logLik } = figures.bgnbd;
    expect([r, alpha, a, b].map((v) => Number(v.toFixed(4)))).toEqual([0.2426, 4.4136, 0.7929, 2.4259]);
    expect(logLik).toBeCloseTo(-9582.43, 2);
    expect(figures.gammaGamma).toMatchObject({ p: expect.closeTo(6.2496, 3), q: expect.closeTo(3.7442, 3) });
    expect(figures.gammaGamma?.gamma).toBeCloseTo(15.4436, 2);
    expect(figures.gammaGamma?.logLik).toBeCloseTo(-4055.9177, 2);

    // The 39 holdout weeks: lifetimes' expected 1653.409 repeat customer-days against 1882 that happened.
    const holdout = figures.holdout;
    expect(holdout?.actualRepeats).toBe(1882);
    expect(holdout?.predictedRepeats).toBeCloseTo(1653.409, 1);
    expect(holdout?.byFrequency.reduce((sum, g) => sum + g.customers, 0)).toBe(2357);
    expect(holdout?.byFrequency.reduce((sum, g) => sum + g.actual * g.customers, 0)).toBeCloseTo(1882, 6);
    // The BTYD walkthrough's cumulative actual repeat purchases in weeks 20-25.
    expect(holdout?.weekly.slice(19, 25).map((w) => w.actual)).toEqual([1359, 1414, 1484, 1517, 1573, 1672]);

    // The P(alive) matrix at the oldest customers' age (38 whole weeks; T runs to 38.86): it equals BG/NBD's
    // closed form, a long silence lowers it, and it lowers it most for frequent buyers.
    const matrix = figures.aliveMatrix;
    expect(matrix).toMatchObject({ ageWeeks: 38, frequencies: Array.from({ length: 20 }, (_, i) => i + 1) });
    expect(matrix?.weeksSinceLast).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    const closedForm = (x: number, weeks: number) =>
      1 / (1 + (a / (b + x - 1)) * ((alpha + 38) / (alpha + 38 - weeks)) ** (r + x));
    expect(matrix?.probability[1]?.[3]).toBeCloseTo(closedForm(2, 12), 4);
    expect(matrix?.probability[9]?.[9]).toBeCloseTo(closedForm(10, 36), 4);
    for (const row of matrix?.probability ?? [])
      row.slice(1).forEach((p, j) => expect(p).toBeLessThanOrEqual(row[j] ?? 0));
    const [recent, silent] = [0, 9].map((j) => matrix?.probability.map((row) => row[j] ?? NaN) ?? []);
    expect(recent?.[19]).toBeGreaterThan(recent?.[0] ?? 1);
    expect(silent?.[19]).toBeLessThan(0.01);
    expect(silent?.[0]).toBeGreaterThan(100 * (silent?.[19] ?? 1));

    const bands = customers.band.reduce<Record<string, number>>(
      (n, band) => ({ ...n, [band]: (n[band] ?? 0) + 1 }),
      {},
    );
    expect(bands).toEqual(figures.bands);
    customers.probabilityAlive.forEach((p, i) =>
      expect(customers.band[i]).toBe(
        p < CHURN_BAND_THRESHOLDS.high ? 'high' : p < CHURN_BAND_THRESHOLDS.medium ? 'medium' : 'low',
      ),
    );
    // Expected purchases grow with the window, and one-time buyers have no gap nor next order date.
    customers.expected30.forEach((e, i) => expect(e).toBeLessThanOrEqual(customers.expected90[i] ?? 0));
    const once = customers.averageGapDays.findIndex((gap) => Number.isNaN(gap));
    expect(Number.isNaN(customers.nextOrderAt[once] ?? 0)).toBe(true);
  });

  it('reads a CSV with named columns and explains a file without repeat purchases', () => {
    const dir = tempDir();
    const path = join(dir, 'tx.csv');
    writeFileSync(path, 'who;when;amount\nA;2024-01-05;10\nB;2024-01-06;12\nC;2024-02-01;8\n');
    const file = readTransactionFile(path, { customerCol: 'who', dateCol: 'when', valueCol: 'amount' });
    expect(file).toMatchObject({ layout: 'csv', customer: ['A', 'B', 'C'] });
    expect(Array.from(file.value ?? [])).toEqual([10, 12, 8]);
    expect(() => readTransactionFile(path, { customerCol: 'who', dateCol: 'date' })).toThrow(
      /no column "date" \(--date-col\); the columns are who, when, amount/,
    );
    expect(() =>
      computeClv(
        { customer: file.customer, time: file.time, value: file.value ?? new Float64Array() },
        { calibrationEnd: Date.UTC(2024, 1, 1), horizonMonths: 12, monthlyDiscountRate: 0.01 },
      ),
    ).toThrow(/No customer bought on more than one day/);
  });
});

describe('lifetime value of a project', () => {
  it('keeps a run of the demo customers with bands, values and next order dates', async () => {
    const dir = tempDir();
    const db = createProject(join(dir, 'demo.mlens'));
    try {
      await runImport(db, { path: demoSample, settings: {}, dryRun: false }, quiet);
      expect(latestClv(db)).toBeNull();
      const summary = runClv(db, { horizonMonths: 12, monthlyDiscountRate: 0.01 }, quiet, 5000);
      expect(summary).toMatchObject({ runId: 1, createdAt: 5000, holdout: null, customers: 178 });
      expect(summary.bands.low + summary.bands.medium + summary.bands.high).toBe(178);
      expect(latestClv(db)).toEqual(summary);
      expect(summary.aliveMatrix?.probability).toHaveLength(summary.aliveMatrix?.frequencies.length ?? -1);

      // Historic value is what each customer spent; customers who bought on one day only get no next order date.
      const mismatched = db
        .prepare(
          `SELECT count(*) FROM clv_customers v JOIN customer_metrics m ON m.customer_id = v.customer_id
           WHERE abs(v.historic_clv - m.revenue) > 1e-6
             OR (m.first_order_at / 86400000 = m.last_order_at / 86400000) <> (v.next_order_at IS NULL)`,
        )
        .pluck()
        .get();
      expect(mismatched).toBe(0);
      const top = clvCustomers(db, { runId: summary.runId, sort: 'clv', offset: 0, limit: 5 });
      expect(top.total).toBe(178);
      expect(top.rows.map((r) => r.clv)).toEqual([...top.rows.map((r) => r.clv)].sort((a, b) => b - a));
      const high = clvCustomers(db, { runId: summary.runId, sort: 'clv', band: 'high', offset: 0, limit: 500 });
      expect(high.total).toBe(summary.bands.high);
      expect(high.rows.every((r) => r.probabilityAlive < CHURN_BAND_THRESHOLDS.high)).toBe(true);

      const checked = runClv(db, { calibrationEnd: '2011-08-31', horizonMonths: 6, monthlyDiscountRate: 0 }, quiet);
      expect(checked.holdout?.weeks).toBeCloseTo(100 / 7, 9);
      expect(checked.holdout?.actualRepeats).toBeGreaterThan(0);
      expect(checked.newCustomersAfterCalibration).toBeGreaterThan(0);
      expect(() =>
        runClv(db, { calibrationEnd: '2012-01-31', horizonMonths: 6, monthlyDiscountRate: 0 }, quiet),
      ).toThrow(/between the first and the last order day \(2010-12-01 to 2011-12-09\)/);
    } finally {
      db.close();
    }
  });
});
