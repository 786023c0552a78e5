/**
 * The control group of a campaign: customers kept out of it at random so that, afterwards, the difference between
 * those contacted and those held out measures what the campaign did (uplift.ts). Drawing the group within each
 * segment, rather than from the whole list, keeps every segment's share of the holdout equal to its share of the
 * campaign, so a holdout that happened to be short of Champions cannot pass for a campaign effect.
 *
 * Seeded (the same campaign rebuilt gives the same holdout) and pure: flags in a Uint8Array, summaries as plain
 * objects.
 */
import { CoreError } from '../shared/errors';
import { seededRandom } from './kmeans';

export interface HoldoutOptions {
  /** Share of the customers held out, 0.1 unless given. */
  share?: number;
  seed: number;
}

export const DEFAULT_HOLDOUT_SHARE = 0.1;

type StratumKey = string | number;

/**
 * 1 for each customer held out, 0 for each contacted. `strata[i]` is customer i's segment. The holdout has
 * round(share × customers) members in all; each segment gets share × its size, rounded down, and the members left
 * over go one each to the segments with the largest remainders (the larger segment first on a tie, then the one
 * seen first), so segments' shares differ from `share` by less than one customer each.
 */
export function assignHoldout(strata: ArrayLike<StratumKey>, options: HoldoutOptions): Uint8Array {
  const share = options.share ?? DEFAULT_HOLDOUT_SHARE;
  if (!(share >= 0 && share < 1)) {
    throw new CoreError('VALIDATION', 'The holdout share must be at least 0 and below 1 (for example 0.1 for 10%).');
  }
  const groups = groupByStratum(strata);
  const quotas = apportion(
    groups.map((group) => group.members.length),
    share,
    Math.round(share * strata.length),
  );
  const random = seededRandom(options.seed);
  const flags = new Uint8Array(strata.length);
  groups.forEach((group, g) => {
    const members = group.members;
    const quota = quotas[g] ?? 0;
    // Partial Fisher–Yates: the first `quota` places of a uniformly shuffled copy.
    for (let i = 0; i < quota; i++) {
      const j = i + Math.floor(random() * (members.length - i));
      const chosen = members[j] as number;
      members[j] = members[i] as number;
      members[i] = chosen;
      flags[chosen] = 1;
    }
  });
  return flags;
}

interface Stratum {
  key: StratumKey;
  members: number[];
}

/** Strata in order of first appearance, each with its customers' indices. */
function groupByStratum(strata: ArrayLike<StratumKey>): Stratum[] {
  const byKey = new Map<StratumKey, Stratum>();
  for (let i = 0; i < strata.length; i++) {
    const key = strata[i] as StratumKey;
    let stratum = byKey.get(key);
    if (!stratum) {
      stratum = { key, members: [] };
      byKey.set(key, stratum);
    }
    stratum.members.push(i);
  }
  return [...byKey.values()];
}

/** Largest-remainder (Hamilton) apportionment of `total` seats in proportion to `sizes` × `share`. */
function apportion(sizes: readonly number[], share: number, total: number): number[] {
  // Rounded to 1e-9 so that 0.1 × 30 = 3.0000000000000004 is 3 and not 3 with a tiny remainder.
  const exact = sizes.map((size) => Math.round(share * size * 1e9) / 1e9);
  const quotas = exact.map(Math.floor);
  const order = sizes
    .map((size, i) => ({ i, size, remainder: (exact[i] ?? 0) - (quotas[i] ?? 0) }))
    .sort((a, b) => b.remainder - a.remainder || b.size - a.size || a.i - b.i);
  let left = total - quotas.reduce((sum, quota) => sum + quota, 0);
  for (const { i } of order) {
    if (left <= 0) break;
    quotas[i] = (quotas[i] ?? 0) + 1;
    left--;
  }
  return quotas;
}

// ---------------------------------------------------------------------------------------------------------------
// Balance

export interface GroupSummary {
  customers: number;
  /** Mean of each covariate over the customers with a finite value; null when none has one. */
  means: Record<string, number | null>;
}

export interface StratumBalance {
  stratum: string;
  customers: number;
  /** Held-out customers ÷ customers. */
  holdoutShare: number;
  holdout: GroupSummary;
  treated: GroupSummary;
}

export interface HoldoutBalance {
  overall: StratumBalance & {
    /**
     * (holdout mean − treated mean) ÷ the pooled standard deviation, per covariate: below about 0.1 in absolute
     * value the groups are usually called balanced. Null when a group has fewer than two values or none vary.
     */
    standardisedDifferences: Record<string, number | null>;
  };
  strata: StratumBalance[];
}

/**
 * Sizes, shares and covariate means (monetary, frequency…) of the holdout and the contacted customers, per
 * segment and overall, for the campaign screen to show that the two groups look alike before anything is sent.
 */
export function holdoutBalance(
  flags: Uint8Array,
  strata: ArrayLike<StratumKey>,
  covariates: Record<string, ArrayLike<number>> = {},
): HoldoutBalance {
  if (flags.length !== strata.length) {
    throw new CoreError('VALIDATION', 'Give one holdout flag and one segment for every customer.');
  }
  for (const [name, values] of Object.entries(covariates)) {
    if (values.length !== flags.length) {
      throw new CoreError('VALIDATION', `Give one "${name}" value for every customer.`);
    }
  }
  const all = Array.from({ length: flags.length }, (_, i) => i);
  const overall = balanceOf('all', all, flags, covariates);
  const standardisedDifferences: Record<string, number | null> = {};
  for (const [name, values] of Object.entries(covariates)) {
    standardisedDifferences[name] = standardisedDifference(all, flags, values);
  }
  return {
    overall: { ...overall, standardisedDifferences },
    strata: groupByStratum(strata).map((group) => balanceOf(String(group.key), group.members, flags, covariates)),
  };
}

function balanceOf(
  stratum: string,
  members: readonly number[],
  flags: Uint8Array,
  covariates: Record<string, ArrayLike<number>>,
): StratumBalance {
  const holdout = members.filter((i) => flags[i] === 1);
  const treated = members.filter((i) => flags[i] !== 1);
  return {
    stratum,
    customers: members.length,
    holdoutShare: members.length === 0 ? 0 : holdout.length / members.length,
    holdout: summary(holdout, covariates),
    treated: summary(treated, covariates),
  };
}

function summary(members: readonly number[], covariates: Record<string, ArrayLike<number>>): GroupSummary {
  const means: Record<string, number | null> = {};
  for (const [name, values] of Object.entries(covariates)) means[name] = moments(members, values).mean;
  return { customers: members.length, means };
}

/** Mean and sample variance over the finite values (a customer without a value is left out, not counted as 0). */
function moments(
  members: readonly number[],
  values: ArrayLike<number>,
): { mean: number | null; variance: number | null } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const i of members) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) continue;
    n++;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  return { mean: n > 0 ? mean : null, variance: n > 1 ? m2 / (n - 1) : null };
}

function standardisedDifference(
  members: readonly number[],
  flags: Uint8Array,
  values: ArrayLike<number>,
): number | null {
  const held = moments(
    members.filter((i) => flags[i] === 1),
    values,
  );
  const treated = moments(
    members.filter((i) => flags[i] !== 1),
    values,
  );
  if (held.variance === null || treated.variance === null) return null;
  const pooled = Math.sqrt((held.variance + treated.variance) / 2);
  // A variance implies at least two values, hence a mean.
  return pooled > 0 ? ((held.mean ?? 0) - (treated.mean ?? 0)) / pooled : null;
}
