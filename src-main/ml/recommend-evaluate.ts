/**
 * Offline evaluation of the recommenders on a time split (DESIGN.md §4): fit on the purchases before a date,
 * recommend k products to every customer who then bought something new, and count how many of those new
 * products the list named.
 *
 * Why only new products and only known customers: re-purchases are what "exclude already bought" leaves out, and a
 * customer without history gets the popularity list whatever the method; counting either would blur the
 * methods' differences. This is the protocol of the Online Retail reference (1,453 test customers at 2011-11-01).
 */
import { CoreError } from '../shared/errors';
import {
  fitRecommender,
  recommend,
  type Interactions,
  type RecommendOptions,
  type RecommenderOptions,
} from './recommend';
import { csrFromPairs, type Csr } from './sparse';

export interface MethodSpec {
  /** Label in the results, e.g. 'item cosine'. */
  name: string;
  options: RecommenderOptions;
}

export interface EvaluationOptions {
  /** List length. Default 10. */
  k?: number;
  /** Filters applied to every method's lists (sold within, category cap); k and the customers are set here. */
  recommend?: Omit<RecommendOptions, 'k' | 'users'>;
}

export interface MethodEvaluation {
  method: string;
  k: number;
  /** Customers with history before the split and at least one new product after it. */
  usersEvaluated: number;
  /** Mean over customers of hits / k. */
  precision: number;
  /** Mean over customers of hits / their new products. */
  recall: number;
  /** Share of customers with at least one hit. */
  hitRate: number;
  /** Share of the products bought before the split that appear in some customer's list. */
  coverage: number;
}

export interface TestSet {
  users: Int32Array;
  /** customers × products: the new products of each evaluated customer (other rows empty). */
  relevant: Csr;
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

function subset(data: Interactions, keep: (line: number) => boolean): Interactions {
  const lines: number[] = [];
  for (let line = 0; line < data.user.length; line++) if (keep(line)) lines.push(line);
  const ints = (values: Int32Array) => Int32Array.from(lines, (line) => values[line] ?? 0);
  return {
    userCount: data.userCount,
    itemCount: data.itemCount,
    user: ints(data.user),
    item: ints(data.item),
    time: Float64Array.from(lines, (line) => data.time[line] ?? 0),
    ...(data.order ? { order: ints(data.order) } : {}),
  };
}

/** Purchases before `at` (ms) train; those at or after it test. Indexes stay the same in both. */
export function splitByTime(data: Interactions, at: number): { train: Interactions; test: Interactions } {
  return {
    train: subset(data, (line) => (data.time[line] ?? 0) < at),
    test: subset(data, (line) => (data.time[line] ?? 0) >= at),
  };
}

/** Customers who bought before the split and then something they had not bought before, with those products. */
export function testSet(train: Interactions, test: Interactions): TestSet {
  if (train.userCount !== test.userCount || train.itemCount !== test.itemCount)
    throw invalid('Train and test purchases must index the same customers and products.');
  const shape = { rowCount: train.userCount, colCount: train.itemCount };
  const before = csrFromPairs(train.user, train.item, shape);
  const after = csrFromPairs(test.user, test.item, shape);
  const owned = new Int32Array(train.itemCount).fill(-1);
  const users: number[] = [];
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < train.userCount; u++) {
    const start = before.indptr[u] ?? 0;
    const end = before.indptr[u + 1] ?? 0;
    if (start === end) continue;
    for (let e = start; e < end; e++) owned[before.indices[e] ?? 0] = u;
    const count = rows.length;
    for (let e = after.indptr[u] ?? 0; e < (after.indptr[u + 1] ?? 0); e++) {
      const item = after.indices[e] ?? 0;
      if (owned[item] === u) continue;
      rows.push(u);
      cols.push(item);
    }
    if (rows.length > count) users.push(u);
  }
  return { users: Int32Array.from(users), relevant: csrFromPairs(rows, cols, shape) };
}

/** precision@k, recall@k, hit rate@k and coverage of each method, all fitted on `train` and judged on `test`. */
export function evaluateRecommenders(
  train: Interactions,
  test: Interactions,
  methods: readonly MethodSpec[],
  options: EvaluationOptions = {},
): MethodEvaluation[] {
  const k = options.k ?? 10;
  const { users, relevant } = testSet(train, test);
  if (users.length === 0)
    throw invalid('No customer bought anything new after the split: there is nothing to evaluate.');
  const sold = new Uint8Array(train.itemCount);
  for (const item of train.item) sold[item] = 1;
  const catalogue = sold.reduce((sum, s) => sum + s, 0);
  const wanted = new Int32Array(train.itemCount).fill(-1);
  return methods.map(({ name, options: fitOptions }) => {
    const lists = recommend(fitRecommender(train, fitOptions), { ...options.recommend, k, users });
    const shown = new Uint8Array(train.itemCount);
    let precision = 0;
    let recall = 0;
    let hitUsers = 0;
    for (const { user, items } of lists) {
      const start = relevant.indptr[user] ?? 0;
      const end = relevant.indptr[user + 1] ?? 0;
      for (let e = start; e < end; e++) wanted[relevant.indices[e] ?? 0] = user;
      let hits = 0;
      for (const { productIndex } of items) {
        shown[productIndex] = 1;
        if (wanted[productIndex] === user) hits++;
      }
      precision += hits / k;
      recall += hits / (end - start);
      if (hits > 0) hitUsers++;
    }
    const n = users.length;
    return {
      method: name,
      k,
      usersEvaluated: n,
      precision: precision / n,
      recall: recall / n,
      hitRate: hitUsers / n,
      coverage: shown.reduce((sum, s) => sum + s, 0) / Math.max(catalogue, 1),
    };
  });
}
