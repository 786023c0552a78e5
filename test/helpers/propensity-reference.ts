import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../src-main/services/paths';

/** The shared propensity reference (features, label and the scikit-learn split), read by the model tests. */
export const PROPENSITY_REFERENCE = join(appRoot(), '..', 'shared', 'data', 'references', 'propensity_features.csv');

/** One side of the reference split: the eight feature columns per row, and the labels. */
export function propensitySplit(split: 'train' | 'test') {
  const rows = readFileSync(PROPENSITY_REFERENCE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((cells) => cells[10] === split);
  return {
    rows: rows.map((cells) => cells.slice(1, 9).map(Number)),
    labels: Uint8Array.from(rows, (cells) => Number(cells[9])),
  };
}

/** Mann–Whitney AUC over all positive–negative pairs, ties counting one half: an oracle independent of ml/metrics. */
export function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? positives : negatives).push(scores[i] ?? 0);
  negatives.sort((a, b) => a - b);
  let wins = 0;
  for (const p of positives) {
    let below = 0;
    let equal = 0;
    for (const q of negatives) {
      if (q < p) below++;
      else if (q === p) equal++;
      else break;
    }
    wins += below + equal / 2;
  }
  return wins / (positives.length * negatives.length);
}
