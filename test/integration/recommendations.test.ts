import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { evaluateRecommendations } from '../../src-main/analytics/recommend-evaluation';
import {
  customerRecommendations,
  generateRecommendations,
  recommendationRows,
} from '../../src-main/analytics/recommend-runs';
import { recommendationsStatus } from '../../src-main/analytics/recommend-status';
import { runImport } from '../../src-main/import/run-import';
import { evaluateOptionsSchema, recommendOptionsSchema } from '../../src-main/shared/recommendations';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };

const HEADER = 'order_id,customer_id,ordered_at,sku,product_name,category,quantity,unit_price,order_status';

/**
 * Before June: C1 and C2 buy mugs A and B together, C3 buys A with tea C, C4 buys A alone, and C5–C7 buy D, the
 * most bought product that no mug buyer touches. C7's order also holds E and F, a product without a name. In
 * June C4 and C3 come back for B; C8's only order is cancelled, so C8 has no history (cold start).
 */
const LINES = [
  'O1,C1,2024-01-10 10:00,A,Blue tea mug,Mugs,1,8,completed',
  'O1,C1,2024-01-10 10:00,B,Red tea mug,Mugs,1,8,completed',
  'O2,C2,2024-02-10 10:00,A,Blue tea mug,Mugs,2,8,completed',
  'O2,C2,2024-02-10 10:00,B,Red tea mug,Mugs,1,8,completed',
  'O3,C3,2024-03-10 10:00,A,Blue tea mug,Mugs,1,8,completed',
  'O3,C3,2024-03-10 10:00,C,Green tea,Tea,1,4,completed',
  'O4,C4,2024-04-10 10:00,A,Blue tea mug,Mugs,1,8,completed',
  'O5,C5,2024-03-01 10:00,D,Oolong tea,Tea,1,12,completed',
  'O6,C6,2024-04-01 10:00,D,Oolong tea,Tea,1,12,completed',
  'O7,C7,2024-05-01 10:00,D,Oolong tea,Tea,1,12,completed',
  'O7,C7,2024-05-01 10:00,E,Tea strainer,Accessories,1,3,completed',
  'O7,C7,2024-05-01 10:00,F,,,1,5,completed',
  'O8,C4,2024-06-10 10:00,B,Red tea mug,Mugs,1,8,completed',
  'O9,C3,2024-06-15 10:00,B,Red tea mug,Mugs,1,8,completed',
  'O10,C8,2024-06-20 10:00,A,Blue tea mug,Mugs,1,8,cancelled',
];

async function importLines(db: Db, dir: string, lines: string[], header = HEADER): Promise<void> {
  const path = join(dir, 'orders.csv');
  writeFileSync(path, [header, ...lines].join('\n'));
  const report = await runImport(db, { path, settings: { kind: 'order_lines' }, dryRun: false }, quiet);
  expect(report.committed).toBe(true);
}

const options = (input: Record<string, unknown>) => recommendOptionsSchema.parse(input);
const evaluation = (input: Record<string, unknown>) => evaluateOptionsSchema.parse(input);

function customerId(db: Db, externalId: string): number {
  return db.prepare('SELECT id FROM customers WHERE external_id = ?').pluck().get(externalId) as number;
}

/** The SKUs of a customer's latest list, best first. */
function skus(db: Db, externalId: string): string[] {
  return customerRecommendations(db, customerId(db, externalId)).items.map((item) => item.product.sku);
}

describe('next best product', () => {
  const tempDir = useTempDir('marketlens-recs-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'shop.mlens'));
    await importLines(db, dir, LINES);
    return () => db.close();
  });

  it('describes the history before anything runs', () => {
    const status = recommendationsStatus(db);
    expect(status).toMatchObject({
      customers: 8,
      customersWithPurchases: 7,
      products: 6,
      productsSold: 6,
      productsWithoutText: 1,
      categories: 3,
      baskets: 9,
      firstPurchaseAt: Date.UTC(2024, 0, 10, 10),
      lastPurchaseAt: Date.UTC(2024, 5, 15, 10),
      latestRun: null,
      latestBasket: null,
    });
    // 10 January 10:00 + 0.8 × 157 days is 15 May 00:24; the split starts that day.
    expect(new Date(status.suggestedSplitAt ?? 0).toISOString()).toBe('2024-05-15T00:00:00.000Z');
  });

  it('keeps the history counts until the next import, then counts again', async () => {
    expect(recommendationsStatus(db).baskets).toBe(9);
    await importLines(db, dir, ['O11,C9,2024-07-01 10:00,E,Tea strainer,Accessories,2,3,completed']);
    expect(recommendationsStatus(db)).toMatchObject({
      customersWithPurchases: 8,
      baskets: 10,
      lastPurchaseAt: Date.UTC(2024, 6, 1, 10),
    });
  });

  it('lists products bought with what the customer bought, and popular ones for a customer without history', () => {
    const summary = generateRecommendations(db, options({ method: 'item-knn', k: 3 }), quiet, 1_000);
    expect(summary).toMatchObject({ customers: 8, coldStart: 1, rows: 24, createdAt: 1_000 });
    expect(summary.warnings.map((w) => [w.code, w.count])).toEqual([['COLD_START', 1]]);

    // C1 bought A and B; only C3 also bought C, with A (and B later): C is bought with them, the rest is popular.
    const c1 = customerRecommendations(db, customerId(db, 'C1'));
    expect(c1.coldStart).toBe(false);
    expect(c1.run?.method).toBe('item-knn');
    expect(c1.items[0]).toMatchObject({
      rank: 1,
      product: { sku: 'C', name: 'Green tea' },
      method: 'item-knn',
      reasonKind: 'bought-with',
      reasonProduct: { sku: 'A', name: 'Blue tea mug' },
    });
    expect(c1.items.slice(1).map((item) => [item.product.sku, item.reasonKind])).toEqual([
      ['D', 'popular'],
      ['E', 'popular'],
    ]);

    // In the 30 days to 15 June only B sold (to C3 and C4); then A, bought by 4 customers in all, then D by 3.
    const c8 = customerRecommendations(db, customerId(db, 'C8'));
    expect(c8.coldStart).toBe(true);
    expect(c8.items.map((item) => [item.product.sku, item.method, item.reasonKind, item.reasonProduct])).toEqual([
      ['B', 'popularity', 'popular', null],
      ['A', 'popularity', 'popular', null],
      ['D', 'popularity', 'popular', null],
    ]);

    expect(db.prepare('SELECT count(*) FROM recommendations WHERE run_id = ?').pluck().get(summary.runId)).toBe(24);
    const page = recommendationRows(db, { search: 'c8', offset: 0, limit: 10 });
    expect(page.total).toBe(3);
    expect(page.rows.map((row) => [row.externalId, row.rank])).toEqual([
      ['C8', 1],
      ['C8', 2],
      ['C8', 3],
    ]);
    expect(recommendationRows(db, { search: '', offset: 20, limit: 10 })).toMatchObject({ total: 24 });
    expect(recommendationRows(db, { search: '', offset: 20, limit: 10 }).rows).toHaveLength(4);
  });

  it('applies the options: products bought before, sold recently, and at most N per category', () => {
    generateRecommendations(db, options({ method: 'popularity', k: 2 }), quiet);
    expect(skus(db, 'C1')).toEqual(['D', 'C']);
    // Consumables: what C1 bought may come back.
    generateRecommendations(db, options({ method: 'popularity', k: 2, excludeBought: false }), quiet);
    expect(skus(db, 'C1')).toEqual(['B', 'A']);
    expect(db.prepare('SELECT count(*) FROM recommendation_runs').pluck().get()).toBe(1);

    const recent = generateRecommendations(db, options({ method: 'popularity', k: 3, soldWithinDays: 30 }), quiet);
    expect(skus(db, 'C8')).toEqual(['B']);
    expect(recent.warnings.find((w) => w.code === 'SHORT_LISTS')?.count).toBe(8);

    generateRecommendations(db, options({ method: 'popularity', k: 3, maxPerCategory: 1 }), quiet);
    expect(skus(db, 'C8')).toEqual(['B', 'D', 'E']);
  });

  it('warns about products without text, and refuses content-based lists when no product has any', async () => {
    const summary = generateRecommendations(db, options({}), quiet);
    expect(summary.options.method).toBe('hybrid');
    expect(summary.warnings.find((w) => w.code === 'NO_TEXT')?.count).toBe(1);

    const bare = createProject(join(dir, 'bare.mlens'));
    try {
      await importLines(
        bare,
        dir,
        LINES.map((line) =>
          line
            .split(',')
            .filter((_, i) => i !== 4 && i !== 5)
            .join(','),
        ),
        'order_id,customer_id,ordered_at,sku,quantity,unit_price,order_status',
      );
      expect(() => generateRecommendations(bare, options({ method: 'content' }), quiet)).toThrow(
        /no product has either/,
      );
      expect(generateRecommendations(bare, options({ method: 'item-knn' }), quiet).customers).toBe(8);
    } finally {
      bare.close();
    }
  });

  it('says what to do when there is no purchase to learn from', () => {
    const empty = createProject(join(dir, 'empty.mlens'));
    try {
      expect(() => generateRecommendations(empty, options({}), quiet)).toThrow(/Import order lines/);
    } finally {
      empty.close();
    }
  });

  it('evaluates every method against popularity on a time split', () => {
    const result = evaluateRecommendations(db, evaluation({ splitDate: Date.UTC(2024, 5, 1), k: 1 }), quiet);
    // C3 and C4 bought before June and came back for B, new to both.
    expect(result).toMatchObject({ users: 2, trainLines: 12, testLines: 2 });
    expect(result.methods.map((m) => m.method)).toEqual(['popularity', 'item-knn', 'content', 'rules', 'hybrid']);
    const popularity = result.methods[0];
    const itemKnn = result.methods[1];
    // Popularity offers D, the best seller of May, to both; item-to-item offers B, bought with A.
    expect(popularity).toMatchObject({ precision: 0, recall: 0, hitRate: 0 });
    expect(itemKnn).toMatchObject({ precision: 1, recall: 1, hitRate: 1, coverage: 1 / 6 });
    for (const method of result.methods)
      for (const value of [method.precision, method.recall, method.hitRate, method.coverage]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
  });

  it('refuses a split date outside the purchases, with the range to choose from', () => {
    const at = (date: string) => evaluation({ splitDate: Date.parse(`${date}T00:00:00Z`) });
    expect(() => evaluateRecommendations(db, at('2023-12-01'), quiet)).toThrow(
      /2023-12-01 is not after the first purchase.*after 2024-01-10 and no later than 2024-06-15/,
    );
    expect(() => evaluateRecommendations(db, at('2024-07-01'), quiet)).toThrow(/is after the last purchase/);
    // The last purchase is on 15 June at 10:00: a split at midnight that day still tests C3's return.
    expect(() => evaluateRecommendations(db, at('2024-06-16'), quiet)).toThrow(/after the last purchase/);
    expect(evaluateRecommendations(db, at('2024-06-15'), quiet).users).toBe(1);
  });

  it('refuses a split after which no customer bought anything new', async () => {
    await importLines(db, dir, ['O11,C1,2024-07-01 10:00,A,Blue tea mug,Mugs,1,8,completed']);
    expect(() =>
      evaluateRecommendations(db, evaluation({ splitDate: Date.parse('2024-06-30T00:00:00Z') }), quiet),
    ).toThrow(/No customer who bought before 2024-06-30 bought a new product after it.*earlier date/);
  });

  it('says so when a customer is unknown', () => {
    expect(() => customerRecommendations(db, 9_999)).toThrow(/not in this project/);
    expect(customerRecommendations(db, customerId(db, 'C1'))).toEqual({ run: null, coldStart: false, items: [] });
  });
});
