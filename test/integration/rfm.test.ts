import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareExternalIds,
  computeRfm,
  DEFAULT_SEGMENT_MAP,
  quantileBinsOfRanks,
  type RfmResult,
} from '../../src-main/analytics/rfm';
import { runImport } from '../../src-main/import/run-import';
import { parseCsv } from '../../src-main/io/csv';
import { appRoot } from '../../src-main/services/paths';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const SHARED = join(appRoot(), '..', 'shared', 'data');
const UCI = join(SHARED, 'online_retail_uci', 'online_retail.csv');
const REFERENCE = join(SHARED, 'references', 'rfm_online_retail.csv');

interface ReferenceRow {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
}

function readReference(): ReferenceRow[] {
  const [header, ...rows] = parseCsv(readFileSync(REFERENCE, 'utf8'));
  expect(header).toEqual(['customer_id', 'recency', 'frequency', 'monetary', 'r', 'f', 'm']);
  return rows
    .filter((row) => row.length === 7)
    .map(([customerId, recency, frequency, monetary, r, f, m]) => ({
      customerId: customerId ?? '',
      recency: Number(recency),
      frequency: Number(frequency),
      monetary: Number(monetary),
      r: Number(r),
      f: Number(f),
      m: Number(m),
    }));
}

describe('RFM on UCI Online Retail', () => {
  let dir: string;
  let db: Db;
  let rfm: RfmResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketlens-rfm-'));
    db = createProject(join(dir, 'uci.mlens'));
    await runImport(db, { path: UCI, settings: {}, dryRun: false }, { progress() {}, throwIfCancelled() {} });
    rfm = computeRfm(db);
  }, 120_000);

  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('equals the pandas reference for every customer', () => {
    const reference = readReference();
    expect(reference).toHaveLength(4338);
    const c = rfm.customers;
    expect(c.externalId).toHaveLength(reference.length);
    const mismatches: string[] = [];
    reference.forEach((expected, i) => {
      const got = {
        customerId: c.externalId[i],
        recency: c.recency[i],
        frequency: c.frequency[i],
        r: c.r[i],
        f: c.f[i],
        m: c.m[i],
      };
      const { monetary, ...exact } = expected;
      if (JSON.stringify(got) !== JSON.stringify(exact) || Math.abs((c.monetary[i] ?? NaN) - monetary) > 1e-6)
        mismatches.push(`${JSON.stringify(expected)} got ${JSON.stringify({ ...got, monetary: c.monetary[i] })}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  });

  it('has the reference sums, snapshot and 555/111 counts', () => {
    const { customers: c, snapshot } = computeRfm(db);
    expect(snapshot).toBe(Date.UTC(2011, 11, 10, 12, 50));
    const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);
    expect(sum(c.recency)).toBe(401423);
    expect(sum(c.frequency)).toBe(18532);
    expect(sum(c.monetary)).toBeCloseTo(8911407.904, 3);
    const pattern = (i: number) => `${c.r[i]}${c.f[i]}${c.m[i]}`;
    const patterns = c.externalId.map((_, i) => pattern(i));
    expect(patterns.filter((p) => p === '555')).toHaveLength(348);
    expect(patterns.filter((p) => p === '111')).toHaveLength(184);
  });

  it('summarises segments, revenue shares and the R×F grid consistently with the customers', () => {
    const rfm = computeRfm(db);
    const { customers: c } = rfm;
    expect(rfm.segments.map((s) => s.segment)).toEqual(DEFAULT_SEGMENT_MAP.map((rule) => rule.segment));
    expect(rfm.segments.reduce((n, s) => n + s.customers, 0)).toBe(4338);
    expect(rfm.segments.reduce((n, s) => n + s.revenueShare, 0)).toBeCloseTo(1, 12);
    expect(c.segment.includes('Other')).toBe(false);
    const champions = c.externalId.filter((_, i) => c.r[i] === 5 && (c.f[i] ?? 0) + (c.m[i] ?? 0) >= 8);
    expect(rfm.segments.find((s) => s.segment === 'Champions')?.customers).toBe(champions.length);
    const cell = rfm.rfGrid[4]?.[4];
    const members = c.externalId.flatMap((_, i) => (c.r[i] === 5 && c.f[i] === 5 ? [c.monetary[i] ?? 0] : []));
    expect(cell).toMatchObject({ r: 5, f: 5, customers: members.length });
    expect(cell?.averageMonetary).toBeCloseTo(members.reduce((a, b) => a + b, 0) / members.length, 6);
    expect(rfm.warnings.map((w) => w.code)).toContain('TIES_SPLIT_ACROSS_SCORES');
    expect(rfm.warnings.map((w) => w.code)).toContain('CUSTOMERS_WITHOUT_VALID_ORDERS');
  });

  it('counts recency up to an analysis date and ignores orders from it on', () => {
    const analysisDate = Date.UTC(2011, 5, 1);
    const rfm = computeRfm(db, { analysisDate, levels: 3 });
    expect(rfm.snapshot).toBe(analysisDate);
    expect(rfm.customers.externalId.length).toBeLessThan(4338);
    expect(Math.min(...rfm.customers.recency)).toBeGreaterThanOrEqual(0);
    expect(new Set(rfm.customers.r)).toEqual(new Set([1, 2, 3]));
    expect(rfm.rfGrid).toHaveLength(3);
  });

  it('scores on custom breaks, and refuses breaks that do not increase', () => {
    const breaks = { frequency: [1, 2, 5, 10] };
    const { customers: c } = computeRfm(db, { breaks });
    c.frequency.forEach((frequency, i) => {
      expect(c.f[i]).toBe(frequency <= 1 ? 1 : frequency <= 2 ? 2 : frequency <= 5 ? 3 : frequency <= 10 ? 4 : 5);
    });
    expect(() => computeRfm(db, { breaks: { monetary: [10, 5, 20, 30] } })).toThrow('must be increasing');
    expect(() => computeRfm(db, { breaks: { recency: [10, 20] } })).toThrow('need 4 cut points');
  });

  it('uses an edited segment map, unmatched customers named as asked', () => {
    const rfm = computeRfm(db, {
      segmentMap: [{ segment: 'Top', r: [5, 5], f: [5, 5], m: [5, 5] }],
      unmatchedSegment: 'Rest',
    });
    expect(rfm.segments).toEqual([
      expect.objectContaining({ segment: 'Top', customers: 348 }),
      expect.objectContaining({ segment: 'Rest', customers: 4338 - 348 }),
    ]);
  });
});

describe('RFM on small hand-made projects', () => {
  const tempDir = useTempDir();
  const DAY = 86_400_000;
  const T0 = Date.UTC(2024, 0, 1);

  /** orders: [customer external id, day offset, status, [quantity, unit price][]] */
  function shop(orders: [string, number, string, [number, number][]][]): Db {
    const db = createProject(join(tempDir(), 'shop.mlens'));
    const customer = db.prepare('INSERT OR IGNORE INTO customers (external_id) VALUES (?)');
    const order = db.prepare(
      'INSERT INTO orders (external_id, customer_id, ordered_at, status) VALUES (?, (SELECT id FROM customers WHERE external_id = ?), ?, ?)',
    );
    const line = db.prepare('INSERT INTO order_lines (order_id, line_no, quantity, unit_price) VALUES (?, ?, ?, ?)');
    orders.forEach(([who, day, status, lines], n) => {
      customer.run(who);
      const id = order.run(`o${n}`, who, T0 + day * DAY, status).lastInsertRowid;
      lines.forEach(([quantity, price], no) => line.run(id, no, quantity, price));
    });
    return db;
  }

  it('says there is nothing to score in a project with no orders', () => {
    const rfm = computeRfm(shop([]));
    expect(rfm.snapshot).toBeNull();
    expect(rfm.customers.externalId).toEqual([]);
    expect(rfm.warnings[0]?.code).toBe('NO_VALID_ORDERS');
  });

  it('leaves out customers with only cancelled orders and non-positive lines, and says so', () => {
    const db = shop([
      [
        'a',
        0,
        'completed',
        [
          [2, 5],
          [-1, 5],
          [1, 0],
        ],
      ],
      ['a', 3, 'completed', [[1, 1]]],
      ['b', 1, 'cancelled', [[1, 100]]],
      ['c', 2, 'refunded', [[1, 100]]],
      ['c', 2.5, 'completed', [[-1, 100]]],
    ]);
    const rfm = computeRfm(db);
    expect(rfm.customers.externalId).toEqual(['a']);
    expect([rfm.customers.recency[0], rfm.customers.frequency[0], rfm.customers.monetary[0]]).toEqual([1, 2, 11]);
    expect(rfm.snapshot).toBe(T0 + 4 * DAY);
    expect(rfm.warnings.find((w) => w.code === 'CUSTOMERS_WITHOUT_VALID_ORDERS')?.message).toMatch(/^2 customers/);
    expect(rfm.warnings.map((w) => w.code)).toContain('FEWER_CUSTOMERS_THAN_LEVELS');
  });

  it('floors recency to whole days and warns when most customers bought once', () => {
    const db = shop([
      ['1', 0, 'completed', [[1, 10]]],
      ['2', 0.9, 'completed', [[1, 20]]],
      ['3', 1.5, 'completed', [[1, 30]]],
      ['3', 2, 'completed', [[1, 30]]],
    ]);
    const rfm = computeRfm(db, { levels: 3 });
    // Snapshot = day 3; 3 − 0.9 = 2.1 days → 2.
    expect([...rfm.customers.recency]).toEqual([3, 2, 1]);
    expect(rfm.warnings.map((w) => w.code)).toContain('MOSTLY_SINGLE_ORDER');
  });

  it('breaks ties by customer id in numeric order, so 9999 ranks before 10000', () => {
    const db = shop([
      ['10000', 0, 'completed', [[1, 10]]],
      ['9999', 0, 'completed', [[1, 10]]],
    ]);
    const rfm = computeRfm(db, { levels: 3 });
    expect(rfm.customers.externalId).toEqual(['9999', '10000']);
    // Equal recency: ranks 1 and 2 by id; rank 1 is in the lowest bin, i.e. the best R.
    expect([...rfm.customers.r]).toEqual([3, 1]);
    expect(compareExternalIds('abc', '123')).toBeGreaterThan(0);
  });
});

describe('quantile bins of ranks (pandas qcut on rank)', () => {
  it('puts edges where numpy does', () => {
    // np.quantile(arange(1, 11), linspace(0, 1, 6)) = [1, 2.8, 4.6, 6.4, 8.2, 10]
    expect([...quantileBinsOfRanks(10, 5)].map((e) => Math.round(e * 1e9) / 1e9)).toEqual([1, 2.8, 4.6, 6.4, 8.2, 10]);
  });
});
