import { describe, expect, it } from 'vitest';
import { loadOnlineRetail } from '../../bench/recommend';
import { evaluateRecommenders, splitByTime } from '../../src-main/ml/recommend-evaluate';

/** ../shared/data/references/README.md, "Recommendations on Online Retail": split 2011-11-01, top 10. */
const REFERENCE = {
  usersEvaluated: 1453,
  popularity: { precision: 0.034136, recall: 0.018646, hitRate: 0.251893 },
  cosine: { precision: 0.058156, recall: 0.04447, hitRate: 0.342051 },
};

describe('recommendations on Online Retail, time split at 2011-11-01', () => {
  it('reproduces the reference popularity and cosine, and beats cosine with item-kNN and the hybrid', () => {
    const data = loadOnlineRetail();
    const { train, test } = splitByTime(data.interactions, Date.UTC(2011, 10, 1));
    const sold = new Set(train.item);
    const itemText = data.descriptions.map((text, item) => (sold.has(item) ? text : undefined));
    const [popularity, cosine, knn, hybrid] = evaluateRecommenders(train, test, [
      { name: 'popularity', options: { method: 'popularity', popularityDays: Infinity } },
      { name: 'cosine', options: { method: 'item-knn', neighbours: Infinity, shrinkage: 0 } },
      { name: 'item-knn', options: { method: 'item-knn' } },
      { name: 'hybrid', options: { itemText } },
    ]);
    for (const row of [popularity, cosine, knn, hybrid]) expect(row?.usersEvaluated).toBe(REFERENCE.usersEvaluated);
    for (const metric of ['precision', 'recall', 'hitRate'] as const) {
      expect(Math.abs((popularity?.[metric] ?? NaN) - REFERENCE.popularity[metric])).toBeLessThan(0.002);
      expect(Math.abs((cosine?.[metric] ?? NaN) - REFERENCE.cosine[metric])).toBeLessThan(0.002);
      expect(knn?.[metric]).toBeGreaterThanOrEqual(cosine?.[metric] ?? Infinity);
      expect(hybrid?.[metric]).toBeGreaterThanOrEqual(cosine?.[metric] ?? Infinity);
    }
    expect(hybrid?.hitRate).toBeGreaterThanOrEqual(0.37);
  }, 60_000);
});
