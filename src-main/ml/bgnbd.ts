/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive, a customer buys at a
 * Poisson rate drawn from Gamma(r, α); after each purchase they drop out with a probability drawn from Beta(a, b).
 * Fitted by maximum likelihood on (x, t_x, T), it predicts future purchases per customer and for the whole base.
 *
 * Why our own: no maintained JavaScript implementation exists, and the model is small: the likelihood and its
 * gradient are closed forms, so BFGS (optimize.ts) reaches the published CDNOW estimates (REFERENCE_NUMBERS.md §2)
 * in a few dozen iterations. The predictions need Gauss's hypergeometric function, computed here by its series
 * (after Euler's transformation when that converges faster).
 */
import { CoreError } from '../shared/errors';
import type { TimeUnit } from './clv-summary';
import { digamma, logGamma, minimizePositive } from './optimize';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per customer, in one time unit: repeat purchases, time of the last one after the first, and age at the end. */
export interface FrequencyRecency {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
}

export interface BgNbdFitOptions {
  /** The unit of tx and T, kept with the model. Default 'week'. */
  unit?: TimeUnit;
  /** BFGS iterations per start. Default 500. */
  maxIterations?: number;
}

/**
 * What the UI should tell, in its own words: TOO_FEW_REPEAT_CUSTOMERS – the estimates rest on few people;
 * MANY_ONE_TIME_BUYERS – `share` of customers never came back, predictions lean on very little repeat behaviour;
 * NOT_CONVERGED – the search stopped before the optimum, predictions are approximate; EXTREME_PARAMETERS – the data
 * cannot pin these parameters down (a, b near 0: nobody seems to drop out), treat predictions with care.
 */
export type BgNbdWarning =
  | { code: 'TOO_FEW_REPEAT_CUSTOMERS'; params: { repeatCustomers: number; recommended: number } }
  | { code: 'MANY_ONE_TIME_BUYERS'; params: { share: number } }
  | { code: 'NOT_CONVERGED'; params: { iterations: number } }
  | { code: 'EXTREME_PARAMETERS'; params: { parameters: string } };

export interface BgNbdFit {
  name: 'BG/NBD';
  unit: TimeUnit;
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  repeatCustomers: number;
  iterations: number;
  converged: boolean;
  warnings: BgNbdWarning[];
}

export interface BgNbdModelJSON {
  name: 'BG/NBD';
  unit: TimeUnit;
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
}

/** Below this many repeat customers the four parameters are poorly determined (a rule of thumb, not a theorem). */
const RECOMMENDED_REPEAT_CUSTOMERS = 50;
const ONE_TIME_BUYER_SHARE_WARNING = 0.8;

const invalid = (message: string) => new CoreError('VALIDATION', message);

interface Prepared {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** The distinct values of x and how many customers have each. */
  levels: Float64Array;
  levelCounts: Float64Array;
  repeatCustomers: number;
}

function prepare(data: FrequencyRecency): Prepared {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n)
    throw invalid(
      `Frequency, recency and age must have one value per customer; got ${n}, ${data.tx.length} and ${data.T.length}.`,
    );
  if (n === 0) throw invalid('There are no customers to fit.');
  const x = Float64Array.from(data.x);
  const tx = Float64Array.from(data.tx);
  const T = Float64Array.from(data.T);
  const counts = new Map<number, number>();
  let repeatCustomers = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] ?? 0;
    const ti = tx[i] ?? 0;
    const Ti = T[i] ?? 0;
    if (!(Number.isInteger(xi) && xi >= 0))
      throw invalid(`Customer ${i + 1} has ${xi} repeat purchases; it must be a whole number from 0.`);
    if (!(ti >= 0 && Ti >= ti && Number.isFinite(Ti)))
      throw invalid(`Customer ${i + 1} has recency ${ti} and age ${Ti}; both must be from 0, recency at most the age.`);
    if (xi === 0 && ti !== 0) throw invalid(`Customer ${i + 1} has no repeat purchase but a recency of ${ti}.`);
    if (xi > 0) repeatCustomers++;
    counts.set(xi, (counts.get(xi) ?? 0) + 1);
  }
  return {
    x,
    tx,
    T,
    levels: Float64Array.from(counts.keys()),
    levelCounts: Float64Array.from(counts.values()),
    repeatCustomers,
  };
}

/**
 * Mean negative log-likelihood over the customers at θ = (r, α, a, b); with `gradient`, also ∂/∂θ. The terms that
 * depend on x alone (the gamma functions) are computed once per distinct x.
 */
function meanNegativeLogLikelihood(data: Prepared, theta: Float64Array, gradient?: Float64Array): number {
  const [r = 0, alpha = 0, a = 0, b = 0] = theta;
  const n = data.x.length;
  const logAlpha = Math.log(alpha);
  let ll = 0;
  let dr = 0;
  let dAlpha = 0;
  let da = 0;
  let db = 0;
  const levelConstant = logGamma(a + b) - logGamma(b) - logGamma(r);
  const psiConstant = gradient ? { ab: digamma(a + b), b: digamma(b), r: digamma(r) } : null;
  data.levels.forEach((xv, slot) => {
    const count = data.levelCounts[slot] ?? 0;
    ll += count * (levelConstant + logGamma(r + xv) + r * logAlpha + logGamma(b + xv) - logGamma(a + b + xv));
    if (psiConstant) {
      const psiABX = digamma(a + b + xv);
      dr += count * (digamma(r + xv) - psiConstant.r + logAlpha);
      dAlpha += (count * r) / alpha;
      da += count * (psiConstant.ab - psiABX);
      db += count * (psiConstant.ab + digamma(b + xv) - psiConstant.b - psiABX);
    }
  });
  const logA = Math.log(a);
  for (let i = 0; i < n; i++) {
    const x = data.x[i] ?? 0;
    const T = data.T[i] ?? 0;
    const rx = r + x;
    const logAT = Math.log(alpha + T);
    const a3 = -rx * logAT;
    if (x === 0) {
      ll += a3;
      dr -= logAT;
      dAlpha -= rx / (alpha + T);
      continue;
    }
    const tx = data.tx[i] ?? 0;
    const logATx = Math.log(alpha + tx);
    const a4 = logA - Math.log(b + x - 1) - rx * logATx;
    const top = Math.max(a3, a4);
    const term = top + Math.log(Math.exp(a3 - top) + Math.exp(a4 - top));
    ll += term;
    if (gradient) {
      const w3 = Math.exp(a3 - term);
      const w4 = Math.exp(a4 - term);
      dr -= w3 * logAT + w4 * logATx;
      dAlpha -= rx * (w3 / (alpha + T) + w4 / (alpha + tx));
      da += w4 / a;
      db -= w4 / (b + x - 1);
    }
  }
  if (gradient) gradient.set([-dr / n, -dAlpha / n, -da / n, -db / n]);
  return -ll / n;
}

const asVector = (p: BgNbdParams) => Float64Array.of(p.r, p.alpha, p.a, p.b);

export function bgNbdLogLikelihood(params: BgNbdParams, data: FrequencyRecency): number {
  const prepared = prepare(data);
  return -meanNegativeLogLikelihood(prepared, asVector(params)) * prepared.x.length;
}

function fitWarnings(fit: Omit<BgNbdFit, 'warnings'>, scale: number): BgNbdWarning[] {
  const warnings: BgNbdWarning[] = [];
  if (fit.repeatCustomers < RECOMMENDED_REPEAT_CUSTOMERS)
    warnings.push({
      code: 'TOO_FEW_REPEAT_CUSTOMERS',
      params: { repeatCustomers: fit.repeatCustomers, recommended: RECOMMENDED_REPEAT_CUSTOMERS },
    });
  const oneTimeShare = 1 - fit.repeatCustomers / fit.customers;
  if (oneTimeShare >= ONE_TIME_BUYER_SHARE_WARNING)
    warnings.push({ code: 'MANY_ONE_TIME_BUYERS', params: { share: oneTimeShare } });
  if (!fit.converged) warnings.push({ code: 'NOT_CONVERGED', params: { iterations: fit.iterations } });
  // α is a time scale, so it is judged relative to the customers' typical age.
  const { r, alpha, a, b } = fit.params;
  const relative = { r, alpha: alpha / scale, a, b };
  const extreme = Object.entries(relative)
    .filter(([, v]) => !(v > 1e-4 && v < 1e4))
    .map(([name]) => name);
  if (extreme.length) warnings.push({ code: 'EXTREME_PARAMETERS', params: { parameters: extreme.join(', ') } });
  return warnings;
}

/**
 * Maximum-likelihood fit. Throws when nobody bought twice: the purchase and drop-out processes cannot be told
 * apart without repeat purchases.
 */
export function fitBgNbd(data: FrequencyRecency, options: BgNbdFitOptions = {}): BgNbdFit {
  const prepared = prepare(data);
  const n = prepared.x.length;
  if (prepared.repeatCustomers === 0)
    throw invalid(
      'No customer bought on more than one day in the calibration period, so repeat buying cannot be estimated: use a longer calibration period or more customers.',
    );
  // BFGS on log-parameters is indifferent to α's unit, but starting near the data's time scale saves iterations.
  const scale = Math.max(prepared.T.reduce((sum, t) => sum + t, 0) / n / 10, 1e-6);
  const result = minimizePositive(
    (theta, gradient) => meanNegativeLogLikelihood(prepared, theta, gradient),
    [
      [1, scale, 1, 1],
      [0.5, scale, 0.5, 2],
      [2, 3 * scale, 2, 5],
    ],
    { maxIterations: options.maxIterations ?? 500 },
  );
  const [r = 0, alpha = 0, a = 0, b = 0] = result.x;
  const fit = {
    name: 'BG/NBD' as const,
    unit: options.unit ?? 'week',
    params: { r, alpha, a, b },
    logLikelihood: -result.value * n,
    customers: n,
    repeatCustomers: prepared.repeatCustomers,
    iterations: result.iterations,
    converged: result.converged,
  };
  return { ...fit, warnings: fitWarnings(fit, scale) };
}

/**
 * ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c > 0, by the power series. When c − a − b < 0 the series of Euler's
 * transform (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z) is summed instead: its terms fall off faster for the large a, b
 * that many purchases give. Partial sums are rescaled so that no term overflows. The terms shrink about like zᵏ, so
 * z = t / (α + T + t) up to 0.999 (horizons some hundred times α + T) converges well within the loop's bound.
 */
function logHypergeometric(a: number, b: number, c: number, z: number): number {
  let logPrefix = 0;
  if (c - a - b < 0) {
    logPrefix = (c - a - b) * Math.log1p(-z);
    [a, b] = [c - a, c - b];
  }
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && Math.abs(ratio) < 1) break;
    if (Math.abs(sum) > 1e250) {
      logPrefix += Math.log(1e250);
      sum /= 1e250;
      term /= 1e250;
    }
  }
  return logPrefix + Math.log(sum);
}

function checkTime(t: number): void {
  if (!(t >= 0 && Number.isFinite(t))) throw invalid(`The prediction horizon must be a time from 0; got ${t}.`);
}

/** E[X(t)]: expected repeat purchases in the first t time units after a new customer's first purchase. */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  checkTime(t);
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  const logRest = r * Math.log(alpha / (alpha + t)) + logHypergeometric(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * -Math.expm1(logRest);
}

/** E[X(T, T + t) | x, t_x, T]: expected purchases of each customer in the next t time units. */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  customers: FrequencyRecency,
  t: number,
): Float64Array {
  checkTime(t);
  const { r, alpha, a, b } = params;
  return Float64Array.from({ length: customers.x.length }, (_, i) => {
    const x = customers.x[i] ?? 0;
    const tx = customers.tx[i] ?? 0;
    const T = customers.T[i] ?? 0;
    if (t === 0) return 0;
    const logRest =
      (r + x) * Math.log((alpha + T) / (alpha + T + t)) +
      logHypergeometric(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
    const expected = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logRest);
    return x > 0
      ? expected / (1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))))
      : expected;
  });
}

/** P(alive | x, t_x, T): the chance that each customer has not dropped out by the end of the calibration. */
export function probabilityAlive(params: BgNbdParams, customers: FrequencyRecency): Float64Array {
  const { r, alpha, a, b } = params;
  return Float64Array.from({ length: customers.x.length }, (_, i) => {
    const x = customers.x[i] ?? 0;
    if (x === 0) return 1;
    const logOdds =
      Math.log(a / (b + x - 1)) +
      (r + x) * Math.log((alpha + (customers.T[i] ?? 0)) / (alpha + (customers.tx[i] ?? 0)));
    return 1 / (1 + Math.exp(logOdds));
  });
}

/** P(X(t) = n): the chance that a new customer makes exactly n repeat purchases in the first t time units. */
export function purchaseCountProbability(params: BgNbdParams, t: number, n: number): number {
  checkTime(t);
  if (!(Number.isInteger(n) && n >= 0)) throw invalid(`A purchase count must be a whole number from 0; got ${n}.`);
  const { r, alpha, a, b } = params;
  const logBetaAB = logGamma(a) + logGamma(b) - logGamma(a + b);
  const logP = Math.log(alpha / (alpha + t));
  const logQ = t > 0 ? Math.log(t / (alpha + t)) : -Infinity;
  // The negative binomial of purchases while alive: j ↦ Γ(r + j) / (Γ(r) j!) p^r q^j.
  const logNegBin = (j: number) => logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * logP + (j ? j * logQ : 0);
  const stillAlive = Math.exp(logGamma(a) + logGamma(b + n) - logGamma(a + b + n) - logBetaAB + logNegBin(n));
  if (n === 0) return stillAlive;
  // P(NB ≥ n): one minus the head while the head is under a half, else the tail summed directly, so that a small
  // probability never comes from cancellation.
  let head = 0;
  for (let j = 0; j < n; j++) head += Math.exp(logNegBin(j));
  let atLeastN = 1 - head;
  if (head > 0.5) {
    atLeastN = 0;
    let term = Math.exp(logNegBin(n));
    for (let j = n; term > 1e-17 * atLeastN || j < n + 2; j++) {
      atLeastN += term;
      term *= ((r + j) / (j + 1)) * Math.exp(logQ);
    }
  }
  const droppedAtN = Math.exp(logGamma(a + 1) + logGamma(b + n - 1) - logGamma(a + b + n) - logBetaAB);
  return stillAlive + droppedAtN * atLeastN;
}

/**
 * Expected cumulative repeat purchases of the whole base at each of `ends` (time units after the origin), each
 * customer contributing E[X(end − birth)] once born: the expected curve of the tracking chart.
 */
export function expectedCumulativeRepeats(
  params: BgNbdParams,
  birth: ArrayLike<number>,
  ends: ArrayLike<number>,
): Float64Array {
  const cohorts = new Map<number, number>();
  for (let i = 0; i < birth.length; i++) cohorts.set(birth[i] ?? 0, (cohorts.get(birth[i] ?? 0) ?? 0) + 1);
  return Float64Array.from({ length: ends.length }, (_, k) => {
    const end = ends[k] ?? 0;
    let total = 0;
    for (const [born, count] of cohorts) if (born < end) total += count * expectedPurchases(params, end - born);
    return total;
  });
}

export function bgNbdToJSON(fit: BgNbdFit | BgNbdModelJSON): BgNbdModelJSON {
  return {
    name: 'BG/NBD',
    unit: fit.unit,
    params: { ...fit.params },
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
  };
}

/** Reads back what bgNbdToJSON wrote, refusing anything else. */
export function loadBgNbd(json: unknown): BgNbdModelJSON {
  const model = json as Partial<BgNbdModelJSON> | null;
  const params = model?.params;
  const valid =
    model?.name === 'BG/NBD' &&
    (model.unit === 'week' || model.unit === 'day') &&
    typeof params === 'object' &&
    params !== null &&
    [params.r, params.alpha, params.a, params.b].every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v)) &&
    typeof model.logLikelihood === 'number' &&
    typeof model.customers === 'number';
  if (!valid) throw invalid('This is not a saved BG/NBD model.');
  return bgNbdToJSON(model as BgNbdModelJSON);
}
