/**
 * What counts as a purchase, in one place (DESIGN.md §4): completed orders before a moment, valued by their lines
 * with a positive quantity and price. Orders imported one row per order (Taobao, Youzan, JD exports) have no
 * lines; they count with their order total. RFM, the customer metrics behind segment rules, and the dashboard
 * all read this, so their numbers agree.
 */

export interface ValidOrdersOptions {
  /** Only orders of a known customer (RFM, segments); the dashboard also counts anonymous orders. */
  requireCustomer: boolean;
  /** Subtract each order's refunded amount (never below zero). */
  netOfRefunds?: boolean;
}

/**
 * A `valid_orders(order_id, customer_id, ordered_at, amount)` common table expression; the statement binds
 * `:before` (epoch ms, exclusive).
 */
export function validOrdersCte(options: ValidOrdersOptions): string {
  const customer = options.requireCustomer ? 'AND o.customer_id IS NOT NULL' : '';
  const net = (amount: string) => (options.netOfRefunds ? `max(0, ${amount} - o.refunded)` : amount);
  return `valid_orders AS (
    SELECT o.id AS order_id, o.customer_id, o.ordered_at, ${net('sum(l.quantity * l.unit_price)')} AS amount
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    WHERE o.status = 'completed' ${customer} AND o.ordered_at < :before AND l.quantity > 0 AND l.unit_price > 0
    GROUP BY o.id
    UNION ALL
    SELECT o.id, o.customer_id, o.ordered_at, ${net('o.total')}
    FROM orders o
    WHERE o.status = 'completed' ${customer} AND o.ordered_at < :before AND o.total > 0
      AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)
  )`;
}
