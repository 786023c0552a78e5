/**
 * Decision tree and random forest (tree.ts, forest.ts): fit times with the default options on the propensity
 * reference (2,353 training customers × 8 features, with the test AUCs) and on 100k × 20 synthetic customers, and
 * the time to score 1M rows with the synthetic models. Medians of several runs; prints JSON. The reference's
 * logistic regression fits in 0.0074 s with a test AUC of 0.7556 (raw) or 0.7653 (log1p).
 *
 * Run: npx tsx bench/forest.ts [runs, default 3] [--no-synthetic]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitForest, predictForest } from '../src-main/ml/forest';
import { seededRandom, type RowMajor } from '../src-main/ml/kmeans';
import { fitTree, predictTree } from '../src-main/ml/tree';
import { median, round } from './stats';

const REFERENCE = fileURLToPath(new URL('../../shared/data/references/propensity_features.csv', import.meta.url));

/**
 * Median wall and CPU seconds of `runs` calls, and the last call's value. The CPU time of this process is the
 * steadier figure on a shared machine; both grow when other processes compete for the cores and caches.
 */
function timed<T>(runs: number, work: () => T): { seconds: number; cpuSeconds: number; value: T } {
  const wall: number[] = [];
  const cpu: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    value = work();
    wall.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(startedCpu);
    cpu.push((used.user + used.system) / 1e6);
  }
  return { seconds: round(median(wall)), cpuSeconds: round(median(cpu)), value: value as T };
}

const seconds = ({ seconds, cpuSeconds }: { seconds: number; cpuSeconds: number }) => ({ seconds, cpuSeconds });

/** Mann–Whitney AUC by sorting (ties at their mean rank). */
function auc(scores: Float64Array, labels: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end] ?? 0] === scores[order[start] ?? 0]) end++;
    for (let k = start; k < end; k++)
      if (labels[order[k] ?? 0] === 1) {
        positives++;
        rankSum += (start + 1 + end) / 2;
      }
    start = end;
  }
  const negatives = order.length - positives;
  return round((rankSum - (positives * (positives + 1)) / 2) / (positives * negatives));
}

interface LabelledRows {
  matrix: RowMajor;
  labels: Uint8Array;
}

function propensity(): { train: LabelledRows; test: LabelledRows } {
  const lines = readFileSync(REFERENCE, 'utf8').trim().split('\n').slice(1);
  const part = (split: string): LabelledRows => {
    const rows = lines.map((line) => line.split(',')).filter((cells) => cells[10] === split);
    return {
      matrix: { data: Float64Array.from(rows.flatMap((cells) => cells.slice(1, 9).map(Number))), cols: 8 },
      labels: Uint8Array.from(rows, (cells) => Number(cells[9])),
    };
  };
  return { train: part('train'), test: part('test') };
}

/**
 * Customers in 20 features shaped like the real ones: long-tailed amounts, small counts, flags, and noise columns.
 * The label depends on a few of them, with interactions, so that the trees have something to find.
 */
export function syntheticCustomers(n: number, seed: number): LabelledRows {
  const cols = 20;
  const random = seededRandom(seed);
  const data = new Float64Array(n * cols);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const u = random();
      if (j % 4 === 0) data[row + j] = Math.round(-Math.log(1 - u) * 60);
      else if (j % 4 === 1) data[row + j] = Math.floor(-Math.log(1 - u) * 3);
      else if (j % 4 === 2) data[row + j] = Math.exp(4 + 1.5 * (u + random() + random() - 1.5));
      else data[row + j] = u < 0.3 ? 1 : 0;
    }
    const recency = data[row] ?? 0;
    const frequency = data[row + 1] ?? 0;
    const spend = Math.log(data[row + 2] ?? 1);
    const flag = data[row + 3] ?? 0;
    const logit = 1.2 - recency / 50 + 0.4 * Math.min(frequency, 5) + 0.3 * (spend - 4) * flag - 0.8 * flag;
    labels[i] = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { matrix: { data, cols }, labels };
}

function onReference(runs: number) {
  const { train, test } = propensity();
  const tree = timed(runs, () => fitTree(train.matrix, train.labels));
  const forest = timed(runs, () => fitForest(train.matrix, train.labels, { seed: 0 }));
  const withOutOfBag = timed(runs, () => fitForest(train.matrix, train.labels, { seed: 0, outOfBag: true }));
  return {
    trainRows: train.labels.length,
    testRows: test.labels.length,
    treeDepth5: {
      fit: seconds(tree),
      leaves: tree.value.leaves,
      testAuc: auc(predictTree(tree.value, test.matrix), test.labels),
    },
    forest100: {
      fit: seconds(forest),
      testAuc: auc(predictForest(forest.value, test.matrix), test.labels),
      fitWithOutOfBag: seconds(withOutOfBag),
      outOfBagAuc: round(withOutOfBag.value.outOfBagAuc ?? NaN),
    },
    reference: { logisticRegressionSeconds: 0.0074, logisticRegressionTestAuc: [0.75556, 0.765272] },
  };
}

function onSynthetic(runs: number) {
  const train = syntheticCustomers(100_000, 1);
  const test = syntheticCustomers(20_000, 2);
  const scoring = syntheticCustomers(1_000_000, 3).matrix;
  const tree = timed(runs, () => fitTree(train.matrix, train.labels));
  const forest = timed(runs, () => fitForest(train.matrix, train.labels, { seed: 0 }));
  const treeScoring = timed(runs, () => predictTree(tree.value, scoring));
  const forestScoring = timed(runs, () => predictForest(forest.value, scoring));
  const nodes = forest.value.trees.reduce((sum, t) => sum + t.nodes.feature.length, 0);
  return {
    trainRows: 100_000,
    features: 20,
    treeDepth5: {
      fit: seconds(tree),
      testAuc: auc(predictTree(tree.value, test.matrix), test.labels),
    },
    forest100: {
      fit: seconds(forest),
      nodesPerTree: Math.round(nodes / forest.value.trees.length),
      testAuc: auc(predictForest(forest.value, test.matrix), test.labels),
    },
    score1MRows: { tree: seconds(treeScoring), forest: seconds(forestScoring) },
  };
}

/** The whole benchmark as one JSON-ready object. */
export function benchForest(runs = 3, synthetic = true) {
  const result: Record<string, unknown> = { bench: 'forest', runs, propensity: onReference(runs) };
  if (synthetic) result.synthetic100k = onSynthetic(runs);
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  console.log(JSON.stringify(benchForest(runs, !process.argv.includes('--no-synthetic')), null, 2));
}
