import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  fitRecommender,
  recommend,
  type Interactions,
  type RecommenderOptions,
  type UserRecommendations,
} from '../../src-main/ml/recommend';
import { evaluateRecommenders, splitByTime, testSet } from '../../src-main/ml/recommend-evaluate';
import { itemNeighbours, textNeighbours, tokenise } from '../../src-main/ml/recommend-similarity';
import { csrFromPairs, entry, rowLengths, transpose, type Csr } from '../../src-main/ml/sparse';
import { seededRandom } from '../../src-main/ml/kmeans';

/** Purchase lines as [customer, product, day, order?]. */
function lines(rows: readonly (readonly number[])[], userCount: number, itemCount: number): Interactions {
  return {
    userCount,
    itemCount,
    user: Int32Array.from(rows, (r) => r[0] ?? 0),
    item: Int32Array.from(rows, (r) => r[1] ?? 0),
    time: Float64Array.from(rows, (r) => (r[2] ?? 0) * DAY_MS),
    order: Int32Array.from(rows, (r) => r[3] ?? 0),
  };
}

const rowOf = (m: Csr, r: number) => [...m.indices.subarray(m.indptr[r], m.indptr[r + 1])];
const valuesOf = (m: Csr, r: number) => [...m.values.subarray(m.indptr[r], m.indptr[r + 1])];
const listed = (result: UserRecommendations | undefined) => result?.items.map((i) => i.productIndex);

/**
 * u0 {0, 1}, u1 {0, 1, 2}, u2 {1, 2}, u3 {0, 3}, u4 {2}: each of products 0..2 has 3 buyers, product 3 one.
 * Co-buyers: n01 = 2, n02 = 1, n03 = 1, n12 = 2. Cosine: s01 = s12 = 2/3, s02 = 1/3, s03 = 1/√3.
 */
const SHOP = lines(
  [
    [0, 0, 1],
    [0, 1, 1],
    [1, 0, 2],
    [1, 1, 2],
    [1, 2, 3],
    [2, 1, 4],
    [2, 2, 4],
    [3, 0, 5],
    [3, 3, 6],
    [4, 2, 7],
  ],
  6,
  4,
);
const PLAIN_COSINE: RecommenderOptions = { method: 'item-knn', neighbours: Infinity, shrinkage: 0 };

describe('sparse', () => {
  it('builds CSR from pairs: deduplicated, columns ascending, binary without weights', () => {
    const m = csrFromPairs([1, 0, 1, 1, 2], [2, 1, 0, 2, 1], { rowCount: 4, colCount: 3 });
    expect([...m.indptr]).toEqual([0, 1, 3, 4, 4]);
    expect([...m.indices]).toEqual([1, 0, 2, 1]);
    expect([...m.values]).toEqual([1, 1, 1, 1]);
    expect([...rowLengths(m)]).toEqual([1, 2, 1, 0]);
  });

  it('merges repeated pairs by sum or by max', () => {
    const rows = [0, 0, 1];
    const cols = [1, 1, 0];
    const weights = [2, 5, 3];
    expect([...csrFromPairs(rows, cols, { rowCount: 2, colCount: 2, weights }).values]).toEqual([7, 3]);
    expect([...csrFromPairs(rows, cols, { rowCount: 2, colCount: 2, weights, combine: 'max' }).values]).toEqual([5, 3]);
  });

  it('transposes with rows sorted and finds single entries', () => {
    const m = csrFromPairs([0, 0, 1, 2], [2, 0, 2, 1], { rowCount: 3, colCount: 3, weights: [1, 2, 3, 4] });
    const t = transpose(m);
    expect([t.rowCount, t.colCount]).toEqual([3, 3]);
    expect(rowOf(t, 2)).toEqual([0, 1]);
    expect(valuesOf(t, 2)).toEqual([1, 3]);
    expect(entry(m, 0, 2)).toBe(1);
    expect(entry(m, 2, 1)).toBe(4);
    expect(entry(m, 1, 1)).toBe(0);
  });

  it('refuses pairs outside the matrix or of unequal lengths', () => {
    expect(() => csrFromPairs([0, 3], [0, 0], { rowCount: 3, colCount: 1 })).toThrow(/Pair 2 has row 3/);
    expect(() => csrFromPairs([0], [0, 1], { rowCount: 1, colCount: 2 })).toThrow(/pair up/);
  });
});

describe('neighbours', () => {
  const userItems = csrFromPairs(SHOP.user, SHOP.item, { rowCount: 6, colCount: 4 });

  it('computes cosine n_ij / √(n_i n_j), stored by the purchase it starts from', () => {
    const n = itemNeighbours(userItems, { measure: 'cosine' });
    expect(rowOf(n, 0)).toEqual([1, 2, 3]);
    expect(valuesOf(n, 0)[0]).toBeCloseTo(2 / 3, 12);
    expect(valuesOf(n, 0)[1]).toBeCloseTo(1 / 3, 12);
    expect(valuesOf(n, 0)[2]).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(rowOf(n, 3)).toEqual([0]);
  });

  it('shrinks rarely seen pairs by n_ij / (n_ij + λ)', () => {
    const n = itemNeighbours(userItems, { measure: 'cosine', shrinkage: 1 });
    expect(entry(n, 0, 1)).toBeCloseTo((2 / 3) * (2 / 3), 12);
    expect(entry(n, 0, 2)).toBeCloseTo((1 / 3) * (1 / 2), 12);
  });

  it('keeps, for each product recommended, its closest products (ties to the first seen)', () => {
    const n = itemNeighbours(userItems, { measure: 'cosine', neighbours: 1 });
    // Product 0's closest is 1; 1's is 0 (tied with 2); 2's is 1; 3's is 0. Stored by source product:
    expect(rowOf(n, 0)).toEqual([1, 3]);
    expect(rowOf(n, 1)).toEqual([0, 2]);
    expect(rowOf(n, 2)).toEqual([]);
    expect(rowOf(n, 3)).toEqual([]);
  });

  it('computes basket confidence n_ij / n_i, which is not symmetric', () => {
    // Baskets {0, 1}, {0, 2}, {0, 1}: conf(1 → 0) = 1, conf(0 → 1) = 2/3, conf(0 → 2) = 1/3.
    const baskets = csrFromPairs([0, 0, 1, 1, 2, 2], [0, 1, 0, 2, 0, 1], { rowCount: 3, colCount: 3 });
    const n = itemNeighbours(baskets, { measure: 'confidence' });
    expect(entry(n, 1, 0)).toBe(1);
    expect(entry(n, 0, 1)).toBeCloseTo(2 / 3, 12);
    expect(entry(n, 0, 2)).toBeCloseTo(1 / 3, 12);
    expect(entry(n, 1, 2)).toBe(0);
  });

  it('tokenises Latin text into words and CJK text into character pairs', () => {
    expect(tokenise('WHITE Hanging-Heart T-Light, 12 x')).toEqual(['white', 'hanging', 'heart', 'light', '12']);
    expect(tokenise('圣诞彩灯 LED灯串')).toEqual(['圣诞', '诞彩', '彩灯', 'led', '灯串']);
    expect(tokenise('猫 ｶｯﾌﾟ Café')).toEqual(['猫', 'カッ', 'ップ', 'café']);
  });

  it('finds products with alike texts by TF-IDF cosine', () => {
    const texts = ['red heart lantern', 'white heart lantern', 'blue teacup', '', 'red heart lantern'];
    const n = textNeighbours(texts);
    // Identical texts are fully similar; 0 and 1 share two of three terms; 2 and 3 share nothing with anyone.
    expect(entry(n, 0, 4)).toBeCloseTo(1, 12);
    expect(entry(n, 0, 1)).toBeGreaterThan(0.3);
    expect(entry(n, 0, 1)).toBeLessThan(1);
    expect(entry(n, 0, 1)).toBeCloseTo(entry(n, 1, 0), 12);
    expect(rowOf(n, 2)).toEqual([]);
    expect(rowOf(n, 3)).toEqual([]);
  });
});

describe('recommend', () => {
  it('ranks by plain cosine summed over the customer’s purchases and names the strongest purchase', () => {
    const result = recommend(fitRecommender(SHOP, PLAIN_COSINE), { k: 3, users: [3, 4] });
    // u3 {0, 3}: 1 scores s01 = 2/3, 2 scores s02 = 1/3. u4 {2}: 1 scores 2/3, 0 scores 1/3, 3 nothing: popular fill.
    expect(listed(result[0])).toEqual([1, 2]);
    expect(result[0]?.items[0]?.score).toBeCloseTo(2 / 3, 12);
    expect(result[0]?.items[0]?.reason).toEqual({ kind: 'bought-with', productIndex: 0 });
    expect(listed(result[1])).toEqual([1, 0, 3]);
    expect(result[1]?.items[1]?.score).toBeCloseTo(1 / 3, 12);
    expect(result[1]?.items[2]).toEqual({ productIndex: 3, score: 0, reason: { kind: 'popular' } });
  });

  it('matches a brute-force plain cosine on random purchases', () => {
    const random = seededRandom(7);
    const rows = Array.from({ length: 400 }, () => [Math.floor(random() * 40), Math.floor(random() ** 2 * 25), 1]);
    const data = lines(rows, 40, 25);
    const bought = Array.from({ length: 40 }, () => new Set<number>());
    rows.forEach(([u = 0, i = 0]) => bought[u]?.add(i));
    const buyers = Array.from({ length: 25 }, (_, i) => bought.filter((s) => s.has(i)).length);
    const cosine = (i: number, j: number) =>
      bought.filter((s) => s.has(i) && s.has(j)).length / Math.sqrt((buyers[i] ?? 1) * (buyers[j] ?? 1));
    const results = recommend(fitRecommender(data, PLAIN_COSINE), { k: 5 });
    for (const { user, items } of results) {
      const mine = bought[user] ?? new Set<number>();
      const score = (j: number) => [...mine].reduce((sum, i) => sum + (i === j ? 0 : cosine(i, j)), 0);
      const candidates = Array.from({ length: 25 }, (_, j) => j).filter((j) => !mine.has(j) && buyers[j]);
      const expected = candidates.map(score).sort((a, b) => b - a);
      items.forEach((item, at) => {
        expect(item.score).toBeCloseTo(score(item.productIndex), 10);
        expect(item.score).toBeCloseTo(expected[at] ?? NaN, 10);
      });
    }
  });

  it('lists popular products (distinct buyers in the window) for customers without history, flagged', () => {
    const model = fitRecommender(SHOP, { method: 'popularity', popularityDays: Infinity });
    const [cold] = recommend(model, { users: [5] });
    expect(cold?.coldStart).toBe(true);
    // 0, 1 and 2 have 3 buyers each (ties to the lower index), 3 has one.
    expect(listed(cold)).toEqual([0, 1, 2, 3]);
    expect(cold?.items[0]).toEqual({ productIndex: 0, score: 1, reason: { kind: 'popular' } });
    // In the last 3 days (days 4..7) 2 had two buyers (u2, u4), 0, 1 and 3 one each; ties go to more buyers
    // over all history, so 3 comes last.
    const recent = recommend(fitRecommender(SHOP, { method: 'popularity', popularityDays: 3 }), { users: [5] });
    expect(listed(recent[0])).toEqual([2, 0, 1, 3]);
    expect(recent[0]?.items.map((i) => i.score)).toEqual([1, 0.5, 0.5, 0.5]);
  });

  it('weights the customer’s recent purchases more with a half-life', () => {
    // u0 bought 0 on day 0 and 2 on day 100; 0 goes with 1, 2 goes with 3, equally strongly.
    const data = lines(
      [
        [0, 0, 0],
        [0, 2, 100],
        [1, 0, 50],
        [1, 1, 50],
        [2, 2, 50],
        [2, 3, 50],
      ],
      3,
      4,
    );
    const options: RecommenderOptions = { method: 'item-knn', shrinkage: 0 };
    const flat = recommend(fitRecommender(data, options), { users: [0] })[0];
    expect(flat?.items[0]?.score).toBeCloseTo(flat?.items[1]?.score ?? NaN, 12);
    const decayed = recommend(fitRecommender(data, { ...options, recencyHalfLifeDays: 50 }), { users: [0] })[0];
    expect(listed(decayed)).toEqual([3, 1]);
    expect(decayed?.items[0]?.reason).toEqual({ kind: 'bought-with', productIndex: 2 });
    // Day 0 is 100 days = two half-lives before the last purchase.
    expect((decayed?.items[1]?.score ?? 0) / (decayed?.items[0]?.score ?? 1)).toBeCloseTo(0.25, 12);
  });

  it('can recommend what was bought already, and leave out products no longer sold', () => {
    const model = fitRecommender(SHOP, PLAIN_COSINE);
    const again = recommend(model, { users: [4], excludeBought: false })[0];
    expect(listed(again)).toEqual([1, 0, 2, 3]);
    // Products last sold on days 4 (1), 5 (0), 6 (3), 7 (2): sold within 1.5 days of day 7 leaves 2 and 3.
    const fresh = recommend(model, { users: [4], excludeBought: false, soldWithinDays: 1.5 })[0];
    expect(listed(fresh)).toEqual([2, 3]);
  });

  it('caps products of one category', () => {
    const model = fitRecommender(SHOP, { method: 'popularity', popularityDays: Infinity });
    const categories = [7, 7, 7, -1];
    const [capped] = recommend(model, { users: [5], maxPerCategory: 2, categories });
    expect(listed(capped)).toEqual([0, 1, 3]);
    const [tight] = recommend(model, { users: [5], maxPerCategory: 1, categories, k: 2 });
    expect(listed(tight)).toEqual([0, 3]);
  });

  it('recommends by text for content, naming the purchase that reads alike', () => {
    const itemText = ['red heart lantern', 'blue teacup', 'red heart garland', 'blue saucer'];
    const [u4] = recommend(fitRecommender(SHOP, { method: 'content', itemText }), { users: [4], k: 1 });
    expect(u4?.items[0]?.productIndex).toBe(0);
    expect(u4?.items[0]?.reason).toEqual({ kind: 'similar-text', productIndex: 2 });
  });

  it('recommends by basket rules, summing confidences', () => {
    // Orders {0, 1} twice, {0, 2} and {0}; u2 has bought 0 only: conf(0 → 1) = 2/4 beats conf(0 → 2) = 1/4.
    const data = lines(
      [
        [0, 0, 1, 0],
        [0, 1, 1, 0],
        [1, 0, 2, 1],
        [1, 1, 2, 1],
        [1, 0, 3, 2],
        [1, 2, 3, 2],
        [2, 0, 4, 3],
      ],
      3,
      3,
    );
    const [u2] = recommend(fitRecommender(data, { method: 'rules', shrinkage: 0 }), { users: [2] });
    expect(u2?.items.map((i) => [i.productIndex, i.score])).toEqual([
      [1, 0.5],
      [2, 0.25],
    ]);
  });

  it('blends neighbours and popularity, each scaled to 0..1, and gives the reason of the larger share', () => {
    const blend = { itemKnn: 1, popularity: 1, content: 0, rules: 0 };
    const model = fitRecommender(SHOP, { ...PLAIN_COSINE, method: 'hybrid', popularityDays: Infinity, blend });
    const [u4] = recommend(model, { users: [4] });
    // u4 {2}: 1 = 1 (its neighbour score 2/3 is u4's best) + 3/3; 0 = (1/3)/(2/3) + 3/3; 3 = 0 + 1/3.
    // 1's two shares tie, and the purchase names the reason; 0's popularity share is the larger.
    expect(u4?.items.map((i) => i.productIndex)).toEqual([1, 0, 3]);
    [2, 1.5, 1 / 3].forEach((score, at) => expect(u4?.items[at]?.score).toBeCloseTo(score, 12));
    expect(u4?.items[0]?.reason).toEqual({ kind: 'bought-with', productIndex: 2 });
    expect(u4?.items[1]?.reason).toEqual({ kind: 'popular' });
  });

  it('refuses what it cannot use', () => {
    expect(() => fitRecommender(SHOP, { method: 'content' })).toThrow(/product texts/);
    expect(() => fitRecommender({ ...SHOP, order: undefined }, { method: 'rules' })).toThrow(/order of each/);
    expect(() => fitRecommender(SHOP, { popularityDays: 0 })).toThrow(/more than 0 days/);
    const model = fitRecommender(SHOP, { method: 'popularity' });
    expect(() => recommend(model, { k: 0 })).toThrow(/whole number from 1/);
    expect(() => recommend(model, { maxPerCategory: 1 })).toThrow(/category of each product/);
    expect(() => recommend(model, { users: [6] })).toThrow(/outside 0..5/);
  });
});

describe('evaluation', () => {
  // Train (before day 10): u0 {0, 1}, u1 {0, 2}, u2 {1}. Test: u0 buys 2 (new), u1 buys 0 again and 3 (new),
  // u3 buys 1 but has no history. Popularity: 0 and 1 have 2 buyers, 2 has 1, 3 none.
  const data = lines(
    [
      [0, 0, 1],
      [0, 1, 2],
      [1, 0, 3],
      [1, 2, 4],
      [2, 1, 5],
      [0, 2, 11],
      [1, 0, 12],
      [1, 3, 12],
      [3, 1, 13],
    ],
    4,
    4,
  );
  const { train, test } = splitByTime(data, 10 * DAY_MS);

  it('splits by time and keeps only known customers with new products', () => {
    expect([...train.user]).toEqual([0, 0, 1, 1, 2]);
    expect([...test.item]).toEqual([2, 0, 3, 1]);
    const { users, relevant } = testSet(train, test);
    expect([...users]).toEqual([0, 1]);
    expect(rowOf(relevant, 0)).toEqual([2]);
    expect(rowOf(relevant, 1)).toEqual([3]);
  });

  it('computes precision, recall, hit rate and coverage at k', () => {
    const [row] = evaluateRecommenders(
      train,
      test,
      [{ name: 'popularity', options: { method: 'popularity', popularityDays: Infinity } }],
      { k: 2 },
    );
    // u0 gets [2]: 1 hit of 1 new; u1 gets [1]: no hit. Shown {1, 2} of the 3 products sold before the split.
    expect(row).toEqual({
      method: 'popularity',
      k: 2,
      usersEvaluated: 2,
      precision: 0.25,
      recall: 0.5,
      hitRate: 0.5,
      coverage: 2 / 3,
    });
  });
});
