/**
 * Which recommender to trust, measured on the shop's own history (DESIGN.md §4): train on the purchases before a
 * split date, list k products for every customer who then bought something new, and score each method side by
 * side with popularity, the baseline any method must beat.
 */
import { evaluateRecommenders, splitByTime, testSet } from '../ml/recommend-evaluate';
import { CoreError } from '../shared/errors';
import type {
  EvaluateOptions,
  MethodScore,
  RecommendEvaluation,
  RecommendMethodName,
  RecommendWarning,
} from '../shared/recommendations';
import type { Db } from '../store/connection';
import { DAY_MS, isoDay, loadPurchaseHistory, type WorkProgress } from './recommend-data';
import { catalogueWarnings, checkHistory, fitOptionsFor, listOptionsFor } from './recommend-runs';

/** Popularity first: it is the baseline the chart compares the others with. */
const METHODS: readonly RecommendMethodName[] = ['popularity', 'item-knn', 'content', 'rules', 'hybrid'];

export function evaluateRecommendations(
  db: Db,
  options: EvaluateOptions,
  ctx: WorkProgress,
  now = Date.now(),
): RecommendEvaluation {
  ctx.progress(0.02, 'load');
  const history = loadPurchaseHistory(db);
  checkHistory(history, 'popularity');
  const { interactions, catalogue } = history;
  const first = interactions.time.reduce((min, t) => Math.min(min, t), Infinity);
  const last = interactions.time.reduce((max, t) => Math.max(max, t), -Infinity);
  const range = `Choose a date after ${isoDay(first)} and no later than ${isoDay(last)}, the purchases on record.`;
  if (options.splitDate <= first)
    throw new CoreError(
      'VALIDATION',
      `The split date ${isoDay(options.splitDate)} is not after the first purchase, so there is nothing to learn from. ${range}`,
    );
  if (options.splitDate > last)
    throw new CoreError(
      'VALIDATION',
      `The split date ${isoDay(options.splitDate)} is after the last purchase, so there is nothing to test on. ${range}`,
    );
  const { train, test } = splitByTime(interactions, options.splitDate);
  const users = testSet(train, test).users.length;
  if (users === 0)
    throw new CoreError(
      'VALIDATION',
      `No customer who bought before ${isoDay(options.splitDate)} bought a new product after it, so there is nothing to test on. Choose an earlier date.`,
    );

  // A product first sold after the split was not in the catalogue yet: its text must not help the method.
  const soldBefore = new Uint8Array(train.itemCount);
  for (const item of train.item) soldBefore[item] = 1;
  const texts = catalogue.texts.map((text, item) => (soldBefore[item] ? text : null));
  const hasText = texts.some((text) => text !== null);
  const warnings: RecommendWarning[] = catalogueWarnings(catalogue, options, 'hybrid');
  if (!hasText)
    warnings.push({
      code: 'CONTENT_SKIPPED',
      count: 0,
      message:
        'No product sold before the split has a name or description, so content-based suggestions were not evaluated.',
    });
  const methods = METHODS.filter((method) => method !== 'content' || hasText);
  const listOptions = listOptionsFor(options, catalogue);
  const scores: MethodScore[] = [];
  methods.forEach((method, m) => {
    ctx.throwIfCancelled();
    ctx.progress(0.1 + (0.9 * m) / methods.length, method);
    const [row] = evaluateRecommenders(
      train,
      test,
      [{ name: method, options: fitOptionsFor(method, options, texts) }],
      {
        k: options.k,
        recommend: listOptions,
      },
    );
    if (row)
      scores.push({
        method,
        precision: row.precision,
        recall: row.recall,
        hitRate: row.hitRate,
        coverage: row.coverage,
      });
  });
  ctx.progress(1, null);
  return {
    createdAt: now,
    options,
    users,
    trainLines: train.user.length,
    testLines: test.user.length,
    methods: scores,
    warnings,
  };
}

/** Four fifths of the way from the first purchase to the last, at the start of that day (UTC). */
export function suggestedSplit(first: number, last: number): number {
  return Math.floor((first + 0.8 * (last - first)) / DAY_MS) * DAY_MS;
}
