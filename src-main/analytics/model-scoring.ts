/**
 * Scores every customer with a kept model into model_scores (the campaigns area reads it): order-based models
 * compute each customer's features as of the end of the data, so scoring again after an import uses the new
 * orders; table models score the rows of the newest imported customer table that has the model's columns.
 */
import { CoreError } from '../shared/errors';
import { PROPENSITY_FEATURES, type PropensityFeature, type ScoreResult } from '../shared/models';
import { applyDesign, type Table } from '../ml/design-matrix';
import { loadForest, predictForest } from '../ml/forest';
import type { RowMajor } from '../ml/kmeans';
import { predictProbabilities } from '../ml/logistic';
import { loadTree, predictTree } from '../ml/tree';
import type { Db } from '../store/connection';
import { modelInfo, storedModel, type StoredModel } from './model-registry';
import { columnsOf, importedTable, tableImports } from './model-table';
import type { TrainingProgress } from './model-training';
import { customerFeatures, DAY_MS, requireOrderDays } from './propensity-features';

const BATCH = 5000;

/** The model's probability for rows of its features; trees are loaded once, not per batch. */
export function predictor(model: StoredModel): (matrix: RowMajor) => Float64Array {
  const { estimator } = model;
  if (estimator.name === 'LogisticRegression') return (matrix) => predictProbabilities(estimator, matrix);
  if (estimator.name === 'DecisionTree') {
    const tree = loadTree(estimator);
    return (matrix) => predictTree(tree, matrix);
  }
  const forest = loadForest(estimator);
  return (matrix) => predictForest(forest, matrix);
}

/** The customers to score and their feature columns, by the model's kind. */
function scoringRows(db: Db, kind: string, columns: readonly string[]): { customerIds: Int32Array; table: Table } {
  if (kind !== 'table') {
    const features = columns.filter((c): c is PropensityFeature =>
      (PROPENSITY_FEATURES as readonly string[]).includes(c),
    );
    // The moment after the last order day: every order counts, as the training cutoff counted the days before it.
    return customerFeatures(db, requireOrderDays(db).last + DAY_MS, features);
  }
  const source = tableImports(db).find((t) => columns.every((c) => t.columns.includes(c)));
  if (!source)
    throw new CoreError(
      'VALIDATION',
      `No imported customer table has the columns this model needs (${columns.join(', ')}): import one first.`,
    );
  const rows = importedTable(db, source.importId);
  return { customerIds: rows.customerIds, table: columnsOf(rows.headers, rows.records, columns) };
}

export function scoreModel(db: Db, modelId: number, ctx: TrainingProgress, now = Date.now()): ScoreResult {
  const info = modelInfo(db, modelId);
  const model = storedModel(db, modelId);
  ctx.progress(0.05, 'features');
  const { customerIds, table } = scoringRows(db, info.kind, info.columns);
  ctx.throwIfCancelled();
  const predict = predictor(model);
  const scores = new Float64Array(customerIds.length);
  for (let start = 0; start < customerIds.length; start += BATCH) {
    const end = Math.min(start + BATCH, customerIds.length);
    const batch = table.map(({ name, values }) => ({ name, values: Array.prototype.slice.call(values, start, end) }));
    scores.set(predict(applyDesign(model.design, batch)), start);
    ctx.throwIfCancelled();
    ctx.progress(0.05 + (0.8 * end) / customerIds.length, 'scoring');
  }
  const histogram = new Array<number>(10).fill(0);
  for (const score of scores) {
    const bin = Math.min(9, Math.floor(score * 10));
    histogram[bin] = (histogram[bin] ?? 0) + 1;
  }
  db.transaction(() => {
    db.prepare('DELETE FROM model_scores WHERE model_id = ?').run(modelId);
    const insert = db.prepare('INSERT INTO model_scores (model_id, customer_id, score) VALUES (?, ?, ?)');
    customerIds.forEach((id, i) => insert.run(modelId, id, scores[i] ?? 0));
    db.prepare('UPDATE models SET scored_at = ? WHERE id = ?').run(now, modelId);
  })();
  ctx.progress(1, null);
  return { modelId, customers: customerIds.length, scoredAt: now, histogram };
}
