/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): each purchase of a
 * customer is worth Gamma(p, ν), and ν varies across customers as Gamma(q, γ). Fitted on the repeat customers'
 * (x, zbar), it shrinks each customer's observed mean spend towards the population mean, by less the more
 * purchases back it; combined with BG/NBD's expected purchases that gives the customer lifetime value.
 *
 * Why our own: like bgnbd.ts, three parameters with a closed-form likelihood and gradient are a small BFGS problem
 * (optimize.ts). Values are used as given: γ carries their unit and the search works on log-parameters, so cents or
 * millions need no rescaling.
 */
import { CoreError } from '../shared/errors';
import { conditionalExpectedPurchases, type BgNbdParams, type FrequencyRecency } from './bgnbd';
import { digamma, logGamma, minimizePositive } from './optimize';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Per customer: repeat purchases and their mean value (only customers with x > 0 and zbar > 0 enter the fit). */
export interface SpendSummary {
  x: ArrayLike<number>;
  zbar: ArrayLike<number>;
}

export interface GammaGammaFitOptions {
  /**
   * Keep q above 1 so that the population mean spend p·γ/(q − 1) exists (lifetimes' q_constraint); use it when an
   * unconstrained fit warns MEAN_UNDEFINED (on very heavy-tailed spend q then ends just above 1, and the warning
   * stays). Default false.
   */
  qAboveOne?: boolean;
  /** BFGS iterations per start. Default 500. */
  maxIterations?: number;
}

/**
 * What the UI should tell, in its own words: TOO_FEW_REPEAT_CUSTOMERS – the spread of spend rests on few people;
 * NON_POSITIVE_VALUES_SKIPPED – repeat buyers whose purchases are worth 0 or less were left out; NOT_CONVERGED – the
 * search stopped before the optimum; EXTREME_PARAMETERS – the data cannot pin these parameters down; MEAN_UNDEFINED
 * – spend is so heavy-tailed that there is no usable average for customers without repeat purchases (refit with
 * qAboveOne, or leave them out of CLV); VALUE_DEPENDS_ON_FREQUENCY – frequent buyers spend differently per purchase,
 * which the model assumes they do not.
 */
export type GammaGammaWarning =
  | { code: 'TOO_FEW_REPEAT_CUSTOMERS'; params: { repeatCustomers: number; recommended: number } }
  | { code: 'NON_POSITIVE_VALUES_SKIPPED'; params: { customers: number } }
  | { code: 'NOT_CONVERGED'; params: { iterations: number } }
  | { code: 'EXTREME_PARAMETERS'; params: { parameters: string } }
  | { code: 'MEAN_UNDEFINED'; params: { q: number } }
  | { code: 'VALUE_DEPENDS_ON_FREQUENCY'; params: { correlation: number } };

export interface GammaGammaFit {
  name: 'Gamma-Gamma';
  params: GammaGammaParams;
  logLikelihood: number;
  /** Repeat customers with a positive mean value: those the fit used. */
  customers: number;
  /**
   * Pearson correlation of zbar with x over those customers. The model assumes spend does not depend on how often
   * one buys; lifetimes' CDNOW example shows 0.11.
   */
  frequencyValueCorrelation: number | null;
  iterations: number;
  converged: boolean;
  warnings: GammaGammaWarning[];
}

export interface GammaGammaModelJSON {
  name: 'Gamma-Gamma';
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
}

export interface LifetimeValueOptions {
  /** Number of periods summed. Default 12. */
  periods?: number;
  /**
   * Length of one period in the BG/NBD model's time unit: a month is MONTH_IN.week weeks. (lifetimes' Quickstart
   * CLV on weekly CDNOW data used its default of 30, i.e. 30-week "months"; pass 30 to reproduce it.)
   */
  periodLength: number;
  /** Discount rate per period. Default 0.01. */
  discountRate?: number;
}

export const MONTH_IN: Readonly<Record<'week' | 'day', number>> = { week: 365.25 / 12 / 7, day: 365.25 / 12 };

/** Below this many repeat customers the spend heterogeneity is poorly determined (a rule of thumb). */
const RECOMMENDED_REPEAT_CUSTOMERS = 50;
const CORRELATION_WARNING = 0.3;
/**
 * The population mean p·γ/(q − 1) needs q > 1; just above 1 (where a fit with qAboveOne ends up on very
 * heavy-tailed spend) it exists but is dominated by a few extreme customers, so it is flagged alike.
 */
const MEAN_MIN_Q = 1.01;

const invalid = (message: string) => new CoreError('VALIDATION', message);

interface Prepared {
  x: Float64Array;
  zbar: Float64Array;
  logZbar: Float64Array;
  /** The distinct values of x and how many customers have each: the gamma functions depend on x alone. */
  levels: Float64Array;
  levelCounts: Float64Array;
  skipped: number;
}

function prepare(data: SpendSummary): Prepared {
  const n = data.x.length;
  if (data.zbar.length !== n)
    throw invalid(`Frequency and mean value must have one value per customer; got ${n} and ${data.zbar.length}.`);
  const x: number[] = [];
  const zbar: number[] = [];
  const counts = new Map<number, number>();
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const xi = data.x[i] ?? 0;
    const zi = data.zbar[i] ?? 0;
    if (!(Number.isFinite(xi) && xi >= 0 && Number.isFinite(zi)))
      throw invalid(
        `Customer ${i + 1} has frequency ${xi} and mean value ${zi}; both must be numbers, frequency from 0.`,
      );
    if (xi === 0) continue;
    if (zi > 0) {
      x.push(xi);
      zbar.push(zi);
      counts.set(xi, (counts.get(xi) ?? 0) + 1);
    } else skipped++;
  }
  if (x.length === 0)
    throw invalid(
      'No customer has a repeat purchase with a positive value, so spending per purchase cannot be estimated: use a longer calibration period or more customers.',
    );
  return {
    x: Float64Array.from(x),
    zbar: Float64Array.from(zbar),
    logZbar: Float64Array.from(zbar, Math.log),
    levels: Float64Array.from(counts.keys()),
    levelCounts: Float64Array.from(counts.values()),
    skipped,
  };
}

/** Mean negative log-likelihood of the zbar densities at θ = (p, q, γ); with `gradient`, also ∂/∂θ. */
function meanNegativeLogLikelihood(data: Prepared, theta: Float64Array, gradient?: Float64Array): number {
  const [p = 0, q = 0, gamma = 0] = theta;
  const n = data.x.length;
  const logGammaParam = Math.log(gamma);
  const psiQ = gradient ? digamma(q) : 0;
  let ll = n * (q * logGammaParam - logGamma(q));
  let dp = 0;
  let dq = gradient ? n * (logGammaParam - psiQ) : 0;
  let dGamma = (n * q) / gamma;
  data.levels.forEach((x, slot) => {
    const count = data.levelCounts[slot] ?? 0;
    const px = p * x;
    ll += count * (logGamma(px + q) - logGamma(px) + px * Math.log(x));
    if (gradient) {
      const psiPxQ = digamma(px + q);
      dp += count * x * (psiPxQ - digamma(px) + Math.log(x));
      dq += count * psiPxQ;
    }
  });
  for (let i = 0; i < n; i++) {
    const x = data.x[i] ?? 0;
    const logZ = data.logZbar[i] ?? 0;
    const px = p * x;
    const pool = x * (data.zbar[i] ?? 0) + gamma;
    const logPool = Math.log(pool);
    ll += (px - 1) * logZ - (px + q) * logPool;
    dp += x * (logZ - logPool);
    dq -= logPool;
    dGamma -= (px + q) / pool;
  }
  if (gradient) gradient.set([-dp / n, -dq / n, -dGamma / n]);
  return -ll / n;
}

const asVector = (g: GammaGammaParams) => Float64Array.of(g.p, g.q, g.gamma);

/** Log-likelihood over the repeat customers with a positive mean value. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendSummary): number {
  const prepared = prepare(data);
  return -meanNegativeLogLikelihood(prepared, asVector(params)) * prepared.x.length;
}

function pearson(u: Float64Array, v: Float64Array): number | null {
  const n = u.length;
  const mu = u.reduce((s, x) => s + x, 0) / n;
  const mv = v.reduce((s, x) => s + x, 0) / n;
  let suv = 0;
  let suu = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    const du = (u[i] ?? 0) - mu;
    const dv = (v[i] ?? 0) - mv;
    suv += du * dv;
    suu += du * du;
    svv += dv * dv;
  }
  return suu > 0 && svv > 0 ? suv / Math.sqrt(suu * svv) : null;
}

/**
 * Maximum-likelihood fit on the customers with x > 0. Throws when there are none; customers whose repeat
 * purchases are worth nothing (or less) are left out and counted in a warning.
 */
export function fitGammaGamma(data: SpendSummary, options: GammaGammaFitOptions = {}): GammaGammaFit {
  const prepared = prepare(data);
  const n = prepared.x.length;
  const meanValue = prepared.zbar.reduce((s, z) => s + z, 0) / n;
  // With qAboveOne the search runs on q − 1, which then has to stay positive instead of q.
  const shift = options.qAboveOne ? 1 : 0;
  const objective = (theta: Float64Array, gradient?: Float64Array) =>
    meanNegativeLogLikelihood(
      prepared,
      Float64Array.of(theta[0] ?? 0, (theta[1] ?? 0) + shift, theta[2] ?? 0),
      gradient,
    );
  // Starts whose population mean p·γ/(q − 1) equals the observed mean spend.
  const result = minimizePositive(
    objective,
    [
      [1, 2 - shift, meanValue],
      [5, 4 - shift, 0.6 * meanValue],
      [0.5, 1.5 - shift, meanValue],
    ],
    { maxIterations: options.maxIterations ?? 500 },
  );
  const [p = 0, qFree = 0, gamma = 0] = result.x;
  const params = { p, q: qFree + shift, gamma };
  const correlation = pearson(prepared.x, prepared.zbar);
  const warnings: GammaGammaWarning[] = [];
  if (n < RECOMMENDED_REPEAT_CUSTOMERS)
    warnings.push({
      code: 'TOO_FEW_REPEAT_CUSTOMERS',
      params: { repeatCustomers: n, recommended: RECOMMENDED_REPEAT_CUSTOMERS },
    });
  if (prepared.skipped) warnings.push({ code: 'NON_POSITIVE_VALUES_SKIPPED', params: { customers: prepared.skipped } });
  if (!result.converged) warnings.push({ code: 'NOT_CONVERGED', params: { iterations: result.iterations } });
  // γ carries the values' unit, so it is judged relative to the mean value.
  const extreme = Object.entries({ p, q: params.q, gamma: gamma / meanValue })
    .filter(([, v]) => !(v > 1e-4 && v < 1e4))
    .map(([name]) => name);
  if (extreme.length) warnings.push({ code: 'EXTREME_PARAMETERS', params: { parameters: extreme.join(', ') } });
  if (params.q < MEAN_MIN_Q) warnings.push({ code: 'MEAN_UNDEFINED', params: { q: params.q } });
  if (correlation !== null && Math.abs(correlation) >= CORRELATION_WARNING)
    warnings.push({ code: 'VALUE_DEPENDS_ON_FREQUENCY', params: { correlation } });
  return {
    name: 'Gamma-Gamma',
    params,
    logLikelihood: -result.value * n,
    customers: n,
    frequencyValueCorrelation: correlation,
    iterations: result.iterations,
    converged: result.converged,
    warnings,
  };
}

/**
 * E[M | x, zbar]: expected value per future purchase of each customer, a weighted mean of the population mean
 * p·γ/(q − 1) and the customer's own zbar. Customers without repeat purchases get the population mean, which
 * exists only for q > 1.
 */
export function expectedAverageValue(params: GammaGammaParams, customers: SpendSummary): Float64Array {
  const { p, q, gamma } = params;
  if (customers.zbar.length !== customers.x.length)
    throw invalid(
      `Frequency and mean value must have one value per customer; got ${customers.x.length} and ${customers.zbar.length}.`,
    );
  return Float64Array.from({ length: customers.x.length }, (_, i) => {
    const x = customers.x[i] ?? 0;
    const zbar = x > 0 ? (customers.zbar[i] ?? 0) : 0;
    if (!(p * x + q > 1))
      throw invalid(
        `The spending model has q = ${q.toFixed(3)} ≤ 1, so the average spend of customers without repeat purchases is undefined: refit it with q kept above 1.`,
      );
    return (p * (gamma + x * zbar)) / (p * x + q - 1);
  });
}

/**
 * Discounted value over `periods` periods: Σᵢ E[M] · (E[X(i·L)] − E[X((i − 1)·L)]) / (1 + d)ⁱ, with E[X] BG/NBD's
 * conditional expected purchases and L the period length, as lifetimes' customer_lifetime_value computes it.
 */
export function customerLifetimeValue(
  bgnbd: BgNbdParams,
  spend: GammaGammaParams,
  customers: FrequencyRecency & SpendSummary,
  options: LifetimeValueOptions,
): Float64Array {
  const periods = options.periods ?? 12;
  const discountRate = options.discountRate ?? 0.01;
  const { periodLength } = options;
  if (!(Number.isInteger(periods) && periods >= 1))
    throw invalid(`The number of periods must be a whole number from 1; got ${periods}.`);
  if (!(periodLength > 0 && Number.isFinite(periodLength)))
    throw invalid(`A period must last longer than 0; got ${periodLength}.`);
  if (!(discountRate > -1 && Number.isFinite(discountRate)))
    throw invalid(`The discount rate must be above −100%; got ${discountRate}.`);
  const value = expectedAverageValue(spend, customers);
  const total = new Float64Array(customers.x.length);
  let before: Float64Array = new Float64Array(customers.x.length);
  for (let i = 1; i <= periods; i++) {
    const upTo = conditionalExpectedPurchases(bgnbd, customers, i * periodLength);
    const discount = (1 + discountRate) ** i;
    for (let c = 0; c < total.length; c++)
      total[c] = (total[c] ?? 0) + ((value[c] ?? 0) * ((upTo[c] ?? 0) - (before[c] ?? 0))) / discount;
    before = upTo;
  }
  return total;
}

export function gammaGammaToJSON(fit: GammaGammaFit | GammaGammaModelJSON): GammaGammaModelJSON {
  return { name: 'Gamma-Gamma', params: { ...fit.params }, logLikelihood: fit.logLikelihood, customers: fit.customers };
}

/** Reads back what gammaGammaToJSON wrote, refusing anything else. */
export function loadGammaGamma(json: unknown): GammaGammaModelJSON {
  const model = json as Partial<GammaGammaModelJSON> | null;
  const params = model?.params;
  const valid =
    model?.name === 'Gamma-Gamma' &&
    typeof params === 'object' &&
    params !== null &&
    [params.p, params.q, params.gamma].every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v)) &&
    typeof model.logLikelihood === 'number' &&
    typeof model.customers === 'number';
  if (!valid) throw invalid('This is not a saved Gamma-Gamma model.');
  return gammaGammaToJSON(model as GammaGammaModelJSON);
}
