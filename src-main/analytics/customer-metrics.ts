/**
 * One row of order figures per customer (orders, revenue, refunds, first and last order, distinct products), the
 * table segment rules, customer lists and clusters read. Rebuilt whole inside each import's transaction, so it
 * cannot drift from the orders the way increments could.
 *
 * The rebuild reads orders and lines once each, in storage order, and aggregates in typed arrays: the same
 * definition as valid-orders.ts written as GROUP BYs sorts a million orders twice and took about ten times longer
 * (measured with bench/segments.ts on 1M orders).
 */
import type { Db } from '../store/connection';
import { PairBuffer, PRODUCT_SPAN, type ImportedLines } from './imported-lines';

const STAMP_KEY = 'customer_metrics_import';

export function latestImport(db: Db): number {
  return db.prepare('SELECT coalesce(max(id), 0) FROM imports').pluck().get() as number;
}

const maxId = (db: Db, table: string) =>
  (db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number) + 1;

/**
 * Rebuilds the table; call inside the transaction that changed the orders. An import passes the lines it wrote, so
 * that only older lines are read back.
 */
export function rebuildCustomerMetrics(db: Db, imported?: ImportedLines): void {
  const orderCount = maxId(db, 'orders');
  const customerCount = maxId(db, 'customers');
  // Per order: its customer (−1 when the order does not count), the value of its valid lines, whether it has lines.
  const orderCustomer = new Int32Array(orderCount).fill(-1);
  const orderTotal = new Float64Array(orderCount);
  const orderRefunded = new Float64Array(orderCount);
  const orderAt = new Float64Array(orderCount);
  const lineValue = new Float64Array(orderCount);
  const lineState = new Uint8Array(orderCount); // 0 no lines, 1 only invalid lines, 2 a valid line
  const orders = db
    .prepare(
      "SELECT id, customer_id, ordered_at, total, refunded FROM orders WHERE status = 'completed' AND customer_id IS NOT NULL",
    )
    .raw()
    .iterate() as IterableIterator<[number, number, number, number | null, number]>;
  for (const [id, customer, at, total, refunded] of orders) {
    orderCustomer[id] = customer;
    orderAt[id] = at;
    orderTotal[id] = total ?? 0;
    orderRefunded[id] = refunded;
  }

  // Customer × product of each valid line, to count distinct products. This import's lines come as order–product
  // pairs and are turned into customer–product pairs where they lie: a 20-million-line file holds one copy, not two.
  const pairs = imported?.orderProducts ?? new PairBuffer();
  pairs.remap((pair) => {
    const customer = orderCustomer[Math.floor(pair / PRODUCT_SPAN)] ?? -1;
    return customer < 0 ? null : customer * PRODUCT_SPAN + (pair % PRODUCT_SPAN);
  });
  const lines = db
    .prepare('SELECT order_id, product_id, quantity, unit_price FROM order_lines WHERE id <= ?')
    .raw()
    .iterate(imported?.writtenAfter ?? Number.MAX_SAFE_INTEGER) as IterableIterator<
    [number, number | null, number, number]
  >;
  for (const [orderId, product, quantity, price] of lines) {
    const customer = orderCustomer[orderId] ?? -1;
    if (customer < 0) continue;
    if (quantity > 0 && price > 0) {
      lineValue[orderId] = (lineValue[orderId] ?? 0) + quantity * price;
      lineState[orderId] = 2;
      if (product !== null) pairs.push(customer * PRODUCT_SPAN + product);
    } else if (lineState[orderId] === 0) lineState[orderId] = 1;
  }
  if (imported) {
    for (const [orderId, value] of imported.valueByOrder) {
      if ((orderCustomer[orderId] ?? -1) < 0) continue;
      lineValue[orderId] = value;
      lineState[orderId] = value > 0 ? 2 : 1;
    }
  }

  const count = new Int32Array(customerCount);
  const revenue = new Float64Array(customerCount);
  const refunded = new Float64Array(customerCount);
  const first = new Float64Array(customerCount).fill(Infinity);
  const last = new Float64Array(customerCount).fill(-Infinity);
  for (let id = 0; id < orderCount; id++) {
    const customer = orderCustomer[id] ?? -1;
    if (customer < 0) continue;
    const state = lineState[id] ?? 0;
    // valid-orders.ts: an order counts by its valid lines, or by its total when it has no lines at all.
    const amount =
      state === 2 ? (lineValue[id] ?? 0) : state === 0 && (orderTotal[id] ?? 0) > 0 ? orderTotal[id] : null;
    if (amount === null || amount === undefined) continue;
    count[customer] = (count[customer] ?? 0) + 1;
    revenue[customer] = (revenue[customer] ?? 0) + amount;
    refunded[customer] = (refunded[customer] ?? 0) + (orderRefunded[id] ?? 0);
    first[customer] = Math.min(first[customer] ?? Infinity, orderAt[id] ?? 0);
    last[customer] = Math.max(last[customer] ?? -Infinity, orderAt[id] ?? 0);
  }

  const distinct = new Int32Array(customerCount);
  const sorted = pairs.sorted();
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    const customer = Math.floor((sorted[i] ?? 0) / PRODUCT_SPAN);
    distinct[customer] = (distinct[customer] ?? 0) + 1;
  }

  db.exec('DELETE FROM customer_metrics');
  const insert = db.prepare(
    `INSERT INTO customer_metrics (customer_id, orders, revenue, refunded, first_order_at, last_order_at,
       distinct_products) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let customer = 0; customer < customerCount; customer++) {
    const n = count[customer] ?? 0;
    if (n === 0) continue;
    insert.run(customer, n, revenue[customer], refunded[customer], first[customer], last[customer], distinct[customer]);
  }
  db.prepare('INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)').run(STAMP_KEY, String(latestImport(db)));
}

/** Rebuilds the table if an import has committed since it was built (projects made before it existed). */
export function ensureCustomerMetrics(db: Db): void {
  const stamp = db.prepare('SELECT value FROM project_meta WHERE key = ?').pluck().get(STAMP_KEY) as string | undefined;
  if (stamp === String(latestImport(db))) return;
  db.transaction(() => rebuildCustomerMetrics(db))();
}
