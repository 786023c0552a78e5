import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src-main/ml/kmeans';
import {
  auc,
  brierScore,
  calibrationBins,
  confusionMatrix,
  evaluateBinary,
  liftTable,
  logLoss,
  rocCurve,
  type RocPoint,
} from '../../src-main/ml/metrics';
import { expectValidationError } from '../helpers/errors';

/** Scores rounded to 2 decimals, so that there are many ties; labels loosely following the score. */
function noisy(n: number, seed: number) {
  const random = seededRandom(seed);
  const scores = Array.from({ length: n }, () => Math.round(random() * 100) / 100);
  const labels = scores.map((s) => (random() < 0.2 + 0.6 * s ? 1 : 0));
  return { scores, labels };
}

/** Share of (positive, negative) pairs ordered right, ties counting half: the definition AUC estimates. */
function pairwiseAuc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((yi, i) => {
    if (!yi) return;
    labels.forEach((yj, j) => {
      if (yj) return;
      pairs++;
      const si = scores[i] ?? 0;
      const sj = scores[j] ?? 0;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

const trapezoid = (points: RocPoint[]) =>
  points.reduce((area, p, k) => {
    const before = points[k - 1];
    return before ? area + ((p.fpr - before.fpr) * (p.tpr + before.tpr)) / 2 : area;
  }, 0);

describe('auc', () => {
  it('matches the textbook example and counts ties as half', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(auc([0, 1, 1, 0], [0.2, 0.5, 0.5, 0.5])).toBe(0.75);
    expect(auc([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])).toBe(1);
    expect(auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
  });

  it('equals the share of correctly ordered pairs on tied, noisy scores', () => {
    const { scores, labels } = noisy(600, 1);
    expect(auc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 12);
    expect(auc(Uint8Array.from(labels), Float64Array.from(scores))).toBe(auc(labels, scores));
  });

  it('refuses one class, unequal lengths, missing scores and labels that are not 0/1', () => {
    expectValidationError(() => auc([1, 1], [0.2, 0.3]), /AUC needs both outcomes.*every row is 1/);
    expectValidationError(() => auc([0, 1], [0.2]), /2 labels and 1 scores/);
    expectValidationError(() => auc([0, 1], [0.2, NaN]), /Row 2 has no score/);
    expectValidationError(() => auc([0, 3], [0.2, 0.3]), /0 or 1; row 2 has 3/);
    expectValidationError(() => auc([], []), /no rows/);
  });
});

describe('log loss and Brier score', () => {
  it('are the mean negative log-likelihood and mean squared error', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 14);
    expect(brierScore([1, 0], [0.8, 0.3])).toBeCloseTo(0.065, 14);
    expect(brierScore([1, 0, 1], [1, 0, 1])).toBe(0);
  });

  it('clips a certain miss instead of returning infinity, and refuses non-probabilities', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
    expectValidationError(() => logLoss([1, 0], [0.5, 1.2]), /1.2 where a probability/);
    expectValidationError(() => brierScore([1], [-0.1]), /probability/);
  });
});

describe('rocCurve', () => {
  it('gives scikit-learn’s points for the textbook example', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual([
      { threshold: 1.8, fpr: 0, tpr: 0 },
      { threshold: 0.8, fpr: 0, tpr: 0.5 },
      { threshold: 0.4, fpr: 0.5, tpr: 0.5 },
      { threshold: 0.35, fpr: 0.5, tpr: 1 },
      { threshold: 0.1, fpr: 1, tpr: 1 },
    ]);
  });

  it('drops points in the middle of a straight segment', () => {
    expect(rocCurve([1, 1, 1, 0], [0.9, 0.8, 0.7, 0.1]).map(({ fpr, tpr }) => [fpr, tpr])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('encloses exactly the AUC, and thinned to 200 points stays within 0.002 of it', () => {
    const random = seededRandom(2);
    const scores = Array.from({ length: 20_000 }, () => random());
    const labels = scores.map((s) => (random() < s ? 1 : 0));
    const exact = auc(labels, scores);
    const full = rocCurve(labels, scores, { maxPoints: Infinity });
    expect(full.length).toBeGreaterThan(1000);
    expect(trapezoid(full)).toBeCloseTo(exact, 10);
    const thin = rocCurve(labels, scores);
    expect(thin.length).toBe(200);
    expect(thin[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(thin[thin.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
    thin.slice(1).forEach((p, k) => {
      expect(p.fpr).toBeGreaterThanOrEqual(thin[k]?.fpr ?? NaN);
      expect(p.tpr).toBeGreaterThanOrEqual(thin[k]?.tpr ?? NaN);
      expect(p.threshold).toBeLessThan(thin[k]?.threshold ?? NaN);
    });
    expect(Math.abs(trapezoid(thin) - exact)).toBeLessThan(0.002);
  });
});

describe('calibrationBins', () => {
  it('compares the mean prediction with the observed rate in equal-count bins, lowest first', () => {
    const p = [0.9, 0.1, 0.2, 0.8, 0.3, 0.7];
    const y = [1, 0, 1, 1, 0, 0];
    expect(calibrationBins(y, p, 3)).toEqual([
      {
        bin: 1,
        count: 2,
        meanPredicted: expect.closeTo(0.15, 12),
        observedRate: 0.5,
        minPredicted: 0.1,
        maxPredicted: 0.2,
      },
      {
        bin: 2,
        count: 2,
        meanPredicted: expect.closeTo(0.5, 12),
        observedRate: 0,
        minPredicted: 0.3,
        maxPredicted: 0.7,
      },
      {
        bin: 3,
        count: 2,
        meanPredicted: expect.closeTo(0.85, 12),
        observedRate: 1,
        minPredicted: 0.8,
        maxPredicted: 0.9,
      },
    ]);
  });

  it('makes deciles of any size, never an empty bin', () => {
    const { scores, labels } = noisy(1009, 3);
    const bins = calibrationBins(labels, scores);
    expect(bins.map((b) => b.count)).toEqual([101, 101, 101, 101, 101, 101, 101, 101, 101, 100]);
    expect(calibrationBins([0, 1, 1], [0.2, 0.5, 0.9]).map((b) => b.count)).toEqual([1, 1, 1]);
    // Labels drawn with P = 0.2 + 0.6·score: the top bin is observed far above the bottom one.
    expect((bins[9]?.observedRate ?? 0) - (bins[0]?.observedRate ?? 0)).toBeGreaterThan(0.4);
  });
});

describe('liftTable', () => {
  it('gives lift and cumulative gains by decile of score, highest first', () => {
    // 10 rows, one per decile; the positives rank 1st, 2nd, 4th and 8th: base rate 0.4.
    const scores = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
    const labels = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0];
    const rows = liftTable(labels, scores);
    expect(rows.map((r) => r.positives)).toEqual(labels);
    expect(rows[0]).toMatchObject({
      decile: 1,
      count: 1,
      rate: 1,
      lift: 2.5,
      cumulativeGain: 0.25,
      cumulativeLift: 2.5,
    });
    expect(rows.map((r) => r.cumulativeGain)).toEqual([0.25, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75, 1, 1, 1]);
    expect(rows[3]?.cumulativeLift).toBeCloseTo(0.75 / 0.4, 12);
    expect(rows[9]?.cumulativeLift).toBeCloseTo(1, 12);
  });

  it('cuts 1009 rows as numpy’s array_split does (the reference’s deciles)', () => {
    const { scores, labels } = noisy(1009, 4);
    const rows = liftTable(labels, scores);
    expect(rows.map((r) => r.count)).toEqual([101, 101, 101, 101, 101, 101, 101, 101, 101, 100]);
    expect(rows.reduce((sum, r) => sum + r.positives, 0)).toBe(labels.reduce((sum: number, y) => sum + y, 0));
    expect(rows[9]?.cumulativeGain).toBe(1);
    rows.slice(1).forEach((r, k) => expect(r.maxScore).toBeLessThanOrEqual(rows[k]?.minScore ?? NaN));
    expect(rows[0]?.lift).toBeGreaterThan(1.3);
  });

  it('refuses rows without any positive', () => {
    expectValidationError(() => liftTable([0, 0], [0.1, 0.2]), /at least one positive/);
  });
});

describe('confusionMatrix', () => {
  it('counts rows scoring at least the threshold as positive', () => {
    const labels = [1, 1, 0, 0, 1, 0];
    const scores = [0.9, 0.4, 0.6, 0.1, 0.5, 0.5];
    expect(confusionMatrix(labels, scores)).toEqual({
      threshold: 0.5,
      tp: 2,
      fp: 2,
      tn: 1,
      fn: 1,
      precision: 0.5,
      recall: 2 / 3,
      accuracy: 0.5,
    });
    expect(confusionMatrix(labels, scores, 0.95)).toMatchObject({ tp: 0, fp: 0, precision: null, recall: 0 });
    expect(confusionMatrix([0, 0], [0.7, 0.2])).toMatchObject({ recall: null, accuracy: 0.5 });
  });
});

describe('evaluateBinary', () => {
  it('puts the same numbers as the single metrics together', () => {
    const { scores, labels } = noisy(500, 5);
    const report = evaluateBinary(labels, scores);
    expect(report.count).toBe(500);
    expect(report.baseRate).toBe(report.positives / 500);
    expect(report.auc).toBe(auc(labels, scores));
    expect(report.logLoss).toBe(logLoss(labels, scores));
    expect(report.brier).toBe(brierScore(labels, scores));
    expect(report.lift).toEqual(liftTable(labels, scores));
    expect(report.calibration).toHaveLength(10);
    expect(report.roc.length).toBeLessThanOrEqual(200);
  });
});
