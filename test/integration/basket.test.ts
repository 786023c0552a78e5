import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  basketRules,
  basketRulesCsv,
  estimateProjectBaskets,
  latestBasketRun,
  runBasketAnalysis,
} from '../../src-main/analytics/basket-runs';
import { runImport } from '../../src-main/import/run-import';
import { parseCsv } from '../../src-main/io/csv';
import { basketOptionsSchema } from '../../src-main/shared/recommendations';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };

const HEADER = 'order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,order_status';

/**
 * Nine valid baskets: {A,B} twice, {A,C}, {A}, {D} twice, {D,E,F}, {B} twice (one of them anonymous), and a
 * cancelled {A,D} that must not count. A and B are in 4 baskets each and together in 2.
 */
const LINES = [
  'O1,C1,2024-01-10 10:00,A,Blue mug,1,8,completed',
  'O1,C1,2024-01-10 10:00,B,Red mug,1,8,completed',
  'O2,C2,2024-02-10 10:00,A,Blue mug,1,8,completed',
  'O2,C2,2024-02-10 10:00,B,Red mug,1,8,completed',
  'O3,C3,2024-03-10 10:00,A,Blue mug,1,8,completed',
  'O3,C3,2024-03-10 10:00,C,Green tea,1,4,completed',
  'O4,C4,2024-04-10 10:00,A,Blue mug,1,8,completed',
  'O5,C5,2024-03-01 10:00,D,Oolong,1,12,completed',
  'O6,C6,2024-04-01 10:00,D,Oolong,1,12,completed',
  'O7,C7,2024-05-01 10:00,D,Oolong,1,12,completed',
  'O7,C7,2024-05-01 10:00,E,Strainer,1,3,completed',
  'O7,C7,2024-05-01 10:00,F,Tea tin,1,5,completed',
  'O8,C4,2024-06-10 10:00,B,Red mug,1,8,completed',
  'O9,,2024-06-15 10:00,B,Red mug,1,8,completed',
  'O10,C8,2024-06-20 10:00,A,Blue mug,1,8,cancelled',
  'O10,C8,2024-06-20 10:00,D,Oolong,1,8,cancelled',
];

async function importLines(db: Db, dir: string, lines: string[]): Promise<void> {
  const path = join(dir, `orders-${lines.length}.csv`);
  writeFileSync(path, [HEADER, ...lines].join('\n'));
  const report = await runImport(db, { path, settings: { kind: 'order_lines' }, dryRun: false }, quiet);
  expect(report.committed).toBe(true);
}

const options = (input: Record<string, unknown>) => basketOptionsSchema.parse(input);
const page = { sort: 'lift', descending: true, search: '', offset: 0, limit: 50 } as const;

describe('market basket', () => {
  const tempDir = useTempDir('marketlens-basket-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'shop.mlens'));
    await importLines(db, dir, LINES);
    return () => db.close();
  });

  it('mines the rules of valid orders and keeps them with their measures', () => {
    const summary = runBasketAnalysis(db, options({ minSupport: 0.2, minConfidence: 0.1 }), quiet, 5_000);
    // 2 of 9 baskets is the least that reaches 0.2: A (4), B (4) and D (3) are frequent; {A, B} (2) the one pair.
    expect(summary).toMatchObject({
      createdAt: 5_000,
      baskets: 9,
      basketsSkipped: 0,
      minCount: 2,
      frequentItems: 3,
      itemsetsByLength: [3, 1],
      rules: 2,
    });
    expect(summary.warnings.map((w) => [w.code, w.count])).toEqual([['FEW_BASKETS', 9]]);
    expect(latestBasketRun(db)).toEqual(summary);

    const { total, rows } = basketRules(db, page);
    expect(total).toBe(2);
    expect(rows.map((r) => [r.rank, r.antecedent.map((p) => p.sku), r.consequent.sku])).toEqual([
      [1, ['A'], 'B'],
      [2, ['B'], 'A'],
    ]);
    const [rule] = rows;
    expect(rule?.count).toBe(2);
    expect(rule?.support).toBeCloseTo(2 / 9, 12);
    expect(rule?.confidence).toBeCloseTo(0.5, 12);
    expect(rule?.lift).toBeCloseTo((2 * 9) / (4 * 4), 12);
    expect(rule?.leverage).toBeCloseTo(2 / 9 - (4 / 9) * (4 / 9), 12);
    expect(rule?.conviction).toBeCloseTo((1 - 4 / 9) / (1 - 0.5), 12);
    expect(rule?.antecedent[0]?.name).toBe('Blue mug');

    expect(basketRules(db, { ...page, search: 'red' }).total).toBe(2);
    expect(basketRules(db, { ...page, search: 'oolong' }).total).toBe(0);
    expect(basketRules(db, { ...page, offset: 1, limit: 1 }).rows.map((r) => r.rank)).toEqual([2]);
  });

  it('finds n → 1 rules, sorts by any measure and reads infinite conviction as null', () => {
    // At one basket in nine, every pair and the triple {D, E, F} are frequent; D and E → F always holds.
    runBasketAnalysis(db, options({ minSupport: 0.1, minConfidence: 0.5, maxLength: 3 }), quiet);
    const rules = basketRules(db, { ...page, limit: 100 }).rows;
    const triple = rules.find((r) => r.antecedent.length === 2 && r.consequent.sku === 'F');
    expect(triple?.antecedent.map((p) => p.sku)).toEqual(['D', 'E']);
    expect(triple).toMatchObject({ count: 1, confidence: 1, conviction: null });

    const byConviction = basketRules(db, { ...page, sort: 'conviction', limit: 100 }).rows;
    const firstFinite = byConviction.findIndex((r) => r.conviction !== null);
    expect(byConviction.slice(0, firstFinite).every((r) => r.conviction === null)).toBe(true);
    expect(byConviction.slice(firstFinite).every((r) => r.conviction !== null)).toBe(true);
    const supports = basketRules(db, { ...page, sort: 'support', descending: false, limit: 100 }).rows.map(
      (r) => r.support,
    );
    expect(supports).toEqual([...supports].sort((a, b) => a - b));
    expect(supports.at(-1)).toBeCloseTo(2 / 9, 12);
  });

  it('exports every rule as CSV with product names', () => {
    runBasketAnalysis(db, options({ minSupport: 0.2 }), quiet, Date.UTC(2024, 6, 1));
    const { fileName, csv } = basketRulesCsv(db);
    expect(fileName).toBe('basket-rules-2024-07-01.csv');
    const [header, ...records] = parseCsv(csv);
    expect(header).toEqual([
      'rank',
      'antecedent',
      'antecedent_sku',
      'consequent',
      'consequent_sku',
      'orders',
      'support',
      'confidence',
      'lift',
      'leverage',
      'conviction',
    ]);
    expect(records.map((r) => r.slice(0, 6))).toEqual([
      ['1', 'Blue mug', 'A', 'Red mug', 'B', '2'],
      ['2', 'Red mug', 'B', 'Blue mug', 'A', '2'],
    ]);
    expect(Number(records[0]?.[8])).toBeCloseTo(1.125, 12);
  });

  it('leaves out giant baskets and says so, and refuses when every basket is giant', async () => {
    const summary = runBasketAnalysis(db, options({ minSupport: 0.2, maxBasketSize: 2 }), quiet);
    expect(summary).toMatchObject({ baskets: 8, basketsSkipped: 1 });
    expect(summary.warnings.find((w) => w.code === 'BASKETS_SKIPPED')?.message).toMatch(/^1 orders with more than 2/);

    const giant = createProject(join(dir, 'giant.mlens'));
    try {
      const lines = Array.from({ length: 60 }, (_, p) => `G1,C1,2024-01-10 10:00,P${p},Product ${p},1,1,completed`);
      await importLines(giant, dir, lines);
      expect(() => estimateProjectBaskets(giant, options({}))).toThrow(
        /Every order has more than 50 products, so none was used/,
      );
      expect(() => runBasketAnalysis(giant, options({}), quiet)).toThrow(/Raise the largest basket size/);
    } finally {
      giant.close();
    }
  });

  it('estimates first and refuses when itemsets would explode', async () => {
    const wide = createProject(join(dir, 'wide.mlens'));
    try {
      // Five orders of the same 60 products: every subset of up to 4 of them is in all five.
      const lines = Array.from({ length: 5 }, (_, o) =>
        Array.from({ length: 60 }, (_, p) => `W${o},C${o},2024-01-1${o} 10:00,P${p},Product ${p},1,1,completed`),
      ).flat();
      await importLines(wide, dir, lines);
      const wideOptions = options({ minSupport: 0.5, maxLength: 4, maxBasketSize: 100 });
      const estimate = estimateProjectBaskets(wide, wideOptions);
      // 60 + C(60, 2) + C(60, 3) + C(60, 4) = 60 + 1,770 + 34,220 + 487,635.
      expect(estimate).toMatchObject({ baskets: 5, tooMany: true, upperBound: 523_685, limit: 500_000 });
      expect(() => runBasketAnalysis(wide, wideOptions, quiet)).toThrow(
        /up to 523,685 product combinations could qualify.*Raise the minimum support/,
      );
      expect(latestBasketRun(wide)).toBeNull();
      expect(estimateProjectBaskets(wide, { ...wideOptions, maxLength: 2 }).tooMany).toBe(false);
    } finally {
      wide.close();
    }
  });

  it('says what to do before there are orders, and before the first run', () => {
    const empty = createProject(join(dir, 'empty.mlens'));
    try {
      expect(() => runBasketAnalysis(empty, options({}), quiet)).toThrow(/no completed order with products yet/);
      expect(() => basketRules(empty, page)).toThrow(/no market basket analysis yet/);
      expect(() => basketRulesCsv(empty)).toThrow(/Run one first/);
    } finally {
      empty.close();
    }
  });
});
