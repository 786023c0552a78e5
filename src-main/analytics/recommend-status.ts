/** What the recommendations page shows before anything runs: how much history there is, and the latest runs. */
import type { RecommendationsStatus } from '../shared/recommendations';
import type { Db } from '../store/connection';
import { latestBasketRun } from './basket-runs';
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

export function recommendationsStatus(db: Db): RecommendationsStatus {
  // Dates from customers' purchases only: those are what an evaluation splits.
  const counts = db
    .prepare(
      `SELECT count(DISTINCT customer_id) AS customersWithPurchases, count(DISTINCT product_id) AS productsSold,
         count(DISTINCT order_id) AS baskets,
         min(ordered_at) FILTER (WHERE customer_id IS NOT NULL) AS firstPurchaseAt,
         max(ordered_at) FILTER (WHERE customer_id IS NOT NULL) AS lastPurchaseAt
       FROM (${purchaseLinesSql(false)})`,
    )
    .get({ before: Number.MAX_SAFE_INTEGER }) as PurchaseCounts;
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
