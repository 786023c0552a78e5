/**
 * Customer lifetime value from transactions (DESIGN.md §4): BG/NBD for how many more purchases and whether the
 * customer is still around, Gamma-Gamma for what a purchase is worth, in weeks with same-day purchases merged.
 * Per customer: P(alive), expected purchases in the next 30/90/365 days, discounted value over a horizon in
 * months, what they spent so far, their mean gap between purchase days, the next order date (last purchase day
 * plus that mean gap: a plain rule the user can check, not a model output) and a churn risk band from P(alive).
 * With a calibration end before the last transaction, the later purchases check the predictions.
 */
import {
  CHURN_BAND_THRESHOLDS,
  CLV_FREQUENCY_GROUPS,
  type ChurnBand,
  type ClvFrequencyCheck,
  type ClvSummaryDto,
  type ClvWarning,
} from '../shared/models';
import {
  conditionalExpectedPurchases,
  expectedCumulativeRepeats,
  fitBgNbd,
  probabilityAlive,
  type BgNbdWarning,
} from '../ml/bgnbd';
import { clvSummary, type TransactionColumns } from '../ml/clv-summary';
import {
  customerLifetimeValue,
  fitGammaGamma,
  MONTH_IN,
  type GammaGammaFit,
  type GammaGammaWarning,
} from '../ml/gamma-gamma';
import { aliveMatrix } from './clv-alive-matrix';

const DAY_MS = 86_400_000;

export interface ClvModelOptions {
  /** Any moment of the last calibration day. */
  calibrationEnd: number;
  horizonMonths: number;
  monthlyDiscountRate: number;
  /** false when the transactions carry no value: only purchase timing is modelled, values are 0. Default true. */
  spend?: boolean;
}

export type ClvFigures = Omit<ClvSummaryDto, 'runId' | 'createdAt' | 'options'>;

export interface ClvCustomers<Id> {
  ids: Id[];
  probabilityAlive: Float64Array;
  expected30: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  clv: Float64Array;
  historicClv: Float64Array;
  /** NaN for one-time buyers. */
  averageGapDays: Float64Array;
  band: ChurnBand[];
  /** NaN for one-time buyers. */
  nextOrderAt: Float64Array;
}

export function churnBand(probabilityAlive: number): ChurnBand {
  if (probabilityAlive < CHURN_BAND_THRESHOLDS.high) return 'high';
  if (probabilityAlive < CHURN_BAND_THRESHOLDS.medium) return 'medium';
  return 'low';
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function bgNbdWarning(warning: BgNbdWarning): ClvWarning {
  const params = { model: 'BG/NBD', ...warning.params };
  switch (warning.code) {
    case 'TOO_FEW_REPEAT_CUSTOMERS':
      return {
        code: warning.code,
        params,
        message: `Only ${warning.params.repeatCustomers} customers bought more than once (${warning.params.recommended} or more are recommended): the purchase predictions rest on few people.`,
      };
    case 'MANY_ONE_TIME_BUYERS':
      return {
        code: warning.code,
        params,
        message: `${percent(warning.params.share)} of customers bought only once: predictions lean on very little repeat buying.`,
      };
    case 'NOT_CONVERGED':
      return {
        code: warning.code,
        params,
        message: `The purchase model stopped after ${warning.params.iterations} iterations before settling: its predictions are approximate.`,
      };
    case 'EXTREME_PARAMETERS':
      return {
        code: warning.code,
        params,
        message: `The data cannot pin down the purchase model's ${warning.params.parameters}: treat its predictions with care.`,
      };
  }
}

function gammaGammaWarning(warning: GammaGammaWarning): ClvWarning {
  const params = { model: 'Gamma-Gamma', ...warning.params };
  switch (warning.code) {
    case 'TOO_FEW_REPEAT_CUSTOMERS':
      return {
        code: warning.code,
        params,
        message: `Only ${warning.params.repeatCustomers} repeat customers show how spending varies (${warning.params.recommended} or more are recommended).`,
      };
    case 'NON_POSITIVE_VALUES_SKIPPED':
      return {
        code: warning.code,
        params,
        message: `${warning.params.customers} repeat customers whose purchases are worth nothing were left out of the spending model.`,
      };
    case 'NOT_CONVERGED':
      return {
        code: warning.code,
        params,
        message: `The spending model stopped after ${warning.params.iterations} iterations before settling: values are approximate.`,
      };
    case 'EXTREME_PARAMETERS':
      return {
        code: warning.code,
        params,
        message: `The data cannot pin down the spending model's ${warning.params.parameters}: treat values with care.`,
      };
    case 'MEAN_UNDEFINED':
      return {
        code: warning.code,
        params,
        message:
          'Spending is so uneven that a few big buyers dominate the average: values of one-time buyers are uncertain.',
      };
    case 'VALUE_DEPENDS_ON_FREQUENCY':
      return {
        code: warning.code,
        params,
        message: `Frequent buyers spend differently per purchase (correlation ${warning.params.correlation.toFixed(2)}), which the spending model assumes they do not: values may be biased.`,
      };
  }
}

/** Gamma-Gamma, refitted with q kept above 1 when the plain fit leaves the average spend undefined. */
function fitSpend(x: Int32Array, zbar: Float64Array): GammaGammaFit {
  const fit = fitGammaGamma({ x, zbar });
  return fit.params.q > 1 ? fit : fitGammaGamma({ x, zbar }, { qAboveOne: true });
}

export function computeClv<C extends Int32Array | readonly string[]>(
  transactions: TransactionColumns<C>,
  options: ClvModelOptions,
): { figures: ClvFigures; customers: ClvCustomers<C extends Int32Array ? number : string> } {
  type Id = C extends Int32Array ? number : string;
  const data = clvSummary(transactions, { calibrationEnd: options.calibrationEnd, unit: 'week' });
  const bgnbd = fitBgNbd(data);
  const spend = options.spend === false ? null : fitSpend(data.x, data.zbar);
  const params = bgnbd.params;
  const n = data.ids.length;
  const weeks = (days: number) => days / 7;
  const alive = probabilityAlive(params, data);
  const clv = spend
    ? customerLifetimeValue(params, spend.params, data, {
        periods: options.horizonMonths,
        periodLength: MONTH_IN.week,
        discountRate: options.monthlyDiscountRate,
      })
    : new Float64Array(n);

  const calibrationEndDay = Math.floor(options.calibrationEnd / DAY_MS);
  const historic = new Map<unknown, number>();
  for (let i = 0; i < transactions.customer.length; i++) {
    if (Math.floor((transactions.time[i] ?? 0) / DAY_MS) > calibrationEndDay) continue;
    const id = transactions.customer[i];
    historic.set(id, (historic.get(id) ?? 0) + (transactions.value[i] ?? 0));
  }
  const averageGapDays = Float64Array.from({ length: n }, (_, i) =>
    (data.x[i] ?? 0) > 0 ? ((data.tx[i] ?? 0) * 7) / (data.x[i] ?? 1) : NaN,
  );
  const nextOrderAt = Float64Array.from({ length: n }, (_, i) => {
    const lastDay = data.origin + ((data.birth[i] ?? 0) + (data.tx[i] ?? 0)) * 7 * DAY_MS;
    return lastDay + (averageGapDays[i] ?? NaN) * DAY_MS;
  });
  const band = Array.from(alive, churnBand);
  const bands: Record<ChurnBand, number> = { low: 0, medium: 0, high: 0 };
  for (const b of band) bands[b]++;

  let holdout: ClvFigures['holdout'] = null;
  if (data.holdout) {
    const predicted = conditionalExpectedPurchases(params, data, data.holdout.length);
    const byFrequency: ClvFrequencyCheck[] = Array.from({ length: CLV_FREQUENCY_GROUPS + 1 }, (_, frequency) => ({
      frequency,
      customers: 0,
      actual: 0,
      predicted: 0,
    }));
    for (let i = 0; i < n; i++) {
      const group = byFrequency[Math.min(data.x[i] ?? 0, CLV_FREQUENCY_GROUPS)] as ClvFrequencyCheck;
      group.customers++;
      group.actual += data.holdout.x[i] ?? 0;
      group.predicted += predicted[i] ?? 0;
    }
    const periods = data.tracking.cumulative.length;
    const expected = expectedCumulativeRepeats(
      params,
      data.birth,
      Float64Array.from({ length: periods }, (_, k) => k + 1),
    );
    holdout = {
      weeks: data.holdout.length,
      actualRepeats: data.holdout.total,
      predictedRepeats: predicted.reduce((sum, v) => sum + v, 0),
      byFrequency: byFrequency
        .filter((g) => g.customers > 0)
        .map((g) => ({ ...g, actual: g.actual / g.customers, predicted: g.predicted / g.customers })),
      weekly: Array.from({ length: periods }, (_, k) => ({
        week: k + 1,
        actual: data.tracking.cumulative[k] ?? 0,
        expected: expected[k] ?? 0,
      })),
      calibrationWeeks: data.tracking.calibrationPeriods,
    };
  }

  return {
    figures: {
      unit: 'week',
      calibrationEnd: calibrationEndDay * DAY_MS,
      customers: n,
      repeatCustomers: bgnbd.repeatCustomers,
      newCustomersAfterCalibration: data.newAfterCalibration,
      bgnbd: { ...params, logLik: bgnbd.logLikelihood },
      gammaGamma: spend && { ...spend.params, logLik: spend.logLikelihood },
      warnings: [...bgnbd.warnings.map(bgNbdWarning), ...(spend?.warnings.map(gammaGammaWarning) ?? [])],
      bands,
      totalPredictedClv: clv.reduce((sum, v) => sum + v, 0),
      holdout,
      aliveMatrix: aliveMatrix(params, data),
      nextOrderMethod: 'last-plus-mean-gap',
    },
    customers: {
      ids: data.ids as Id[],
      probabilityAlive: alive,
      expected30: conditionalExpectedPurchases(params, data, weeks(30)),
      expected90: conditionalExpectedPurchases(params, data, weeks(90)),
      expected365: conditionalExpectedPurchases(params, data, weeks(365)),
      clv,
      historicClv: Float64Array.from(data.ids, (id) => historic.get(id) ?? 0),
      averageGapDays,
      band,
      nextOrderAt,
    },
  };
}
