/**
 * How good a propensity or churn model is on held-out customers (DESIGN.md §4): AUC, log loss, Brier score, the
 * ROC curve, calibration by decile of predicted probability, lift and cumulative gains by decile of score, and
 * the confusion matrix at a threshold.
 *
 * Labels are 0/1 and scores any numbers where higher means "more likely 1" (probabilities for log loss, Brier and
 * calibration). Deciles are equal-count groups of the rows sorted by score, the first groups taking the extra rows
 * (group k ends at row ⌈n·k/10⌉, as numpy's array_split), ties kept in row order: that is how the reference cut its
 * cumulative gains, and it keeps every group the same size whatever the ties.
 */
import { CoreError } from '../shared/errors';

export interface RocPoint {
  /** Rows scoring at least this are called positive; the first point (nobody called) uses the top score + 1. */
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface RocOptions {
  /** Thin the curve to about this many points, corners first. Default 200. */
  maxPoints?: number;
}

export interface CalibrationBin {
  /** 1 for the lowest predicted probabilities. */
  bin: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
  minPredicted: number;
  maxPredicted: number;
}

export interface LiftRow {
  /** 1 for the highest scores. */
  decile: number;
  count: number;
  positives: number;
  /** Share of positives within the group. */
  rate: number;
  /** rate ÷ the overall rate. */
  lift: number;
  /** Share of all positives found in the groups down to this one. */
  cumulativeGain: number;
  cumulativeLift: number;
  minScore: number;
  maxScore: number;
}

export interface ConfusionMatrix {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** null when nothing is called positive. */
  precision: number | null;
  /** null when there are no positives. */
  recall: number | null;
  accuracy: number;
}

export interface BinaryEvaluation {
  count: number;
  positives: number;
  baseRate: number;
  auc: number;
  logLoss: number;
  brier: number;
  roc: RocPoint[];
  calibration: CalibrationBin[];
  lift: LiftRow[];
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

interface Checked {
  labels: Uint8Array;
  scores: Float64Array;
  positives: number;
}

function check(labels: ArrayLike<number>, scores: ArrayLike<number>, probabilities: boolean): Checked {
  if (labels.length !== scores.length)
    throw invalid(`There are ${labels.length} labels and ${scores.length} scores; give one score per labelled row.`);
  if (labels.length === 0) throw invalid('There are no rows to evaluate.');
  const y = new Uint8Array(labels.length);
  const s = Float64Array.from(scores);
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) throw invalid(`Labels must be 0 or 1; row ${i + 1} has ${String(label)}.`);
    y[i] = label;
    positives += label;
    const score = s[i] ?? NaN;
    if (!Number.isFinite(score)) throw invalid(`Row ${i + 1} has no score (${score}); score every row first.`);
    if (probabilities && (score < 0 || score > 1))
      throw invalid(`Row ${i + 1} has ${score} where a probability between 0 and 1 is expected.`);
  }
  return { labels: y, scores: s, positives };
}

function requireBothClasses({ labels, positives }: Checked, what: string): void {
  if (positives === 0 || positives === labels.length)
    throw invalid(
      `${what} needs both outcomes among the rows, but every row is ${positives === 0 ? 0 : 1}: ` +
        'evaluate on more customers or a longer outcome window.',
    );
}

/** Row indexes by score, ties in row order. */
function order(scores: Float64Array, descending: boolean): Uint32Array {
  const sign = descending ? -1 : 1;
  return Uint32Array.from(scores, (_, i) => i).sort((a, b) => sign * ((scores[a] ?? 0) - (scores[b] ?? 0)) || a - b);
}

/** End (exclusive) of each of `groups` equal-count groups of n sorted rows; empty groups are left out. */
function groupEnds(n: number, groups: number): number[] {
  if (!Number.isInteger(groups) || groups < 1) throw invalid(`The number of groups must be a whole number from 1.`);
  const ends: number[] = [];
  for (let k = 1; k <= groups; k++) {
    const end = Math.ceil((n * k) / groups);
    if (end > (ends[ends.length - 1] ?? 0)) ends.push(end);
  }
  return ends;
}

/** Area under the ROC curve from ranks (Mann–Whitney), tied scores sharing their average rank. */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const checked = check(labels, scores, false);
  requireBothClasses(checked, 'AUC');
  const { labels: y, scores: s, positives } = checked;
  const sorted = order(s, false);
  let positiveRanks = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start + 1;
    while (end < sorted.length && s[sorted[end] ?? 0] === s[sorted[start] ?? 0]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) positiveRanks += (y[sorted[k] ?? 0] ?? 0) * averageRank;
    start = end;
  }
  const negatives = y.length - positives;
  return (positiveRanks - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean negative log-likelihood; probabilities are clipped to [ε, 1 − ε] so that one certain miss is not ∞. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, epsilon = 1e-15): number {
  const { labels: y, scores: p } = check(labels, probabilities, true);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i] ?? 0, epsilon), 1 - epsilon);
    sum -= y[i] ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Mean squared difference between the predicted probability and the 0/1 outcome. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  const { labels: y, scores: p } = check(labels, probabilities, true);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += ((p[i] ?? 0) - (y[i] ?? 0)) ** 2;
  return sum / y.length;
}

/**
 * The ROC curve, one point per distinct score from the top down. Points on a straight segment are dropped (they
 * change nothing drawn); if more than maxPoints remain, evenly spaced ones are kept, always with both ends.
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, options: RocOptions = {}): RocPoint[] {
  const checked = check(labels, scores, false);
  requireBothClasses(checked, 'A ROC curve');
  const { labels: y, scores: s, positives } = checked;
  const maxPoints = Math.max(options.maxPoints ?? 200, 2);
  const negatives = y.length - positives;
  const sorted = order(s, true);
  const all: RocPoint[] = [{ threshold: (s[sorted[0] ?? 0] ?? 0) + 1, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < sorted.length; k++) {
    const row = sorted[k] ?? 0;
    if (y[row]) tp++;
    else fp++;
    const next = sorted[k + 1];
    if (next === undefined || s[next] !== s[row])
      all.push({ threshold: s[row] ?? 0, fpr: fp / negatives, tpr: tp / positives });
  }
  const corners = all.filter((point, k) => {
    const before = all[k - 1];
    const after = all[k + 1];
    if (!before || !after) return true;
    const cross =
      (point.fpr - before.fpr) * (after.tpr - point.tpr) - (point.tpr - before.tpr) * (after.fpr - point.fpr);
    return Math.abs(cross) > 1e-15;
  });
  if (corners.length <= maxPoints) return corners;
  const step = (corners.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => corners[Math.round(k * step)] as RocPoint);
}

/** Mean predicted probability against the observed rate in equal-count bins of predicted probability. */
export function calibrationBins(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const { labels: y, scores: p } = check(labels, probabilities, true);
  const sorted = order(p, false);
  let start = 0;
  return groupEnds(y.length, bins).map((end, index) => {
    let predicted = 0;
    let observed = 0;
    for (let k = start; k < end; k++) {
      const row = sorted[k] ?? 0;
      predicted += p[row] ?? 0;
      observed += y[row] ?? 0;
    }
    const count = end - start;
    const bin: CalibrationBin = {
      bin: index + 1,
      count,
      meanPredicted: predicted / count,
      observedRate: observed / count,
      minPredicted: p[sorted[start] ?? 0] ?? 0,
      maxPredicted: p[sorted[end - 1] ?? 0] ?? 0,
    };
    start = end;
    return bin;
  });
}

/** Lift and cumulative gains by decile (or other equal-count groups) of score, highest scores first. */
export function liftTable(labels: ArrayLike<number>, scores: ArrayLike<number>, groups = 10): LiftRow[] {
  const checked = check(labels, scores, false);
  if (checked.positives === 0)
    throw invalid('Lift needs at least one positive row: there is nothing to find among these customers.');
  const { labels: y, scores: s, positives } = checked;
  const baseRate = positives / y.length;
  const sorted = order(s, true);
  let start = 0;
  let found = 0;
  return groupEnds(y.length, groups).map((end, index) => {
    let hits = 0;
    for (let k = start; k < end; k++) hits += y[sorted[k] ?? 0] ?? 0;
    found += hits;
    const count = end - start;
    const row: LiftRow = {
      decile: index + 1,
      count,
      positives: hits,
      rate: hits / count,
      lift: hits / count / baseRate,
      cumulativeGain: found / positives,
      cumulativeLift: found / end / baseRate,
      minScore: s[sorted[end - 1] ?? 0] ?? 0,
      maxScore: s[sorted[start] ?? 0] ?? 0,
    };
    start = end;
    return row;
  });
}

/** Counts when rows scoring at least `threshold` are called positive. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold = 0.5,
): ConfusionMatrix {
  const { labels: y, scores: s } = check(labels, scores, false);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const called = (s[i] ?? 0) >= threshold;
    if (y[i]) {
      if (called) tp++;
      else fn++;
    } else if (called) fp++;
    else tn++;
  }
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    recall: tp + fn > 0 ? tp / (tp + fn) : null,
    accuracy: (tp + tn) / y.length,
  };
}

/** Everything the model report shows for held-out rows, in one call. */
export function evaluateBinary(labels: ArrayLike<number>, probabilities: ArrayLike<number>): BinaryEvaluation {
  const { positives, labels: y } = check(labels, probabilities, true);
  return {
    count: y.length,
    positives,
    baseRate: positives / y.length,
    auc: auc(labels, probabilities),
    logLoss: logLoss(labels, probabilities),
    brier: brierScore(labels, probabilities),
    roc: rocCurve(labels, probabilities),
    calibration: calibrationBins(labels, probabilities),
    lift: liftTable(labels, probabilities),
  };
}
