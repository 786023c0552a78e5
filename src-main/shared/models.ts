/**
 * The models area's part of the contract: its operations, its job requests and their results (merged into
 * contract.ts and dto.ts). Propensity and churn models on the project's orders, models on an imported customer
 * table, the model registry and lifetime value (BG/NBD + Gamma-Gamma).
 */
import { z } from 'zod';
import { op } from './op';

export const MODEL_FAMILIES = ['logistic', 'tree', 'forest'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** propensity: "buys within N days"; churn: "does not buy within N days"; table: a label column of an imported table. */
export const MODEL_KINDS = ['propensity', 'churn', 'table'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Per-customer features computed from the orders before the cutoff; the renderer words them. */
export const PROPENSITY_FEATURES = [
  'recency',
  'frequency',
  'monetary',
  'tenure',
  'averageOrderValue',
  'daysBetweenOrders',
  'distinctProducts',
  'country',
  'emailConsent',
] as const;
export type PropensityFeature = (typeof PROPENSITY_FEATURES)[number];

/** Plain English names, for the CLI and messages (the UI has its own translations). */
export const PROPENSITY_FEATURE_LABELS: Readonly<Record<PropensityFeature, string>> = {
  recency: 'days since last order',
  frequency: 'number of orders',
  monetary: 'total spent',
  tenure: 'days since first order',
  averageOrderValue: 'average order value',
  daysBetweenOrders: 'average days between orders',
  distinctProducts: 'different products bought',
  country: 'country',
  emailConsent: 'email consent',
};

/** Bumped when a saved model's JSON changes meaning; files from a newer MarketLens are refused. */
export const MODEL_FILE_VERSION = 1;
export const MODEL_FILE_FORMAT = 'marketlens-model';

const rowId = z.number().int().positive();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2011-09-09');

export const propensityTrainSchema = z
  .object({
    kind: z.literal('model-train'),
    target: z.enum(['propensity', 'churn']),
    days: z.number().int().min(1).max(730).default(90),
    /** The first day of the outcome window; default: the last order day minus `days` (+1, so the window ends with the data). */
    cutoff: isoDate.optional(),
    features: z
      .array(z.enum(PROPENSITY_FEATURES))
      .min(1)
      .default([...PROPENSITY_FEATURES]),
    families: z
      .array(z.enum(MODEL_FAMILIES))
      .min(1)
      .default([...MODEL_FAMILIES]),
    seed: z.number().int().min(0).default(0),
    name: z.string().trim().max(80).default(''),
  })
  .strict();

export const tableTrainSchema = z
  .object({
    kind: z.literal('model-train-table'),
    importId: rowId,
    /** Columns left out of the features besides the id and label columns. */
    exclude: z.array(z.string().max(300)).max(500).default([]),
    families: z
      .array(z.enum(MODEL_FAMILIES))
      .min(1)
      .default([...MODEL_FAMILIES]),
    seed: z.number().int().min(0).default(0),
    name: z.string().trim().max(80).default(''),
  })
  .strict();

export const clvOptionsSchema = z
  .object({
    /** Last day of the calibration period; later orders only check the predictions. Default: the last order day. */
    calibrationEnd: isoDate.optional(),
    /** Months of predicted value. */
    horizonMonths: z.number().int().min(1).max(120).default(12),
    /** Discount rate per month. */
    monthlyDiscountRate: z.number().min(0).max(0.5).default(0.01),
  })
  .strict();

/** Requests `jobs.start` accepts for this area's long work (each a strict object with a literal `kind`). */
export const MODELS_JOB_REQUESTS = [
  propensityTrainSchema,
  tableTrainSchema,
  z.object({ kind: z.literal('model-score'), modelId: rowId }).strict(),
  clvOptionsSchema.extend({ kind: z.literal('clv') }).strict(),
] as const;

export type PropensityTrainOptions = Omit<z.output<typeof propensityTrainSchema>, 'kind'>;
export type TableTrainOptions = Omit<z.output<typeof tableTrainSchema>, 'kind'>;
export type ClvOptions = z.output<typeof clvOptionsSchema>;

export interface RocPointDto {
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface CalibrationBinDto {
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface LiftRowDto {
  /** 1 for the highest scores. */
  decile: number;
  count: number;
  positives: number;
  rate: number;
  lift: number;
  cumulativeGain: number;
  cumulativeLift: number;
}

/** Held-out counts when customers scoring at least `threshold` are called positive: the UI's threshold slider. */
export interface ThresholdRow {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ModelEvaluation {
  /** Held-out customers. */
  count: number;
  positives: number;
  baseRate: number;
  auc: number;
  logLoss: number;
  brier: number;
  roc: RocPointDto[];
  calibration: CalibrationBinDto[];
  lift: LiftRowDto[];
  /** Thresholds 0, 0.01, …, 1. */
  thresholds: ThresholdRow[];
}

export { MISSING_LEVEL } from './design-levels';

/** A feature of the model: a column's value, its missing flag, or one level of a category. */
export interface FeatureRef {
  /** The column (a PropensityFeature for order-based models, a header for tables). */
  column: string;
  role: 'value' | 'missing' | 'level' | 'other';
  level?: string;
}

export interface DriverDto extends FeatureRef {
  /** Change in log-odds per standard deviation of the feature. */
  coefficient: number;
  oddsRatio: number;
  direction: 'raises' | 'lowers';
}

export interface ImportanceDto extends FeatureRef {
  /** Share of the forest's or tree's total impurity decrease. */
  importance: number;
}

export interface RuleConditionDto extends FeatureRef {
  op: '<=' | '>';
  /** In the column's own unit (days, money); for a level or flag, ≤ 0 reads "is not", > 0 reads "is". */
  value: number;
}

export interface TreeRuleDto {
  conditions: RuleConditionDto[];
  size: number;
  positiveRate: number;
}

/** What was done to the data (design-matrix notes), for the report. */
export type DataNote =
  | { code: 'mixed-type'; column: string; nonNumeric: number; examples: string[] }
  | { code: 'dropped-missing'; column: string }
  | { code: 'dropped-constant'; column: string; value: number | string; missingIndicator: boolean }
  | { code: 'dropped-rare-levels'; column: string; distinct: number; minLevelCount: number }
  | { code: 'log1p'; column: string; skewness: number }
  | { code: 'imputed'; column: string; count: number; value: number }
  | { code: 'one-hot'; column: string; levels: string[]; droppedLevel: string | null; otherCount: number };

export interface ModelWarning {
  code: 'WINDOW_NOT_OBSERVED' | 'LABEL_MAPPED';
  /** English, with the numbers filled in; the renderer words it from `code` and `params`. */
  message: string;
  params: Record<string, string | number>;
}

/** When the model learnt from and what it predicts. */
export interface ModelWindow {
  /** Order models: first day of the outcome window (epoch ms, UTC midnight). */
  cutoff: number | null;
  days: number | null;
  /** Table models: the imported table the rows came from. */
  importId: number | null;
  /** Labelled customers: all of them train the saved model; the split below only measures it. */
  customers: number;
  trainCustomers: number;
  testCustomers: number;
}

export interface ModelMetrics {
  evaluation: ModelEvaluation;
  notes: DataNote[];
  warnings: ModelWarning[];
  /** Logistic regression only. */
  drivers: DriverDto[] | null;
  /** Decision tree only, left to right. */
  rules: TreeRuleDto[] | null;
  /** Trees and forests. */
  importances: ImportanceDto[] | null;
  fitSeconds: number;
}

export interface ModelInfo {
  id: number;
  kind: ModelKind;
  algorithm: ModelFamily;
  version: number;
  name: string;
  createdAt: number;
  /** The training run that produced it with its sibling families (to compare side by side). */
  trainingId: string;
  window: ModelWindow;
  /** Held-out figures, for the comparison of families. */
  auc: number;
  logLoss: number;
  brier: number;
  /** The feature columns it needs. */
  columns: string[];
  scoredAt: number | null;
  scoredCustomers: number;
}

export interface ModelDetail extends ModelInfo {
  metrics: ModelMetrics;
}

export interface TrainResult {
  trainingId: string;
  models: ModelInfo[];
  /** The family with the best held-out AUC. */
  best: number;
}

export interface ScoreResult {
  modelId: number;
  customers: number;
  scoredAt: number;
  /** Customers per tenth of probability (0–0.1, …, 0.9–1). */
  histogram: number[];
}

export interface TableImportInfo {
  importId: number;
  fileName: string;
  rows: number;
  labelled: number;
  /** Columns that could be features (the id and label columns left out). */
  columns: string[];
  labelColumn: string;
  importedAt: number;
}

export type ChurnBand = 'low' | 'medium' | 'high';

/** P(alive) below LOW is high risk, below HIGH medium risk, else low risk. */
export const CHURN_BAND_THRESHOLDS = { high: 0.3, medium: 0.7 } as const;

export interface ClvWarning {
  code: string;
  /** English, with the numbers filled in. */
  message: string;
  params: Record<string, string | number>;
}

/** Calibration frequencies checked one by one against the holdout; this last group is "this many or more". */
export const CLV_FREQUENCY_GROUPS = 7;

export interface ClvFrequencyCheck {
  /** Repeat purchases in calibration; CLV_FREQUENCY_GROUPS means "this many or more". */
  frequency: number;
  customers: number;
  /** Mean repeat purchase days after the calibration end. */
  actual: number;
  predicted: number;
}

/**
 * BG/NBD's chance that a customer is still active, for customers as old as the oldest one (weeks from the first
 * purchase to the calibration end), by repeat purchases and weeks since the last purchase. One-time buyers are
 * left out: the model counts them as active whatever their age.
 */
export interface ClvAliveMatrix {
  ageWeeks: number;
  /** 1, 2, …: repeat purchases. */
  frequencies: number[];
  /** From 0 (bought in the last week of the calibration) to under ageWeeks: repeat buyers bought after day one. */
  weeksSinceLast: number[];
  /** probability[i][j]: at frequencies[i] and weeksSinceLast[j]. */
  probability: number[][];
}

export interface ClvSummaryDto {
  runId: number;
  createdAt: number;
  options: ClvOptions;
  unit: 'week';
  calibrationEnd: number;
  /** Customers whose first purchase is on or before the calibration end: those the models describe. */
  customers: number;
  repeatCustomers: number;
  /** Customers who first bought after the calibration end: the models know nothing about them. */
  newCustomersAfterCalibration: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLik: number };
  /** null when the transactions carry no value. */
  gammaGamma: { p: number; q: number; gamma: number; logLik: number } | null;
  warnings: ClvWarning[];
  bands: Record<ChurnBand, number>;
  totalPredictedClv: number;
  /** Only when orders continue past the calibration end. */
  holdout: {
    weeks: number;
    actualRepeats: number;
    predictedRepeats: number;
    byFrequency: ClvFrequencyCheck[];
    /** Cumulative repeat purchase days by week from the first purchase: actual and expected. */
    weekly: { week: number; actual: number; expected: number }[];
    calibrationWeeks: number;
  } | null;
  /** null in runs kept before the matrix existed. */
  aliveMatrix: ClvAliveMatrix | null;
  /** How the next order date is estimated, for the UI to say. */
  nextOrderMethod: 'last-plus-mean-gap';
}

export interface ClvCustomerRow {
  customerId: number;
  externalId: string;
  name: string | null;
  probabilityAlive: number;
  expected30: number;
  expected90: number;
  expected365: number;
  clv: number;
  historicClv: number;
  /** Mean days between purchase days; null for one-time buyers. */
  averageGapDays: number | null;
  churnBand: ChurnBand;
  nextOrderAt: number | null;
}

export const CLV_SORTS = ['clv', 'probabilityAlive', 'historicClv'] as const;

const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50) };

export const modelsOperations = {
  'models.list': op<ModelInfo[]>()(z.object({}).strict(), ['NO_PROJECT']),
  'models.get': op<ModelDetail>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  'models.delete': op<null>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  /** The model as JSON text, for the user to save. */
  'models.export': op<{ fileName: string; json: string }>()(z.object({ id: rowId }).strict(), [
    'NO_PROJECT',
    'NOT_FOUND',
  ]),
  /** A model saved by models.export (here or in another project). */
  'models.import': op<ModelInfo>()(z.object({ json: z.string().min(1).max(50_000_000) }).strict(), ['NO_PROJECT']),
  /** Imported customer tables that a model can learn from. */
  'models.tables': op<TableImportInfo[]>()(z.object({}).strict(), ['NO_PROJECT']),
  /** Scores of a model, highest first. */
  'models.scores': op<{ total: number; rows: { customerId: number; externalId: string; score: number }[] }>()(
    z.object({ id: rowId, ...page }).strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
  'models.clvLatest': op<ClvSummaryDto | null>()(z.object({}).strict(), ['NO_PROJECT']),
  'models.clvCustomers': op<{ total: number; rows: ClvCustomerRow[] }>()(
    z
      .object({
        runId: rowId,
        sort: z.enum(CLV_SORTS).default('clv'),
        band: z.enum(['low', 'medium', 'high']).optional(),
        ...page,
      })
      .strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
} as const;

/** The result each of this area's job kinds carries once it has succeeded. */
export interface ModelsJobResults {
  'model-train': TrainResult;
  'model-train-table': TrainResult;
  'model-score': ScoreResult;
  clv: ClvSummaryDto;
}
