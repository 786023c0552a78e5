import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  basketsFromPairs,
  estimateItemsets,
  mineBaskets,
  type AssociationRule,
  type Baskets,
} from '../../src-main/ml/basket';
import { seededRandom } from '../../src-main/ml/kmeans';

const GROCERIES = new URL('../../../shared/data/groceries_basket/Groceries_dataset.csv', import.meta.url);

function fromLists(lists: readonly (readonly number[])[], itemCount: number): Baskets {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((list, b) => (offsets[b + 1] = (offsets[b] ?? 0) + list.length));
  return { offsets, items: Int32Array.from(lists.flat()), itemCount };
}

/** Items 0..3; counts 0: 4, 1: 4, 2: 3, 3: 1; pairs {0,1}: 3, {0,2}: 3, {1,2}: 2, {1,3}: 1; {0,1,2}: 2. */
const SMALL = [
  [0, 1, 2],
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 1, 0],
] as const;

/** Rules as [antecedent, consequent, support, confidence, lift, leverage, conviction], in result order. */
const summary = (rules: AssociationRule[]) =>
  rules.map((r) => [r.antecedent, r.consequent, r.support, r.confidence, r.lift, r.leverage, r.conviction]);

function expectRules(actual: AssociationRule[], expected: (number[] | number | null)[][]) {
  const rows = summary(actual);
  expect(rows.map((row) => row.slice(0, 2))).toEqual(expected.map((row) => row.slice(0, 2)));
  rows.forEach((row, i) =>
    row.slice(2).forEach((value, j) => {
      const want = expected[i]?.[j + 2] as number | null;
      if (want === null) expect(value).toBeNull();
      else expect(value).toBeCloseTo(want, 12);
    }),
  );
}

/** Groceries: basket = one member on one date; items numbered by first appearance. */
function groceries() {
  const lines = readFileSync(GROCERIES, 'utf8').trim().split('\n').slice(1);
  const basketIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const basketIds = new Int32Array(lines.length);
  const itemIds = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const [member = '', date = '', item = ''] = line.trim().split(',');
    const basket = `${member}|${date}`;
    if (!basketIndex.has(basket)) basketIndex.set(basket, basketIndex.size);
    if (!itemIndex.has(item)) itemIndex.set(item, itemIndex.size);
    basketIds[i] = basketIndex.get(basket) ?? 0;
    itemIds[i] = itemIndex.get(item) ?? 0;
  });
  return { baskets: basketsFromPairs(basketIds, itemIds), names: [...itemIndex.keys()] };
}

describe('mineBaskets', () => {
  it('gives the hand-computed pairs and 1 → 1 rules with every measure', () => {
    const result = mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0 });
    expect(result).toMatchObject({ basketsUsed: 5, basketsSkipped: 0, minCount: 2, frequentItemCount: 3 });
    expect(result.itemsets.map((sets) => sets.map((s) => [s.items, s.count]))).toEqual([
      [
        [[0], 4],
        [[1], 4],
        [[2], 3],
      ],
      [
        [[0, 1], 3],
        [[0, 2], 3],
        [[1, 2], 2],
      ],
    ]);
    expect(result.itemsets[1]?.[0]?.support).toBeCloseTo(0.6, 15);
    // support(0) = support(1) = 0.8, support(2) = 0.6; e.g. 0 → 2: confidence 3/4, lift 0.75 / 0.6,
    // leverage 0.6 − 0.8 × 0.6, conviction (1 − 0.6) / (1 − 0.75).
    expectRules(result.rules, [
      [[2], 0, 0.6, 1, 1.25, 0.12, null],
      [[0], 2, 0.6, 0.75, 1.25, 0.12, 1.6],
      [[0], 1, 0.6, 0.75, 0.9375, -0.04, 0.8],
      [[1], 0, 0.6, 0.75, 0.9375, -0.04, 0.8],
      [[2], 1, 0.4, 2 / 3, 5 / 6, -0.08, 0.6],
      [[1], 2, 0.4, 0.5, 5 / 6, -0.08, 0.8],
    ]);
  });

  it('applies the confidence and lift thresholds', () => {
    const confident = mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0.7 });
    expect(summary(confident.rules).map((row) => row.slice(0, 2))).toEqual([
      [[2], 0],
      [[0], 2],
      [[0], 1],
      [[1], 0],
    ]);
    const lifted = mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0, minLift: 1 });
    expect(lifted.rules.map((r) => [r.antecedent, r.consequent])).toEqual([
      [[2], 0],
      [[0], 2],
    ]);
  });

  it('finds triples and their 2 → 1 rules', () => {
    const result = mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0, maxLength: 3 });
    expect(result.itemsets[2]?.map((s) => [s.items, s.count, s.support])).toEqual([[[0, 1, 2], 2, 0.4]]);
    // support({0,1}) = support({0,2}) = 0.6, support({1,2}) = 0.4.
    const triples = result.rules.filter((r) => r.antecedent.length === 2);
    expectRules(triples, [
      [[1, 2], 0, 0.4, 1, 1.25, 0.08, null],
      [[0, 1], 2, 0.4, 2 / 3, 10 / 9, 0.04, 1.2],
      [[0, 2], 1, 0.4, 2 / 3, 5 / 6, -0.08, 0.6],
    ]);
    expect(result.rules).toHaveLength(6 + 3);
  });

  it('finds exactly the itemsets that brute-force counting finds, with consistent rules', () => {
    const random = seededRandom(5);
    const lists = Array.from({ length: 300 }, () => {
      const basket = new Set<number>();
      const size = Math.floor(random() * 9);
      // Skewed towards the low items, so that itemsets of every length pass the threshold.
      while (basket.size < size) basket.add(Math.floor(12 * random() ** 2));
      return [...basket];
    });
    const counts = new Map<string, number>();
    const subsets = (items: number[], from: number, chosen: number[]): void => {
      if (chosen.length > 0) counts.set(chosen.join(','), (counts.get(chosen.join(',')) ?? 0) + 1);
      if (chosen.length === 4) return;
      for (let i = from; i < items.length; i++) subsets(items, i + 1, [...chosen, items[i] ?? 0]);
    };
    for (const list of lists)
      if (list.length <= 7)
        subsets(
          [...list].sort((a, b) => a - b),
          0,
          [],
        );
    const options = { minSupport: 0.05, minConfidence: 0.3, maxLength: 4, maxBasketSize: 7 };
    const result = mineBaskets(fromLists(lists, 12), options);
    const used = lists.filter((list) => list.length <= 7).length;
    expect(result.basketsUsed).toBe(used);
    const expected = [...counts].filter(([, count]) => count / used >= 0.05);
    const found = result.itemsets.flat().map((s) => [s.items.join(','), s.count]);
    expect(new Map(found as [string, number][])).toEqual(new Map(expected));
    expect(result.itemsets.map((sets) => sets.length).every((length) => length > 0)).toBe(true);
    for (const rule of result.rules) {
      const both = [...rule.antecedent, rule.consequent].sort((a, b) => a - b).join(',');
      expect(rule.count).toBe(counts.get(both));
      expect(rule.confidence).toBeCloseTo((counts.get(both) ?? 0) / (counts.get(rule.antecedent.join(',')) ?? 1), 12);
      expect(rule.confidence).toBeGreaterThanOrEqual(0.3);
    }
    const ruleCount = result.itemsets
      .slice(1)
      .flat()
      .flatMap((s) => s.items.map((c) => [s.count, counts.get(s.items.filter((i) => i !== c).join(',')) ?? 0]))
      .filter(([both = 0, antecedent = 1]) => both / antecedent >= 0.3).length;
    expect(result.rules).toHaveLength(ruleCount);
  });

  it('compares the support as a fraction, so that 0.1 of 30 baskets is 3', () => {
    const lists = Array.from({ length: 30 }, (_, b) => (b < 3 ? [0, 1] : [2]));
    const result = mineBaskets(fromLists(lists, 3), { minSupport: 0.1, minConfidence: 0 });
    expect(result.minCount).toBe(3);
    expect(result.itemsets[1]?.map((s) => s.items)).toEqual([[0, 1]]);
  });

  it('skips baskets above maxBasketSize, leaving them out of the supports', () => {
    const lists = [...SMALL, [0, 1, 2, 3, 4, 5]];
    const result = mineBaskets(fromLists(lists, 6), { minSupport: 0.4, minConfidence: 0, maxBasketSize: 5 });
    const alone = mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0 });
    expect(result.basketsUsed).toBe(5);
    expect(result.basketsSkipped).toBe(1);
    expect(result.itemsets).toEqual(alone.itemsets);
    expect(result.rules).toEqual(alone.rules);
  });

  it('finds every subset of a single giant basket, each rule certain and independent', () => {
    const giant = fromLists([Array.from({ length: 40 }, (_, i) => 39 - i)], 40);
    const result = mineBaskets(giant, { minSupport: 1, minConfidence: 0, maxLength: 3 });
    expect(result.itemsets.map((sets) => sets.length)).toEqual([40, 780, 9880]);
    expect(result.rules).toHaveLength(780 * 2 + 9880 * 3);
    expect(result.rules.every((r) => r.confidence === 1 && r.lift === 1 && r.leverage === 0)).toBe(true);
    expect(result.rules.every((r) => r.conviction === null)).toBe(true);
    const skipped = mineBaskets(giant, { minSupport: 0.5, minConfidence: 0, maxBasketSize: 39 });
    expect(skipped).toMatchObject({ basketsUsed: 0, basketsSkipped: 1, frequentItemCount: 0, rules: [] });
  });

  it('reports progress up to 1 and stops when cancelled', () => {
    const fractions: number[] = [];
    mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0, onProgress: (f) => fractions.push(f) });
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const cancel = () => {
      throw new Error('Cancelled');
    };
    expect(() =>
      mineBaskets(fromLists(SMALL, 4), { minSupport: 0.4, minConfidence: 0, throwIfCancelled: cancel }),
    ).toThrow('Cancelled');
  });

  it('refuses malformed baskets and thresholds with a validation error', () => {
    const options = { minSupport: 0.5, minConfidence: 0 };
    expect(() => mineBaskets(fromLists([[0, 1, 0]], 2), options)).toThrow(/lists item 0 twice/);
    expect(() => mineBaskets(fromLists([[0, 2]], 2), options)).toThrow(/numbered 0 to 1/);
    expect(() => mineBaskets({ offsets: Int32Array.of(0, 3), items: Int32Array.of(0), itemCount: 1 }, options)).toThrow(
      /offsets/,
    );
    expect(() => mineBaskets(fromLists(SMALL, 4), { ...options, minSupport: 0 })).toThrow(/minimum support/);
    expect(() => mineBaskets(fromLists(SMALL, 4), { ...options, minConfidence: 1.5 })).toThrow(/confidence/);
    expect(() => mineBaskets(fromLists(SMALL, 4), { ...options, maxLength: 0 })).toThrow(/longest itemset/);
  });
});

describe('basketsFromPairs', () => {
  it('groups order lines into baskets and drops an item repeated in a basket', () => {
    const baskets = basketsFromPairs(Int32Array.of(1, 0, 1, 1, 0), Int32Array.of(2, 0, 1, 2, 3));
    expect([...baskets.offsets]).toEqual([0, 2, 4]);
    expect([...baskets.items]).toEqual([0, 3, 2, 1]);
    expect(baskets.itemCount).toBe(4);
  });
});

describe('estimateItemsets', () => {
  it('bounds pairs by the pairs inside the baskets, and triples by the frequent pairs once counted', () => {
    // Items 0..3 are frequent (count ≥ 2) but only the pairs {0,1}, {1,2}, {2,3} are: a path, no triangle.
    const baskets = fromLists(
      [
        [0, 1, 2, 3],
        [0, 1],
        [1, 2],
        [2, 3],
      ],
      4,
    );
    // C(4, 2) = 6 pairs could exist; the baskets hold 6 + 3 pair occurrences, 2 per frequent pair: at most 4.
    expect(estimateItemsets(baskets, { minSupport: 0.5 })).toMatchObject({
      minCount: 2,
      frequentItemCount: 4,
      upperBounds: [4, 4],
      pairsCounted: false,
      upperBound: 8,
      tooMany: false,
    });
    // Counting the pairs finds 3; 3 pairs could close 1 triangle (Kruskal–Katona) and the baskets hold
    // C(4, 3) = 4 triple occurrences (2 triples), but no three frequent pairs close one.
    expect(estimateItemsets(baskets, { minSupport: 0.5, maxLength: 3 })).toMatchObject({
      upperBounds: [4, 3, 0],
      pairsCounted: true,
    });
    const mined = mineBaskets(baskets, { minSupport: 0.5, minConfidence: 0, maxLength: 3 });
    expect(mined.itemsets.map((sets) => sets.length)).toEqual([4, 3, 0]);
  });

  it('flags an explosion before mining: a giant basket at a support it alone reaches', () => {
    const lists = [Array.from({ length: 300 }, (_, i) => i), ...Array.from({ length: 99 }, () => [0])];
    const baskets = fromLists(lists, 300);
    const estimate = estimateItemsets(baskets, { minSupport: 0.001, maxLength: 4 });
    // C(300, k): every subset of the giant basket is frequent.
    expect(estimate.upperBounds).toEqual([300, 44_850, 4_455_100, 330_791_175]);
    expect(estimate.tooMany).toBe(true);
    expect(estimateItemsets(baskets, { minSupport: 0.001, maxLength: 3, maxBasketSize: 100 })).toMatchObject({
      basketsSkipped: 1,
      upperBounds: [1, 0, 0],
      tooMany: false,
    });
    expect(estimateItemsets(baskets, { minSupport: 0.001, limit: 40_000 }).tooMany).toBe(true);
    expect(estimateItemsets(baskets, { minSupport: 0.001, limit: 50_000 }).tooMany).toBe(false);
  });

  it('bounds the real Groceries itemsets from above, the pairs exactly', () => {
    const { baskets } = groceries();
    const pairsOnly = estimateItemsets(baskets, { minSupport: 0.001 });
    expect(pairsOnly.upperBounds[0]).toBe(149);
    expect(pairsOnly.upperBounds[1]).toBeGreaterThanOrEqual(592);
    expect(pairsOnly.upperBounds[1]).toBeLessThan((149 * 148) / 2);
    const estimate = estimateItemsets(baskets, { minSupport: 0.001, maxLength: 3 });
    const mined = mineBaskets(baskets, { minSupport: 0.001, minConfidence: 0, maxLength: 3 });
    expect(estimate.upperBounds.slice(0, 2)).toEqual([149, 592]);
    expect(mined.itemsets[2]?.length).toBeLessThanOrEqual(estimate.upperBounds[2] ?? 0);
  });
});

describe('Groceries_dataset.csv (references/README.md)', () => {
  it('reproduces the reference counts and top rules at support 0.001, pairs, confidence 0.05', () => {
    const { baskets, names } = groceries();
    expect(baskets.offsets.length - 1).toBe(14_963);
    expect(baskets.itemCount).toBe(167);
    const result = mineBaskets(baskets, { minSupport: 0.001, minConfidence: 0.05 });
    expect(result.minCount).toBe(15);
    expect(result.frequentItemCount).toBe(149);
    expect(result.itemsets[1]).toHaveLength(592);
    expect(result.rules).toHaveLength(423);
    const top = result.rules.slice(0, 5).map((r) => ({
      rule: `${r.antecedent.map((item) => names[item]).join(' + ')} → ${names[r.consequent]}`,
      support: r.support,
      confidence: r.confidence,
      lift: r.lift,
    }));
    const reference = [
      ['specialty chocolate → citrus fruit', 0.001403, 0.087866, 1.653762],
      ['flour → tropical fruit', 0.001069, 0.109589, 1.617141],
      ['beverages → sausage', 0.001537, 0.092742, 1.536764],
      ['napkins → pastry', 0.001738, 0.07855, 1.518529],
      ['processed cheese → root vegetables', 0.001069, 0.105263, 1.513019],
    ] as const;
    expect(top.map((r) => r.rule)).toEqual(reference.map(([rule]) => rule));
    top.forEach((r, i) => {
      const [, support, confidence, lift] = reference[i] ?? [];
      expect(r.support).toBeCloseTo(support ?? NaN, 6);
      expect(r.confidence).toBeCloseTo(confidence ?? NaN, 6);
      expect(r.lift).toBeCloseTo(lift ?? NaN, 6);
    });
  });
});
