/**
 * What a campaign did, measured against its holdout (holdout.ts): the response rates of the contacted and the
 * held-out customers, their difference with a confidence interval, the same as a ratio, the difference in revenue
 * per customer, and a plain verdict. Pure arithmetic on counts and sums.
 *
 * Methods, chosen for the small holdouts and low response rates campaigns have:
 * - Difference in response rates: Newcombe's hybrid score interval (Newcombe 1998, method 10), built from the two
 *   Wilson intervals. Unlike the Wald interval it stays inside [−1, 1], does not collapse to a point when a group
 *   has no responders, and keeps close to its nominal coverage with a few hundred customers per group.
 * - p-value: the two-proportion z test with the pooled rate. "Significant" needs both p below 1 − confidence and
 *   the interval clear of zero, so the verdict never contradicts the interval shown beside it.
 * - Relative uplift (treated rate ÷ holdout rate − 1): the log risk ratio with its delta-method standard error.
 *   Null when no held-out customer responded (the ratio has no finite value); when no contacted customer did, the
 *   estimate is −100% and the interval uses the Haldane correction (½ added to each count).
 * - Revenue per customer: Welch's t interval and test, which do not assume equal variances (a campaign changes
 *   the spread of spending as well as its mean).
 */
import { CoreError } from '../shared/errors';

export interface GroupOutcome {
  customers: number;
  /** Customers who responded (ordered, clicked…) in the measurement window. */
  responders: number;
  /** Revenue per customer in the window, every customer counted (0 for those who bought nothing). */
  revenue?: { mean: number; variance: number };
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface GroupResult {
  customers: number;
  responders: number;
  rate: number;
  revenuePerCustomer: number | null;
}

export interface UpliftResult {
  confidence: number;
  treated: GroupResult;
  holdout: GroupResult;
  /** Treated rate − holdout rate, in proportions (0.02 is two percentage points). */
  absolute: Interval;
  /** Treated rate ÷ holdout rate − 1 (0.25 is 25% more responses); null when the holdout rate is 0. */
  relative: Interval | null;
  /** Two-sided, for the difference in response rates. */
  pValue: number;
  significant: boolean;
  /** Treated − holdout revenue per customer; null without revenue or with fewer than two customers in a group. */
  revenue: (Interval & { pValue: number; degreesOfFreedom: number }) | null;
}

/**
 * Counts and revenue moments per group from per-customer arrays: `holdout[i]` 1 for a held-out customer,
 * `responded[i]` non-zero for a responder, `revenue[i]` that customer's revenue (missing values count as 0).
 */
export function summariseOutcomes(
  holdout: Uint8Array,
  responded: ArrayLike<number | boolean>,
  revenue?: ArrayLike<number>,
): { treated: GroupOutcome; holdout: GroupOutcome } {
  if (responded.length !== holdout.length || (revenue && revenue.length !== holdout.length)) {
    throw new CoreError('VALIDATION', 'Give one response (and one revenue figure) for every campaign member.');
  }
  const groups = [0, 1].map(() => ({ customers: 0, responders: 0, mean: 0, m2: 0 }));
  for (let i = 0; i < holdout.length; i++) {
    const group = groups[holdout[i] === 1 ? 1 : 0] as (typeof groups)[number];
    group.customers++;
    if (responded[i]) group.responders++;
    if (revenue) {
      const value = Number.isFinite(revenue[i]) ? (revenue[i] as number) : 0;
      const delta = value - group.mean;
      group.mean += delta / group.customers;
      group.m2 += delta * (value - group.mean);
    }
  }
  const [treated, held] = groups.map((g): GroupOutcome => ({
    customers: g.customers,
    responders: g.responders,
    ...(revenue ? { revenue: { mean: g.mean, variance: g.customers > 1 ? g.m2 / (g.customers - 1) : 0 } } : {}),
  })) as [GroupOutcome, GroupOutcome];
  return { treated, holdout: held };
}

export function measureUplift(
  treated: GroupOutcome,
  holdout: GroupOutcome,
  options: { confidence?: number } = {},
): UpliftResult {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new CoreError('VALIDATION', 'The confidence level must be between 0 and 1, for example 0.95.');
  }
  checkGroup(treated, 'contacted');
  checkGroup(holdout, 'held-out');
  const alpha = 1 - confidence;
  const z = normalQuantileTwoSided(alpha);
  const absolute = newcombeDifference(treated, holdout, z);
  const pValue = twoProportionPValue(treated, holdout);
  return {
    confidence,
    treated: groupResult(treated),
    holdout: groupResult(holdout),
    absolute,
    relative: relativeUplift(treated, holdout, z),
    pValue,
    significant: pValue < alpha && (absolute.low > 0 || absolute.high < 0),
    revenue: revenueDifference(treated, holdout, alpha),
  };
}

function checkGroup(group: GroupOutcome, name: string): void {
  const { customers, responders } = group;
  if (!Number.isInteger(customers) || customers < 1) {
    throw new CoreError('VALIDATION', `The ${name} group has no customers; uplift needs both groups.`);
  }
  if (!Number.isInteger(responders) || responders < 0 || responders > customers) {
    throw new CoreError('VALIDATION', `The ${name} group's responders must be a whole number between 0 and its size.`);
  }
}

function groupResult(group: GroupOutcome): GroupResult {
  return {
    customers: group.customers,
    responders: group.responders,
    rate: group.responders / group.customers,
    revenuePerCustomer: group.revenue?.mean ?? null,
  };
}

/** Wilson score interval for x successes in n trials. */
export function wilsonInterval(x: number, n: number, z: number): { low: number; high: number } {
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function newcombeDifference(a: GroupOutcome, b: GroupOutcome, z: number): Interval {
  const p1 = a.responders / a.customers;
  const p2 = b.responders / b.customers;
  const w1 = wilsonInterval(a.responders, a.customers, z);
  const w2 = wilsonInterval(b.responders, b.customers, z);
  const d = p1 - p2;
  return {
    estimate: d,
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

function twoProportionPValue(a: GroupOutcome, b: GroupOutcome): number {
  const pooled = (a.responders + b.responders) / (a.customers + b.customers);
  // Everyone or no one responded: the groups cannot differ.
  if (pooled === 0 || pooled === 1) return 1;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.customers + 1 / b.customers));
  const zScore = (a.responders / a.customers - b.responders / b.customers) / se;
  return normalTwoSidedP(zScore);
}

function relativeUplift(a: GroupOutcome, b: GroupOutcome, z: number): Interval | null {
  if (b.responders === 0) return null;
  const estimate = a.responders / a.customers / (b.responders / b.customers) - 1;
  const haldane = a.responders === 0 ? 0.5 : 0;
  const x1 = a.responders + haldane;
  const n1 = a.customers + 2 * haldane;
  const x2 = b.responders + haldane;
  const n2 = b.customers + 2 * haldane;
  const logRatio = Math.log(x1 / n1 / (x2 / n2));
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  return { estimate, low: Math.exp(logRatio - z * se) - 1, high: Math.exp(logRatio + z * se) - 1 };
}

function revenueDifference(a: GroupOutcome, b: GroupOutcome, alpha: number): UpliftResult['revenue'] {
  if (!a.revenue || !b.revenue || a.customers < 2 || b.customers < 2) return null;
  const estimate = a.revenue.mean - b.revenue.mean;
  const va = a.revenue.variance / a.customers;
  const vb = b.revenue.variance / b.customers;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // No spread in either group: the difference is exact.
    return {
      estimate,
      low: estimate,
      high: estimate,
      pValue: estimate === 0 ? 1 : 0,
      degreesOfFreedom: a.customers + b.customers - 2,
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.customers - 1) + vb ** 2 / (b.customers - 1));
  const t = studentQuantileTwoSided(alpha, df);
  return {
    estimate,
    low: estimate - t * se,
    high: estimate + t * se,
    pValue: studentTwoSidedP(estimate / se, df),
    degreesOfFreedom: df,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Distributions. Regularised incomplete gamma and beta functions (Numerical Recipes, 3rd ed., §6.2 and §6.4), good
// to about 1e-14, which is more than p-values and interval ends need, with no dependency.

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function normalTwoSidedP(z: number): number {
  return gammaQ(0.5, (z * z) / 2);
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTwoSidedP(t: number, df: number): number {
  return betaRegularised(df / (df + t * t), df / 2, 0.5);
}

/** The z with P(|Z| ≥ z) = alpha (1.959964 for alpha 0.05). */
export function normalQuantileTwoSided(alpha: number): number {
  return invertTwoSided((z) => normalTwoSidedP(z), alpha);
}

/** The t with P(|T| ≥ t) = alpha for `df` degrees of freedom (2.228139 for alpha 0.05 and df 10). */
export function studentQuantileTwoSided(alpha: number, df: number): number {
  return invertTwoSided((t) => studentTwoSidedP(t, df), alpha);
}

/** Bisection on a decreasing tail probability: slow by numerical standards, but called a few times per result. */
function invertTwoSided(tail: (x: number) => number, alpha: number): number {
  let high = 1;
  while (tail(high) > alpha) high *= 2;
  let low = 0;
  for (let i = 0; i < 100 && high - low > 1e-15 * high; i++) {
    const mid = (low + high) / 2;
    if (tail(mid) > alpha) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 500;

/** Q(a, x) = Γ(a, x) / Γ(a), the upper regularised incomplete gamma function. */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P, then Q = 1 − P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefix) * h;
}

/** I_x(a, b), the regularised incomplete beta function. */
function betaRegularised(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logPrefix = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a,b) = 1 − I_1−x(b,a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logPrefix) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(logPrefix) * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}
