/**
 * RFM (DESIGN.md §4): recency, frequency and monetary value per customer from the project file, scored 1–5 (or
 * 1–3) by quantiles of the ranked values and named by an editable segment map. The aggregation is one SQL query;
 * ranking, scoring and the summary are plain JS over typed arrays.
 */
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { validOrdersCte } from './valid-orders';

const DAY_MS = 86_400_000;

export type RfmLevels = 3 | 5;

/** Inclusive score ranges on the 1–5 scale; `fm` is the average of the F and M scores. Omitted = any. */
export interface SegmentRule {
  segment: string;
  r?: readonly [number, number];
  f?: readonly [number, number];
  m?: readonly [number, number];
  fm?: readonly [number, number];
}

/** Cut points (levels − 1 of them, strictly increasing) on the raw values; a value equal to a cut goes below it. */
export interface RfmBreaks {
  recency?: readonly number[];
  frequency?: readonly number[];
  monetary?: readonly number[];
}

export interface RfmOptions {
  /** Epoch ms. Orders from this instant on are ignored and recency is counted up to it. Default: last order + 1 day. */
  analysisDate?: number;
  levels?: RfmLevels;
  /** Per metric, fixed cut points instead of quantiles. */
  breaks?: RfmBreaks;
  /** Ordered rules, first match wins. Default: DEFAULT_SEGMENT_MAP. */
  segmentMap?: readonly SegmentRule[];
  /** Monetary value after subtracting each order's refunds. Default false (as the reference). */
  netOfRefunds?: boolean;
  /** The name given to customers no rule matches. */
  unmatchedSegment?: string;
}

export type RfmWarningCode =
  | 'NO_VALID_ORDERS'
  | 'CUSTOMERS_WITHOUT_VALID_ORDERS'
  | 'FEWER_CUSTOMERS_THAN_LEVELS'
  | 'TIES_SPLIT_ACROSS_SCORES'
  | 'EMPTY_SCORES'
  | 'MOSTLY_SINGLE_ORDER';

export interface RfmWarning {
  code: RfmWarningCode;
  message: string;
}

/** One entry per scored customer, in customer id order (the tie-break order). */
export interface RfmCustomers {
  customerId: Int32Array;
  externalId: string[];
  recency: Int32Array;
  frequency: Int32Array;
  monetary: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: string[];
}

export interface SegmentSummary {
  segment: string;
  customers: number;
  revenue: number;
  /** revenue / total revenue, 0 when there is no revenue. */
  revenueShare: number;
}

/** grid[r − 1][f − 1]: customers with that R and F score and their average monetary value (null when empty). */
export interface RfCell {
  r: number;
  f: number;
  customers: number;
  averageMonetary: number | null;
}

export interface RfmResult {
  /** Epoch ms the recency is measured to. null when there were no valid orders. */
  snapshot: number | null;
  levels: RfmLevels;
  customers: RfmCustomers;
  segments: SegmentSummary[];
  rfGrid: RfCell[][];
  warnings: RfmWarning[];
}

/**
 * The widely used 11-segment RFM map (as popularised by Putler), on R and the average of F and M, made
 * exhaustive and non-overlapping so that every one of the 5 × 9 (R, FM) pairs lands in exactly one segment:
 *
 *   R \ FM   1–1.5           2–2.5          3–3.5            4–4.5      5
 *   5        New customers   Potential l.   Potential l.     Champions  Champions
 *   4        Promising       Potential l.   Potential l.     Loyal      Loyal
 *   3        About to sleep  About to sleep Need attention   Loyal      Loyal
 *   2        Hibernating     Hibernating    At risk          At risk    Can't lose them
 *   1        Lost            Hibernating    At risk          At risk    Can't lose them
 *
 * This is the common R×F "regex" map (Hibernating [1-2][1-2], At risk [1-2][3-4], Can't lose [1-2]5, …) read on
 * FM instead of F, with the lowest corner split off as Lost. With 3 levels, scores are first stretched to 1, 3, 5.
 */
export const DEFAULT_SEGMENT_MAP: readonly SegmentRule[] = [
  { segment: 'Champions', r: [5, 5], fm: [4, 5] },
  { segment: 'Loyal', r: [3, 4], fm: [4, 5] },
  { segment: 'Potential loyalists', r: [4, 5], fm: [2, 3.5] },
  { segment: 'New customers', r: [5, 5], fm: [1, 1.5] },
  { segment: 'Promising', r: [4, 4], fm: [1, 1.5] },
  { segment: 'Need attention', r: [3, 3], fm: [3, 3.5] },
  { segment: 'About to sleep', r: [3, 3], fm: [1, 2.5] },
  { segment: "Can't lose them", r: [1, 2], fm: [5, 5] },
  { segment: 'At risk', r: [1, 2], fm: [3, 4.5] },
  { segment: 'Lost', r: [1, 1], fm: [1, 1.5] },
  { segment: 'Hibernating', r: [1, 2], fm: [1, 2.5] },
];

interface CustomerAggregate {
  customer_id: number;
  external_id: string;
  last_order_at: number;
  frequency: number;
  monetary: number;
}

/** Per customer over the valid orders (valid-orders.ts): the last order, the order count and their value. */
function aggregateSql(netOfRefunds: boolean): string {
  return `
  WITH ${validOrdersCte({ requireCustomer: true, netOfRefunds })}
  SELECT c.id AS customer_id, c.external_id, max(v.ordered_at) AS last_order_at, count(*) AS frequency,
         sum(v.amount) AS monetary
  FROM valid_orders v
  JOIN customers c ON c.id = v.customer_id
  GROUP BY c.id`;
}

const CUSTOMERS_WITHOUT_VALID_ORDERS_SQL = `
  WITH ${validOrdersCte({ requireCustomer: true })}
  SELECT count(*) AS n FROM customers c
  WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.ordered_at < :before)
    AND c.id NOT IN (SELECT customer_id FROM valid_orders)`;

const CANONICAL_INTEGER = /^-?(0|[1-9]\d{0,14})$/;

/**
 * The tie-break order: ids that are whole numbers compare as numbers (the reference read CustomerID as a number,
 * and '9999' must come before '10000'), before any other id; the rest compare by code unit, which is stable
 * across locales.
 */
export function compareExternalIds(a: string, b: string): number {
  const aNumeric = CANONICAL_INTEGER.test(a);
  const bNumeric = CANONICAL_INTEGER.test(b);
  if (aNumeric && bNumeric) return Number(a) - Number(b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * pandas `qcut(values.rank(method='first'), levels, labels=False)`: ranks 1..n (ties in the given order), bin
 * edges at the linear-interpolated quantiles of the ranks, bins closed on the right, the lowest edge included.
 * The edges are computed with numpy's own float steps (linspace, ×100 ÷100 in percentile, its two-sided lerp) so
 * that a rank sitting on an edge falls on the same side as in the reference. Returns 0-based bins.
 */
export function quantileBinsOfRanks(n: number, levels: number): Float64Array {
  const edges = new Float64Array(levels + 1);
  const step = 1 / levels;
  for (let i = 0; i <= levels; i++) {
    const quantile = i === levels ? 1 : (i * step * 100) / 100;
    const position = quantile * (n - 1);
    const below = Math.floor(position);
    const t = position - below;
    const a = below + 1;
    const b = Math.min(below + 2, n);
    edges[i] = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  }
  return edges;
}

function binOfRank(rank: number, edges: Float64Array): number {
  let bin = 0;
  // Right-closed bins: the bin is the last edge strictly below the rank (rank 1 sits on the lowest edge, bin 0).
  while (bin + 2 < edges.length && (edges[bin + 1] ?? Infinity) < rank) bin++;
  return bin;
}

/** Ranks (1-based) of `values` ascending, ties broken by position (the arrays are in customer id order). */
function ranksFirst(values: ArrayLike<number>): Uint32Array {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((i, j) => (values[i] ?? 0) - (values[j] ?? 0) || i - j);
  const ranks = new Uint32Array(values.length);
  order.forEach((customer, position) => (ranks[customer] = position + 1));
  return ranks;
}

function quantileScores(values: ArrayLike<number>, levels: number, descending: boolean): Uint8Array {
  const ranks = ranksFirst(values);
  const edges = quantileBinsOfRanks(values.length, levels);
  const scores = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bin = binOfRank(ranks[i] ?? 1, edges);
    scores[i] = descending ? levels - bin : bin + 1;
  }
  return scores;
}

export function validateBreaks(name: string, cuts: readonly number[], levels: number): void {
  if (cuts.length !== levels - 1)
    throw new CoreError(
      'VALIDATION',
      `The ${name} breaks need ${levels - 1} cut points for ${levels} levels; ${cuts.length} were given.`,
    );
  for (let i = 0; i < cuts.length; i++) {
    const cut = cuts[i] ?? NaN;
    if (!Number.isFinite(cut)) throw new CoreError('VALIDATION', `The ${name} breaks must be numbers.`);
    if (i > 0 && cut <= (cuts[i - 1] ?? -Infinity))
      throw new CoreError('VALIDATION', `The ${name} breaks must be increasing: ${cuts.join(', ')}.`);
  }
}

/** Right-closed bins on the raw values: value ≤ first cut → lowest bin. */
function breakScores(values: ArrayLike<number>, cuts: readonly number[], descending: boolean): Uint8Array {
  const levels = cuts.length + 1;
  const scores = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? 0;
    const bin = cuts.filter((cut) => cut < value).length;
    scores[i] = descending ? levels - bin : bin + 1;
  }
  return scores;
}

function scoreMetric(
  values: ArrayLike<number>,
  levels: RfmLevels,
  cuts: readonly number[] | undefined,
  descending: boolean,
): Uint8Array {
  return cuts ? breakScores(values, cuts, descending) : quantileScores(values, levels, descending);
}

const within = (value: number, range: readonly [number, number] | undefined) =>
  !range || (value >= range[0] && value <= range[1]);

/** Segment of one customer; scores are stretched onto the 1–5 scale the rules are written in. */
function segmentOf(
  scores: { r: number; f: number; m: number },
  levels: RfmLevels,
  map: readonly SegmentRule[],
  unmatched: string,
): string {
  const stretch = (score: number) => 1 + ((score - 1) * 4) / (levels - 1);
  const r = stretch(scores.r);
  const f = stretch(scores.f);
  const m = stretch(scores.m);
  const fm = (f + m) / 2;
  const rule = map.find(
    (candidate) =>
      within(r, candidate.r) && within(f, candidate.f) && within(m, candidate.m) && within(fm, candidate.fm),
  );
  return rule?.segment ?? unmatched;
}

function loadAggregates(db: Db, before: number, netOfRefunds: boolean): CustomerAggregate[] {
  const rows = db.prepare(aggregateSql(netOfRefunds)).all({ before }) as CustomerAggregate[];
  return rows.sort((a, b) => compareExternalIds(a.external_id, b.external_id));
}

function countCustomersWithoutValidOrders(db: Db, before: number): number {
  return (db.prepare(CUSTOMERS_WITHOUT_VALID_ORDERS_SQL).get({ before }) as { n: number }).n;
}

function summariseSegments(customers: RfmCustomers, map: readonly SegmentRule[]): SegmentSummary[] {
  const bySegment = new Map<string, { customers: number; revenue: number }>();
  for (const rule of map) bySegment.set(rule.segment, { customers: 0, revenue: 0 });
  let total = 0;
  customers.segment.forEach((segment, i) => {
    const entry = bySegment.get(segment) ?? { customers: 0, revenue: 0 };
    entry.customers++;
    entry.revenue += customers.monetary[i] ?? 0;
    total += customers.monetary[i] ?? 0;
    bySegment.set(segment, entry);
  });
  return [...bySegment].map(([segment, entry]) => ({
    segment,
    ...entry,
    revenueShare: total > 0 ? entry.revenue / total : 0,
  }));
}

function rfGrid(customers: RfmCustomers, levels: RfmLevels): RfCell[][] {
  const counts = new Float64Array(levels * levels);
  const sums = new Float64Array(levels * levels);
  for (let i = 0; i < customers.r.length; i++) {
    const cell = ((customers.r[i] ?? 1) - 1) * levels + ((customers.f[i] ?? 1) - 1);
    counts[cell] = (counts[cell] ?? 0) + 1;
    sums[cell] = (sums[cell] ?? 0) + (customers.monetary[i] ?? 0);
  }
  return Array.from({ length: levels }, (_, r) =>
    Array.from({ length: levels }, (_, f) => {
      const n = counts[r * levels + f] ?? 0;
      return { r: r + 1, f: f + 1, customers: n, averageMonetary: n > 0 ? (sums[r * levels + f] ?? 0) / n : null };
    }),
  );
}

/** Equal values given different scores only because of their id order, reported for the widest such split. */
function tieWarning(label: string, values: ArrayLike<number>, scores: Uint8Array): RfmWarning | null {
  const range = new Map<number, { low: number; high: number; n: number }>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? 0;
    const score = scores[i] ?? 0;
    const entry = range.get(value);
    if (!entry) range.set(value, { low: score, high: score, n: 1 });
    else {
      entry.low = Math.min(entry.low, score);
      entry.high = Math.max(entry.high, score);
      entry.n++;
    }
  }
  let worst: [number, { low: number; high: number; n: number }] | null = null;
  for (const item of range) if (item[1].high > item[1].low && (!worst || item[1].n > worst[1].n)) worst = item;
  if (!worst) return null;
  const [value, { low, high, n }] = worst;
  return {
    code: 'TIES_SPLIT_ACROSS_SCORES',
    message:
      `${n} customers share the same ${label} (${value}) but got ${label} scores ${low} to ${high}: there are ` +
      `too few distinct values for the levels, so equal customers are split by customer id only.`,
  };
}

function emptyScoreWarning(label: string, scores: Uint8Array, levels: RfmLevels): RfmWarning | null {
  const used = new Set(scores);
  const missing = Array.from({ length: levels }, (_, i) => i + 1).filter((score) => !used.has(score));
  if (missing.length === 0 || scores.length === 0) return null;
  return {
    code: 'EMPTY_SCORES',
    message: `No customer has ${label} score ${missing.join(', ')}: the breaks or the data leave those levels empty.`,
  };
}

function scoringWarnings(customers: RfmCustomers, levels: RfmLevels, breaks: RfmBreaks): RfmWarning[] {
  const n = customers.externalId.length;
  const warnings: RfmWarning[] = [];
  if (n > 0 && n < levels)
    warnings.push({
      code: 'FEWER_CUSTOMERS_THAN_LEVELS',
      message: `Only ${n} customers for ${levels} levels: some scores cannot be used. Choose fewer levels or add data.`,
    });
  const metrics = [
    ['recency', customers.recency, customers.r, breaks.recency],
    ['frequency', customers.frequency, customers.f, breaks.frequency],
    ['monetary value', customers.monetary, customers.m, breaks.monetary],
  ] as const;
  for (const [label, values, scores, cuts] of metrics) {
    const warning = cuts ? emptyScoreWarning(label, scores, levels) : tieWarning(label, values, scores);
    if (warning) warnings.push(warning);
  }
  const single = customers.frequency.filter((frequency) => frequency === 1).length;
  if (n > 0 && single * 2 > n)
    warnings.push({
      code: 'MOSTLY_SINGLE_ORDER',
      message:
        `${Math.round((100 * single) / n)}% of customers have a single order, so frequency says little and ` +
        `F scores mostly reflect customer id order. Consider segments on recency and monetary value.`,
    });
  return warnings;
}

function validateOptions(options: RfmOptions, levels: RfmLevels): void {
  if (levels !== 3 && levels !== 5) throw new CoreError('VALIDATION', 'RFM levels must be 3 or 5.');
  if (options.analysisDate !== undefined && !Number.isFinite(options.analysisDate))
    throw new CoreError('VALIDATION', 'The analysis date is not a valid date.');
  const breaks = options.breaks ?? {};
  if (breaks.recency) validateBreaks('recency', breaks.recency, levels);
  if (breaks.frequency) validateBreaks('frequency', breaks.frequency, levels);
  if (breaks.monetary) validateBreaks('monetary', breaks.monetary, levels);
}

function toColumns(rows: CustomerAggregate[], snapshot: number): RfmCustomers {
  const n = rows.length;
  const columns: RfmCustomers = {
    customerId: new Int32Array(n),
    externalId: new Array<string>(n),
    recency: new Int32Array(n),
    frequency: new Int32Array(n),
    monetary: new Float64Array(n),
    r: new Uint8Array(n),
    f: new Uint8Array(n),
    m: new Uint8Array(n),
    segment: new Array<string>(n),
  };
  rows.forEach((row, i) => {
    columns.customerId[i] = row.customer_id;
    columns.externalId[i] = row.external_id;
    columns.recency[i] = Math.floor((snapshot - row.last_order_at) / DAY_MS);
    columns.frequency[i] = row.frequency;
    columns.monetary[i] = row.monetary;
  });
  return columns;
}

/** RFM for every customer with at least one valid order before the analysis date. */
export function computeRfm(db: Db, options: RfmOptions = {}): RfmResult {
  const levels = options.levels ?? 5;
  validateOptions(options, levels);
  const before = options.analysisDate ?? Number.MAX_SAFE_INTEGER;
  const rows = loadAggregates(db, before, options.netOfRefunds ?? false);
  const warnings: RfmWarning[] = [];
  const withoutValid = countCustomersWithoutValidOrders(db, before);
  if (withoutValid > 0)
    warnings.push({
      code: 'CUSTOMERS_WITHOUT_VALID_ORDERS',
      message: `${withoutValid} customers have only cancelled, refunded, pending or zero-value orders and are left out.`,
    });
  const map = options.segmentMap ?? DEFAULT_SEGMENT_MAP;
  if (rows.length === 0) {
    warnings.unshift({
      code: 'NO_VALID_ORDERS',
      message:
        'There are no completed orders with a known customer and a positive quantity and price: nothing to score.',
    });
    const customers = toColumns([], 0);
    return {
      snapshot: null,
      levels,
      customers,
      segments: summariseSegments(customers, map),
      rfGrid: rfGrid(customers, levels),
      warnings,
    };
  }
  const lastOrder = rows.reduce((latest, row) => Math.max(latest, row.last_order_at), -Infinity);
  const snapshot = options.analysisDate ?? lastOrder + DAY_MS;
  const customers = toColumns(rows, snapshot);
  const breaks = options.breaks ?? {};
  customers.r = scoreMetric(customers.recency, levels, breaks.recency, true);
  customers.f = scoreMetric(customers.frequency, levels, breaks.frequency, false);
  customers.m = scoreMetric(customers.monetary, levels, breaks.monetary, false);
  const unmatched = options.unmatchedSegment ?? 'Other';
  customers.segment = customers.externalId.map((_, i) =>
    segmentOf({ r: customers.r[i] ?? 1, f: customers.f[i] ?? 1, m: customers.m[i] ?? 1 }, levels, map, unmatched),
  );
  warnings.push(...scoringWarnings(customers, levels, breaks));
  return {
    snapshot,
    levels,
    customers,
    segments: summariseSegments(customers, map),
    rfGrid: rfGrid(customers, levels),
    warnings,
  };
}
