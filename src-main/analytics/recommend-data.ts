/**
 * The purchase history the recommenders and the basket miner read, as the dense indexes src-main/ml wants: every
 * customer (those without a purchase are the cold start), every product with its text and category, and one entry
 * per valid purchase line (validOrdersCte: completed orders, positive quantity and price) that names a product.
 */
import type { Interactions } from '../ml/recommend';
import type { ProductRef } from '../shared/recommendations';
import type { Db } from '../store/connection';
import { validOrdersCte } from './valid-orders';

export interface Catalogue {
  /** products.id of each product index. */
  productIds: Int32Array;
  refs: ProductRef[];
  /** Name and description joined; null when the product has neither. */
  texts: (string | null)[];
  /** Category index of each product, −1 for none. */
  categories: Int32Array;
  categoryCount: number;
  productsWithoutText: number;
}

export interface PurchaseHistory {
  /** customers.id of each customer index. */
  customerIds: Int32Array;
  catalogue: Catalogue;
  /** Purchase lines; `order` numbers the orders densely. */
  interactions: Interactions & { order: Int32Array };
}

/** Maps table ids to dense indexes through an array as long as the largest id: ids are SQLite rowids, near-dense. */
function indexOf(ids: Int32Array): Int32Array {
  const maxId = ids.reduce((max, id) => Math.max(max, id), 0);
  const index = new Int32Array(maxId + 1).fill(-1);
  ids.forEach((id, i) => (index[id] = i));
  return index;
}

export function loadCatalogue(db: Db): Catalogue {
  const rows = db
    .prepare(
      `SELECT id, sku, nullif(trim(name), '') AS name, nullif(trim(description), '') AS description,
        nullif(trim(category), '') AS category
       FROM products ORDER BY id`,
    )
    .all() as { id: number; sku: string; name: string | null; description: string | null; category: string | null }[];
  const categoryIndex = new Map<string, number>();
  const categories = new Int32Array(rows.length).fill(-1);
  const texts: (string | null)[] = [];
  let productsWithoutText = 0;
  rows.forEach((row, i) => {
    if (row.category !== null) {
      let category = categoryIndex.get(row.category);
      if (category === undefined) categoryIndex.set(row.category, (category = categoryIndex.size));
      categories[i] = category;
    }
    // A description that repeats the name (common in exports) would only double the name's weight.
    const parts = [row.name, row.description === row.name ? null : row.description].filter((part) => part !== null);
    if (parts.length === 0) productsWithoutText++;
    texts.push(parts.length > 0 ? parts.join(' ') : null);
  });
  return {
    productIds: Int32Array.from(rows, (row) => row.id),
    refs: rows.map((row) => ({ productId: row.id, sku: row.sku, name: row.name ?? row.description })),
    texts,
    categories,
    categoryCount: categoryIndex.size,
    productsWithoutText,
  };
}

/** Valid purchase lines with a product, of known customers only or of every order (baskets need no customer). */
export function purchaseLinesSql(requireCustomer: boolean): string {
  return `WITH ${validOrdersCte({ requireCustomer })}
    SELECT v.customer_id, l.product_id, v.ordered_at, v.order_id
    FROM valid_orders v JOIN order_lines l ON l.order_id = v.order_id
    WHERE l.quantity > 0 AND l.unit_price > 0 AND l.product_id IS NOT NULL`;
}

export function loadPurchaseHistory(db: Db): PurchaseHistory {
  const catalogue = loadCatalogue(db);
  const customerIds = Int32Array.from(db.prepare('SELECT id FROM customers ORDER BY id').pluck().all() as number[]);
  const customerIndex = indexOf(customerIds);
  const productIndex = indexOf(catalogue.productIds);
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  const order: number[] = [];
  const orderIndex = new Map<number, number>();
  const lines = db
    .prepare(purchaseLinesSql(true))
    .raw()
    .iterate({ before: Number.MAX_SAFE_INTEGER }) as IterableIterator<[number, number, number, number]>;
  for (const [customerId, productId, orderedAt, orderId] of lines) {
    let o = orderIndex.get(orderId);
    if (o === undefined) orderIndex.set(orderId, (o = orderIndex.size));
    user.push(customerIndex[customerId] ?? 0);
    item.push(productIndex[productId] ?? 0);
    time.push(orderedAt);
    order.push(o);
  }
  return {
    customerIds,
    catalogue,
    interactions: {
      userCount: customerIds.length,
      itemCount: catalogue.productIds.length,
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      time: Float64Array.from(time),
      order: Int32Array.from(order),
    },
  };
}

/** A job's progress reporting and cancellation check (JobContext), or no-ops for the CLI. */
export interface WorkProgress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

export const DAY_MS = 86_400_000;

/** A date for messages: 2011-10-01. */
export const isoDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);
