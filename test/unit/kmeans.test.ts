import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import {
  elbow,
  kmeans,
  loadModel,
  log1pFeatures,
  modelToJSON,
  predict,
  silhouette,
  standardise,
  toRowMajor,
} from '../../src-main/ml/kmeans';
import { appRoot } from '../../src-main/services/paths';

const REFERENCE = join(appRoot(), '..', 'shared', 'data', 'references', 'rfm_online_retail.csv');

/** scikit-learn KMeans(k-means++, n_init=10, seed 0) on the reference features (references/README.md). */
const SKLEARN_INERTIA: Record<number, number> = {
  2: 6481.2309,
  3: 4868.0455,
  4: 3938.844,
  5: 3296.1863,
  6: 2855.7001,
  7: 2548.9121,
  8: 2345.5813,
};

/** log1p(recency, frequency, monetary) standardised, straight from the reference CSV (no import needed). */
function referenceFeatures() {
  const rows = readFileSync(REFERENCE, 'utf8').trim().split('\n').slice(1);
  return standardise(log1pFeatures(rows.map((line) => line.split(',').slice(1, 4).map(Number)))).matrix;
}

const TWO_BLOBS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [10, 10],
  [10, 11],
  [11, 10],
];

describe('kmeans', () => {
  it('finds two obvious clusters with their exact centroids and inertia', () => {
    const result = kmeans(TWO_BLOBS, { k: 2, seed: 1 });
    const [a, b] = [result.assignments[0], result.assignments[3]];
    expect(a).not.toBe(b);
    expect([...result.assignments]).toEqual([a, a, a, b, b, b]);
    const centroids = [...result.centroids].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
    expect(centroids[0]?.[0]).toBeCloseTo(1 / 3, 12);
    expect(centroids[1]?.[1]).toBeCloseTo(31 / 3, 12);
    // Each blob: squared distances to (1/3, 1/3) are 2/9, 5/9, 5/9.
    expect(result.inertia).toBeCloseTo(2 * (12 / 9), 12);
    expect(result.sizes).toEqual([3, 3]);
  });

  it('accepts a row-major Float64Array like number[][]', () => {
    const flat = { data: Float64Array.from(TWO_BLOBS.flat()), cols: 2 };
    expect(kmeans(flat, { k: 2, seed: 3 })).toEqual(kmeans(TWO_BLOBS, { k: 2, seed: 3 }));
  });

  it('gives the same clusters for the same seed, and the best of several restarts is no worse than one', () => {
    const matrix = referenceFeatures();
    const once = kmeans(matrix, { k: 5, seed: 7, restarts: 1 });
    expect(kmeans(matrix, { k: 5, seed: 7, restarts: 1 })).toEqual(once);
    expect(kmeans(matrix, { k: 5, seed: 7, restarts: 4 }).inertia).toBeLessThanOrEqual(once.inertia);
  });

  it('converges to the same clusters as ml-kmeans from the same start', () => {
    const matrix = referenceFeatures();
    const start = [0, 1, 2, 3].map((i) => Array.from(matrix.data.subarray(i * 3, i * 3 + 3)));
    const ours = kmeans(matrix, { k: 4, initialCentroids: start, tolerance: 0 });
    const rows = Array.from({ length: matrix.data.length / 3 }, (_, i) =>
      Array.from(matrix.data.subarray(i * 3, i * 3 + 3)),
    );
    const theirs = mlKmeans(rows, 4, { initialization: start, maxIterations: 300, tolerance: 1e-12 });
    expect([...ours.assignments]).toEqual(theirs.clusters);
  });

  it('is within 1% of scikit-learn best-of-10 inertia for k = 2..8 on Online Retail RFM', () => {
    const matrix = referenceFeatures();
    for (const [k, reference] of Object.entries(SKLEARN_INERTIA)) {
      const { inertia } = kmeans(matrix, { k: Number(k), seed: 0, restarts: 10 });
      expect(Math.abs(inertia / reference - 1), `k = ${k}: ${inertia} vs ${reference}`).toBeLessThan(0.01);
    }
  });

  it('says plainly when k is more than the distinct points, or not a whole number', () => {
    const twins = [
      [1, 1],
      [1, 1],
      [2, 2],
    ];
    expect(() => kmeans(twins, { k: 3 })).toThrow('Cannot make 3 clusters from 2 distinct customers');
    expect(() => kmeans(twins, { k: 0 })).toThrow('whole number');
    expect(() => kmeans([[1, Number.NaN]], { k: 1 })).toThrow('missing or infinite');
  });

  it('keeps k clusters when one would empty out', () => {
    // Starting two centroids far from every point leaves them empty after the first assignment.
    const result = kmeans(TWO_BLOBS, {
      k: 3,
      initialCentroids: [
        [0, 0],
        [100, 100],
        [200, 200],
      ],
    });
    expect(result.sizes.every((size) => size > 0)).toBe(true);
  });
});

describe('standardise and log1p', () => {
  it('centres and divides by the population standard deviation', () => {
    const { matrix, mean, std } = standardise([
      [1, 5],
      [3, 5],
    ]);
    expect([...mean]).toEqual([2, 5]);
    // Population std of 1 and 3 is 1; a constant column is only centred.
    expect([...std]).toEqual([1, 1]);
    expect([...matrix.data]).toEqual([-1, 0, 1, 0]);
  });

  it('log1p transforms every value and refuses values at or below −1', () => {
    expect([...log1pFeatures([[0, Math.E - 1]]).data]).toEqual([0, 1]);
    expect(() => log1pFeatures([[-1]])).toThrow('above −1');
  });

  it('refuses ragged rows and a flat array that does not divide into rows', () => {
    expect(() => toRowMajor([[1, 2], [3]])).toThrow('Row 2 has 1 values');
    expect(() => toRowMajor({ data: new Float64Array(5), cols: 2 })).toThrow('cannot have 2 columns');
  });
});

describe('silhouette', () => {
  it('matches a hand computation on four points on a line', () => {
    // Points 0, 1 (cluster 0) and 4, 6 (cluster 1).
    // 0: a = 1, b = (4 + 6) / 2 = 5 → 0.8;  1: a = 1, b = 4 → 0.75;
    // 4: a = 2, b = (4 + 3) / 2 = 3.5 → 1.5 / 3.5;  6: a = 2, b = 5.5 → 3.5 / 5.5.
    const expected = (0.8 + 0.75 + 1.5 / 3.5 + 3.5 / 5.5) / 4;
    expect(silhouette([[0], [1], [4], [6]], Int32Array.from([0, 0, 1, 1]))).toBeCloseTo(expected, 12);
  });

  it('scores a point alone in its cluster 0 and is undefined for a single cluster', () => {
    // 0: a = 1, b = 10 → 0.9; 1: a = 1, b = 9 → 8/9; 10 alone → 0.
    expect(silhouette([[0], [1], [10]], Int32Array.from([0, 0, 1]))).toBeCloseTo((0.9 + 8 / 9) / 3, 12);
    expect(silhouette([[0], [1]], Int32Array.from([0, 0]))).toBeNull();
  });

  it('equals scikit-learn on the k = 2 reference clusters, and a sample comes close', () => {
    const matrix = referenceFeatures();
    const { assignments } = kmeans(matrix, { k: 2, seed: 0 });
    expect(silhouette(matrix, assignments)).toBeCloseTo(0.43294, 4);
    expect(silhouette(matrix, assignments, { sampleSize: 1000, seed: 1 })).toBeCloseTo(0.43294, 1);
  });
});

describe('elbow and models', () => {
  it('sweeps k with inertia falling and a silhouette per k, reporting progress', () => {
    const matrix = referenceFeatures();
    const progress: number[] = [];
    const points = elbow(matrix, [2, 3, 4], { restarts: 2, onProgress: (done) => progress.push(done) });
    expect(points.map((p) => p.k)).toEqual([2, 3, 4]);
    expect(points[0]?.inertia).toBeGreaterThan(points[1]?.inertia ?? Infinity);
    expect(points[1]?.inertia).toBeGreaterThan(points[2]?.inertia ?? Infinity);
    expect(points.every((p) => p.silhouette !== null && p.silhouette > 0.25)).toBe(true);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('saves a fitted model as JSON, loads it back and predicts the same clusters', () => {
    const result = kmeans(TWO_BLOBS, { k: 2, seed: 0 });
    const model = loadModel(JSON.parse(JSON.stringify(modelToJSON(result))));
    expect(predict(model, TWO_BLOBS)).toEqual(result.assignments);
    expect(() => loadModel({ name: 'KMeans', centroids: [[1], [1, 2]] })).toThrow('not a saved k-means model');
    expect(() => predict(model, [[1, 2, 3]])).toThrow('2 features');
  });
});
