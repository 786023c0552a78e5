/**
 * The Predict area's figures in one JSON: BG/NBD + Gamma-Gamma on CDNOW (bench/clv.ts: sample and the
 * 23,570-customer master), logistic regression on 100k × 20 and scoring 1M rows (bench/logistic.ts), and the
 * app's own scoring path on 1M customers: the propensity features as the project has them (numbers with gaps, a
 * country as text), through the saved feature transform and the logistic model, as model-scoring.ts runs it.
 *
 * Run: npx tsx bench/models.ts [runs, default 3]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { predictor } from '../src-main/analytics/model-scoring';
import { trainFamilies } from '../src-main/analytics/model-training';
import { applyDesign, type Table } from '../src-main/ml/design-matrix';
import { seededRandom } from '../src-main/ml/kmeans';
import { benchClv } from './clv';
import { benchLogistic } from './logistic';
import { median, round } from './stats';

const COUNTRIES = ['United Kingdom', 'Germany', 'France', 'EIRE', 'Spain', 'Netherlands', 'China'];

/** Customers shaped like the propensity features, and whether they bought (from recency and frequency). */
function customers(n: number, seed: number): { table: Table; labels: Uint8Array } {
  const random = seededRandom(seed);
  const columns = {
    recency: new Float64Array(n),
    frequency: new Float64Array(n),
    monetary: new Float64Array(n),
    tenure: new Float64Array(n),
    averageOrderValue: new Float64Array(n),
    daysBetweenOrders: new Array<number | null>(n),
    distinctProducts: new Float64Array(n),
    country: new Array<string>(n),
  };
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const recency = Math.floor(-Math.log(1 - random()) * 90);
    const frequency = 1 + Math.floor(-Math.log(1 - random()) * 3);
    const monetary = frequency * Math.exp(3 + random() * 2);
    const tenure = recency + Math.floor(random() * 300);
    columns.recency[i] = recency;
    columns.frequency[i] = frequency;
    columns.monetary[i] = monetary;
    columns.tenure[i] = tenure;
    columns.averageOrderValue[i] = monetary / frequency;
    columns.daysBetweenOrders[i] = frequency > 1 ? (tenure - recency) / (frequency - 1) : null;
    columns.distinctProducts[i] = Math.ceil(frequency * random() * 10);
    columns.country[i] = COUNTRIES[Math.floor(random() ** 3 * COUNTRIES.length)] ?? 'China';
    labels[i] = random() < 1 / (1 + Math.exp(recency / 40 - 0.5 * Math.min(frequency, 6))) ? 1 : 0;
  }
  return { table: Object.entries(columns).map(([name, values]) => ({ name, values })), labels };
}

function appScoring(runs: number) {
  const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };
  const train = customers(100_000, 1);
  const started = performance.now();
  const trained = trainFamilies({ ...train, what: 'customers', outcome: 'bought' }, ['logistic'], 0, quiet);
  const trainSeconds = (performance.now() - started) / 1000;
  const model = { design: trained.design, estimator: trained.families[0]?.estimator };
  if (!model.estimator) throw new Error('no model');
  const predict = predictor({ design: model.design, estimator: model.estimator });
  const scoring = customers(1_000_000, 2).table;
  const seconds: number[] = [];
  let sum = 0;
  for (let run = 0; run < runs; run++) {
    const t = performance.now();
    const scores = predict(applyDesign(model.design, scoring));
    seconds.push((performance.now() - t) / 1000);
    sum = scores.reduce((a, b) => a + b, 0);
  }
  return {
    trainCustomers: 100_000,
    features: trained.design.features.length,
    trainEvaluateAndRefitSeconds: round(trainSeconds),
    heldOutAuc: round(trained.families[0]?.evaluation.auc ?? NaN, 4),
    score1MCustomersSeconds: round(median(seconds)),
    meanScore: round(sum / 1_000_000, 4),
  };
}

export function benchModels(runs = 3) {
  const clv = benchClv(runs);
  const logistic = benchLogistic(runs, { mlSteps: 200, mlSyntheticSteps: 2 });
  return {
    bench: 'models',
    runs,
    clvMaster: clv.master,
    clvSample: clv.sample,
    logistic100kBy20: logistic.synthetic100k,
    logisticReference: logistic.propensity,
    appScoring1M: appScoring(runs),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  console.log(JSON.stringify(benchModels(runs), null, 2));
}
