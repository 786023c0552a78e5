/**
 * One row of order figures per customer (orders, revenue, first and last order, distinct products), the table
 * segment rules, customer lists and clusters read. Rebuilt whole inside each import's transaction: on Online
 * Retail that is a fraction of a second, and a rebuild cannot drift from the orders the way increments could.
 */
import type { Db } from '../store/connection';
import { validOrdersCte } from './valid-orders';

const STAMP_KEY = 'customer_metrics_import';

const REBUILD_SQL = `
  WITH ${validOrdersCte({ requireCustomer: true })}
  INSERT INTO customer_metrics (customer_id, orders, revenue, refunded, first_order_at, last_order_at, distinct_products)
  SELECT v.customer_id, count(*), sum(v.amount), sum(o.refunded), min(v.ordered_at), max(v.ordered_at),
    (SELECT count(DISTINCT l.product_id) FROM orders o2 JOIN order_lines l ON l.order_id = o2.id
     WHERE o2.customer_id = v.customer_id AND o2.status = 'completed' AND l.quantity > 0 AND l.unit_price > 0)
  FROM valid_orders v
  JOIN orders o ON o.id = v.order_id
  GROUP BY v.customer_id`;

export function latestImport(db: Db): number {
  return db.prepare('SELECT coalesce(max(id), 0) FROM imports').pluck().get() as number;
}

/** Rebuilds the table; call inside the transaction that changed the orders. */
export function rebuildCustomerMetrics(db: Db): void {
  db.exec('DELETE FROM customer_metrics');
  db.prepare(REBUILD_SQL).run({ before: Number.MAX_SAFE_INTEGER });
  db.prepare('INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)').run(STAMP_KEY, String(latestImport(db)));
}

/** Rebuilds the table if an import has committed since it was built (projects made before it existed). */
export function ensureCustomerMetrics(db: Db): void {
  const stamp = db.prepare('SELECT value FROM project_meta WHERE key = ?').pluck().get(STAMP_KEY) as string | undefined;
  if (stamp === String(latestImport(db))) return;
  db.transaction(() => rebuildCustomerMetrics(db))();
}
