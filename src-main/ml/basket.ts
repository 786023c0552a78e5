/**
 * Market-basket analysis: frequent itemsets up to a chosen length and the n → 1 association rules they give
 * (support, confidence, lift, leverage, conviction), plus a cheap estimate of how many itemsets a minimum support
 * would produce, so that the caller can warn before mining explodes.
 *
 * Why this shape: the baskets come in as compressed sparse rows and every basket is rewritten once as the sorted
 * ranks of its frequent items. Mining is then a depth-first prefix projection (H-Mine/Eclat style): an itemset is
 * a list of positions in that flat array where its last item sits, and its extensions are counted in the rest of
 * those baskets with one dense Int32Array. For pairs this is the triangular count without the triangle: memory is
 * O(items + basket lines) for any catalogue size, so there is no second code path (hash) for large catalogues,
 * and longer itemsets reuse the same step instead of Apriori's candidate generation. Items are ranked from the
 * rarest up, so the common items, which have the most occurrences, have the shortest tails to scan.
 *
 * Supports are fractions of the baskets used (the outliers above maxBasketSize are left out of the denominator
 * too); thresholds compare the fractions the way pandas/mlxtend do (support = count / baskets ≥ minSupport).
 */
import { CoreError } from '../shared/errors';

/** Baskets as compressed sparse rows: basket b holds items[offsets[b] .. offsets[b + 1]), each item at most once. */
export interface Baskets {
  offsets: Int32Array;
  items: Int32Array;
  /** Items are numbered 0 .. itemCount − 1. */
  itemCount: number;
}

export interface SupportOptions {
  /** Fraction of the baskets used (0 < minSupport ≤ 1) that an itemset must appear in. */
  minSupport: number;
  /** Longest itemset. Default 2 (pairs and 1 → 1 rules). */
  maxLength?: number;
  /**
   * Baskets with more items than this (a wholesale order, a stock count booked as a sale) are skipped and counted
   * in basketsSkipped: one of them alone makes every subset of its items co-occur. Default: no limit.
   */
  maxBasketSize?: number;
}

export interface BasketOptions extends SupportOptions {
  /** Rules need confidence(antecedent → consequent) ≥ this (0..1). */
  minConfidence: number;
  /** Rules need a lift ≥ this. Default: no limit. */
  minLift?: number;
  /** Called with the fraction of the mining done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Called between chunks of work; it cancels the mining by throwing (JobContext.throwIfCancelled). */
  throwIfCancelled?: () => void;
}

export interface FrequentItemset {
  /** Item indices, ascending. */
  items: number[];
  /** Baskets that hold all of them. */
  count: number;
  support: number;
}

export interface AssociationRule {
  /** Item indices, ascending. */
  antecedent: number[];
  consequent: number;
  /** Baskets holding the antecedent and the consequent. */
  count: number;
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  /**
   * (1 − support(consequent)) / (1 − confidence). null when the confidence is 1: the conviction is then infinite,
   * which JSON cannot carry; read null as "the consequent always came with the antecedent".
   */
  conviction: number | null;
}

export interface BasketResult {
  /** Baskets in the denominator of every support: all but the skipped ones, empty baskets included. */
  basketsUsed: number;
  /** Baskets above maxBasketSize. */
  basketsSkipped: number;
  /** The smallest number of baskets that reaches minSupport. */
  minCount: number;
  frequentItemCount: number;
  /** itemsets[k − 1]: the frequent itemsets of k items, the most frequent first; lengths 1..maxLength. */
  itemsets: FrequentItemset[][];
  /** Every rule S \ {c} → c of every frequent itemset S that passes the thresholds, the highest lift first. */
  rules: AssociationRule[];
}

export interface EstimateOptions extends SupportOptions {
  /** tooMany when the upper bound on the itemsets exceeds this. Default 1,000,000. */
  limit?: number;
}

export interface ItemsetEstimate {
  basketsUsed: number;
  basketsSkipped: number;
  minCount: number;
  frequentItemCount: number;
  /**
   * upperBounds[k − 1]: at most this many frequent itemsets of k items; exact for k = 1, and for k = 2 when
   * pairsCounted. Σ over baskets of C(f, k) / minCount is one bound (f: the basket's frequent items; each frequent
   * k-itemset takes minCount of those basket subsets); it is loose when a few baskets are huge (maxBasketSize).
   */
  upperBounds: number[];
  pairsCounted: boolean;
  /** Sum of upperBounds. */
  upperBound: number;
  tooMany: boolean;
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

/**
 * Baskets from (basket, item) pairs in any order, e.g. one per order line: basket and item numbers are dense
 * indices from 0; an item listed twice in a basket counts once.
 */
export function basketsFromPairs(basketIds: Int32Array, itemIds: Int32Array): Baskets {
  if (basketIds.length !== itemIds.length)
    throw invalid(`${basketIds.length} basket numbers were given for ${itemIds.length} items.`);
  let basketCount = 0;
  let itemCount = 0;
  for (let i = 0; i < basketIds.length; i++) {
    const basket = basketIds[i] ?? 0;
    const item = itemIds[i] ?? 0;
    if (basket < 0 || item < 0) throw invalid('Basket and item numbers must be indices from 0.');
    basketCount = Math.max(basketCount, basket + 1);
    itemCount = Math.max(itemCount, item + 1);
  }
  const starts = new Int32Array(basketCount + 1);
  for (const basket of basketIds) starts[basket + 1] = (starts[basket + 1] ?? 0) + 1;
  for (let b = 0; b < basketCount; b++) starts[b + 1] = (starts[b + 1] ?? 0) + (starts[b] ?? 0);
  const cursor = starts.slice(0, basketCount);
  const grouped = new Int32Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) {
    const basket = basketIds[i] ?? 0;
    grouped[(cursor[basket] = (cursor[basket] ?? 0) + 1) - 1] = itemIds[i] ?? 0;
  }
  const offsets = new Int32Array(basketCount + 1);
  const items = new Int32Array(itemIds.length);
  const lastBasket = new Int32Array(itemCount).fill(-1);
  let size = 0;
  for (let b = 0; b < basketCount; b++) {
    for (let p = starts[b] ?? 0; p < (starts[b + 1] ?? 0); p++) {
      const item = grouped[p] ?? 0;
      if (lastBasket[item] === b) continue;
      lastBasket[item] = b;
      items[size++] = item;
    }
    offsets[b + 1] = size;
  }
  return { offsets, items: items.slice(0, size), itemCount };
}

interface Scan {
  /** Whether each basket is used (not above maxBasketSize). */
  used: Uint8Array;
  basketsUsed: number;
  basketsSkipped: number;
  /** Baskets holding each item, among the used ones. */
  itemCounts: Int32Array;
}

/** Checks the rows and counts the items of the baskets used, in one pass. */
function scan({ offsets, items, itemCount }: Baskets, maxBasketSize: number): Scan {
  if (!Number.isInteger(itemCount) || itemCount < 0)
    throw invalid(`The item count must be a whole number; got ${itemCount}.`);
  const basketCount = offsets.length - 1;
  if (basketCount < 0 || offsets[0] !== 0 || offsets[basketCount] !== items.length)
    throw invalid('Basket offsets must start at 0 and end at the number of basket items.');
  const used = new Uint8Array(basketCount);
  const itemCounts = new Int32Array(itemCount);
  const lastBasket = new Int32Array(itemCount).fill(-1);
  let basketsUsed = 0;
  for (let b = 0; b < basketCount; b++) {
    const start = offsets[b] ?? 0;
    const end = offsets[b + 1] ?? 0;
    if (end < start) throw invalid(`Basket ${b + 1} ends before it starts: offsets must not decrease.`);
    if (end - start > maxBasketSize) continue;
    used[b] = 1;
    basketsUsed++;
    for (let p = start; p < end; p++) {
      const item = items[p] ?? -1;
      if (!(item >= 0 && item < itemCount))
        throw invalid(`Basket ${b + 1} holds item ${item}; items are numbered 0 to ${itemCount - 1}.`);
      if (lastBasket[item] === b)
        throw invalid(`Basket ${b + 1} lists item ${item} twice; list each item once per basket.`);
      lastBasket[item] = b;
      itemCounts[item] = (itemCounts[item] ?? 0) + 1;
    }
  }
  return { used, basketsUsed, basketsSkipped: basketCount - basketsUsed, itemCounts };
}

function validateSupport(options: SupportOptions): { maxLength: number; maxBasketSize: number } {
  const { minSupport, maxLength = 2, maxBasketSize = Infinity } = options;
  if (!(minSupport > 0 && minSupport <= 1))
    throw invalid(`The minimum support must be a fraction above 0 and at most 1; got ${minSupport}.`);
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw invalid(`The longest itemset must be a whole number of items from 1; got ${maxLength}.`);
  if (!(maxBasketSize >= 1)) throw invalid(`The largest basket must hold at least 1 item; got ${maxBasketSize}.`);
  return { maxLength, maxBasketSize };
}

/**
 * The smallest count c with c / baskets ≥ minSupport, compared as that division (as mlxtend does), so that 0.001
 * of 14,963 baskets is 15 and 0.1 of 30 baskets is 3 although 0.1 × 30 = 3.0000000000000004.
 */
function minCountFor(minSupport: number, baskets: number): number {
  let count = Math.max(1, Math.ceil(minSupport * baskets));
  while (count > 1 && (count - 1) / baskets >= minSupport) count--;
  while (count / baskets < minSupport) count++;
  return count;
}

/** Frequent items ranked from the rarest up (ties by item), and the rank of each item (−1: not frequent). */
function rankFrequentItems(itemCounts: Int32Array, minCount: number, baskets: number) {
  const itemOfRank = Int32Array.from(
    Array.from(itemCounts.keys())
      .filter((item) => baskets > 0 && (itemCounts[item] ?? 0) >= minCount)
      .sort((a, b) => (itemCounts[a] ?? 0) - (itemCounts[b] ?? 0) || a - b),
  );
  const rankOf = new Int32Array(itemCounts.length).fill(-1);
  itemOfRank.forEach((item, rank) => (rankOf[item] = rank));
  return { itemOfRank, rankOf };
}

/** The used baskets reduced to their frequent items, as ranks sorted ascending in one flat array. */
interface Reduced {
  ranks: Int32Array;
  /** end[p]: where the basket of position p ends, so that p + 1 .. end[p] − 1 are the higher ranks beside it. */
  end: Int32Array;
  /** Positions of rank r: byRank[byRankStart[r] .. byRankStart[r + 1]). */
  byRank: Int32Array;
  byRankStart: Int32Array;
  /** Pairs each rank starts: the work of its top-level step, for the progress. */
  pairWork: Float64Array;
}

function reduce(baskets: Baskets, used: Uint8Array, rankOf: Int32Array, frequentCount: number): Reduced {
  const { offsets, items } = baskets;
  const ranks = new Int32Array(items.length);
  const end = new Int32Array(items.length);
  const perRank = new Int32Array(frequentCount + 1);
  const pairWork = new Float64Array(frequentCount);
  let size = 0;
  for (let b = 0; b < used.length; b++) {
    if (!used[b]) continue;
    const start = size;
    for (let p = offsets[b] ?? 0; p < (offsets[b + 1] ?? 0); p++) {
      const rank = rankOf[items[p] ?? 0] ?? -1;
      if (rank >= 0) ranks[size++] = rank;
    }
    // A basket with one frequent item has no pair in it.
    if (size - start < 2) {
      size = start;
      continue;
    }
    ranks.subarray(start, size).sort();
    for (let p = start; p < size; p++) {
      const rank = ranks[p] ?? 0;
      end[p] = size;
      perRank[rank + 1] = (perRank[rank + 1] ?? 0) + 1;
      pairWork[rank] = (pairWork[rank] ?? 0) + size - p - 1;
    }
  }
  const byRankStart = perRank;
  for (let r = 0; r < frequentCount; r++) byRankStart[r + 1] = (byRankStart[r + 1] ?? 0) + (byRankStart[r] ?? 0);
  const cursor = byRankStart.slice(0, frequentCount);
  const byRank = new Int32Array(size);
  for (let p = 0; p < size; p++) {
    const rank = ranks[p] ?? 0;
    byRank[(cursor[rank] = (cursor[rank] ?? 0) + 1) - 1] = p;
  }
  return { ranks: ranks.subarray(0, size), end: end.subarray(0, size), byRank, byRankStart, pairWork };
}

/** Frequent itemsets of one length, as found: `length` ranks (ascending) per itemset, flat, and their counts. */
interface Found {
  ranks: number[];
  counts: number[];
}

/** Depth-first prefix projection over the reduced baskets; fills found[k] with the itemsets of k + 1 items. */
function mineItemsets(
  reduced: Reduced,
  minCount: number,
  maxLength: number,
  options: Pick<BasketOptions, 'onProgress' | 'throwIfCancelled'>,
): Found[] {
  const { ranks, end, byRank, byRankStart, pairWork } = reduced;
  const frequentCount = pairWork.length;
  const found: Found[] = Array.from({ length: maxLength }, () => ({ ranks: [], counts: [] }));
  // Shared by every step: each step is done with them before it recurses.
  const counts = new Int32Array(frequentCount);
  const slot = new Int32Array(frequentCount).fill(-1);
  const touched = new Int32Array(frequentCount);
  const prefix = new Int32Array(maxLength);

  /** Extends prefix[0 .. depth) whose last item sits at the positions `occurrences`. */
  const extend = (occurrences: Int32Array, depth: number): void => {
    options.throwIfCancelled?.();
    let touchedCount = 0;
    for (const p of occurrences)
      for (let q = p + 1, stop = end[p] ?? 0; q < stop; q++) {
        const rank = ranks[q] ?? 0;
        if ((counts[rank] = (counts[rank] ?? 0) + 1) === 1) touched[touchedCount++] = rank;
      }
    const extensions: number[] = [];
    const extensionCounts: number[] = [];
    const out = found[depth] as Found;
    for (let t = 0; t < touchedCount; t++) {
      const rank = touched[t] ?? 0;
      const count = counts[rank] ?? 0;
      counts[rank] = 0;
      if (count < minCount) continue;
      extensions.push(rank);
      extensionCounts.push(count);
      for (let i = 0; i < depth; i++) out.ranks.push(prefix[i] ?? 0);
      out.ranks.push(rank);
      out.counts.push(count);
    }
    if (depth + 1 >= maxLength || extensions.length === 0) return;
    // Positions of each frequent extension, bucketed in one array: the occurrences of the longer prefixes.
    const starts: number[] = [];
    let total = 0;
    extensions.forEach((rank, i) => {
      starts.push(total);
      slot[rank] = total;
      total += extensionCounts[i] ?? 0;
    });
    const next = new Int32Array(total);
    for (const p of occurrences)
      for (let q = p + 1, stop = end[p] ?? 0; q < stop; q++) {
        const rank = ranks[q] ?? 0;
        const at = slot[rank] ?? -1;
        if (at < 0) continue;
        next[at] = q;
        slot[rank] = at + 1;
      }
    for (const rank of extensions) slot[rank] = -1;
    extensions.forEach((rank, i) => {
      prefix[depth] = rank;
      const start = starts[i] ?? 0;
      extend(next.subarray(start, start + (extensionCounts[i] ?? 0)), depth + 1);
    });
  };

  const totalWork = pairWork.reduce((sum, work) => sum + work, 0);
  let doneWork = 0;
  if (maxLength >= 2)
    for (let rank = 0; rank < frequentCount; rank++) {
      prefix[0] = rank;
      extend(byRank.subarray(byRankStart[rank] ?? 0, byRankStart[rank + 1] ?? 0), 1);
      doneWork += pairWork[rank] ?? 0;
      options.onProgress?.(totalWork > 0 ? doneWork / totalWork : 1);
    }
  return found;
}

const compareItems = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
};

const keyOf = (ranks: readonly number[]) => ranks.join(',');

export function mineBaskets(baskets: Baskets, options: BasketOptions): BasketResult {
  const { maxLength, maxBasketSize } = validateSupport(options);
  const { minConfidence, minLift = -Infinity } = options;
  if (!(minConfidence >= 0 && minConfidence <= 1))
    throw invalid(`The minimum confidence must be a fraction from 0 to 1; got ${minConfidence}.`);
  if (Number.isNaN(minLift)) throw invalid('The minimum lift must be a number.');
  const { used, basketsUsed: n, basketsSkipped, itemCounts } = scan(baskets, maxBasketSize);
  const minCount = n > 0 ? minCountFor(options.minSupport, n) : 1;
  const { itemOfRank, rankOf } = rankFrequentItems(itemCounts, minCount, n);
  const countOfRank = itemOfRank.map((item) => itemCounts[item] ?? 0);
  const found = mineItemsets(reduce(baskets, used, rankOf, itemOfRank.length), minCount, maxLength, options);
  found[0] = { ranks: Array.from(itemOfRank.keys()), counts: Array.from(countOfRank) };

  const itemsets = found.map(({ ranks, counts }, k) =>
    counts
      .map((count, i) => ({
        items: ranks
          .slice(i * (k + 1), (i + 1) * (k + 1))
          .map((rank) => itemOfRank[rank] ?? 0)
          .sort((a, b) => a - b),
        count,
        support: count / n,
      }))
      .sort((a, b) => b.count - a.count || compareItems(a.items, b.items)),
  );

  const rules: AssociationRule[] = [];
  for (let k = 2; k <= maxLength; k++) {
    const { ranks, counts } = found[k - 1] as Found;
    // Antecedents of k − 1 ≥ 2 items are looked up by their ranks, kept ascending as found.
    const shorter = found[k - 2] as Found;
    const antecedentCounts = new Map<string, number>();
    if (k > 2)
      shorter.counts.forEach((count, i) =>
        antecedentCounts.set(keyOf(shorter.ranks.slice(i * (k - 1), i * (k - 1) + k - 1)), count),
      );
    counts.forEach((count, i) => {
      const itemset = ranks.slice(i * k, (i + 1) * k);
      itemset.forEach((consequent, c) => {
        const antecedent = itemset.filter((_, j) => j !== c);
        const antecedentCount =
          k === 2 ? (countOfRank[antecedent[0] ?? 0] ?? 0) : (antecedentCounts.get(keyOf(antecedent)) ?? 0);
        const confidence = count / antecedentCount;
        if (confidence < minConfidence) return;
        // From the counts, so that equal measures compare equal (the rules sort on them) and nothing cancels out.
        const consequentCount = countOfRank[consequent] ?? 0;
        const lift = (count * n) / (antecedentCount * consequentCount);
        if (lift < minLift) return;
        rules.push({
          antecedent: antecedent.map((rank) => itemOfRank[rank] ?? 0).sort((a, b) => a - b),
          consequent: itemOfRank[consequent] ?? 0,
          count,
          support: count / n,
          confidence,
          lift,
          leverage: (count * n - antecedentCount * consequentCount) / (n * n),
          conviction:
            count < antecedentCount
              ? ((n - consequentCount) * antecedentCount) / (n * (antecedentCount - count))
              : null,
        });
      });
    });
  }
  rules.sort(
    (a, b) =>
      b.lift - a.lift ||
      b.confidence - a.confidence ||
      b.support - a.support ||
      compareItems(a.antecedent, b.antecedent) ||
      a.consequent - b.consequent,
  );
  options.onProgress?.(1);
  return { basketsUsed: n, basketsSkipped, minCount, frequentItemCount: itemOfRank.length, itemsets, rules };
}

/**
 * Above this many pairs inside the baskets (Σ C(f, 2)), the estimate does not count the pairs: that takes about
 * half a second per 5 × 10^7 here, and the one-pass bounds are then large enough to say "too many" anyway.
 */
const PAIR_COUNT_WORK = 50_000_000;

/** C(x, k) for a real x, as a float: the bounds only need magnitude, and they can pass 2^53. */
function binomial(x: number, k: number): number {
  let result = 1;
  for (let i = 0; i < k; i++) result = (result * (x - i)) / (i + 1);
  return Math.max(result, 0);
}

/**
 * Kruskal–Katona in Lovász's form: k-itemsets whose (k − 1)-subsets all lie among m sets number at most C(x, k),
 * where C(x, k − 1) = m, x ≥ k − 1 real. Frequent itemsets are closed downwards, so a bound on the frequent
 * itemsets of k − 1 items bounds those of k items.
 */
function shadowBound(m: number, k: number): number {
  if (m < 1) return 0;
  let low = k - 1;
  let high = k - 1 + m;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (binomial(mid, k - 1) < m) low = mid;
    else high = mid;
  }
  // high errs upwards, and the rounding slack keeps C(n, k) from landing a hair below its integer.
  return Math.floor((m * (high - k + 1)) / k + 1e-6);
}

/** Triples whose three pairs are all frequent (Apriori's candidates): the triangles of the frequent-pair graph. */
function countTriangles(pairRanks: readonly number[], frequentCount: number): number {
  const start = new Int32Array(frequentCount + 1);
  for (let i = 0; i < pairRanks.length; i += 2) {
    const lower = pairRanks[i] ?? 0;
    start[lower + 1] = (start[lower + 1] ?? 0) + 1;
  }
  for (let r = 0; r < frequentCount; r++) start[r + 1] = (start[r + 1] ?? 0) + (start[r] ?? 0);
  const cursor = start.slice(0, frequentCount);
  const higher = new Int32Array(pairRanks.length / 2);
  for (let i = 0; i < pairRanks.length; i += 2) {
    const lower = pairRanks[i] ?? 0;
    higher[(cursor[lower] = (cursor[lower] ?? 0) + 1) - 1] = pairRanks[i + 1] ?? 0;
  }
  const neighbourOf = new Int32Array(frequentCount).fill(-1);
  let triangles = 0;
  for (let a = 0; a < frequentCount; a++) {
    for (let p = start[a] ?? 0; p < (start[a + 1] ?? 0); p++) neighbourOf[higher[p] ?? 0] = a;
    for (let p = start[a] ?? 0; p < (start[a + 1] ?? 0); p++) {
      const b = higher[p] ?? 0;
      for (let q = start[b] ?? 0; q < (start[b + 1] ?? 0); q++) if (neighbourOf[higher[q] ?? 0] === a) triangles++;
    }
  }
  return triangles;
}

/**
 * Upper bounds on the frequent itemsets of each length, to warn before mining. One pass over the baskets gives
 * the frequent items and, per length, the lower of the Kruskal–Katona bound from the length below and
 * Σ C(f, k) / minCount; with maxLength ≥ 3 the pairs are also counted exactly (the mining's first step) unless
 * that alone is heavy, and the triples are then bounded by the triples whose pairs are all frequent.
 */
export function estimateItemsets(baskets: Baskets, options: EstimateOptions): ItemsetEstimate {
  const { maxLength, maxBasketSize } = validateSupport(options);
  const limit = options.limit ?? 1_000_000;
  const { used, basketsUsed, basketsSkipped, itemCounts } = scan(baskets, maxBasketSize);
  const minCount = basketsUsed > 0 ? minCountFor(options.minSupport, basketsUsed) : 1;
  const { itemOfRank, rankOf } = rankFrequentItems(itemCounts, minCount, basketsUsed);
  const subsets = new Float64Array(maxLength + 1);
  const { offsets, items } = baskets;
  for (let b = 0; b < used.length; b++) {
    if (!used[b]) continue;
    let f = 0;
    for (let p = offsets[b] ?? 0; p < (offsets[b + 1] ?? 0); p++) if ((rankOf[items[p] ?? 0] ?? -1) >= 0) f++;
    for (let k = 2; k <= Math.min(f, maxLength); k++) subsets[k] = (subsets[k] ?? 0) + Math.round(binomial(f, k));
  }
  const upperBounds = [itemOfRank.length];
  let pairs: number[] | null = null;
  for (let k = 2; k <= maxLength; k++) {
    let bound = Math.min(shadowBound(upperBounds[k - 2] ?? 0, k), Math.floor((subsets[k] ?? 0) / minCount));
    if (k === 2 && maxLength >= 3 && (subsets[2] ?? 0) <= PAIR_COUNT_WORK) {
      const reduced = reduce(baskets, used, rankOf, itemOfRank.length);
      pairs = (mineItemsets(reduced, minCount, 2, {})[1] as Found).ranks;
      bound = pairs.length / 2;
    }
    if (k === 3 && pairs) bound = Math.min(bound, countTriangles(pairs, itemOfRank.length));
    upperBounds.push(bound);
  }
  const upperBound = upperBounds.reduce((sum, bound) => sum + bound, 0);
  return {
    basketsUsed,
    basketsSkipped,
    minCount,
    frequentItemCount: itemOfRank.length,
    upperBounds,
    pairsCounted: pairs !== null,
    upperBound,
    tooMany: upperBound > limit,
  };
}
