/**
 * Propensity ("will buy within N days") and churn ("will not buy within N days") models on the project's orders
 * (DESIGN.md §4): features from the orders before a cutoff, the label from the N days after it, the families
 * compared on held-out customers and each kept in the registry, refitted on every labelled customer.
 */
import { randomUUID } from 'node:crypto';
import { CoreError } from '../shared/errors';
import type { ModelFamily, ModelKind, ModelWarning, PropensityTrainOptions, TrainResult } from '../shared/models';
import type { Db } from '../store/connection';
import { storeModel, type NewModel } from './model-registry';
import { trainFamilies, type TrainingProgress, type TrainingResult } from './model-training';
import { boughtBetween, customerFeatures, DAY_MS, requireOrderDays } from './propensity-features';

export const FAMILY_WORDS: Record<ModelFamily, string> = {
  logistic: 'logistic regression',
  tree: 'decision tree',
  forest: 'random forest',
};

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export function parseDay(text: string, what: string): number {
  const t = Date.parse(`${text}T00:00:00Z`);
  if (!Number.isFinite(t) || isoDay(t) !== text)
    throw new CoreError('VALIDATION', `${what} "${text}" is not a date like 2011-09-09.`);
  return t;
}

/** The cutoff asked for, or the one whose outcome window ends with the last order day; checked against the data. */
export function resolveCutoff(
  db: Db,
  days: number,
  cutoff: string | undefined,
): { cutoff: number; warnings: ModelWarning[] } {
  const range = requireOrderDays(db);
  const end = range.last + DAY_MS;
  const at = cutoff === undefined ? end - days * DAY_MS : parseDay(cutoff, 'The cutoff');
  if (at <= range.first)
    throw new CoreError(
      'VALIDATION',
      `The cutoff ${isoDay(at)} is not after the first order day (${isoDay(range.first)}), so nobody has a history ` +
        `before it. Choose a cutoff between ${isoDay(range.first + DAY_MS)} and ${isoDay(range.last)}, or fewer days.`,
    );
  if (at > range.last)
    throw new CoreError(
      'VALIDATION',
      `The cutoff ${isoDay(at)} is after the last order day (${isoDay(range.last)}), so no outcome can be seen. ` +
        `Choose a cutoff between ${isoDay(range.first + DAY_MS)} and ${isoDay(range.last)}.`,
    );
  const warnings: ModelWarning[] = [];
  if (at + days * DAY_MS > end) {
    const seen = Math.round((end - at) / DAY_MS);
    warnings.push({
      code: 'WINDOW_NOT_OBSERVED',
      message: `The data ends ${seen} days after the cutoff, not ${days}: purchases later in the window are not known, so some buyers count as non-buyers.`,
      params: { seen, days },
    });
  }
  return { cutoff: at, warnings };
}

export function targetWords(kind: ModelKind, days: number | null): string {
  if (kind === 'propensity') return `buys within ${days} days`;
  if (kind === 'churn') return `does not buy within ${days} days`;
  return 'label';
}

/** The registry rows for one training: a model per family, sharing the training id. */
export function newModels(
  base: Omit<NewModel, 'algorithm' | 'metrics' | 'model' | 'name'> & { name: string },
  result: TrainingResult,
  warnings: ModelWarning[],
): NewModel[] {
  return result.families.map((family) => ({
    ...base,
    algorithm: family.family,
    name: base.name,
    metrics: {
      evaluation: family.evaluation,
      notes: result.notes,
      warnings,
      drivers: family.drivers,
      rules: family.rules,
      importances: family.importances,
      fitSeconds: family.fitSeconds,
    },
    model: { design: result.design, estimator: family.estimator },
  }));
}

export function storeTraining(db: Db, models: NewModel[], now: number): TrainResult {
  const stored = db.transaction(() => models.map((model) => storeModel(db, model, now)))();
  const best = stored.reduce((top, model) => (model.auc > top.auc ? model : top));
  return { trainingId: models[0]?.trainingId ?? '', models: stored, best: best.id };
}

export function trainPropensity(
  db: Db,
  options: PropensityTrainOptions,
  ctx: TrainingProgress,
  now = Date.now(),
): TrainResult {
  const { cutoff, warnings } = resolveCutoff(db, options.days, options.cutoff);
  const features = customerFeatures(db, cutoff, options.features);
  const bought = boughtBetween(db, features.customerIds, cutoff, cutoff + options.days * DAY_MS);
  const labels = options.target === 'churn' ? bought.map((b) => 1 - b) : bought;
  const outcome =
    options.target === 'churn' ? `did not buy within ${options.days} days` : `bought within ${options.days} days`;
  const result = trainFamilies(
    { table: features.table, labels, what: `customers with orders before ${isoDay(cutoff)}`, outcome },
    options.families,
    options.seed,
    ctx,
  );
  const name = options.name || `${targetWords(options.target, options.days)} (from ${isoDay(cutoff)})`;
  const models = newModels(
    {
      kind: options.target,
      name,
      trainingId: randomUUID(),
      options: { ...options },
      window: {
        cutoff,
        days: options.days,
        importId: null,
        customers: result.rows,
        trainCustomers: result.trainRows,
        testCustomers: result.testRows,
      },
    },
    result,
    warnings,
  );
  return storeTraining(db, models, now);
}
