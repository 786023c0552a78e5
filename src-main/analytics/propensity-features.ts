/**
 * What an order-based propensity or churn model knows about a customer at a moment: figures from their valid
 * orders (valid-orders.ts) before it, plus their country and email consent, and whether they bought in a window
 * after it. Training computes them at the cutoff, scoring at the end of the data.
 */
import { CoreError } from '../shared/errors';
import { PROPENSITY_FEATURES, type PropensityFeature } from '../shared/models';
import type { Table } from '../ml/design-matrix';
import type { Db } from '../store/connection';
import { validOrdersCte } from './valid-orders';

export const DAY_MS = 86_400_000;

export interface CustomerFeatures {
  customerIds: Int32Array;
  /** One column per requested feature, named by its PropensityFeature key. */
  table: Table;
}

interface FeatureRow {
  id: number;
  orders: number;
  revenue: number;
  first: number;
  last: number;
  products: number;
  country: string | null;
  consent: number | null;
}

const FEATURES_SQL = `
  WITH ${validOrdersCte({ requireCustomer: true })},
  per_customer AS (
    SELECT customer_id, count(*) AS orders, sum(amount) AS revenue, min(ordered_at) AS first, max(ordered_at) AS last
    FROM valid_orders GROUP BY customer_id
  ),
  products AS (
    SELECT v.customer_id, count(DISTINCT l.product_id) AS products
    FROM valid_orders v JOIN order_lines l ON l.order_id = v.order_id
    WHERE l.quantity > 0 AND l.unit_price > 0
    GROUP BY v.customer_id
  )
  SELECT c.id, p.orders, p.revenue, p.first, p.last, coalesce(pr.products, 0) AS products, c.country,
    c.email_consent AS consent
  FROM per_customer p
  JOIN customers c ON c.id = p.customer_id
  LEFT JOIN products pr ON pr.customer_id = p.customer_id
  ORDER BY c.id`;

type Value = number | string | null;

/** How each feature reads off a customer's row, in days, orders and money; `at` is the moment of the features. */
const FEATURE_VALUE: Record<PropensityFeature, (row: FeatureRow, at: number) => Value> = {
  recency: (row, at) => (at - row.last) / DAY_MS,
  frequency: (row) => row.orders,
  monetary: (row) => row.revenue,
  tenure: (row, at) => (at - row.first) / DAY_MS,
  averageOrderValue: (row) => row.revenue / row.orders,
  // A one-time buyer has no gap between orders: left missing, the model gets a "missing" flag for it.
  daysBetweenOrders: (row) => (row.orders > 1 ? (row.last - row.first) / DAY_MS / (row.orders - 1) : null),
  distinctProducts: (row) => row.products,
  country: (row) => row.country,
  emailConsent: (row) => row.consent,
};

/** Features of every customer with a valid order before `before` (epoch ms, exclusive). */
export function customerFeatures(db: Db, before: number, features: readonly PropensityFeature[]): CustomerFeatures {
  const rows = db.prepare(FEATURES_SQL).all({ before }) as FeatureRow[];
  const ordered = PROPENSITY_FEATURES.filter((feature) => features.includes(feature));
  return {
    customerIds: Int32Array.from(rows, (row) => row.id),
    table: ordered.map((name) => ({ name, values: rows.map((row) => FEATURE_VALUE[name](row, before)) })),
  };
}

/** 1 for each customer with a valid order from `from` (inclusive) to `to` (exclusive). */
export function boughtBetween(db: Db, customerIds: Int32Array, from: number, to: number): Uint8Array {
  const buyers = new Set(
    db
      .prepare(
        `WITH ${validOrdersCte({ requireCustomer: true })} SELECT DISTINCT customer_id FROM valid_orders WHERE ordered_at >= :from`,
      )
      .pluck()
      .all({ before: to, from }) as number[],
  );
  return Uint8Array.from(customerIds, (id) => (buyers.has(id) ? 1 : 0));
}

/** UTC midnight of the first and of the last day with a valid order, or null without orders. */
export function orderDays(db: Db): { first: number; last: number } | null {
  const row = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: true })} SELECT min(ordered_at) AS first, max(ordered_at) AS last FROM valid_orders`,
    )
    .get({ before: Number.MAX_SAFE_INTEGER }) as { first: number | null; last: number | null };
  if (row.first === null || row.last === null) return null;
  const day = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
  return { first: day(row.first), last: day(row.last) };
}

export function requireOrderDays(db: Db): { first: number; last: number } {
  const days = orderDays(db);
  if (!days)
    throw new CoreError('VALIDATION', 'There are no completed orders of known customers yet: import orders first.');
  return days;
}
