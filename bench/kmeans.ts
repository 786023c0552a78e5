/**
 * k-means on Online Retail RFM features (log1p, standardised; 4,338 × 3, from the reference CSV) and on 100k × 5
 * synthetic customers: time per fit (10 restarts, as scikit-learn's default) for ours and for ml-kmeans, and the
 * elbow sweep k = 2..10 with silhouette. Medians of several runs; prints JSON. The reference says a scikit-learn
 * fit takes about 0.05 s on its machine (compare ratios, not absolute times).
 *
 * Run: npx tsx bench/kmeans.ts [runs, default 3] [--no-100k]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kmeans as mlKmeans } from 'ml-kmeans';
import {
  elbow,
  kmeans,
  log1pFeatures,
  seededRandom,
  silhouette,
  standardise,
  type RowMajor,
} from '../src-main/ml/kmeans';
import { round, timed } from './stats';

const REFERENCE = fileURLToPath(new URL('../../shared/data/references/rfm_online_retail.csv', import.meta.url));
const SWEEP = [2, 3, 4, 5, 6, 7, 8, 9, 10];

function rfmFeatures(): RowMajor {
  const rows = readFileSync(REFERENCE, 'utf8').trim().split('\n').slice(1);
  return standardise(log1pFeatures(rows.map((line) => line.split(',').slice(1, 4).map(Number)))).matrix;
}

/** 100k customers in 5 features: four skewed groups, so that the clusters are neither trivial nor absent. */
function syntheticFeatures(n: number, cols: number): RowMajor {
  const random = seededRandom(42);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const group = Math.floor(random() * 4);
    for (let j = 0; j < cols; j++) data[i * cols + j] = group * ((j % 2) + 0.5) + random() * 1.5;
  }
  return standardise({ data, cols }).matrix;
}

function mlKmeansBestOf(rows: number[][], k: number, restarts: number): number {
  let best = Infinity;
  for (let seed = 0; seed < restarts; seed++) {
    const fit = mlKmeans(rows, k, { seed, initialization: 'kmeans++' });
    let inertia = 0;
    rows.forEach((row, i) => {
      const centroid = fit.centroids[fit.clusters[i] ?? 0] ?? [];
      inertia += row.reduce((sum, value, j) => sum + (value - (centroid[j] ?? 0)) ** 2, 0);
    });
    best = Math.min(best, inertia);
  }
  return best;
}

function onlineRetail(runs: number) {
  const matrix = rfmFeatures();
  const rows = Array.from({ length: matrix.data.length / 3 }, (_, i) =>
    Array.from(matrix.data.subarray(i * 3, i * 3 + 3)),
  );
  const ours = timed(runs, () => kmeans(matrix, { k: 4, seed: 0, restarts: 10 }));
  const oneRestart = timed(runs, () => kmeans(matrix, { k: 4, seed: 0, restarts: 1 }));
  const theirs = timed(runs, () => mlKmeansBestOf(rows, 4, 10));
  const exactSilhouette = timed(runs, () => silhouette(matrix, ours.value.assignments));
  const sweep = timed(runs, () => elbow(matrix, SWEEP, { seed: 0, restarts: 10 }));
  return {
    customers: rows.length,
    fitK4Restarts10: { medianSeconds: ours.medianSeconds, inertia: round(ours.value.inertia) },
    fitK4Restarts1: { medianSeconds: oneRestart.medianSeconds },
    mlKmeansK4Restarts10: { medianSeconds: theirs.medianSeconds, inertia: round(theirs.value) },
    silhouetteExactSeconds: exactSilhouette.medianSeconds,
    elbowK2to10Restarts10WithSilhouette: {
      medianSeconds: sweep.medianSeconds,
      points: sweep.value.map((p) => ({ k: p.k, inertia: round(p.inertia), silhouette: round(p.silhouette ?? NaN) })),
    },
    reference: { sklearnSecondsPerFit: 0.05, inertiaK4: 3938.844 },
  };
}

function hundredThousand(runs: number) {
  const matrix = syntheticFeatures(100_000, 5);
  const fit = timed(runs, () => kmeans(matrix, { k: 6, seed: 0, restarts: 3 }));
  const sweep = timed(1, () =>
    elbow(matrix, SWEEP, { seed: 0, restarts: 3, silhouette: { sampleSize: 10_000, seed: 0 } }),
  );
  return {
    customers: 100_000,
    features: 5,
    fitK6Restarts3Seconds: fit.medianSeconds,
    elbowK2to10Restarts3Silhouette10kSampleSeconds: sweep.medianSeconds,
    goals: { elbowSeconds: 15 },
  };
}

const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
const result: Record<string, unknown> = { bench: 'kmeans', runs, onlineRetail: onlineRetail(runs) };
if (!process.argv.includes('--no-100k')) result.synthetic100k = hundredThousand(runs);
console.log(JSON.stringify(result, null, 2));
