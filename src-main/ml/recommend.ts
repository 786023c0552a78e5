/**
 * Next-best-product recommendations from purchase history: popularity, item-to-item collaborative filtering,
 * text similarity, basket co-purchase rules, and the hybrid blend of them that the app uses by default.
 *
 * Why item-to-item neighbours rather than matrix factorisation: a shop's history is a few thousand products
 * bought by customers who mostly buy a handful; neighbour lists fit in seconds without tuning epochs, each
 * suggestion can name the purchase that led to it ("bought with …"), and on Online Retail's time split cosine
 * neighbours already beat popularity by a third (../shared/data/references/README.md). Cutting each product
 * to its 50 closest neighbours and shrinking pairs seen together only a few times lift hit rate@10 there from
 * 0.342 to 0.40; the hybrid adds what sold in the last 30 days (the shop is seasonal) and what reads alike, which
 * also reaches products few have bought, for 0.50. Measured in bench/recommend.ts.
 */
import { CoreError } from '../shared/errors';
import { itemNeighbours, textNeighbours } from './recommend-similarity';
import { csrFromPairs, entry, type Csr } from './sparse';

export type RecommendMethod = 'popularity' | 'item-knn' | 'content' | 'rules' | 'hybrid';

/** Purchase lines, as parallel arrays; customers and products are indexes the caller maps to its ids. */
export interface Interactions {
  userCount: number;
  itemCount: number;
  user: Int32Array;
  item: Int32Array;
  /** When each line was bought, in milliseconds since the epoch. */
  time: Float64Array;
  /** The order (basket) of each line; only co-purchase rules need it. */
  order?: Int32Array;
}

/**
 * Weights of the hybrid's parts. Each neighbour part is first scaled to 0..1 by the customer's best score in it,
 * popularity by the catalogue's most popular product.
 */
export interface Blend {
  itemKnn: number;
  popularity: number;
  content: number;
  rules: number;
}

export interface RecommenderOptions {
  /** Default 'hybrid'. */
  method?: RecommendMethod;
  /** The moment (ms) that popularity windows, recency and "sold within" count back from. Default: the last purchase. */
  now?: number;
  /** Popularity counts the customers who bought in the last this many days. Default 30; Infinity for all history. */
  popularityDays?: number;
  /** λ of the shrinkage sim · n_ij / (n_ij + λ) for item-kNN and rules. Default 20; 0 for plain cosine. */
  shrinkage?: number;
  /** Neighbours kept per product recommended, for item-kNN and rules. Default 50; Infinity for all. */
  neighbours?: number;
  /** A customer's purchase this many days old counts half as much as one made today. Default: no decay. */
  recencyHalfLifeDays?: number;
  /** Name and description of each product, joined; content-based scores need it, the hybrid uses it if given. */
  itemText?: readonly (string | null | undefined)[];
  /** Text neighbours kept per product. Default 50. */
  textNeighbours?: number;
  /** Hybrid weights; parts left out take the defaults. */
  blend?: Partial<Blend>;
}

export interface RecommenderModel {
  method: RecommendMethod;
  userCount: number;
  itemCount: number;
  now: number;
  /** customers × products; each value is the time of the customer's latest purchase of the product. */
  userItems: Csr;
  /** Distinct buyers in the popularity window. */
  popularity: Float64Array;
  /** Every product ever sold, most popular first; ties go to more buyers over all history, then the lower index. */
  popularOrder: Int32Array;
  /** Time of each product's latest sale; −Infinity if never sold. */
  lastSold: Float64Array;
  /** product × product similarity lists, or null where the method does not use them. */
  itemKnn: Csr | null;
  rules: Csr | null;
  content: Csr | null;
  blend: Blend;
  recencyHalfLifeDays: number | null;
}

export type RecommendationReason =
  { kind: 'bought-with'; productIndex: number } | { kind: 'popular' } | { kind: 'similar-text'; productIndex: number };

export interface Recommendation {
  productIndex: number;
  score: number;
  reason: RecommendationReason;
}

export interface UserRecommendations {
  user: number;
  /** No purchase history: the list is the popular products. */
  coldStart: boolean;
  items: Recommendation[];
}

export interface RecommendOptions {
  /** Products per customer. Default 10. */
  k?: number;
  /** Leave out what the customer already bought. Default true; turn off for consumables bought again. */
  excludeBought?: boolean;
  /** Leave out products not sold in the last this many days (discontinued or out of season). */
  soldWithinDays?: number;
  /** At most this many products of one category per list; needs `categories`. */
  maxPerCategory?: number;
  /** Category id of each product; −1 for none (never capped). */
  categories?: ArrayLike<number>;
  /** Which customers; default all. */
  users?: ArrayLike<number>;
}

/**
 * Tuned on Online Retail at the 2011-11-01 split and checked at 2011-10-01 (bench/recommend.ts): recent popularity
 * weighs as much as the neighbours because the shop is seasonal; text a little, as it mostly repeats what the
 * neighbours know; rules not at all, as they add nothing to the neighbours there (hit rate 0.50 → 0.48).
 */
export const DEFAULT_BLEND: Blend = { itemKnn: 1, popularity: 1, content: 0.2, rules: 0 };
export const DAY_MS = 86_400_000;

const invalid = (message: string) => new CoreError('VALIDATION', message);

function validateInteractions(data: Interactions): void {
  const { userCount, itemCount, user, item, time, order } = data;
  if (!(Number.isInteger(userCount) && userCount >= 0 && Number.isInteger(itemCount) && itemCount >= 0))
    throw invalid('The numbers of customers and products must be whole numbers from 0.');
  if (item.length !== user.length || time.length !== user.length || (order && order.length !== user.length))
    throw invalid('Customers, products, times and orders must have one value per purchase line.');
  if (!time.every(Number.isFinite)) throw invalid('Every purchase line needs a valid time.');
}

function validateFitOptions(options: RecommenderOptions): void {
  const positive: [string, number | undefined][] = [
    ['popularity window', options.popularityDays],
    ['recency half-life', options.recencyHalfLifeDays],
  ];
  for (const [name, value] of positive)
    if (value !== undefined && !(value > 0)) throw invalid(`The ${name} must be more than 0 days; got ${value}.`);
  for (const [part, weight] of Object.entries(options.blend ?? {}))
    if (!(weight >= 0)) throw invalid(`The ${part} weight of the blend must be zero or more; got ${weight}.`);
}

function popularityOf(userItems: Csr, since: number): { popularity: Float64Array; popularOrder: Int32Array } {
  const popularity = new Float64Array(userItems.colCount);
  const allTime = new Float64Array(userItems.colCount);
  userItems.indices.forEach((item, e) => {
    allTime[item] = (allTime[item] ?? 0) + 1;
    if ((userItems.values[e] ?? -Infinity) >= since) popularity[item] = (popularity[item] ?? 0) + 1;
  });
  const order: number[] = [];
  allTime.forEach((count, item) => {
    if (count > 0) order.push(item);
  });
  order.sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0) || (allTime[b] ?? 0) - (allTime[a] ?? 0) || a - b);
  return { popularity, popularOrder: Int32Array.from(order) };
}

function binary(matrix: Csr): Csr {
  return { ...matrix, values: new Float64Array(matrix.indices.length).fill(1) };
}

/** Builds what the chosen method needs from the purchase lines: the similarity lists are the costly part. */
export function fitRecommender(data: Interactions, options: RecommenderOptions = {}): RecommenderModel {
  validateInteractions(data);
  validateFitOptions(options);
  const method = options.method ?? 'hybrid';
  const { userCount, itemCount } = data;
  const blend: Blend = { ...DEFAULT_BLEND, ...options.blend };
  const texts = options.itemText;
  if (texts && texts.length !== itemCount) throw invalid(`${texts.length} product texts for ${itemCount} products.`);
  if (method === 'content' && !texts) throw invalid('Content-based recommendations need the product texts.');
  const wantsRules = method === 'rules' || (method === 'hybrid' && blend.rules > 0);
  if (wantsRules && !data.order) throw invalid('Co-purchase rules need the order of each purchase line.');

  const userItems = csrFromPairs(data.user, data.item, {
    rowCount: userCount,
    colCount: itemCount,
    weights: data.time,
    combine: 'max',
  });
  const now = options.now ?? data.time.reduce((latest, t) => Math.max(latest, t), -Infinity);
  const since = now - (options.popularityDays ?? 30) * DAY_MS;
  const lastSold = new Float64Array(itemCount).fill(-Infinity);
  data.item.forEach((item, line) => {
    lastSold[item] = Math.max(lastSold[item] ?? -Infinity, data.time[line] ?? -Infinity);
  });
  const neighbours = { shrinkage: options.shrinkage ?? 20, neighbours: options.neighbours ?? 50 };
  const itemKnn =
    method === 'item-knn' || (method === 'hybrid' && blend.itemKnn > 0)
      ? itemNeighbours(binary(userItems), { measure: 'cosine', ...neighbours })
      : null;
  let rules: Csr | null = null;
  if (wantsRules && data.order) {
    const baskets = data.order.reduce((max, o) => Math.max(max, o + 1), 0);
    rules = itemNeighbours(csrFromPairs(data.order, data.item, { rowCount: baskets, colCount: itemCount }), {
      measure: 'confidence',
      ...neighbours,
    });
  }
  const content =
    texts && (method === 'content' || (method === 'hybrid' && blend.content > 0))
      ? textNeighbours(texts, { neighbours: options.textNeighbours })
      : null;
  return {
    method,
    userCount,
    itemCount,
    now,
    userItems,
    ...popularityOf(userItems, since),
    lastSold,
    itemKnn,
    rules,
    content,
    blend,
    recencyHalfLifeDays: options.recencyHalfLifeDays ?? null,
  };
}

interface Part {
  neighbours: Csr;
  weight: number;
  reason: 'bought-with' | 'similar-text';
  score: Float64Array;
  /** Factor of the part's scores in the final score: its weight, divided in the hybrid by the customer's best. */
  scale: number;
}

function partsOf(model: RecommenderModel): Part[] {
  const n = model.itemCount;
  const part = (neighbours: Csr | null, weight: number, reason: Part['reason']): Part[] =>
    neighbours && weight > 0
      ? [
          {
            neighbours,
            weight,
            reason,
            score: new Float64Array(n),
            scale: weight,
          },
        ]
      : [];
  switch (model.method) {
    case 'popularity':
      return [];
    case 'item-knn':
      return part(model.itemKnn, 1, 'bought-with');
    case 'rules':
      return part(model.rules, 1, 'bought-with');
    case 'content':
      return part(model.content, 1, 'similar-text');
    case 'hybrid':
      return [
        ...part(model.itemKnn, model.blend.itemKnn, 'bought-with'),
        ...part(model.rules, model.blend.rules, 'bought-with'),
        ...part(model.content, model.blend.content, 'similar-text'),
      ];
  }
}

/** The best k candidates, kept sorted; with a category cap, a candidate may only displace one of its category. */
class TopList {
  readonly items: number[] = [];
  readonly scores: number[] = [];
  /** The k-th score once the list is full: anything lower can be turned away without a look. */
  floor = -Infinity;

  constructor(
    private readonly k: number,
    /** Position of each product in popularOrder; products never sold come after, by index. */
    private readonly rank: Int32Array,
    private readonly categories: ArrayLike<number> | undefined,
    private readonly cap: number,
  ) {}

  /** Score first, then popularity: the same data always gives the same list. */
  private beats(item: number, score: number, at: number): boolean {
    const otherScore = this.scores[at] ?? 0;
    if (score !== otherScore) return score > otherScore;
    return (this.rank[item] ?? 0) < (this.rank[this.items[at] ?? 0] ?? 0);
  }

  /** Whether the candidate would rank within the k, category caps aside. */
  admits(item: number, score: number): boolean {
    return this.items.length < this.k || this.beats(item, score, this.k - 1);
  }

  offer(item: number, score: number): void {
    // A product that would not make the list without caps cannot make it with them either.
    if (!this.admits(item, score)) return;
    const category = this.categories?.[item] ?? -1;
    if (this.categories && category >= 0) {
      let same = 0;
      let lowest = -1;
      this.items.forEach((other, at) => {
        if (this.categories?.[other] === category) {
          same++;
          lowest = at;
        }
      });
      if (same >= this.cap) {
        if (!this.beats(item, score, lowest)) return;
        this.items.splice(lowest, 1);
        this.scores.splice(lowest, 1);
      }
    }
    let at = this.items.length;
    while (at > 0 && this.beats(item, score, at - 1)) at--;
    this.items.splice(at, 0, item);
    this.scores.splice(at, 0, score);
    if (this.items.length > this.k) {
      this.items.pop();
      this.scores.pop();
    }
    if (this.items.length === this.k) this.floor = this.scores[this.k - 1] ?? -Infinity;
  }
}

function validateRecommendOptions(model: RecommenderModel, options: RecommendOptions): void {
  const k = options.k ?? 10;
  if (!(Number.isInteger(k) && k >= 1))
    throw invalid(`The number of recommendations must be a whole number from 1; got ${k}.`);
  if (options.soldWithinDays !== undefined && !(options.soldWithinDays > 0))
    throw invalid(`The "sold within" window must be more than 0 days; got ${options.soldWithinDays}.`);
  if (options.maxPerCategory !== undefined) {
    if (!(Number.isInteger(options.maxPerCategory) && options.maxPerCategory >= 1))
      throw invalid(`The per-category cap must be a whole number from 1; got ${options.maxPerCategory}.`);
    if (!options.categories) throw invalid('A per-category cap needs the category of each product.');
  }
  if (options.categories && options.categories.length !== model.itemCount)
    throw invalid(`${options.categories.length} categories for ${model.itemCount} products.`);
  for (const user of Array.from(options.users ?? []))
    if (!(Number.isInteger(user) && user >= 0 && user < model.userCount))
      throw invalid(`Customer ${user} is outside 0..${model.userCount - 1}.`);
}

/**
 * One customer at a time, in scratch arrays as long as the catalogue that are shared by all customers and cleaned
 * through the list of products touched: a customer costs what their neighbours cost, not the catalogue.
 */
class Scorer {
  private readonly parts: Part[];
  private readonly popularityWeight: number;
  private readonly maxPopularity: number;
  private readonly halfLife: number | null;
  private readonly excludeBought: boolean;
  /** 1 for the products the filters allow to be recommended at all. */
  private readonly onSale: Uint8Array;
  private readonly rank: Int32Array;
  /** Stamps: equal to the current customer's stamp when bought / touched; never cleared. */
  private readonly bought: Int32Array;
  private readonly touchedMark: Int32Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private stamp = 0;

  constructor(
    private readonly model: RecommenderModel,
    private readonly options: RecommendOptions,
  ) {
    const { itemCount, popularity, popularOrder, lastSold, method, blend } = model;
    this.parts = partsOf(model);
    this.popularityWeight = method === 'popularity' ? 1 : method === 'hybrid' ? blend.popularity : 0;
    this.maxPopularity = popularity[popularOrder[0] ?? 0] || 1;
    this.halfLife = model.recencyHalfLifeDays === null ? null : model.recencyHalfLifeDays * DAY_MS;
    this.excludeBought = options.excludeBought ?? true;
    const soldSince = options.soldWithinDays === undefined ? -Infinity : model.now - options.soldWithinDays * DAY_MS;
    this.onSale = Uint8Array.from(lastSold, (t) => (t >= soldSince ? 1 : 0));
    this.rank = Int32Array.from({ length: itemCount }, (_, item) => popularOrder.length + item);
    popularOrder.forEach((item, at) => (this.rank[item] = at));
    this.bought = new Int32Array(itemCount);
    this.touchedMark = new Int32Array(itemCount);
    this.touched = new Int32Array(itemCount);
  }

  private eligible(item: number): boolean {
    return this.onSale[item] === 1 && !(this.excludeBought && this.bought[item] === this.stamp);
  }

  /** How much the customer's purchase at userItems entry e counts: halved every half-life. */
  private weight(e: number): number {
    const { now, userItems } = this.model;
    return this.halfLife === null ? 1 : 0.5 ** ((now - (userItems.values[e] ?? 0)) / this.halfLife);
  }

  /** Adds the neighbours of each of the customer's products to the part's scores. The hot loop. */
  private accumulate(part: Part, start: number, end: number): void {
    const { indptr, indices, values } = part.neighbours;
    const { score } = part;
    const { touchedMark, touched, stamp } = this;
    const own = this.model.userItems.indices;
    let count = this.touchedCount;
    for (let e = start; e < end; e++) {
      const weight = this.weight(e);
      const from = own[e] ?? 0;
      const stop = indptr[from + 1] ?? 0;
      for (let f = indptr[from] ?? 0; f < stop; f++) {
        const item = indices[f] ?? 0;
        if (touchedMark[item] !== stamp) {
          touchedMark[item] = stamp;
          touched[count++] = item;
        }
        score[item] = (score[item] ?? 0) + weight * (values[f] ?? 0);
      }
    }
    this.touchedCount = count;
  }

  /**
   * The customer's product that gave the most to the part's score of `item`. Looked up only for the k products
   * listed, rather than tracked for every product touched: that would double the work of the hot loop.
   */
  private strongestSource(part: Part, item: number, start: number, end: number): number {
    let source = -1;
    let strongest = 0;
    for (let e = start; e < end; e++) {
      const from = this.model.userItems.indices[e] ?? 0;
      const contribution = this.weight(e) * entry(part.neighbours, from, item);
      if (contribution > strongest) {
        strongest = contribution;
        source = from;
      }
    }
    return source;
  }

  /**
   * In the hybrid, each part is scaled by its best eligible score for this customer, so that the blend weights
   * mean the same for a customer with 3 purchases as for one with 300. A single method keeps its own scores.
   */
  private scaleParts(): void {
    if (this.model.method !== 'hybrid') return;
    for (const part of this.parts) {
      let max = 0;
      for (let t = 0; t < this.touchedCount; t++) {
        const item = this.touched[t] ?? 0;
        const score = part.score[item] ?? 0;
        if (score > max && this.eligible(item)) max = score;
      }
      part.scale = max > 0 ? part.weight / max : 0;
    }
  }

  private popularityScore(item: number): number {
    return (this.popularityWeight * (this.model.popularity[item] ?? 0)) / this.maxPopularity;
  }

  private blended(item: number): number {
    let score = this.popularityScore(item);
    if (this.touchedMark[item] === this.stamp)
      for (let p = 0; p < this.parts.length; p++) {
        const part = this.parts[p] as Part;
        score += (part.score[item] ?? 0) * part.scale;
      }
    return score;
  }

  /** The part that gave the most to the product's score names the reason; a purchase wins a tie with popularity. */
  private reason(item: number, start: number, end: number): RecommendationReason {
    let strongest = this.popularityScore(item);
    let chosen: Part | null = null;
    if (this.touchedMark[item] === this.stamp)
      for (const part of this.parts) {
        const share = (part.score[item] ?? 0) * part.scale;
        if (share > 0 && share >= strongest) {
          strongest = share;
          chosen = part;
        }
      }
    return chosen
      ? { kind: chosen.reason, productIndex: this.strongestSource(chosen, item, start, end) }
      : { kind: 'popular' };
  }

  recommend(user: number): UserRecommendations {
    const { userItems, popularOrder } = this.model;
    const start = userItems.indptr[user] ?? 0;
    const end = userItems.indptr[user + 1] ?? 0;
    this.stamp++;
    this.touchedCount = 0;
    for (let e = start; e < end; e++) this.bought[userItems.indices[e] ?? 0] = this.stamp;
    for (const part of this.parts) this.accumulate(part, start, end);
    this.scaleParts();
    const top = new TopList(
      this.options.k ?? 10,
      this.rank,
      this.options.categories,
      this.options.maxPerCategory ?? Infinity,
    );
    for (let t = 0; t < this.touchedCount; t++) {
      const item = this.touched[t] ?? 0;
      if (!this.eligible(item)) continue;
      const score = this.blended(item);
      if (score >= top.floor) top.offer(item, score);
    }
    // Popular products both take part in the blend and fill lists the neighbours cannot. An untouched product
    // scores its popularity alone, which falls along popularOrder: once one cannot enter, none after it can.
    for (const item of popularOrder) {
      if (this.touchedMark[item] === this.stamp || !this.eligible(item)) continue;
      const score = this.blended(item);
      if (!top.admits(item, score)) break;
      top.offer(item, score);
    }
    const items = top.items.map((item, at): Recommendation => ({
      productIndex: item,
      score: top.scores[at] ?? 0,
      reason: this.reason(item, start, end),
    }));
    for (const part of this.parts) for (let t = 0; t < this.touchedCount; t++) part.score[this.touched[t] ?? 0] = 0;
    return { user, coldStart: start === end, items };
  }
}

/** Top-k products for each customer (all, or those asked for), best first, each with why it was chosen. */
export function recommend(model: RecommenderModel, options: RecommendOptions = {}): UserRecommendations[] {
  validateRecommendOptions(model, options);
  const scorer = new Scorer(model, options);
  const users = options.users ? Array.from(options.users) : Array.from({ length: model.userCount }, (_, u) => u);
  return users.map((user) => scorer.recommend(user));
}
