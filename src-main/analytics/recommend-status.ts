/** What the recommendations page shows before anything runs: how much history there is, and the latest runs. */
import type { RecommendationsStatus } from '../shared/recommendations';
import type { Db } from '../store/connection';
import { latestBasketRun } from './basket-runs';
import { latestImport } from './customer-metrics';
import { loadCatalogue, purchaseLinesSql } from './recommend-data';
import { suggestedSplit } from './recommend-evaluation';
import { latestRecommendationRun } from './recommend-runs';

interface PurchaseCounts {
  customersWithPurchases: number;
  productsSold: number;
  baskets: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
}

const CACHE_KEY = 'recommendations_counts';

/**
 * The purchase counts scan every order line (about a second on Online Retail), and this runs on the main thread
 * whenever the page opens: they are kept in the project until the next import.
 */
function purchaseCounts(db: Db): PurchaseCounts {
  const importId = latestImport(db);
  const cached = db.prepare('SELECT value FROM project_meta WHERE key = ?').pluck().get(CACHE_KEY) as
    string | undefined;
  if (cached !== undefined) {
    const kept = JSON.parse(cached) as { importId: number; counts: PurchaseCounts };
    if (kept.importId === importId) return kept.counts;
  }
  const counts = countPurchases(db);
  try {
    db.prepare('INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)').run(
      CACHE_KEY,
      JSON.stringify({ importId, counts }),
    );
  } catch {
    // A job may be writing right now (the main connection waits only briefly): the counts are still right, just
    // not kept this time.
  }
  return counts;
}

function countPurchases(db: Db): PurchaseCounts {
  // Dates from customers' purchases only: those are what an evaluation splits.
  return db
    .prepare(
      `SELECT count(DISTINCT customer_id) AS customersWithPurchases, count(DISTINCT product_id) AS productsSold,
         count(DISTINCT order_id) AS baskets,
         min(ordered_at) FILTER (WHERE customer_id IS NOT NULL) AS firstPurchaseAt,
         max(ordered_at) FILTER (WHERE customer_id IS NOT NULL) AS lastPurchaseAt
       FROM (${purchaseLinesSql(false)})`,
    )
    .get({ before: Number.MAX_SAFE_INTEGER }) as PurchaseCounts;
}

export function recommendationsStatus(db: Db): RecommendationsStatus {
  const counts = purchaseCounts(db);
  const catalogue = loadCatalogue(db);
  const { firstPurchaseAt: first, lastPurchaseAt: last } = counts;
  return {
    customers: db.prepare('SELECT count(*) FROM customers').pluck().get() as number,
    ...counts,
    products: catalogue.productIds.length,
    productsWithoutText: catalogue.productsWithoutText,
    categories: catalogue.categoryCount,
    suggestedSplitAt: first !== null && last !== null && last > first ? suggestedSplit(first, last) : null,
    latestRun: latestRecommendationRun(db),
    latestBasket: latestBasketRun(db),
  };
}
