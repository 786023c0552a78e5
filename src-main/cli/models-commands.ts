/**
 * `model train`, `score` and `clv`: the Predict area from the command line. `model train --table` and
 * `clv --transactions` work on plain files without a project, for checking the models against published results;
 * with --project they train, score and keep runs in the project as the app does.
 */
import { resolve } from 'node:path';
import { computeClv } from '../analytics/clv-model';
import { runClv } from '../analytics/clv-runs';
import { readTransactionFile } from '../analytics/clv-transactions';
import { listModels, modelDetail } from '../analytics/model-registry';
import { scoreModel } from '../analytics/model-scoring';
import { labelledRows, readCsvFile } from '../analytics/model-table';
import { trainFamilies, type FamilyResult } from '../analytics/model-training';
import { FAMILY_WORDS, parseDay, trainPropensity } from '../analytics/propensity-training';
import {
  MODEL_FAMILIES,
  PROPENSITY_FEATURES,
  PROPENSITY_FEATURE_LABELS,
  type ClvSummaryDto,
  type ModelEvaluation,
  type ModelFamily,
} from '../shared/models';
import { openProject, type Db } from '../store/connection';
import type { CliModule, OptionValues } from './cli-module';
import { formatDate, UsageError, type Output } from './output';

const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };

const text = (values: OptionValues, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

function withProject<T>(values: OptionValues, command: string, work: (db: Db) => T): T {
  const project = text(values, 'project');
  if (!project) throw new UsageError(`${command} needs --project <file.mlens>`);
  const db = openProject(resolve(project));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

function numberOption(
  values: OptionValues,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  rule: string,
) {
  const raw = text(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${rule}, not "${raw}"`);
  return n;
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function families(values: OptionValues): ModelFamily[] {
  const chosen = list(text(values, 'families'));
  if (chosen.length === 0) return [...MODEL_FAMILIES];
  const unknown = chosen.find((f) => !(MODEL_FAMILIES as readonly string[]).includes(f));
  if (unknown) throw new UsageError(`--families takes ${MODEL_FAMILIES.join(', ')}; "${unknown}" is not one of them`);
  return chosen as ModelFamily[];
}

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

const headline = (e: ModelEvaluation) => ({
  auc: round(e.auc),
  logLoss: round(e.logLoss),
  brier: round(e.brier),
  liftByDecile: e.lift.map((row) => round(row.lift, 4)),
  cumulativeGains: e.lift.map((row) => round(row.cumulativeGain, 4)),
});

/** "the top 20% of scores hold 45% of positives" */
const gainSentence = (e: ModelEvaluation, what: string) =>
  `the top 20% of scores hold ${Math.round((e.lift[1]?.cumulativeGain ?? 0) * 100)}% of ${what}`;

function trainTableFile(values: OptionValues, out: Output): number {
  const file = resolve(text(values, 'table') ?? '');
  const target = text(values, 'target');
  if (!target) throw new UsageError('model train --table needs --target <column>');
  const splitColumn = text(values, 'split-column');
  const seed = numberOption(values, 'seed', 0, Number.isInteger, 'a whole number');
  const started = performance.now();
  const { headers, records } = readCsvFile(file);
  const data = labelledRows(headers, records, {
    target,
    exclude: list(text(values, 'exclude')),
    outcome: `have ${target} = 1`,
    ...(splitColumn !== undefined && { splitColumn }),
  });
  const result = trainFamilies(data, families(values), seed, quiet);
  const seconds = (performance.now() - started) / 1000;
  const primary = result.families[0] as FamilyResult;
  const log1p = result.notes.flatMap((note) => (note.code === 'log1p' ? [note.column] : []));
  out.result(
    {
      file,
      target,
      split: splitColumn ? `rows whose ${splitColumn} is "test"` : `seeded ${seed}, 30% of rows held out by outcome`,
      algorithm: primary.family,
      ...headline(primary.evaluation),
      rows: result.rows,
      trainRows: result.trainRows,
      testRows: result.testRows,
      features: result.design.features.length,
      featureNames: result.design.features.map((f) => f.name),
      log1p,
      notes: result.notes,
      warnings: data.warnings,
      seconds: round(seconds, 3),
      families: result.families.map((f) => ({
        algorithm: f.family,
        ...headline(f.evaluation),
        fitSeconds: round(f.fitSeconds, 3),
      })),
      drivers: primary.drivers?.slice(0, 5) ?? null,
    },
    () =>
      [
        `${result.trainRows} training rows, ${result.testRows} test rows, ${result.design.features.length} features` +
          (log1p.length ? ` (log1p on ${log1p.join(', ')})` : ''),
        ...result.families.map(
          (f) =>
            `  ${FAMILY_WORDS[f.family].padEnd(20)} AUC ${f.evaluation.auc.toFixed(4)}  log loss ${f.evaluation.logLoss.toFixed(4)}  ` +
            `Brier ${f.evaluation.brier.toFixed(4)}  ${gainSentence(f.evaluation, 'positives')}`,
        ),
        `Done in ${seconds.toFixed(2)} s.`,
      ].join('\n'),
  );
  return 0;
}

function trainProject(values: OptionValues, out: Output): number {
  const target = text(values, 'target');
  if (target !== 'buy-within' && target !== 'churn')
    throw new UsageError('model train --project needs --target buy-within or --target churn (or --table <file.csv>)');
  const days = numberOption(
    values,
    'days',
    90,
    (n) => Number.isInteger(n) && n >= 1 && n <= 730,
    'a whole number of days from 1 to 730',
  );
  const seed = numberOption(values, 'seed', 0, Number.isInteger, 'a whole number');
  const cutoff = text(values, 'cutoff');
  const features = list(text(values, 'features'));
  const unknown = features.find((f) => !(PROPENSITY_FEATURES as readonly string[]).includes(f));
  if (unknown)
    throw new UsageError(`--features takes ${PROPENSITY_FEATURES.join(', ')}; "${unknown}" is not one of them`);
  return withProject(values, 'model train', (db) => {
    const result = trainPropensity(
      db,
      {
        target: target === 'churn' ? 'churn' : 'propensity',
        days,
        ...(cutoff !== undefined && { cutoff }),
        features: features.length ? (features as (typeof PROPENSITY_FEATURES)[number][]) : [...PROPENSITY_FEATURES],
        families: families(values),
        seed,
        name: text(values, 'name') ?? '',
      },
      quiet,
    );
    const models = result.models.map((m) => modelDetail(db, m.id));
    const first = models[0];
    out.result(
      {
        trainingId: result.trainingId,
        target,
        days,
        cutoff: first?.window.cutoff ? formatDate(first.window.cutoff) : null,
        customers: first?.window.customers,
        testCustomers: first?.window.testCustomers,
        best: result.best,
        models: models.map((m) => ({
          id: m.id,
          algorithm: m.algorithm,
          ...headline(m.metrics.evaluation),
          drivers: m.metrics.drivers?.slice(0, 5) ?? null,
        })),
        warnings: first?.metrics.warnings ?? [],
      },
      () =>
        [
          `${first?.name}: ${first?.window.customers} customers, ${first?.window.testCustomers} held out`,
          ...models.map(
            (m) =>
              `  #${m.id} ${FAMILY_WORDS[m.algorithm].padEnd(20)} AUC ${m.auc.toFixed(4)}  ${gainSentence(m.metrics.evaluation, 'buyers')}` +
              (m.id === result.best ? '  (best)' : ''),
          ),
          ...(models[0]?.metrics.drivers ?? []).slice(0, 3).map((d) => {
            const label = PROPENSITY_FEATURE_LABELS[d.column as keyof typeof PROPENSITY_FEATURE_LABELS] ?? d.column;
            const what = d.role === 'missing' ? `no ${label}` : d.level ? `${label} ${d.level}` : `more ${label}`;
            return `  ${what} ${d.direction} the odds (×${d.oddsRatio.toFixed(2)} per standard deviation)`;
          }),
          ...(first?.metrics.warnings ?? []).map((w) => `  note: ${w.message}`),
          `Score customers with: marketlens score --project <p> --model ${result.best}`,
        ].join('\n'),
    );
    return 0;
  });
}

function scoreCommand(values: OptionValues, out: Output): number {
  const id = numberOption(
    values,
    'model',
    NaN,
    (n) => Number.isInteger(n) && n >= 1,
    'a model id (see marketlens model list)',
  );
  if (Number.isNaN(id)) throw new UsageError('score needs --model <id> (see marketlens model list --project <p>)');
  return withProject(values, 'score', (db) => {
    const result = scoreModel(db, id, quiet);
    out.result(result, () => `Scored ${result.customers} customers with model #${id} into model_scores.`);
    return 0;
  });
}

function listCommand(values: OptionValues, out: Output): number {
  return withProject(values, 'model list', (db) => {
    const models = listModels(db);
    out.result(models, () =>
      models.length === 0
        ? 'No models yet: train one with marketlens model train --project <p> --target buy-within'
        : models
            .map(
              (m) =>
                `#${String(m.id).padEnd(4)} ${m.kind.padEnd(10)} ${FAMILY_WORDS[m.algorithm].padEnd(20)} AUC ${m.auc.toFixed(4)}  ${m.name}` +
                (m.scoredAt ? `  (scored ${m.scoredCustomers})` : ''),
            )
            .join('\n'),
    );
    return 0;
  });
}

function clvHuman(figures: Omit<ClvSummaryDto, 'runId' | 'createdAt' | 'options'>): string {
  const { r, alpha, a, b, logLik } = figures.bgnbd;
  const gg = figures.gammaGamma;
  return [
    `${figures.customers} customers (${figures.repeatCustomers} bought again) up to ${formatDate(figures.calibrationEnd)}`,
    `  BG/NBD       r ${r.toFixed(4)}  alpha ${alpha.toFixed(4)}  a ${a.toFixed(4)}  b ${b.toFixed(4)}  LL ${logLik.toFixed(2)}`,
    gg
      ? `  Gamma-Gamma  p ${gg.p.toFixed(4)}  q ${gg.q.toFixed(4)}  gamma ${gg.gamma.toFixed(4)}  LL ${gg.logLik.toFixed(2)}`
      : '  No values: purchase timing only.',
    ...(figures.holdout
      ? [
          `  Holdout (${figures.holdout.weeks.toFixed(1)} weeks): ${figures.holdout.predictedRepeats.toFixed(1)} repeat purchases predicted, ${figures.holdout.actualRepeats} happened`,
        ]
      : []),
    `  Churn risk: ${figures.bands.low} low, ${figures.bands.medium} medium, ${figures.bands.high} high`,
    ...figures.warnings.map((w) => `  note: ${w.message}`),
  ].join('\n');
}

function clvJson(figures: Omit<ClvSummaryDto, 'runId' | 'createdAt' | 'options'>) {
  return {
    calibrationEnd: formatDate(figures.calibrationEnd),
    unit: figures.unit,
    customers: figures.customers,
    repeatCustomers: figures.repeatCustomers,
    bgnbd: figures.bgnbd,
    gammaGamma: figures.gammaGamma,
    holdout: figures.holdout && {
      weeks: round(figures.holdout.weeks, 4),
      actual: figures.holdout.actualRepeats,
      predicted: round(figures.holdout.predictedRepeats, 3),
      byFrequency: figures.holdout.byFrequency,
    },
    bands: figures.bands,
    totalPredictedClv: round(figures.totalPredictedClv, 2),
    warnings: figures.warnings,
  };
}

function clvCommand(values: OptionValues, out: Output): number {
  const unit = text(values, 'unit') ?? 'week';
  if (unit !== 'week') throw new UsageError('--unit week is the only unit the lifetime value models use');
  const horizonMonths = numberOption(
    values,
    'horizon',
    12,
    (n) => Number.isInteger(n) && n >= 1 && n <= 120,
    'a whole number of months from 1 to 120',
  );
  const monthlyDiscountRate = numberOption(
    values,
    'discount',
    0.01,
    (n) => n >= 0 && n <= 0.5,
    'a monthly rate from 0 to 0.5',
  );
  const calibration = text(values, 'calibration-end');
  const transactions = text(values, 'transactions');
  if (transactions === undefined) {
    return withProject(values, 'clv', (db) => {
      const options = {
        horizonMonths,
        monthlyDiscountRate,
        ...(calibration !== undefined && { calibrationEnd: calibration }),
      };
      const summary = runClv(db, options, quiet);
      out.result({ runId: summary.runId, ...clvJson(summary) }, () => clvHuman(summary));
      return 0;
    });
  }
  const file = readTransactionFile(resolve(transactions), {
    customerCol: text(values, 'customer-col'),
    dateCol: text(values, 'date-col'),
    valueCol: text(values, 'value-col'),
  });
  const lastDay = file.time.reduce((max, t) => Math.max(max, t), -Infinity);
  const { figures } = computeClv(
    { customer: file.customer, time: file.time, value: file.value ?? new Float64Array(file.customer.length) },
    {
      calibrationEnd: calibration === undefined ? lastDay : parseDay(calibration, 'The calibration end'),
      horizonMonths,
      monthlyDiscountRate,
      spend: file.value !== null,
    },
  );
  out.result(
    { file: resolve(transactions), layout: file.layout, transactions: file.customer.length, ...clvJson(figures) },
    () => clvHuman(figures),
  );
  return 0;
}

export const modelsCli: CliModule = {
  help: [
    '  marketlens model train --table <file.csv> --target <column> [--split-column <column>] [--exclude a,b]',
    '                   [--families logistic,tree,forest] [--seed 0]',
    '                                          Train and compare models on a customer table (no project needed)',
    '  marketlens model train --project <p.mlens> --target buy-within|churn [--days 90] [--cutoff YYYY-MM-DD]',
    '                   [--features recency,frequency,…] [--families logistic,tree,forest] [--seed 0]',
    '                                          Propensity or churn models from the orders, kept in the project',
    '  marketlens model list --project <p.mlens>  The models kept in a project',
    '  marketlens score --project <p.mlens> --model <id>',
    '                                          Score every customer with a model (into model_scores)',
    '  marketlens clv --transactions <file> [--customer-col C --date-col D --value-col V]',
    '                   [--calibration-end YYYY-MM-DD] [--unit week] [--horizon 12] [--discount 0.01]',
    '                                          BG/NBD + Gamma-Gamma lifetime value; a headerless whitespace file',
    '                                          (CDNOW_sample.txt) takes column numbers, default 1, 3, 5',
    '  marketlens clv --project <p.mlens> [--calibration-end YYYY-MM-DD] [--horizon 12] [--discount 0.01]',
    '                                          Lifetime value and churn risk of every customer, kept in the project',
  ],
  options: {
    table: { type: 'string' },
    target: { type: 'string' },
    'split-column': { type: 'string' },
    exclude: { type: 'string' },
    families: { type: 'string' },
    days: { type: 'string' },
    cutoff: { type: 'string' },
    model: { type: 'string' },
    transactions: { type: 'string' },
    'customer-col': { type: 'string' },
    'date-col': { type: 'string' },
    'value-col': { type: 'string' },
    'calibration-end': { type: 'string' },
    unit: { type: 'string' },
    horizon: { type: 'string' },
    discount: { type: 'string' },
  },
  run: (positionals, values, out) => {
    const [command, subcommand] = positionals;
    if (command === 'model' && subcommand === 'train')
      return Promise.resolve(
        text(values, 'table') !== undefined ? trainTableFile(values, out) : trainProject(values, out),
      );
    if (command === 'model' && subcommand === 'list') return Promise.resolve(listCommand(values, out));
    if (command === 'score') return Promise.resolve(scoreCommand(values, out));
    if (command === 'clv') return Promise.resolve(clvCommand(values, out));
    return Promise.resolve(null);
  },
};
