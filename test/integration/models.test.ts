import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deleteModel,
  exportModel,
  importModel,
  listModels,
  modelDetail,
  modelScores,
} from '../../src-main/analytics/model-registry';
import { scoreModel } from '../../src-main/analytics/model-scoring';
import { tableImports, trainTable } from '../../src-main/analytics/model-table';
import { trainFamilies } from '../../src-main/analytics/model-training';
import { trainPropensity } from '../../src-main/analytics/propensity-training';
import { runImport } from '../../src-main/import/run-import';
import { PROPENSITY_FEATURES, type PropensityTrainOptions } from '../../src-main/shared/models';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };
const DAY = 86_400_000;
const demoSample = fileURLToPath(new URL('../../resources/demo/online-retail-sample.csv', import.meta.url));
const reference = fileURLToPath(new URL('../../../shared/data/references/propensity_features.csv', import.meta.url));

const options = (overrides: Partial<PropensityTrainOptions> = {}): PropensityTrainOptions => ({
  target: 'propensity',
  days: 90,
  features: [...PROPENSITY_FEATURES],
  families: ['logistic', 'tree', 'forest'],
  seed: 0,
  name: '',
  ...overrides,
});

async function importFile(db: Db, path: string, settings: Parameters<typeof runImport>[1]['settings'] = {}) {
  const report = await runImport(db, { path, settings, dryRun: false }, quiet);
  expect(report.committed).toBe(true);
  return report;
}

/** Order lines where customer c (1..customers) orders on each of `days(c)` (days after 2024-01-01), 20 each. */
function ordersCsv(dir: string, customers: number, days: (c: number) => number[]): string {
  const lines = ['order_id,customer_id,ordered_at,sku,quantity,unit_price'];
  for (let c = 1; c <= customers; c++)
    for (const day of days(c)) {
      const date = new Date(Date.UTC(2024, 0, 1) + day * DAY).toISOString().slice(0, 10);
      lines.push(`O${c}-${day},C${c},${date} 10:00,SKU${c % 3},2,10`);
    }
  const path = join(dir, `orders-${customers}.csv`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** Customers with a valid order before the cutoff, and which of them have one in the window: plain SQL. */
function expectedLabels(db: Db, cutoff: number, days: number): { customers: number; buyers: number } {
  const valid = `SELECT DISTINCT o.id, o.customer_id, o.ordered_at FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.status = 'completed' AND o.customer_id IS NOT NULL AND l.quantity > 0 AND l.unit_price > 0`;
  const before = db.prepare(`SELECT DISTINCT customer_id FROM (${valid}) WHERE ordered_at < ?`).pluck().all(cutoff);
  const after = new Set(
    db
      .prepare(`SELECT DISTINCT customer_id FROM (${valid}) WHERE ordered_at >= ? AND ordered_at < ?`)
      .pluck()
      .all(cutoff, cutoff + days * DAY),
  );
  return { customers: before.length, buyers: before.filter((id) => after.has(id)).length };
}

describe('propensity and churn models on the demo orders', () => {
  const tempDir = useTempDir('marketlens-models-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'demo.mlens'));
    await importFile(db, demoSample);
    return () => db.close();
  });

  it('labels customers from the window after the default cutoff and compares three families on held-out customers', () => {
    const result = trainPropensity(db, options(), quiet);
    expect(result.models.map((m) => m.algorithm)).toEqual(['logistic', 'tree', 'forest']);
    const [logistic, tree, forest] = result.models.map((m) => modelDetail(db, m.id));
    if (!logistic || !tree || !forest) throw new Error('three models expected');

    // Default cutoff: the window of 90 days ends with the last order day (2011-12-09).
    expect(new Date(logistic.window.cutoff ?? 0).toISOString().slice(0, 10)).toBe('2011-09-11');
    const truth = expectedLabels(db, logistic.window.cutoff ?? 0, 90);
    expect(logistic.window.customers).toBe(truth.customers);
    // Both outcomes keep their share in the held-out 30%.
    const heldOut = logistic.metrics.evaluation;
    expect(heldOut.count).toBe(logistic.window.testCustomers);
    expect(heldOut.positives).toBe(Math.round(truth.buyers * 0.3));
    expect(heldOut.count).toBe(Math.round(truth.buyers * 0.3) + Math.round((truth.customers - truth.buyers) * 0.3));

    for (const model of [logistic, tree, forest]) {
      expect(model.trainingId).toBe(result.trainingId);
      expect(model.metrics.evaluation.auc).toBeGreaterThan(0.6);
      expect(model.metrics.evaluation.lift).toHaveLength(10);
      expect(model.metrics.evaluation.lift.at(-1)?.cumulativeGain).toBeCloseTo(1, 12);
      const thresholds = model.metrics.evaluation.thresholds;
      expect(thresholds).toHaveLength(101);
      expect(thresholds[0]).toMatchObject({
        threshold: 0,
        tp: heldOut.positives,
        fp: heldOut.count - heldOut.positives,
      });
      expect(thresholds[100]?.tp ?? 0).toBeLessThanOrEqual(thresholds[50]?.tp ?? 0);
    }
    expect(result.best).toBe([logistic, tree, forest].reduce((a, b) => (b.auc > a.auc ? b : a)).id);

    // What was done to the data, and the models' explanations in the columns' own terms.
    const notes = logistic.metrics.notes;
    expect(notes).toContainEqual({ code: 'dropped-missing', column: 'emailConsent' });
    expect(notes).toContainEqual(expect.objectContaining({ code: 'imputed', column: 'daysBetweenOrders' }));
    expect(notes).toContainEqual(expect.objectContaining({ code: 'one-hot', column: 'country' }));
    const recency = logistic.metrics.drivers?.find((d) => d.column === 'recency' && d.role === 'value');
    expect(recency?.direction).toBe('lowers');
    const rules = tree.metrics.rules ?? [];
    expect(rules.reduce((sum, r) => sum + r.size, 0)).toBe(logistic.window.customers);
    const thresholds = rules.flatMap((r) => r.conditions).filter((c) => c.column === 'recency');
    // Days, not standardised or log values: within the span of the data.
    for (const c of thresholds) expect(c.value).toBeGreaterThanOrEqual(0);
    expect(forest.metrics.importances?.reduce((sum, i) => sum + i.importance, 0)).toBeCloseTo(1, 9);

    // The same seed gives the same models.
    const again = trainPropensity(db, options(), quiet);
    expect(again.models.map((m) => m.auc)).toEqual(result.models.map((m) => m.auc));
  });

  it('turns a churn target around: recency raises the risk', () => {
    const churn = trainPropensity(db, options({ target: 'churn', families: ['logistic'] }), quiet);
    const model = modelDetail(db, churn.best);
    expect(model.kind).toBe('churn');
    const truth = expectedLabels(db, model.window.cutoff ?? 0, 90);
    expect(model.metrics.evaluation.positives).toBe(Math.round((truth.customers - truth.buyers) * 0.3));
    expect(model.metrics.drivers?.find((d) => d.column === 'recency' && d.role === 'value')?.direction).toBe('raises');
  });

  it('scores every customer with orders into model_scores, and again after a new import', async () => {
    const { best } = trainPropensity(db, options({ families: ['logistic'] }), quiet);
    const scored = scoreModel(db, best, quiet, 1000);
    const withOrders = db.prepare('SELECT count(*) FROM customer_metrics').pluck().get() as number;
    expect(scored.customers).toBe(withOrders);
    expect(scored.histogram.reduce((a, b) => a + b, 0)).toBe(withOrders);
    const rows = db.prepare('SELECT score FROM model_scores WHERE model_id = ?').pluck().all(best) as number[];
    expect(rows).toHaveLength(withOrders);
    expect(rows.every((s) => s > 0 && s < 1)).toBe(true);
    expect(modelScores(db, { id: best, offset: 0, limit: 3 }).rows.map((r) => r.score)).toEqual(
      [...rows].sort((a, b) => b - a).slice(0, 3),
    );
    expect(listModels(db)[0]).toMatchObject({ id: best, scoredAt: 1000, scoredCustomers: withOrders });

    await importFile(
      db,
      ordersCsv(dir, 3, () => [720]),
    );
    expect(scoreModel(db, best, quiet).customers).toBe(withOrders + 3);
  });

  it('exports a model, imports it into another project, and refuses files that are not ours or too new', () => {
    const { best } = trainPropensity(db, options({ families: ['forest'] }), quiet);
    const exported = exportModel(db, best);
    expect(exported.fileName).toMatch(/forest-\d+\.mlmodel\.json$/);

    const other = createProject(join(dir, 'other.mlens'));
    try {
      const imported = importModel(other, exported.json);
      expect(imported).toMatchObject({ kind: 'propensity', algorithm: 'forest', auc: modelDetail(db, best).auc });
      expect(modelDetail(other, imported.id).metrics).toEqual(modelDetail(db, best).metrics);
    } finally {
      other.close();
    }
    const again = importModel(db, exported.json);
    expect(scoreModel(db, again.id, quiet).customers).toBe(scoreModel(db, best, quiet).customers);
    const scores = (id: number) =>
      db.prepare('SELECT customer_id, score FROM model_scores WHERE model_id = ? ORDER BY customer_id').raw().all(id);
    expect(scores(again.id)).toEqual(scores(best));

    expect(() => importModel(db, '{"name": "LogisticRegression"}')).toThrow(/not a MarketLens model/);
    expect(() => importModel(db, 'not json')).toThrow(/not even JSON/);
    const newer = { ...(JSON.parse(exported.json) as object), version: 99 };
    expect(() => importModel(db, JSON.stringify(newer))).toThrow(/newer MarketLens \(model file format 99/);
    const damaged = JSON.parse(exported.json) as { model: { estimator: { trees: unknown[] } } };
    damaged.model.estimator.trees = [];
    expect(() => importModel(db, JSON.stringify(damaged))).toThrow(/damaged/);
  });

  it('deletes a model with its scores', () => {
    const { best } = trainPropensity(db, options({ families: ['tree'] }), quiet);
    scoreModel(db, best, quiet);
    deleteModel(db, best);
    expect(() => modelDetail(db, best)).toThrow(/no longer exists/);
    expect(db.prepare('SELECT count(*) FROM model_scores WHERE model_id = ?').pluck().get(best)).toBe(0);
    expect(() => deleteModel(db, best)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('explains a cutoff outside the data', () => {
    expect(() => trainPropensity(db, options({ cutoff: '2010-11-01' }), quiet)).toThrow(
      /cutoff 2010-11-01 is not after the first order day \(2010-12-01\)/,
    );
    expect(() => trainPropensity(db, options({ cutoff: '2012-03-01' }), quiet)).toThrow(
      /cutoff 2012-03-01 is after the last order day \(2011-12-09\)/,
    );
    expect(() => trainPropensity(db, options({ cutoff: '2011-02-30' }), quiet)).toThrow(/not a date/);
    const late = trainPropensity(db, options({ cutoff: '2011-11-01', families: ['logistic'] }), quiet);
    expect(modelDetail(db, late.best).metrics.warnings).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_NOT_OBSERVED', params: { seen: 39, days: 90 } }),
    );
  });
});

describe('models on too little or one-sided data', () => {
  const tempDir = useTempDir('marketlens-models-bad-');

  it('refuses ten customers, and a target that only one outcome meets', async () => {
    const dir = tempDir();
    const db = createProject(join(dir, 'shop.mlens'));
    try {
      await importFile(
        db,
        ordersCsv(dir, 10, (c) => [c, 200 + c]),
      );
      expect(() => trainPropensity(db, options({ days: 30 }), quiet)).toThrow(/only 10 labelled customers/);
      // Sixty customers (the ten again among them) who buy every month: all buy within 90 days of any cutoff.
      await importFile(
        db,
        ordersCsv(dir, 60, () => Array.from({ length: 12 }, (_, m) => m * 30)),
      );
      expect(() => trainPropensity(db, options({ cutoff: '2024-06-01' }), quiet)).toThrow(
        /All of the 60 customers with orders before 2024-06-01 bought within 90 days, so there is nothing to learn/,
      );
    } finally {
      db.close();
    }
  });

  it('refuses a table column that mixes numbers and text', () => {
    const n = 60;
    const table = [
      { name: 'spend', values: Array.from({ length: n }, (_, i) => i) },
      { name: 'code', values: Array.from({ length: n }, (_, i) => (i % 2 ? String(i) : `x${i}`)) },
    ];
    const labels = Uint8Array.from({ length: n }, (_, i) => Number(i % 3 === 0));
    expect(() => trainFamilies({ table, labels, what: 'rows', outcome: 'converted' }, ['logistic'], 0, quiet)).toThrow(
      /Column "code" mixes numbers \(\d+\) and text \(\d+\), so it is neither a measure nor a category/,
    );
  });
});

describe('models on an imported customer table', () => {
  const tempDir = useTempDir('marketlens-models-table-');

  it('learns a label column, dropping constant and blank columns with a note, and scores the rows', async () => {
    const dir = tempDir();
    const db = createProject(join(dir, 'table.mlens'));
    try {
      const [header, ...rows] = readFileSync(reference, 'utf8').trim().split('\n');
      const path = join(dir, 'customers.csv');
      writeFileSync(path, [`${header},channel,notes`, ...rows.map((row) => `${row},web,`)].join('\n'));
      await importFile(db, path, { kind: 'customer_table', mapping: { customer_id: 'customer_id', label: 'label' } });
      const [table] = tableImports(db);
      expect(table).toMatchObject({ rows: 3362, labelled: 3362, labelColumn: 'label' });
      expect(table?.columns).toContain('recency_days');
      expect(table?.columns).not.toContain('customer_id');

      const result = trainTable(
        db,
        { importId: table?.importId ?? 0, exclude: ['split'], families: ['logistic', 'tree'], seed: 0, name: '' },
        quiet,
      );
      const model = modelDetail(db, result.models[0]?.id ?? 0);
      expect(model).toMatchObject({ kind: 'table', algorithm: 'logistic' });
      expect(model.window).toMatchObject({
        customers: 3362,
        testCustomers: Math.round(1919 * 0.3) + Math.round(1443 * 0.3),
      });
      expect(model.metrics.evaluation.auc).toBeGreaterThan(0.72);
      expect(model.metrics.notes).toContainEqual({ code: 'dropped-missing', column: 'notes' });
      expect(model.metrics.notes).toContainEqual(
        expect.objectContaining({ code: 'dropped-constant', column: 'channel', value: 'web' }),
      );
      expect(model.columns).not.toContain('split');
      expect(scoreModel(db, model.id, quiet).customers).toBe(3362);
    } finally {
      db.close();
    }
  });
});
