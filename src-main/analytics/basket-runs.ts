/**
 * Market basket analysis on the project's orders: each valid order is a basket of the products on its lines
 * (anonymous orders too: a basket needs no customer). The size of the result is estimated before mining and an
 * explosion is refused; the rules of the latest run are kept in `basket_rules` for the table, the network chart
 * and the CSV export.
 */
import { basketsFromPairs, estimateItemsets, mineBaskets, type Baskets } from '../ml/basket';
import { csvLine } from '../io/csv-write';
import { CoreError } from '../shared/errors';
import type {
  BasketEstimate,
  BasketRuleRow,
  BasketRunOptions,
  BasketSort,
  BasketSummary,
  ProductRef,
  RecommendWarning,
} from '../shared/recommendations';
import type { Db } from '../store/connection';
import { isoDay, purchaseLinesSql, type WorkProgress } from './recommend-data';

/** More frequent itemsets than this and mining is refused: it would take minutes and the rules would be noise. */
export const ITEMSET_LIMIT = 500_000;
/** Fewer baskets than this and rules are fragile: a pair seen in a few orders may be chance. */
const FEW_BASKETS = 100;

export interface ProjectBaskets {
  baskets: Baskets;
  /** products.id of each item index. */
  productIds: Int32Array;
}

export function loadBaskets(db: Db): ProjectBaskets {
  const orderIndex = new Map<number, number>();
  const itemIndex = new Map<number, number>();
  const basketIds: number[] = [];
  const itemIds: number[] = [];
  const lines = db
    .prepare(purchaseLinesSql(false))
    .raw()
    .iterate({ before: Number.MAX_SAFE_INTEGER }) as IterableIterator<[number | null, number, number, number]>;
  for (const [, productId, , orderId] of lines) {
    let basket = orderIndex.get(orderId);
    if (basket === undefined) orderIndex.set(orderId, (basket = orderIndex.size));
    let item = itemIndex.get(productId);
    if (item === undefined) itemIndex.set(productId, (item = itemIndex.size));
    basketIds.push(basket);
    itemIds.push(item);
  }
  return {
    baskets: basketsFromPairs(Int32Array.from(basketIds), Int32Array.from(itemIds)),
    productIds: Int32Array.from(itemIndex.keys()),
  };
}

function checkBaskets(baskets: Baskets, used: number, options: BasketRunOptions): void {
  const total = baskets.offsets.length - 1;
  if (total === 0)
    throw new CoreError(
      'VALIDATION',
      'There is no completed order with products yet, so there are no baskets to analyse. Import order lines first.',
    );
  if (used === 0)
    throw new CoreError(
      'VALIDATION',
      `Every order has more than ${options.maxBasketSize} products, so none was used. Raise the largest basket size.`,
    );
}

export function estimateProjectBaskets(db: Db, options: BasketRunOptions, loaded = loadBaskets(db)): BasketEstimate {
  const estimate = estimateItemsets(loaded.baskets, {
    minSupport: options.minSupport,
    maxLength: options.maxLength,
    maxBasketSize: options.maxBasketSize,
    limit: ITEMSET_LIMIT,
  });
  checkBaskets(loaded.baskets, estimate.basketsUsed, options);
  return {
    baskets: estimate.basketsUsed,
    basketsSkipped: estimate.basketsSkipped,
    minCount: estimate.minCount,
    frequentItems: estimate.frequentItemCount,
    upperBounds: estimate.upperBounds,
    upperBound: estimate.upperBound,
    tooMany: estimate.tooMany,
    limit: ITEMSET_LIMIT,
  };
}

function basketWarnings(summary: Omit<BasketSummary, 'runId' | 'warnings' | 'durationMs'>): RecommendWarning[] {
  const warnings: RecommendWarning[] = [];
  const { basketsSkipped, baskets, rules, options } = summary;
  if (basketsSkipped > 0)
    warnings.push({
      code: 'BASKETS_SKIPPED',
      count: basketsSkipped,
      message: `${basketsSkipped} orders with more than ${options.maxBasketSize} products were left out: one such order alone makes all its products look bought together.`,
    });
  if (baskets < FEW_BASKETS)
    warnings.push({
      code: 'FEW_BASKETS',
      count: baskets,
      message: `Only ${baskets} orders were analysed: with so few, a rule may be chance. Read the rules as hints.`,
    });
  if (rules === 0)
    warnings.push({
      code: 'NO_RULES',
      count: 0,
      message: 'No rule reaches these thresholds. Lower the minimum support or the minimum confidence.',
    });
  return warnings;
}

export function runBasketAnalysis(
  db: Db,
  options: BasketRunOptions,
  ctx: WorkProgress,
  now = Date.now(),
): BasketSummary {
  const started = performance.now();
  ctx.progress(0.02, 'load');
  const loaded = loadBaskets(db);
  ctx.throwIfCancelled();
  ctx.progress(0.1, 'estimate');
  const estimate = estimateProjectBaskets(db, options, loaded);
  if (estimate.tooMany)
    throw new CoreError(
      'VALIDATION',
      `At a minimum support of ${options.minSupport} (${estimate.minCount} of ${estimate.baskets} orders), up to ${Math.round(estimate.upperBound).toLocaleString('en')} product combinations could qualify, more than the ${ITEMSET_LIMIT.toLocaleString('en')} MarketLens mines: it would take very long and most rules would be chance. Raise the minimum support or shorten the longest itemset.`,
    );
  ctx.progress(0.2, 'mine');
  const result = mineBaskets(loaded.baskets, {
    minSupport: options.minSupport,
    minConfidence: options.minConfidence,
    ...(options.minLift !== undefined && { minLift: options.minLift }),
    maxLength: options.maxLength,
    maxBasketSize: options.maxBasketSize,
    onProgress: (fraction) => ctx.progress(0.2 + 0.6 * fraction, 'mine'),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  });
  ctx.progress(0.8, 'store');
  const counted = {
    createdAt: now,
    options,
    baskets: result.basketsUsed,
    basketsSkipped: result.basketsSkipped,
    minCount: result.minCount,
    frequentItems: result.frequentItemCount,
    itemsetsByLength: result.itemsets.map((sets) => sets.length),
    rules: result.rules.length,
  };
  const { productIds } = loaded;
  const runId = db.transaction(() => {
    // Only the latest run is kept: its rules are what the table, the chart and the export show.
    db.prepare('DELETE FROM basket_runs').run();
    const id = Number(
      db
        .prepare('INSERT INTO basket_runs (created_at, options_json, summary_json) VALUES (?, ?, ?)')
        .run(now, JSON.stringify(options), '{}').lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO basket_rules (run_id, rank, antecedent_json, antecedent_size, consequent_id, basket_count, support,
         confidence, lift, leverage, conviction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    result.rules.forEach((rule, at) => {
      if (at % 10_000 === 0) ctx.throwIfCancelled();
      const antecedent = rule.antecedent.map((item) => productIds[item] ?? 0).sort((a, b) => a - b);
      insert.run(
        id,
        at + 1,
        JSON.stringify(antecedent),
        antecedent.length,
        productIds[rule.consequent],
        rule.count,
        rule.support,
        rule.confidence,
        rule.lift,
        rule.leverage,
        rule.conviction,
      );
    });
    return id;
  })();
  const kept = { ...counted, durationMs: Math.round(performance.now() - started), warnings: basketWarnings(counted) };
  db.prepare('UPDATE basket_runs SET summary_json = ? WHERE id = ?').run(JSON.stringify(kept), runId);
  ctx.progress(1, null);
  return { runId, ...kept };
}

export function latestBasketRun(db: Db): BasketSummary | null {
  const row = db.prepare('SELECT id, summary_json FROM basket_runs ORDER BY id DESC LIMIT 1').get() as
    { id: number; summary_json: string } | undefined;
  return row ? { runId: row.id, ...(JSON.parse(row.summary_json) as Omit<BasketSummary, 'runId'>) } : null;
}

function requireBasketRun(db: Db): BasketSummary {
  const run = latestBasketRun(db);
  if (!run) throw new CoreError('NOT_FOUND', 'There is no market basket analysis yet. Run one first.');
  return run;
}

/** Column of each sort; conviction sorts its infinite values (NULL) above every finite one. */
const SORT_SQL: Record<BasketSort, (direction: 'ASC' | 'DESC') => string> = {
  lift: (d) => `lift ${d}`,
  confidence: (d) => `confidence ${d}`,
  support: (d) => `support ${d}`,
  leverage: (d) => `leverage ${d}`,
  conviction: (d) => `(conviction IS NULL) ${d}, conviction ${d}`,
};

interface RuleRow {
  rank: number;
  antecedent_json: string;
  consequent_id: number;
  basket_count: number;
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  conviction: number | null;
}

function productRefs(db: Db, ids: readonly number[]): Map<number, ProductRef> {
  const rows = db
    .prepare(
      `SELECT id AS productId, sku, coalesce(nullif(trim(name), ''), nullif(trim(description), '')) AS name
       FROM products WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify([...new Set(ids)])) as ProductRef[];
  return new Map(rows.map((row) => [row.productId, row]));
}

function toRuleRows(db: Db, rows: RuleRow[]): BasketRuleRow[] {
  const antecedents = rows.map((row) => JSON.parse(row.antecedent_json) as number[]);
  const refs = productRefs(db, [...antecedents.flat(), ...rows.map((row) => row.consequent_id)]);
  // A product deleted since the run keeps its id and loses its name.
  const ref = (id: number): ProductRef => refs.get(id) ?? { productId: id, sku: '', name: null };
  return rows.map((row, i) => ({
    rank: row.rank,
    antecedent: (antecedents[i] ?? []).map(ref),
    consequent: ref(row.consequent_id),
    count: row.basket_count,
    support: row.support,
    confidence: row.confidence,
    lift: row.lift,
    leverage: row.leverage,
    conviction: row.conviction,
  }));
}

/** A page of the latest run's rules; `search` matches a product's SKU, name or description on either side. */
export function basketRules(
  db: Db,
  query: { sort: BasketSort; descending: boolean; search: string; offset: number; limit: number },
): { total: number; rows: BasketRuleRow[] } {
  const run = requireBasketRun(db);
  const search = query.search.trim();
  const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const where = `run_id = :runId AND (:search = '' OR EXISTS (
      SELECT 1 FROM products p
      WHERE (p.id = r.consequent_id OR p.id IN (SELECT value FROM json_each(r.antecedent_json)))
        AND (p.sku LIKE :pattern ESCAPE '\\' OR p.name LIKE :pattern ESCAPE '\\' OR p.description LIKE :pattern ESCAPE '\\')))`;
  const params = { runId: run.runId, search, pattern };
  const total = db.prepare(`SELECT count(*) FROM basket_rules r WHERE ${where}`).pluck().get(params) as number;
  const order = SORT_SQL[query.sort](query.descending ? 'DESC' : 'ASC');
  const rows = db
    .prepare(`SELECT * FROM basket_rules r WHERE ${where} ORDER BY ${order}, rank LIMIT :limit OFFSET :offset`)
    .all({ ...params, limit: query.limit, offset: query.offset }) as RuleRow[];
  return { total, rows: toRuleRows(db, rows) };
}

const label = (ref: ProductRef) => ref.name ?? ref.sku;
/** Between the products of an n → 1 rule's antecedent: product names contain "+", "&" and "," often, "|" hardly. */
const ANTECEDENT_SEPARATOR = ' | ';

/** Every rule of the latest run, by lift, with product names and SKUs; conviction "inf" where it is infinite. */
export function basketRulesCsv(db: Db): { fileName: string; csv: string } {
  const run = requireBasketRun(db);
  const rows = toRuleRows(
    db,
    db.prepare('SELECT * FROM basket_rules WHERE run_id = ? ORDER BY rank').all(run.runId) as RuleRow[],
  );
  const lines = [
    csvLine([
      'rank',
      'antecedent',
      'antecedent_sku',
      'consequent',
      'consequent_sku',
      'orders',
      'support',
      'confidence',
      'lift',
      'leverage',
      'conviction',
    ]),
    ...rows.map((rule) =>
      csvLine([
        rule.rank,
        rule.antecedent.map(label).join(ANTECEDENT_SEPARATOR),
        rule.antecedent.map((ref) => ref.sku).join(ANTECEDENT_SEPARATOR),
        label(rule.consequent),
        rule.consequent.sku,
        rule.count,
        rule.support,
        rule.confidence,
        rule.lift,
        rule.leverage,
        rule.conviction ?? 'inf',
      ]),
    ),
  ];
  return { fileName: `basket-rules-${isoDay(run.createdAt)}.csv`, csv: lines.join('') };
}
