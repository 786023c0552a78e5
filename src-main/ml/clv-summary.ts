/**
 * From transactions to what the BG/NBD and Gamma-Gamma models read: per customer the repeat-purchase count x,
 * recency t_x, age T and mean repeat value zbar over a calibration period, plus what happened after it (holdout
 * repeat counts, and the repeat purchases per period for the tracking chart).
 *
 * The definitions are those under the published CDNOW fits (lifetimes' summary_data_from_transaction_data, and
 * REFERENCE_NUMBERS.md §1): purchases on one day are one purchase with their values summed, x counts purchase
 * days after the first, zbar is the mean of those repeat days only, and T runs from the first purchase day to the
 * calibration end day. Days are UTC days of the given timestamps: a caller that wants local days shifts the
 * timestamps by the zone offset first.
 */
import { CoreError } from '../shared/errors';

export type TimeUnit = 'week' | 'day';

export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { week: 7, day: 1 };

const DAY_MS = 86_400_000;

export interface TransactionColumns<C extends Int32Array | readonly string[]> {
  /** Who bought, one entry per row: an integer customer key, or a string id. */
  customer: C;
  /** When, in epoch milliseconds. */
  time: ArrayLike<number>;
  /** How much the row is worth. */
  value: ArrayLike<number>;
}

export interface ClvSummaryOptions {
  /** Any moment of the last calibration day (UTC); that whole day belongs to the calibration. */
  calibrationEnd: number;
  /** Any moment of the last holdout day; default the last transaction's day. Later rows are ignored. */
  holdoutEnd?: number;
  /** Default 'week'. */
  unit?: TimeUnit;
}

export interface ClvHoldout {
  /** From the end of the calibration end day to the end of the holdout end day, in time units. */
  length: number;
  /** Purchase days of each customer in the holdout (all are repeats: the first purchase is in calibration). */
  x: Int32Array;
  total: number;
}

export interface RepeatTracking {
  /** Repeat purchase days in each period of one time unit, counted from `origin`, calibration and holdout. */
  repeats: Int32Array;
  cumulative: Int32Array;
  /** Where the calibration ends on the period axis (the split line of the chart); fractional if mid-period. */
  calibrationPeriods: number;
}

export interface ClvSummary<Id> {
  unit: TimeUnit;
  /** Customers whose first purchase is on or before the calibration end day, in order of first appearance. */
  ids: Id[];
  /** Repeat purchase days in the calibration period. */
  x: Int32Array;
  /** Time from the first to the last calibration purchase day. */
  tx: Float64Array;
  /** Time from the first purchase day to the calibration end day. */
  T: Float64Array;
  /** Mean value of the repeat purchase days in calibration; 0 when x = 0. */
  zbar: Float64Array;
  /** First purchase day, in time units after `origin` (for the expected tracking curve). */
  birth: Float64Array;
  /** UTC midnight (epoch ms) of the earliest first purchase. */
  origin: number;
  /** Customers who first bought after the calibration end: the models know nothing about them. */
  newAfterCalibration: number;
  /** null when the data stops at the calibration end. */
  holdout: ClvHoldout | null;
  tracking: RepeatTracking;
}

type IdOf<C> = C extends Int32Array ? number : string;

const invalid = (message: string) => new CoreError('VALIDATION', message);

function validate(rows: TransactionColumns<Int32Array | readonly string[]>, options: ClvSummaryOptions): void {
  const n = rows.customer.length;
  if (rows.time.length !== n || rows.value.length !== n)
    throw invalid(
      `Each transaction needs a customer, a time and a value; got ${n} customers, ${rows.time.length} times and ${rows.value.length} values.`,
    );
  if (n === 0) throw invalid('There are no transactions to summarise.');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(rows.time[i])) throw invalid(`Transaction ${i + 1} has no valid date.`);
    if (!Number.isFinite(rows.value[i])) throw invalid(`Transaction ${i + 1} has no valid value.`);
  }
  if (!Number.isFinite(options.calibrationEnd)) throw invalid('Choose the end date of the calibration period.');
  if (options.holdoutEnd !== undefined && !(options.holdoutEnd >= options.calibrationEnd))
    throw invalid('The holdout must end after the calibration period ends.');
}

/** Dense customer number per row, and the key of each customer in order of first appearance. */
function denseCustomers<C extends Int32Array | readonly string[]>(customer: C): { dense: Int32Array; keys: IdOf<C>[] } {
  const index = new Map<IdOf<C>, number>();
  const keys: IdOf<C>[] = [];
  const dense = new Int32Array(customer.length);
  for (let i = 0; i < customer.length; i++) {
    const key = customer[i] as IdOf<C>;
    let k = index.get(key);
    if (k === undefined) {
      k = keys.length;
      index.set(key, k);
      keys.push(key);
    }
    dense[i] = k;
  }
  return { dense, keys };
}

/** Row numbers grouped by customer (counting sort), each group in day order. */
function rowsByCustomer(
  dense: Int32Array,
  customers: number,
  day: Float64Array,
): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(customers + 1);
  for (const c of dense) start[c + 1] = (start[c + 1] ?? 0) + 1;
  for (let c = 0; c < customers; c++) start[c + 1] = (start[c + 1] ?? 0) + (start[c] ?? 0);
  const fill = start.slice(0, customers);
  const order = new Int32Array(dense.length);
  dense.forEach((c, row) => {
    order[fill[c] ?? 0] = row;
    fill[c] = (fill[c] ?? 0) + 1;
  });
  for (let c = 0; c < customers; c++)
    order.subarray(start[c], start[c + 1]).sort((a, b) => (day[a] ?? 0) - (day[b] ?? 0));
  return { order, start };
}

export function clvSummary<C extends Int32Array | readonly string[]>(
  transactions: TransactionColumns<C>,
  options: ClvSummaryOptions,
): ClvSummary<IdOf<C>> {
  validate(transactions, options);
  const unit = options.unit ?? 'week';
  const unitDays = DAYS_PER_UNIT[unit];
  const { time, value } = transactions;
  const day = Float64Array.from({ length: time.length }, (_, i) => Math.floor((time[i] ?? 0) / DAY_MS));
  const calibrationEndDay = Math.floor(options.calibrationEnd / DAY_MS);
  const lastDay =
    options.holdoutEnd === undefined
      ? day.reduce((max, d) => Math.max(max, d))
      : Math.floor(options.holdoutEnd / DAY_MS);
  const { dense, keys } = denseCustomers(transactions.customer);
  const { order, start } = rowsByCustomer(dense, keys.length, day);

  const kept: number[] = [];
  for (let c = 0; c < keys.length; c++) if ((day[order[start[c] ?? 0] ?? 0] ?? 0) <= calibrationEndDay) kept.push(c);
  if (kept.length === 0) throw invalid('Nobody bought before the end of the calibration period: choose a later end.');
  const m = kept.length;
  const ids = kept.map((c) => keys[c] as IdOf<C>);
  const x = new Int32Array(m);
  const tx = new Float64Array(m);
  const T = new Float64Array(m);
  const zbar = new Float64Array(m);
  const firstDays = new Float64Array(m);
  const holdoutX = new Int32Array(m);
  const repeatDays: number[] = [];

  kept.forEach((c, i) => {
    const from = start[c] ?? 0;
    const to = start[c + 1] ?? 0;
    const first = day[order[from] ?? 0] ?? 0;
    let lastCalibrationDay = first;
    let repeatValue = 0;
    for (let k = from; k < to;) {
      const d = day[order[k] ?? 0] ?? 0;
      let dayValue = 0;
      for (; k < to && day[order[k] ?? 0] === d; k++) dayValue += value[order[k] ?? 0] ?? 0;
      if (d > lastDay || d === first) continue;
      repeatDays.push(d);
      if (d <= calibrationEndDay) {
        x[i] = (x[i] ?? 0) + 1;
        repeatValue += dayValue;
        lastCalibrationDay = d;
      } else holdoutX[i] = (holdoutX[i] ?? 0) + 1;
    }
    firstDays[i] = first;
    tx[i] = (lastCalibrationDay - first) / unitDays;
    T[i] = (calibrationEndDay - first) / unitDays;
    zbar[i] = (x[i] ?? 0) > 0 ? repeatValue / (x[i] ?? 1) : 0;
  });

  const originDay = firstDays.reduce((min, d) => Math.min(min, d));
  const endDay = Math.max(lastDay, calibrationEndDay);
  const periods = Math.ceil((endDay + 1 - originDay) / unitDays);
  const repeats = new Int32Array(periods);
  for (const d of repeatDays) {
    const p = Math.floor((d - originDay) / unitDays);
    repeats[p] = (repeats[p] ?? 0) + 1;
  }
  let running = 0;
  const cumulative = repeats.map((count) => (running += count));
  const holdoutTotal = holdoutX.reduce((sum, v) => sum + v, 0);
  return {
    unit,
    ids,
    x,
    tx,
    T,
    zbar,
    birth: firstDays.map((d) => (d - originDay) / unitDays),
    origin: originDay * DAY_MS,
    newAfterCalibration: keys.length - m,
    holdout:
      lastDay > calibrationEndDay
        ? { length: (lastDay - calibrationEndDay) / unitDays, x: holdoutX, total: holdoutTotal }
        : null,
    tracking: { repeats, cumulative, calibrationPeriods: (calibrationEndDay + 1 - originDay) / unitDays },
  };
}
