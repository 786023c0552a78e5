/**
 * Trains the model families on one labelled customer table and measures them on the same held-out customers:
 * the features are learnt (design-matrix.ts) from the training rows only, each family is fitted and scored on
 * the held-out rows, and then every family is fitted again on all labelled rows, which is the model that is kept
 * and scores customers. Order-based models, imported tables and the CLI's CSV files all come through here.
 */
import { CoreError } from '../shared/errors';
import type {
  DataNote,
  DriverDto,
  FeatureRef,
  ImportanceDto,
  ModelEvaluation,
  ModelFamily,
  ThresholdRow,
  TreeRuleDto,
} from '../shared/models';
import {
  applyDesign,
  drivers,
  fitDesign,
  selectRows,
  type DesignFeature,
  type DesignTransform,
  type Table,
} from '../ml/design-matrix';
import { fitForest, forestToJSON, predictForest, type RandomForestJSON } from '../ml/forest';
import { seededRandom, type RowMajor } from '../ml/kmeans';
import { fitLogistic, logisticModelToJSON, predictProbabilities, type LogisticModelJSON } from '../ml/logistic';
import { evaluateBinary } from '../ml/metrics';
import { fitTree, loadTree, predictTree, treeRules, treeToJSON, type DecisionTreeJSON } from '../ml/tree';

/** The share of labelled customers held out to measure the models. */
export const TEST_SHARE = 0.3;
/** Fewer customers than this cannot both train a model and check it. */
export const MIN_CUSTOMERS = 50;
/** Fewer of the rarer outcome than this leaves nothing to learn the difference from. */
export const MIN_PER_OUTCOME = 10;

export interface TrainingProgress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

export interface LabelledTable {
  table: Table;
  /** 0/1 per row. */
  labels: Uint8Array;
  /** 1 for rows held out for evaluation; when absent, a seeded stratified share of TEST_SHARE. */
  test?: Uint8Array;
  /** Words for messages: "customers" for orders, "rows" for tables. */
  what: string;
  /** The outcome, in words, for messages: "bought within 90 days". */
  outcome: string;
}

export type EstimatorJSON = LogisticModelJSON | DecisionTreeJSON | RandomForestJSON;

export interface FamilyResult {
  family: ModelFamily;
  evaluation: ModelEvaluation;
  drivers: DriverDto[] | null;
  rules: TreeRuleDto[] | null;
  importances: ImportanceDto[] | null;
  fitSeconds: number;
  /** Fitted on every labelled row. */
  estimator: EstimatorJSON;
}

export interface TrainingResult {
  /** The transform of the kept models, learnt on every labelled row. */
  design: DesignTransform;
  notes: DataNote[];
  rows: number;
  trainRows: number;
  testRows: number;
  families: FamilyResult[];
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

/** Each outcome shuffled with the seed and its first TEST_SHARE held out, so both sets keep the base rate. */
export function stratifiedSplit(labels: Uint8Array, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const test = new Uint8Array(labels.length);
  for (const outcome of [0, 1]) {
    const rows: number[] = [];
    labels.forEach((label, i) => label === outcome && rows.push(i));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j] ?? 0, rows[i] ?? 0];
    }
    for (const row of rows.slice(0, Math.round(rows.length * TEST_SHARE))) test[row] = 1;
  }
  return test;
}

function checkOutcomes(labels: Uint8Array, what: string, outcome: string, where: string): void {
  const positives = labels.reduce((sum, v) => sum + v, 0);
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0)
    throw invalid(
      `${positives === 0 ? 'None' : 'All'} of the ${labels.length} ${what}${where} ${outcome}, so there is nothing to ` +
        'learn: choose another outcome window or cutoff, or a table where both outcomes occur.',
    );
  if (Math.min(positives, negatives) < MIN_PER_OUTCOME)
    throw invalid(
      `Only ${Math.min(positives, negatives)} of the ${labels.length} ${what}${where} ` +
        `${positives < negatives ? '' : 'did not: '}${outcome}; at least ${MIN_PER_OUTCOME} of each outcome are needed ` +
        'to learn the difference. Choose a longer window, another cutoff or more data.',
    );
}

function validate(data: LabelledTable, test: Uint8Array): void {
  const n = data.labels.length;
  if (n < MIN_CUSTOMERS)
    throw invalid(
      `There are only ${n} labelled ${data.what}; a model needs at least ${MIN_CUSTOMERS} to learn from and to ` +
        'check on held-out ones. Import more data or choose an earlier cutoff.',
    );
  checkOutcomes(data.labels, data.what, data.outcome, '');
  const trainLabels = data.labels.filter((_, i) => !test[i]);
  const testLabels = data.labels.filter((_, i) => test[i]);
  if (testLabels.length === 0 || trainLabels.length === 0)
    throw invalid(`The split leaves no ${data.what} to ${testLabels.length === 0 ? 'test on' : 'train on'}.`);
  for (const [labels, where] of [
    [trainLabels, ' in the training set'],
    [testLabels, ' in the test set'],
  ] as const)
    if (labels.every((v) => v === labels[0]))
      throw invalid(
        `Every one of the ${labels.length} ${data.what}${where} has the same outcome; ` +
          'both outcomes must occur in the training and the test set.',
      );
}

/** Held-out counts at thresholds 0, 0.01, …, 1: enough for a slider, whatever the number of customers. */
function thresholdTable(labels: Uint8Array, scores: Float64Array): ThresholdRow[] {
  const order = Uint32Array.from(scores.keys()).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const positives = labels.reduce((sum, v) => sum + v, 0);
  const rows: ThresholdRow[] = [];
  let k = 0;
  let tp = 0;
  let fp = 0;
  for (let step = 100; step >= 0; step--) {
    const threshold = step / 100;
    for (; k < order.length && (scores[order[k] ?? 0] ?? 0) >= threshold; k++) {
      if (labels[order[k] ?? 0]) tp++;
      else fp++;
    }
    rows.push({ threshold, tp, fp, fn: positives - tp, tn: labels.length - positives - fp });
  }
  return rows.reverse();
}

export function evaluate(labels: Uint8Array, scores: Float64Array): ModelEvaluation {
  const full = evaluateBinary(labels, scores);
  return {
    count: full.count,
    positives: full.positives,
    baseRate: full.baseRate,
    auc: full.auc,
    logLoss: full.logLoss,
    brier: full.brier,
    roc: full.roc.map(({ threshold, fpr, tpr }) => ({ threshold, fpr, tpr })),
    calibration: full.calibration.map(({ bin, count, meanPredicted, observedRate }) => ({
      bin,
      count,
      meanPredicted,
      observedRate,
    })),
    lift: full.lift.map(({ decile, count, positives, rate, lift, cumulativeGain, cumulativeLift }) => ({
      decile,
      count,
      positives,
      rate,
      lift,
      cumulativeGain,
      cumulativeLift,
    })),
    thresholds: thresholdTable(labels, scores),
  };
}

const featureRef = (feature: DesignFeature): FeatureRef => ({
  column: feature.column,
  role: feature.role,
  ...(feature.level !== undefined && { level: feature.level }),
});

/** A tree threshold back in the column's own unit: the tree split the standardised (and maybe log1p) value. */
function rawThreshold(design: DesignTransform, index: number, value: number): number {
  const feature = design.features[index];
  const raw = value * (design.stds[index] ?? 1) + (design.means[index] ?? 0);
  const step = design.steps.find((s) => s.column === feature?.column);
  if (feature?.role === 'value' && step?.kind === 'numeric' && step.log1p) return Math.expm1(raw);
  // Flags and levels are 0/1: a threshold between reads as "is not" (≤) or "is" (>), and 0 says it plainly.
  return feature?.role === 'value' ? raw : Math.round(raw);
}

function readableRules(design: DesignTransform, tree: DecisionTreeJSON): TreeRuleDto[] {
  const names = design.features.map((f) => f.name);
  const index = new Map(names.map((name, i) => [name, i]));
  return treeRules(loadTree(tree), names).map((rule) => ({
    size: rule.size,
    positiveRate: rule.positiveRate,
    conditions: rule.conditions.map((condition) => {
      const i = index.get(condition.feature) ?? 0;
      const feature = design.features[i] as DesignFeature;
      return { ...featureRef(feature), op: condition.op, value: rawThreshold(design, i, condition.value) };
    }),
  }));
}

function importancesOf(design: DesignTransform, importances: readonly number[]): ImportanceDto[] {
  return design.features
    .map((feature, i) => ({ ...featureRef(feature), importance: importances[i] ?? 0 }))
    .sort((a, b) => b.importance - a.importance);
}

interface Fitted {
  estimator: EstimatorJSON;
  predict(matrix: RowMajor): Float64Array;
}

function fitFamily(
  family: ModelFamily,
  matrix: RowMajor,
  labels: Uint8Array,
  seed: number,
  onTree: (fraction: number) => void,
): Fitted {
  if (family === 'logistic') {
    const model = fitLogistic(matrix, labels);
    return { estimator: logisticModelToJSON(model), predict: (m) => predictProbabilities(model, m) };
  }
  if (family === 'tree') {
    const tree = fitTree(matrix, labels);
    return { estimator: treeToJSON(tree), predict: (m) => predictTree(tree, m) };
  }
  const forest = fitForest(matrix, labels, { seed, onProgress: onTree });
  return { estimator: forestToJSON(forest), predict: (m) => predictForest(forest, m) };
}

/** The share of the job's time each family takes: a forest is a hundred trees. */
const WEIGHT: Record<ModelFamily, number> = { logistic: 1, tree: 1, forest: 8 };

export function trainFamilies(
  data: LabelledTable,
  families: readonly ModelFamily[],
  seed: number,
  ctx: TrainingProgress,
): TrainingResult {
  const test = data.test ?? stratifiedSplit(data.labels, seed);
  validate(data, test);
  const train = test.map((t) => 1 - t);
  const trainLabels = data.labels.filter((_, i) => train[i]);
  const testLabels = data.labels.filter((_, i) => test[i]);
  const split = fitDesign(selectRows(data.table, train));
  const testMatrix = applyDesign(split.transform, selectRows(data.table, test));
  const final = fitDesign(data.table);

  // Each family is fitted twice (split, then all rows); progress runs from 5% to 100% over those fits.
  const total = families.reduce((sum, f) => sum + 2 * WEIGHT[f], 0);
  let done = 0;
  const step = (family: ModelFamily, phase: string) => (fraction: number) => {
    ctx.throwIfCancelled();
    ctx.progress(0.05 + (0.95 * (done + fraction * WEIGHT[family])) / total, `${family}:${phase}`);
  };
  ctx.progress(0.05, 'features');

  const results = families.map((family): FamilyResult => {
    ctx.throwIfCancelled();
    const started = performance.now();
    const measured = fitFamily(family, split.matrix, trainLabels, seed, step(family, 'split'));
    const evaluation = evaluate(testLabels, measured.predict(testMatrix));
    done += WEIGHT[family];
    ctx.throwIfCancelled();
    const kept = fitFamily(family, final.matrix, data.labels, seed, step(family, 'final'));
    done += WEIGHT[family];
    ctx.progress(0.05 + (0.95 * done) / total, family);
    const estimator = kept.estimator;
    return {
      family,
      evaluation,
      drivers:
        estimator.name === 'LogisticRegression'
          ? drivers(final.transform, estimator.coefficients).map(({ feature: _, ...driver }) => driver)
          : null,
      rules: estimator.name === 'DecisionTree' ? readableRules(final.transform, estimator) : null,
      importances:
        estimator.name === 'LogisticRegression' ? null : importancesOf(final.transform, estimator.importances),
      fitSeconds: (performance.now() - started) / 1000,
      estimator,
    };
  });
  return {
    design: final.transform,
    notes: final.notes,
    rows: data.labels.length,
    trainRows: trainLabels.length,
    testRows: testLabels.length,
    families: results,
  };
}
