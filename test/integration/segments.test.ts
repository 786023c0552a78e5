import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runClusters } from '../../src-main/analytics/clusters';
import { customerDetail, searchCustomers } from '../../src-main/analytics/customers';
import { computeDashboard } from '../../src-main/analytics/dashboard';
import { runRfm } from '../../src-main/analytics/rfm-runs';
import {
  deleteSegment,
  fieldValues,
  listSegments,
  previewSegment,
  saveSegment,
  segmentMembers,
  snapshotSegment,
} from '../../src-main/analytics/segments';
import { runImport } from '../../src-main/import/run-import';
import { ruleGroupSchema, type Condition, type RuleGroup } from '../../src-main/shared/segments';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };

const HEADER =
  'order_id,customer_id,email,first_name,country,city,ordered_at,sku,product_name,category,quantity,unit_price,order_status,email_consent';

/**
 * Five customers whose figures are easy to work out by hand:
 * C1 UK London, 3 orders (A, B) worth 55, consented; C2 UK Leeds, 1 order (C); C3 France, 2 orders (A);
 * C4 Germany, one cancelled order only; C5 China, 4 orders (D).
 */
const LINES = [
  'O1,C1,ann@example.com,Ann,United Kingdom,London,2024-01-10 10:00,A,Blue mug,Mugs,2,10,completed,yes',
  'O1,C1,ann@example.com,Ann,United Kingdom,London,2024-01-10 10:00,B,Red mug,Mugs,1,5,completed,yes',
  'O2,C1,ann@example.com,Ann,United Kingdom,London,2024-03-05 09:00,A,Blue mug,Mugs,1,10,completed,yes',
  'O3,C1,ann@example.com,Ann,United Kingdom,London,2024-06-20 12:00,B,Red mug,Mugs,4,5,completed,yes',
  'O4,C2,bob@example.com,Bob,United Kingdom,Leeds,2024-02-14 08:00,C,Green tea,Tea,3,4,completed,no',
  'O5,C3,cleo@example.fr,Cléo,France,Paris,2024-05-02 15:00,A,Blue mug,Mugs,1,10,completed,',
  'O6,C3,cleo@example.fr,Cléo,France,Paris,2024-06-01 15:00,A,Blue mug,Mugs,2,10,completed,',
  'O7,C4,dirk@example.de,Dirk,Germany,Berlin,2024-04-01 11:00,C,Green tea,Tea,5,4,cancelled,yes',
  'O8,C5,li@example.cn,李,China,上海,2024-01-02 10:00,D,Oolong,Tea,1,30,completed,yes',
  'O9,C5,li@example.cn,李,China,上海,2024-02-02 10:00,D,Oolong,Tea,1,30,completed,yes',
  'O10,C5,li@example.cn,李,China,上海,2024-03-02 10:00,D,Oolong,Tea,1,30,completed,yes',
  'O11,C5,li@example.cn,李,China,上海,2024-06-25 10:00,D,Oolong,Tea,2,30,completed,yes',
];

async function importLines(db: Db, dir: string, name: string, lines: string[]): Promise<void> {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...lines].join('\n'));
  const report = await runImport(db, { path, settings: { kind: 'order_lines' }, dryRun: false }, quiet);
  expect(report.committed).toBe(true);
}

const group = (combinator: 'and' | 'or', ...rules: (Condition | RuleGroup)[]): RuleGroup => ({ combinator, rules });
const parse = (rules: unknown) => ruleGroupSchema.parse(rules);

function members(db: Db, rules: RuleGroup): string[] {
  return segmentMembers(db, { id: saveSegment(db, { name: `s${Math.random()}`, rules }).id, offset: 0, limit: 100 })
    .rows.map((row) => row.externalId)
    .sort();
}

describe('rule segments', () => {
  const tempDir = useTempDir('marketlens-segments-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'shop.mlens'));
    await importLines(db, dir, 'orders.csv', LINES);
    return () => db.close();
  });

  it('counts members of text, number, date, consent and purchase conditions', () => {
    const count = (rules: RuleGroup) => previewSegment(db, rules).members;
    expect(count(group('and'))).toBe(5);
    expect(count(group('and', { field: 'country', op: 'is', values: ['united kingdom'] }))).toBe(2);
    expect(count(group('and', { field: 'country', op: 'isNot', values: ['United Kingdom'] }))).toBe(3);
    expect(count(group('and', { field: 'city', op: 'contains', values: ['上'] }))).toBe(1);
    expect(count(group('and', { field: 'orders', op: 'ge', value: 2 }))).toBe(3);
    // C4's only order was cancelled: no orders, no revenue, and no average order value to compare.
    expect(count(group('and', { field: 'orders', op: 'eq', value: 0 }))).toBe(1);
    expect(count(group('and', { field: 'averageOrderValue', op: 'lt', value: 1000 }))).toBe(4);
    expect(count(group('and', { field: 'revenue', op: 'between', value: 12, value2: 30 }))).toBe(2);
    expect(count(group('and', { field: 'emailConsent', op: 'is', value: 'unknown' }))).toBe(1);
    expect(count(group('and', { field: 'emailConsent', op: 'is', value: 'no' }))).toBe(1);
    expect(count(group('and', { field: 'productsBought', op: 'any', values: ['A'] }))).toBe(2);
    expect(count(group('and', { field: 'productsBought', op: 'none', values: ['A'] }))).toBe(3);
    expect(count(group('and', { field: 'categoriesBought', op: 'any', values: ['Tea'] }))).toBe(2);
    // The latest order is 2024-06-25: within 10 days are C1 (06-20) and C5 (06-25).
    expect(count(group('and', { field: 'lastOrderAt', op: 'withinDays', value: 10 }))).toBe(2);
    expect(count(group('and', { field: 'daysSinceLastOrder', op: 'gt', value: 100 }))).toBe(1);
    expect(count(group('and', { field: 'firstOrderAt', op: 'before', value: Date.UTC(2024, 1, 1) }))).toBe(2);
  });

  it('combines AND and OR groups, and names the members', () => {
    const rules = group(
      'or',
      group('and', { field: 'country', op: 'is', values: ['United Kingdom'] }, { field: 'orders', op: 'ge', value: 2 }),
      { field: 'country', op: 'is', values: ['China', 'France'] },
    );
    expect(members(db, rules)).toEqual(['C1', 'C3', 'C5']);
    const preview = previewSegment(db, rules);
    expect(preview).toMatchObject({ members: 3, customers: 5, revenue: 55 + 30 + 150 });
    expect(preview.sample.map((row) => row.externalId)).toEqual(['C5', 'C1', 'C3']);
  });

  it('says plainly when nobody matches, and refuses an empty range', () => {
    expect(previewSegment(db, group('and', { field: 'orders', op: 'gt', value: 100 })).members).toBe(0);
    expect(() => previewSegment(db, group('and', { field: 'revenue', op: 'between', value: 50, value2: 10 }))).toThrow(
      /put the smaller value first/,
    );
  });

  it('treats typed values as data, never as SQL', () => {
    const hostile = "United Kingdom' OR 1=1 --";
    expect(previewSegment(db, group('and', { field: 'country', op: 'is', values: [hostile] })).members).toBe(0);
    expect(previewSegment(db, group('and', { field: 'email', op: 'contains', values: ["%' OR '1'='1"] })).members).toBe(
      0,
    );
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(5);
  });

  it('rejects rule trees that are too deep, unknown fields and extra keys at the contract', () => {
    let deep: unknown = { combinator: 'and', rules: [] };
    for (let i = 0; i < 5; i++) deep = { combinator: 'and', rules: [deep] };
    expect(() => parse(deep)).toThrow(/nest at most/);
    expect(() => parse({ combinator: 'and', rules: [{ field: 'password', op: 'is', values: ['x'] }] })).toThrow();
    expect(() =>
      parse({ combinator: 'and', rules: [{ field: 'country', op: 'is', values: ['x'], sql: '1=1' }] }),
    ).toThrow();
  });

  it('filters by the latest RFM segment', () => {
    const summary = runRfm(db, { levels: 3 });
    const best = summary.segments.find((s) => s.customers > 0)?.segment ?? '';
    const expected = summary.segments.find((s) => s.segment === best)?.customers;
    expect(previewSegment(db, group('and', { field: 'rfmSegment', op: 'in', values: [best] })).members).toBe(expected);
    expect(fieldValues(db, 'rfmSegment', '').map((v) => v.value)).toContain(best);
  });

  it('filters by a model score; customers the model did not score never match', () => {
    const model = Number(
      db
        .prepare(
          `INSERT INTO models (kind, algorithm, version, name, created_at, options_json, window_json, metrics_json, model_json)
           VALUES ('propensity', 'logistic', 1, 'Buy in 90 days', 0, '{}', '{}', '{}', '{}')`,
        )
        .run().lastInsertRowid,
    );
    const insert = db.prepare(
      'INSERT INTO model_scores (model_id, customer_id, score) SELECT ?, id, ? FROM customers WHERE external_id = ?',
    );
    insert.run(model, 0.9, 'C1');
    insert.run(model, 0.4, 'C3');
    insert.run(model, 0.7, 'C5');
    expect(members(db, group('and', { field: 'modelScore', modelId: model, op: 'ge', value: 0.5 }))).toEqual([
      'C1',
      'C5',
    ]);
    expect(
      members(db, group('and', { field: 'modelScore', modelId: model, op: 'between', value: 0.3, value2: 0.8 })),
    ).toEqual(['C3', 'C5']);
    expect(members(db, group('and', { field: 'modelScore', modelId: model, op: 'lt', value: 0.5 }))).toEqual(['C3']);
  });

  it('saves segments that follow new imports, while snapshots keep who was in them', async () => {
    const uk = group('and', { field: 'country', op: 'is', values: ['United Kingdom'] });
    const saved = saveSegment(db, { name: 'UK', rules: uk });
    expect(saved.members).toBe(2);
    expect(() => saveSegment(db, { name: 'uk', rules: uk })).toThrow(/already exists/);
    const frozen = snapshotSegment(db, saved.id, Date.UTC(2024, 6, 1));
    expect(frozen.snapshots).toEqual([{ id: expect.any(Number), takenAt: Date.UTC(2024, 6, 1), members: 2 }]);

    await importLines(db, dir, 'july.csv', [
      'O12,C6,eve@example.com,Eve,United Kingdom,York,2024-07-01 10:00,A,Blue mug,Mugs,1,10,completed,yes',
    ]);
    const [after] = listSegments(db);
    expect(after?.members).toBe(3);
    const snapshotId = frozen.snapshots[0]?.id ?? 0;
    const kept = segmentMembers(db, { id: saved.id, snapshotId, offset: 0, limit: 10 });
    expect(kept.rows.map((row) => row.externalId).sort()).toEqual(['C1', 'C2']);
    deleteSegment(db, saved.id);
    expect(listSegments(db)).toEqual([]);
  });

  it('offers values to pick from, the commonest first', () => {
    expect(fieldValues(db, 'country', '')[0]).toEqual({
      value: 'United Kingdom',
      label: 'United Kingdom',
      customers: 2,
    });
    expect(fieldValues(db, 'productsBought', 'mug').map((v) => [v.value, v.customers])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    expect(fieldValues(db, 'categoriesBought', '').map((v) => v.value)).toEqual(['Mugs', 'Tea']);
  });
});

describe('customers, dashboard and clusters', () => {
  const tempDir = useTempDir('marketlens-customers-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'shop.mlens'));
    await importLines(db, dir, 'orders.csv', LINES);
    return () => db.close();
  });

  it('searches customers by id, email or name and pages through them', () => {
    expect(searchCustomers(db, { search: '', sort: 'revenue', offset: 0, limit: 2 })).toMatchObject({
      total: 5,
      rows: [{ externalId: 'C5', revenue: 150, orders: 4 }, { externalId: 'C1' }],
    });
    expect(searchCustomers(db, { search: 'EXAMPLE.FR', sort: 'id', offset: 0, limit: 10 }).rows).toMatchObject([
      { externalId: 'C3', name: 'Cléo' },
    ]);
    expect(searchCustomers(db, { search: '李', sort: 'id', offset: 0, limit: 10 }).total).toBe(1);
    expect(searchCustomers(db, { search: '', sort: 'lastOrder', offset: 4, limit: 10 }).rows).toMatchObject([
      { externalId: 'C4', lastOrderAt: null },
    ]);
  });

  it('shows a customer with orders, products, RFM, cluster and segments', () => {
    runRfm(db, { levels: 3 });
    saveSegment(db, {
      name: 'Mug buyers',
      rules: group('and', { field: 'categoriesBought', op: 'any', values: ['Mugs'] }),
    });
    const id = searchCustomers(db, { search: 'ann@', sort: 'id', offset: 0, limit: 1 }).rows[0]?.id ?? 0;
    const ann = customerDetail(db, id);
    expect(ann).toMatchObject({
      externalId: 'C1',
      email: 'ann@example.com',
      emailConsent: true,
      metrics: { orders: 3, revenue: 55, averageOrderValue: 55 / 3, distinctProducts: 2 },
      ordersTotal: 3,
      segments: [{ name: 'Mug buyers' }],
      cluster: null,
    });
    expect(ann.orders.map((o) => o.externalId)).toEqual(['O3', 'O2', 'O1']);
    expect(ann.topProducts.map((p) => [p.sku, p.revenue])).toEqual([
      ['A', 30],
      ['B', 25],
    ]);
    expect(ann.rfm).toMatchObject({ frequency: 3, monetary: 55, levels: 3 });
    expect(() => customerDetail(db, 9999)).toThrow(/not in this project/);
  });

  it('computes the dashboard: totals, months, new vs returning, top lists and cohorts', () => {
    const dashboard = computeDashboard(db, quiet, 1);
    expect(dashboard.totals).toMatchObject({
      customers: 4,
      orders: 10,
      revenue: 55 + 12 + 30 + 150,
      repeatCustomers: 3,
      anonymousOrders: 0,
    });
    expect(dashboard.months.map((m) => [m.month, m.orders, m.newCustomers, m.returningCustomers])).toEqual([
      ['2024-01', 2, 2, 0],
      ['2024-02', 2, 1, 1],
      ['2024-03', 2, 0, 2],
      ['2024-05', 1, 1, 0],
      ['2024-06', 3, 0, 3],
    ]);
    expect(dashboard.topProducts[0]).toMatchObject({ sku: 'D', revenue: 150, customers: 1 });
    expect(dashboard.topCountries.map((c) => c.country)).toEqual(['China', 'United Kingdom', 'France']);
    const january = dashboard.cohorts.find((c) => c.month === '2024-01');
    // C1 and C5 started in January; both bought in March (2 months on) and June (5 months on), only C5 in February.
    expect(january?.customers).toBe(2);
    expect(january?.retention.slice(0, 6)).toEqual([1, 0.5, 1, 0, 0, 1]);
  });

  it('clusters customers, keeps the run, and refuses more clusters than distinct customers', () => {
    const summary = runClusters(
      db,
      { features: ['recency', 'frequency', 'monetary'], k: 2, sweep: true, seed: 0, restarts: 5, log: true },
      quiet,
    );
    expect(summary.customers).toBe(4);
    expect(summary.clusters.reduce((sum, c) => sum + c.size, 0)).toBe(4);
    expect(summary.sweep?.map((p) => p.k)).toEqual([2, 3, 4]);
    expect(summary.projection.points).toHaveLength(4);
    expect(db.prepare('SELECT count(*) FROM cluster_assignments WHERE run_id = ?').pluck().get(summary.runId)).toBe(4);
    expect(() =>
      runClusters(db, { features: ['frequency'], k: 5, sweep: false, seed: 0, restarts: 1, log: true }, quiet),
    ).toThrow(/only 4/);
  });
});

describe('orders imported one row per order', () => {
  const tempDir = useTempDir('marketlens-orders-');

  it('count in RFM, customer figures and the dashboard with their order totals', async () => {
    const dir = tempDir();
    const db = createProject(join(dir, 'taobao.mlens'));
    const path = join(dir, 'orders.csv');
    writeFileSync(
      path,
      [
        '订单编号,买家会员名,买家实际支付金额,订单创建时间',
        'T1,buyer1,99.5,2024-01-01 10:00',
        'T2,buyer1,20,2024-02-01 10:00',
        'T3,buyer2,10,2024-02-03 10:00',
      ].join('\n'),
    );
    const report = await runImport(db, { path, settings: { kind: 'orders' }, dryRun: false }, quiet);
    expect(report.committed).toBe(true);
    const rfm = runRfm(db, {});
    expect(rfm.customers).toBe(2);
    expect(searchCustomers(db, { search: 'buyer1', sort: 'id', offset: 0, limit: 1 }).rows[0]).toMatchObject({
      orders: 2,
      revenue: 119.5,
    });
    expect(computeDashboard(db, quiet).totals.revenue).toBeCloseTo(129.5, 6);
    db.close();
  });
});
