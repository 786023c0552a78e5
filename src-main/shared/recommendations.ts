/**
 * The recommendations area's part of the contract: next-best-product lists (evaluate, generate, read) and market
 * basket rules (estimate, mine, read, export), with their job requests and results (merged into contract.ts and
 * dto.ts).
 */
import { z } from 'zod';
import { op } from './op';

/** `popularity` is called `popular` on the command line. */
export const RECOMMEND_METHODS = ['hybrid', 'item-knn', 'content', 'popularity', 'rules'] as const;
export type RecommendMethodName = (typeof RECOMMEND_METHODS)[number];

export type ReasonKind = 'bought-with' | 'popular' | 'similar-text';

/** How lists are cut, shared by evaluation and generation. */
const listOptions = {
  /** Products per customer. */
  k: z.number().int().min(1).max(50).default(10),
  /** "Popular right now" counts the buyers of the last this many days. */
  popularityDays: z.number().int().min(1).max(3650).default(30),
  /** Off for consumables, which customers buy again. */
  excludeBought: z.boolean().default(true),
  /** Leave out products not sold in the last this many days (discontinued, out of season). */
  soldWithinDays: z.number().int().min(1).max(3650).optional(),
  maxPerCategory: z.number().int().min(1).max(50).optional(),
};

export const recommendOptionsSchema = z
  .object({ method: z.enum(RECOMMEND_METHODS).default('hybrid'), ...listOptions })
  .strict();
export type RecommendOptions = z.output<typeof recommendOptionsSchema>;

export const evaluateOptionsSchema = z
  .object({
    /** Train on purchases before this moment (epoch ms), test on what came after. */
    splitDate: z.number().int(),
    ...listOptions,
  })
  .strict();
export type EvaluateOptions = z.output<typeof evaluateOptionsSchema>;

export const basketOptionsSchema = z
  .object({
    /**
     * 0.01 by default: on the demo's 382 baskets that is a pair seen in 4 orders (177 pairs); 0.005 would accept
     * pairs seen twice, 6,000 rules of mostly chance.
     */
    minSupport: z.number().gt(0).max(1).default(0.01),
    minConfidence: z.number().min(0).max(1).default(0.1),
    minLift: z.number().min(0).max(10_000).optional(),
    /** 2: pairs and 1 → 1 rules; 3 and 4 add n → 1 rules. */
    maxLength: z.number().int().min(2).max(4).default(2),
    /** Orders with more products than this (wholesale, stock counts) are left out. */
    maxBasketSize: z.number().int().min(2).max(100_000).default(50),
  })
  .strict();
export type BasketRunOptions = z.output<typeof basketOptionsSchema>;

export const BASKET_SORTS = ['lift', 'confidence', 'support', 'leverage', 'conviction'] as const;
export type BasketSort = (typeof BASKET_SORTS)[number];

export interface RecommendWarning {
  code:
    | 'NO_TEXT'
    | 'NO_CATEGORIES'
    | 'COLD_START'
    | 'CONTENT_SKIPPED'
    | 'BASKETS_SKIPPED'
    | 'FEW_BASKETS'
    | 'NO_RULES'
    | 'SHORT_LISTS';
  /** The number the warning is about (products, customers, baskets). */
  count: number;
  message: string;
}

export interface ProductRef {
  productId: number;
  sku: string;
  /** The product's name, else its description, else null. */
  name: string | null;
}

/** What the recommendations page needs before anything runs. */
export interface RecommendationsStatus {
  customers: number;
  customersWithPurchases: number;
  products: number;
  productsSold: number;
  /** Products with neither a name nor a description: content-based suggestions cannot reach them. */
  productsWithoutText: number;
  categories: number;
  baskets: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  /** Four fifths of the way through the purchases, on a day boundary (UTC). */
  suggestedSplitAt: number | null;
  latestRun: RecommendRunSummary | null;
  latestBasket: BasketSummary | null;
}

export interface MethodScore {
  method: RecommendMethodName;
  precision: number;
  recall: number;
  hitRate: number;
  coverage: number;
}

export interface RecommendEvaluation {
  createdAt: number;
  options: EvaluateOptions;
  /** Customers with purchases before the split and something new after it. */
  users: number;
  trainLines: number;
  testLines: number;
  /** popularity first (the baseline), then the others. */
  methods: MethodScore[];
  warnings: RecommendWarning[];
}

export interface RecommendRunSummary {
  runId: number;
  createdAt: number;
  options: RecommendOptions;
  customers: number;
  /** Customers with no purchase: their lists are the popular products. */
  coldStart: number;
  /** Distinct products in some list. */
  productsRecommended: number;
  rows: number;
  durationMs: number;
  warnings: RecommendWarning[];
}

export interface RecommendationItem {
  rank: number;
  product: ProductRef;
  score: number;
  method: RecommendMethodName;
  reasonKind: ReasonKind;
  /** The purchase (or similar product) that led to it; null for "popular right now". */
  reasonProduct: ProductRef | null;
}

export interface CustomerRecommendations {
  run: { runId: number; createdAt: number; method: RecommendMethodName } | null;
  coldStart: boolean;
  items: RecommendationItem[];
}

export interface RecommendationRow extends RecommendationItem {
  customerId: number;
  externalId: string;
}

export interface BasketEstimate {
  baskets: number;
  basketsSkipped: number;
  minCount: number;
  frequentItems: number;
  /** At most this many frequent itemsets of 1, 2, … items. */
  upperBounds: number[];
  upperBound: number;
  tooMany: boolean;
  /** The itemset count above which mining is refused. */
  limit: number;
}

export interface BasketSummary {
  runId: number;
  createdAt: number;
  options: BasketRunOptions;
  baskets: number;
  basketsSkipped: number;
  minCount: number;
  frequentItems: number;
  /** Frequent itemsets of 1, 2, … items. */
  itemsetsByLength: number[];
  rules: number;
  durationMs: number;
  warnings: RecommendWarning[];
}

export interface BasketRuleRow {
  rank: number;
  antecedent: ProductRef[];
  consequent: ProductRef;
  count: number;
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  /** null: infinite (the consequent came with the antecedent every time). */
  conviction: number | null;
}

const rowId = z.number().int().positive();
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) };
const empty = z.object({}).strict();

export const recommendationsOperations = {
  'recommendations.status': op<RecommendationsStatus>()(empty, ['NO_PROJECT']),
  /** The latest run's list for one customer (the customer page card). */
  'recommendations.forCustomer': op<CustomerRecommendations>()(z.object({ customerId: rowId }).strict(), [
    'NO_PROJECT',
    'NOT_FOUND',
  ]),
  /** The latest run's lists, customer by customer, rank by rank. */
  'recommendations.list': op<{ total: number; rows: RecommendationRow[] }>()(
    z.object({ search: z.string().max(200).default(''), ...page }).strict(),
    ['NO_PROJECT'],
  ),
  /** How many itemsets the options would give, before mining (refused when tooMany). */
  'recommendations.basketEstimate': op<BasketEstimate>()(basketOptionsSchema, ['NO_PROJECT']),
  'recommendations.basketRules': op<{ total: number; rows: BasketRuleRow[] }>()(
    z
      .object({
        sort: z.enum(BASKET_SORTS).default('lift'),
        descending: z.boolean().default(true),
        search: z.string().max(200).default(''),
        ...page,
      })
      .strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
  /** Every rule of the latest basket run as CSV text, with product names, for download. */
  'recommendations.basketCsv': op<{ fileName: string; csv: string }>()(empty, ['NO_PROJECT', 'NOT_FOUND']),
} as const;

/** Requests `jobs.start` accepts for this area's long work (each a strict object with a literal `kind`). */
export const RECOMMENDATIONS_JOB_REQUESTS = [
  evaluateOptionsSchema.extend({ kind: z.literal('recommend-evaluate') }).strict(),
  recommendOptionsSchema.extend({ kind: z.literal('recommend') }).strict(),
  basketOptionsSchema.extend({ kind: z.literal('basket') }).strict(),
] as const;

/** The result each of this area's job kinds carries once it has succeeded. */
export interface RecommendationsJobResults {
  'recommend-evaluate': RecommendEvaluation;
  recommend: RecommendRunSummary;
  basket: BasketSummary;
}
