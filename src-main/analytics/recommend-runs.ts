/**
 * Next-best-product lists for every customer: fit the chosen recommender on the whole purchase history, list the
 * top k for each customer with the reason behind each product, and keep the run in `recommendation_runs` and
 * `recommendations` (the customer page and the campaigns area read the latest run from there).
 */
import { fitRecommender, recommend, type RecommenderOptions, type UserRecommendations } from '../ml/recommend';
import { CoreError } from '../shared/errors';
import type {
  CustomerRecommendations,
  ProductRef,
  ReasonKind,
  RecommendationItem,
  RecommendationRow,
  RecommendMethodName,
  RecommendOptions,
  RecommendRunSummary,
  RecommendWarning,
} from '../shared/recommendations';
import type { Db } from '../store/connection';
import { loadPurchaseHistory, type Catalogue, type PurchaseHistory, type WorkProgress } from './recommend-data';

/** Customers listed between two progress reports and cancellation checks. */
const CHUNK = 2_000;

/** The fit options of a method: text only where the method reads it and some product has some. */
export function fitOptionsFor(
  method: RecommendMethodName,
  options: Pick<RecommendOptions, 'popularityDays'>,
  texts: readonly (string | null)[],
): RecommenderOptions {
  const hasText = texts.some((text) => text !== null);
  const readsText = method === 'content' || method === 'hybrid';
  return { method, popularityDays: options.popularityDays, ...(readsText && hasText ? { itemText: texts } : {}) };
}

/** The list filters of the options, with the categories when a cap is asked for and there are some. */
export function listOptionsFor(
  options: Pick<RecommendOptions, 'excludeBought' | 'soldWithinDays' | 'maxPerCategory'>,
  catalogue: Catalogue,
) {
  const capped = options.maxPerCategory !== undefined && catalogue.categoryCount > 0;
  return {
    excludeBought: options.excludeBought,
    ...(options.soldWithinDays !== undefined && { soldWithinDays: options.soldWithinDays }),
    ...(capped && { maxPerCategory: options.maxPerCategory, categories: catalogue.categories }),
  };
}

/** Refuses what cannot give a single list, in words that say what to do. */
export function checkHistory(history: PurchaseHistory, method: RecommendMethodName): void {
  if (history.interactions.user.length === 0)
    throw new CoreError(
      'VALIDATION',
      'No customer has a completed purchase of a known product yet, so there is nothing to learn from. Import order lines (orders with their products) first.',
    );
  if (method === 'content' && history.catalogue.texts.every((text) => text === null))
    throw new CoreError(
      'VALIDATION',
      'Content-based suggestions compare product names and descriptions, and no product has either. Import a product file with names, or choose another method.',
    );
}

/** Warnings about the catalogue that apply to every run with these options. */
export function catalogueWarnings(
  catalogue: Catalogue,
  options: Pick<RecommendOptions, 'maxPerCategory'>,
  method: RecommendMethodName,
): RecommendWarning[] {
  const warnings: RecommendWarning[] = [];
  const readsText = method === 'content' || method === 'hybrid';
  if (readsText && catalogue.productsWithoutText > 0)
    warnings.push({
      code: 'NO_TEXT',
      count: catalogue.productsWithoutText,
      message: `${catalogue.productsWithoutText} products have no name or description: content-based suggestions cannot reach them or start from them.`,
    });
  if (options.maxPerCategory !== undefined && catalogue.categoryCount === 0)
    warnings.push({
      code: 'NO_CATEGORIES',
      count: 0,
      message: 'No product has a category, so the per-category limit was not applied.',
    });
  return warnings;
}

function store(
  db: Db,
  summary: Omit<RecommendRunSummary, 'runId'>,
  history: PurchaseHistory,
  lists: UserRecommendations[],
) {
  const { customerIds, catalogue } = history;
  return db.transaction(() => {
    // Only the latest run is kept: a run of 100k customers is a million rows, and nothing reads older ones.
    db.prepare('DELETE FROM recommendation_runs').run();
    const runId = Number(
      db
        .prepare('INSERT INTO recommendation_runs (created_at, options_json, summary_json) VALUES (?, ?, ?)')
        .run(summary.createdAt, JSON.stringify(summary.options), JSON.stringify(summary)).lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO recommendations (run_id, customer_id, rank, product_id, score, method, reason_kind, reason_product_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { user, coldStart, items } of lists) {
      const method = coldStart ? 'popularity' : summary.options.method;
      items.forEach(({ productIndex, score, reason }, at) => {
        const source = reason.kind === 'popular' ? -1 : reason.productIndex;
        insert.run(
          runId,
          customerIds[user],
          at + 1,
          catalogue.productIds[productIndex],
          score,
          method,
          reason.kind,
          source >= 0 ? (catalogue.productIds[source] ?? null) : null,
        );
      });
    }
    return runId;
  })();
}

export function generateRecommendations(
  db: Db,
  options: RecommendOptions,
  ctx: WorkProgress,
  now = Date.now(),
): RecommendRunSummary {
  const started = performance.now();
  ctx.progress(0.02, 'load');
  const history = loadPurchaseHistory(db);
  checkHistory(history, options.method);
  const { catalogue, interactions } = history;
  ctx.throwIfCancelled();
  ctx.progress(0.1, 'fit');
  const model = fitRecommender(interactions, fitOptionsFor(options.method, options, catalogue.texts));
  const listOptions = { k: options.k, ...listOptionsFor(options, catalogue) };
  const lists: UserRecommendations[] = [];
  for (let from = 0; from < interactions.userCount; from += CHUNK) {
    ctx.throwIfCancelled();
    const users = Int32Array.from({ length: Math.min(CHUNK, interactions.userCount - from) }, (_, i) => from + i);
    lists.push(...recommend(model, { ...listOptions, users }));
    ctx.progress(0.3 + (0.5 * (from + users.length)) / interactions.userCount, 'lists');
  }
  ctx.progress(0.8, 'store');
  const coldStart = lists.filter((list) => list.coldStart).length;
  const short = lists.filter((list) => list.items.length < options.k).length;
  const shown = new Set(lists.flatMap((list) => list.items.map((item) => item.productIndex)));
  const warnings = catalogueWarnings(catalogue, options, options.method);
  if (coldStart > 0)
    warnings.push({
      code: 'COLD_START',
      count: coldStart,
      message: `${coldStart} customers have no purchase yet: their lists are the products popular right now.`,
    });
  if (short > 0)
    warnings.push({
      code: 'SHORT_LISTS',
      count: short,
      message: `${short} customers got fewer than ${options.k} products: the filters leave too few to choose from. Allow products bought before or widen the "sold within" window.`,
    });
  const summary: Omit<RecommendRunSummary, 'runId'> = {
    createdAt: now,
    options,
    customers: lists.length,
    coldStart,
    productsRecommended: shown.size,
    rows: lists.reduce((sum, list) => sum + list.items.length, 0),
    durationMs: 0,
    warnings,
  };
  const runId = store(db, summary, history, lists);
  const durationMs = Math.round(performance.now() - started);
  db.prepare('UPDATE recommendation_runs SET summary_json = ? WHERE id = ?').run(
    JSON.stringify({ ...summary, durationMs }),
    runId,
  );
  ctx.progress(1, null);
  return { runId, ...summary, durationMs };
}

export function latestRecommendationRun(db: Db): RecommendRunSummary | null {
  const row = db.prepare('SELECT id, summary_json FROM recommendation_runs ORDER BY id DESC LIMIT 1').get() as
    { id: number; summary_json: string } | undefined;
  return row ? { runId: row.id, ...(JSON.parse(row.summary_json) as Omit<RecommendRunSummary, 'runId'>) } : null;
}

interface ItemRow {
  customerId: number;
  externalId: string;
  rank: number;
  score: number;
  method: RecommendMethodName;
  reasonKind: ReasonKind;
  productId: number;
  sku: string;
  name: string | null;
  reasonProductId: number | null;
  reasonSku: string | null;
  reasonName: string | null;
}

const ITEM_SELECT = `SELECT r.customer_id AS customerId, c.external_id AS externalId, r.rank, r.score, r.method,
    r.reason_kind AS reasonKind, p.id AS productId, p.sku, coalesce(p.name, p.description) AS name,
    q.id AS reasonProductId, q.sku AS reasonSku, coalesce(q.name, q.description) AS reasonName
  FROM recommendations r
  JOIN customers c ON c.id = r.customer_id
  JOIN products p ON p.id = r.product_id
  LEFT JOIN products q ON q.id = r.reason_product_id`;

function toItem(row: ItemRow): RecommendationItem {
  const reasonProduct: ProductRef | null =
    row.reasonProductId === null
      ? null
      : { productId: row.reasonProductId, sku: row.reasonSku ?? '', name: row.reasonName };
  return {
    rank: row.rank,
    product: { productId: row.productId, sku: row.sku, name: row.name },
    score: row.score,
    method: row.method,
    reasonKind: row.reasonKind,
    reasonProduct,
  };
}

/** Whether the customer has a purchase the recommenders learn from (else their list is the popular one). */
function hasPurchases(db: Db, customerId: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.customer_id = ? AND o.status = 'completed' AND l.quantity > 0 AND l.unit_price > 0
           AND l.product_id IS NOT NULL LIMIT 1`,
      )
      .get(customerId) !== undefined
  );
}

export function customerRecommendations(db: Db, customerId: number): CustomerRecommendations {
  if (db.prepare('SELECT 1 FROM customers WHERE id = ?').get(customerId) === undefined)
    throw new CoreError('NOT_FOUND', 'That customer is not in this project.');
  const run = latestRecommendationRun(db);
  const coldStart = !hasPurchases(db, customerId);
  if (!run) return { run: null, coldStart, items: [] };
  const rows = db
    .prepare(`${ITEM_SELECT} WHERE r.run_id = ? AND r.customer_id = ? ORDER BY r.rank`)
    .all(run.runId, customerId) as ItemRow[];
  return {
    run: { runId: run.runId, createdAt: run.createdAt, method: run.options.method },
    coldStart,
    items: rows.map(toItem),
  };
}

/** The latest run's rows, customer by customer; `search` matches the customer's id, email or name. */
export function recommendationRows(
  db: Db,
  query: { search: string; offset: number; limit: number },
): { total: number; rows: RecommendationRow[] } {
  const run = latestRecommendationRun(db);
  if (!run) return { total: 0, rows: [] };
  const pattern = `%${query.search.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const where = `r.run_id = :runId AND (:search = '' OR c.external_id LIKE :pattern ESCAPE '\\'
    OR c.email LIKE :pattern ESCAPE '\\' OR c.first_name LIKE :pattern ESCAPE '\\' OR c.last_name LIKE :pattern ESCAPE '\\')`;
  const params = { runId: run.runId, search: query.search.trim(), pattern };
  const total = db
    .prepare(`SELECT count(*) FROM recommendations r JOIN customers c ON c.id = r.customer_id WHERE ${where}`)
    .pluck()
    .get(params) as number;
  const rows = db
    .prepare(`${ITEM_SELECT} WHERE ${where} ORDER BY r.customer_id, r.rank LIMIT :limit OFFSET :offset`)
    .all({ ...params, limit: query.limit, offset: query.offset }) as ItemRow[];
  return {
    total,
    rows: rows.map((row) => ({ customerId: row.customerId, externalId: row.externalId, ...toItem(row) })),
  };
}
