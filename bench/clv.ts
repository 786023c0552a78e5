/**
 * BG/NBD and Gamma-Gamma on CDNOW (calibration to 1997-09-30, weeks): the 2,357-customer sample and the
 * 23,570-customer master file. Times (medians of several runs) the summary and both fits, and prints the
 * parameters, log-likelihoods and expected vs actual holdout repeat customer-days next to the references
 * (references/README.md; lifetimes fits in 0.0889 s and 0.405 s on its machine: compare ratios, not absolute times).
 *
 * Run: npx tsx bench/clv.ts [runs, default 5]
 */
import { fileURLToPath } from 'node:url';
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdFit } from '../src-main/ml/bgnbd';
import { clvSummary } from '../src-main/ml/clv-summary';
import { fitGammaGamma, type GammaGammaFit } from '../src-main/ml/gamma-gamma';
import { CDNOW_CALIBRATION_END as CALIBRATION_END, readCdnow, type CdnowFile } from './cdnow';
import { round, timed } from './stats';

const REFERENCE = {
  sample: {
    bgnbd: { r: 0.242595, alpha: 4.413603, a: 0.792922, b: 2.425906, logLikelihood: -9582.4292 },
    gammaGamma: { p: 6.249553, q: 3.744229, gamma: 15.443591, logLikelihood: -4055.9177 },
    holdout: { expected: 1653.409, actual: 1882 },
    lifetimesFitSeconds: 0.0889,
  },
  master: {
    bgnbd: { r: 0.251624, alpha: 4.788945, a: 0.723433, b: 2.161087, logLikelihood: -95368.4439 },
    gammaGamma: { p: 6.275378, q: 3.624445, gamma: 14.983616, logLikelihood: -40763.4763 },
    holdout: { expected: 16873.726, actual: 19684 },
    lifetimesFitSeconds: 0.405,
  },
};

const params = (fit: BgNbdFit | GammaGammaFit) =>
  Object.fromEntries(Object.entries(fit.params).map(([name, v]) => [name, round(v, 6)]));

function benchFile(file: CdnowFile, runs: number) {
  const transactions = readCdnow(file);
  const summary = timed(runs, () => clvSummary(transactions, { calibrationEnd: CALIBRATION_END }));
  const data = summary.value;
  const bgnbd = timed(runs, () => fitBgNbd(data));
  const gammaGamma = timed(runs, () => fitGammaGamma(data));
  const expected = conditionalExpectedPurchases(bgnbd.value.params, data, data.holdout?.length ?? 0);
  return {
    transactions: transactions.customer.length,
    customers: data.ids.length,
    repeatCustomers: bgnbd.value.repeatCustomers,
    summarySeconds: summary.medianSeconds,
    bgnbd: {
      fitSeconds: bgnbd.medianSeconds,
      params: params(bgnbd.value),
      logLikelihood: round(bgnbd.value.logLikelihood),
      iterations: bgnbd.value.iterations,
      converged: bgnbd.value.converged,
    },
    gammaGamma: {
      fitSeconds: gammaGamma.medianSeconds,
      params: params(gammaGamma.value),
      logLikelihood: round(gammaGamma.value.logLikelihood),
      iterations: gammaGamma.value.iterations,
      converged: gammaGamma.value.converged,
    },
    holdout: {
      weeks: data.holdout?.length ?? 0,
      expected: round(
        expected.reduce((sum, v) => sum + v, 0),
        3,
      ),
      actual: data.holdout?.total ?? 0,
    },
  };
}

/** The whole bench as a plain object, for this script and for bench/models.ts. */
export function benchClv(runs = 5) {
  return {
    bench: 'clv',
    runs,
    sample: { ...benchFile('CDNOW_sample.txt', runs), reference: REFERENCE.sample },
    master: { ...benchFile('CDNOW_master.txt', runs), reference: REFERENCE.master },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5);
  console.log(JSON.stringify(benchClv(runs), null, 2));
}
