/**
 * The probability-alive matrix of the lifetime value page: P(alive) from a fitted BG/NBD for a grid of repeat
 * purchases × weeks since the last purchase, at the age of the oldest customers, so that the user sees how
 * silence erodes the chance that a frequent buyer is still around.
 */
import type { ClvAliveMatrix } from '../shared/models';
import { probabilityAlive, type BgNbdParams, type FrequencyRecency } from '../ml/bgnbd';

/** Enough rows to show the pattern; rarer frequencies add nothing a user reads. */
const MAX_FREQUENCY = 20;
/** Columns of the grid at most, besides the first (0 weeks). */
const MAX_STEPS = 12;

export function aliveMatrix(params: BgNbdParams, customers: FrequencyRecency): ClvAliveMatrix | null {
  let age = 0;
  let frequency = 0;
  for (let i = 0; i < customers.x.length; i++) {
    age = Math.max(age, customers.T[i] ?? 0);
    frequency = Math.max(frequency, customers.x[i] ?? 0);
  }
  const ageWeeks = Math.floor(age);
  if (ageWeeks < 1 || frequency < 1) return null;
  const frequencies = Array.from({ length: Math.min(frequency, MAX_FREQUENCY) }, (_, i) => i + 1);
  const step = Math.ceil(ageWeeks / MAX_STEPS);
  // A repeat buyer bought again after their first day, so the silence stays below their age.
  const weeksSinceLast = Array.from({ length: Math.floor((ageWeeks - 1) / step) + 1 }, (_, k) => k * step);
  const cells = frequencies.flatMap((x) => weeksSinceLast.map((weeks) => ({ x, tx: ageWeeks - weeks })));
  const alive = probabilityAlive(params, {
    x: cells.map((c) => c.x),
    tx: cells.map((c) => c.tx),
    T: cells.map(() => ageWeeks),
  });
  const round = (p: number) => Math.round(p * 10_000) / 10_000;
  return {
    ageWeeks,
    frequencies,
    weeksSinceLast,
    probability: frequencies.map((_, i) =>
      weeksSinceLast.map((__, j) => round(alive[i * weeksSinceLast.length + j] ?? 0)),
    ),
  };
}
