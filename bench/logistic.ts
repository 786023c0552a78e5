/**
 * Logistic regression (logistic.ts) against ml-logistic-regression, the package first proposed for it: test AUCs
 * on the propensity reference (2,353 training customers × 8 features; scikit-learn: 0.75556 raw, 0.765272 log1p),
 * fit time on 100k × 20 synthetic customers, and the time to score 1M rows. Medians of several runs; prints JSON.
 *
 * ml-logistic-regression has no intercept (a column of ones is appended) and always runs `numSteps` full-batch
 * gradient steps (default 50,000) through ml-matrix. Its default takes minutes even on the reference, so it runs
 * `--ml-steps` steps there (default 2,000) and `--ml-synthetic-steps` on 100k rows (default 20, about 0.6 s each),
 * and the time of its default is extrapolated per step; the JSON says how many steps ran.
 *
 * Run: npx tsx bench/logistic.ts [runs, default 3] [--ml-steps=N] [--ml-synthetic-steps=N] [--no-synthetic]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyDesign, fitDesign, selectRows, type Table } from '../src-main/ml/design-matrix';
import { seededRandom, standardise, type RowMajor } from '../src-main/ml/kmeans';
import { fitLogistic, predictProbabilities, sigmoid } from '../src-main/ml/logistic';
import { auc, liftTable, logLoss } from '../src-main/ml/metrics';
import { round, timed } from './stats';

const REFERENCE = fileURLToPath(new URL('../../shared/data/references/propensity_features.csv', import.meta.url));
const ML_DEFAULT_STEPS = 50_000;

/** The untyped CommonJS package, reduced to what is used here. */
interface MlMatrix {
  to1DArray(): number[];
}
interface MlLogisticRegression {
  train(features: MlMatrix, target: MlMatrix): void;
  classifiers: { testScores(features: MlMatrix): number[] }[];
}
const require = createRequire(import.meta.url);
const { Matrix } = require('ml-matrix') as {
  Matrix: { new (rows: number[][]): MlMatrix; columnVector(values: number[]): MlMatrix };
};
const MlLogistic = require('ml-logistic-regression') as new (options: {
  numSteps: number;
  learningRate?: number;
}) => MlLogisticRegression;

interface Labelled {
  matrix: RowMajor;
  labels: Uint8Array;
}

/**
 * ml-logistic-regression's P(label = 1): with two classes its first classifier is "not class 0", trained
 * on the rows with a column of ones appended as the intercept.
 */
function mlLogistic(train: Labelled, test: Labelled, steps: number) {
  const withOnes = ({ data, cols }: RowMajor) =>
    new Matrix(Array.from({ length: data.length / cols }, (_, i) => [...data.subarray(i * cols, (i + 1) * cols), 1]));
  const x = withOnes(train.matrix);
  const y = Matrix.columnVector(Array.from(train.labels));
  const started = performance.now();
  const model = new MlLogistic({ numSteps: steps });
  model.train(x, y);
  const seconds = (performance.now() - started) / 1000;
  const scores = model.classifiers[0]?.testScores(withOnes(test.matrix)) ?? [];
  return {
    steps,
    seconds: round(seconds),
    defaultStepsSecondsEstimate: round((seconds / steps) * ML_DEFAULT_STEPS, 1),
    testAuc: round(auc(test.labels, scores), 6),
  };
}

function propensityTable(): { table: Table; labels: Uint8Array; train: Uint8Array } {
  const [header = '', ...lines] = readFileSync(REFERENCE, 'utf8').trim().split('\n');
  const names = header.split(',');
  const rows = lines.map((line) => line.split(','));
  const table = names.slice(1, 9).map((name, j) => ({ name, values: rows.map((cells) => Number(cells[j + 1])) }));
  return {
    table,
    labels: Uint8Array.from(rows, (cells) => Number(cells[9])),
    train: Uint8Array.from(rows, (cells) => Number(cells[10] === 'train')),
  };
}

/** The reference columns that scikit-learn's log1p run transformed: all but the 0/1 flag. */
export const REFERENCE_LOG1P = [
  'recency_days',
  'frequency',
  'monetary',
  'tenure_days',
  'avg_order_value',
  'distinct_products',
  'days_between_orders',
];

function onReference(runs: number, mlSteps: number) {
  const { table, labels, train } = propensityTable();
  const test = train.map((t) => 1 - t);
  const trainLabels = labels.filter((_, i) => train[i]);
  const testLabels = labels.filter((_, i) => test[i]);
  const variant = (log1p: 'auto' | readonly string[]) => {
    const design = fitDesign(selectRows(table, train), { log1p });
    const testMatrix = applyDesign(design.transform, selectRows(table, test));
    const fit = timed(runs, () => fitLogistic(design.matrix, trainLabels), 4);
    const p = predictProbabilities(fit.value, testMatrix);
    return {
      fitSeconds: fit.medianSeconds,
      iterations: fit.value.iterations,
      log1p: design.notes.flatMap((note) => (note.code === 'log1p' ? [note.column] : [])),
      testAuc: round(auc(testLabels, p), 6),
      testLogLoss: round(logLoss(testLabels, p), 6),
      topDecileLift: round(liftTable(testLabels, p)[0]?.lift ?? NaN, 5),
      cumulativeGains: liftTable(testLabels, p).map((row) => round(row.cumulativeGain, 6)),
      matrices: {
        train: { matrix: design.matrix, labels: trainLabels },
        test: { matrix: testMatrix, labels: testLabels },
      },
    };
  };
  const raw = variant([]);
  const log1p = variant(REFERENCE_LOG1P);
  const auto = variant('auto');
  const strip = ({ matrices: _, ...rest }: ReturnType<typeof variant>) => rest;
  return {
    customers: { train: trainLabels.length, test: testLabels.length },
    ours: { raw: strip(raw), log1pAllButFlag: strip(log1p), log1pAuto: strip(auto) },
    mlLogisticRegressionRaw: mlLogistic(raw.matrices.train, raw.matrices.test, mlSteps),
    reference: {
      sklearnFitSeconds: 0.0074,
      rawTestAuc: 0.75556,
      log1pTestAuc: 0.765272,
      log1pLogLoss: 0.566584,
      log1pTopDecileLift: 1.68236,
    },
  };
}

/** A standard normal draw (Box–Muller) from the seeded generator. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Customers in `cols` features, some long-tailed like money, the label drawn from a true logistic model on
 * half of them, so that a fit has a known answer to approach.
 */
export function syntheticLogistic(n: number, cols: number, seed: number): Labelled {
  const random = seededRandom(seed);
  const data = new Float64Array(n * cols);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = -0.5;
    for (let j = 0; j < cols; j++) {
      const x = j % 4 === 0 ? Math.exp(normal(random)) : normal(random);
      data[i * cols + j] = x;
      if (j % 2 === 0) z += (j % 4 === 0 ? 0.3 : -0.6) * x;
    }
    labels[i] = random() < sigmoid(z) ? 1 : 0;
  }
  return { matrix: standardise({ data, cols }).matrix, labels };
}

function onSynthetic(runs: number, mlSteps: number) {
  const rows = 100_000;
  const cols = 20;
  const train = syntheticLogistic(rows, cols, 1);
  const test = syntheticLogistic(20_000, cols, 2);
  const fit = timed(runs, () => fitLogistic(train.matrix, train.labels), 4);
  const big = syntheticLogistic(1_000_000, cols, 3);
  const scoring = timed(runs, () => predictProbabilities(fit.value, big.matrix), 4);
  return {
    rows,
    features: cols,
    ours: {
      fitSeconds: fit.medianSeconds,
      iterations: fit.value.iterations,
      converged: fit.value.converged,
      testAuc: round(auc(test.labels, predictProbabilities(fit.value, test.matrix)), 6),
    },
    score1MRowsSeconds: scoring.medianSeconds,
    mlLogisticRegression: mlLogistic(train, test, mlSteps),
    goals: { fitSeconds: 2 },
  };
}

export interface LogisticBenchOptions {
  /** ml-logistic-regression steps on the reference. Default 2,000. */
  mlSteps?: number;
  /** ml-logistic-regression steps on the 100k synthetic rows. Default 20. */
  mlSyntheticSteps?: number;
  /** Also run the 100k-row fit and the 1M-row scoring. Default true. */
  synthetic?: boolean;
}

/** The whole benchmark as one JSON-ready object. */
export function benchLogistic(runs = 3, options: LogisticBenchOptions = {}) {
  const result: Record<string, unknown> = {
    bench: 'logistic',
    runs,
    propensity: onReference(runs, options.mlSteps ?? 2000),
  };
  if (options.synthetic !== false) result.synthetic100k = onSynthetic(runs, options.mlSyntheticSteps ?? 20);
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = (name: string) => {
    const value = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
    return value === undefined ? undefined : Number(value);
  };
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const options: LogisticBenchOptions = {
    synthetic: !process.argv.includes('--no-synthetic'),
    mlSteps: flag('ml-steps'),
    mlSyntheticSteps: flag('ml-synthetic-steps'),
  };
  console.log(JSON.stringify(benchLogistic(runs, options), null, 2));
}
