import type { Db } from '../store/connection';
import type { ImportKind } from '../shared/import-fields';
import type { CreatedUpdated, RejectCode } from '../shared/import';
import { ImportedLines } from '../analytics/imported-lines';
import type { OrderStatus, TypedRow } from './rows';

interface OrderState {
  id: number;
  total: number;
  lines: number;
  /** The value of its lines with a positive quantity and price, for customer_metrics. */
  validValue: number;
  status: OrderStatus;
  refunded: number;
  currency: string | null;
  country: string | null;
  customerId: number | null;
}

type CustomerPatch = Pick<
  TypedRow,
  | 'email'
  | 'phone'
  | 'firstName'
  | 'lastName'
  | 'country'
  | 'region'
  | 'city'
  | 'zip'
  | 'emailConsent'
  | 'smsConsent'
  | 'signedUpAt'
>;

type ProductPatch = Pick<TypedRow, 'productName' | 'description' | 'category' | 'price' | 'currency'>;

const DAY_MS = 86_400_000;
/** Lines per INSERT statement: binding a whole statement per row costs more than SQLite's insert itself. */
const LINES_PER_STATEMENT = 128;
const LINE_COLUMNS = 5;

/**
 * A copy of text cut from the file that no longer pins the file chunk it came from. V8 represents a substring of
 * 13 characters or more as a view into its parent, so one country name kept per customer would otherwise keep a
 * megabyte of CSV alive each, and a 5-million-line import would hold the whole file in memory.
 */
function detach<T>(value: T): T {
  return typeof value === 'string' && value.length >= 13 ? ((' ' + value).slice(1) as T) : value;
}

const CUSTOMER_FIELDS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'country',
  'region',
  'city',
  'zip',
  'emailConsent',
  'smsConsent',
  'signedUpAt',
] as const satisfies readonly (keyof CustomerPatch)[];

/**
 * Turns typed rows into customers, products, orders and lines inside the caller's transaction. Already-known
 * orders (same external id) are updated and their lines replaced, so importing the next month's export, or the
 * same file twice, doubles nothing. Customers are found by id, else email, else phone.
 */
export class ImportWriter {
  readonly orders: CreatedUpdated = { created: 0, updated: 0 };
  readonly customers: CreatedUpdated = { created: 0, updated: 0 };
  readonly products: CreatedUpdated = { created: 0, updated: 0 };
  lines = 0;

  private readonly customerByKey = new Map<string, number>();
  private readonly customerPatches = new Map<number, CustomerPatch>();
  private readonly productBySku = new Map<string, number>();
  private readonly productPatches = new Map<number, ProductPatch>();
  private readonly orderByKey = new Map<string, OrderState>();
  private readonly statements;
  private readonly lineBuffer: (number | null)[] = new Array<number | null>(LINES_PER_STATEMENT * LINE_COLUMNS);
  private buffered = 0;
  private lastOrder: { key: string; state: OrderState } | null = null;
  /** A first import has no earlier orders to update: it need not look each new one up. */
  private readonly hadOrders: boolean;
  /** What customer_metrics needs of this import's lines, kept as they pass (see ImportedLines). */
  readonly imported: ImportedLines;

  constructor(
    db: Db,
    private readonly kind: ImportKind,
    private readonly importId: number,
    private readonly defaultCurrency: string | null,
    private readonly headers: readonly string[],
  ) {
    for (const row of db.prepare('SELECT id, external_id, email, phone FROM customers').iterate() as Iterable<{
      id: number;
      external_id: string;
      email: string | null;
      phone: string | null;
    }>) {
      this.customerByKey.set(`id:${row.external_id}`, row.id);
      if (row.email) this.customerByKey.set(`email:${row.email}`, row.id);
      if (row.phone) this.customerByKey.set(`phone:${row.phone}`, row.id);
    }
    for (const row of db.prepare('SELECT id, sku FROM products').iterate() as Iterable<{ id: number; sku: string }>) {
      this.productBySku.set(row.sku, row.id);
    }
    this.hadOrders = db.prepare('SELECT 1 FROM orders LIMIT 1').get() !== undefined;
    this.imported = new ImportedLines(
      db.prepare('SELECT coalesce(max(id), 0) FROM order_lines').pluck().get() as number,
    );
    this.statements = {
      insertCustomer: db.prepare('INSERT INTO customers (external_id, import_id) VALUES (?, ?)'),
      updateCustomer: db.prepare(
        `UPDATE customers SET email = coalesce(@email, email), phone = coalesce(@phone, phone),
           first_name = coalesce(@firstName, first_name), last_name = coalesce(@lastName, last_name),
           country = coalesce(@country, country), region = coalesce(@region, region), city = coalesce(@city, city),
           zip = coalesce(@zip, zip), email_consent = coalesce(@emailConsent, email_consent),
           sms_consent = coalesce(@smsConsent, sms_consent), signed_up_at = coalesce(@signedUpAt, signed_up_at)
         WHERE id = @id`,
      ),
      insertProduct: db.prepare('INSERT INTO products (sku, import_id) VALUES (?, ?)'),
      updateProduct: db.prepare(
        `UPDATE products SET name = coalesce(@productName, name), description = coalesce(@description, description),
           category = coalesce(@category, category), price = coalesce(@price, price), currency = coalesce(@currency, currency)
         WHERE id = @id`,
      ),
      findOrder: db.prepare('SELECT id FROM orders WHERE external_id = ?').pluck(),
      insertOrder: db.prepare(
        `INSERT INTO orders (external_id, customer_id, ordered_at, utc_offset_min, status, currency, country, import_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateOrderHeader: db.prepare(
        'UPDATE orders SET customer_id = ?, ordered_at = ?, utc_offset_min = ?, import_id = ? WHERE id = ?',
      ),
      deleteLines: db.prepare('DELETE FROM order_lines WHERE order_id = ?'),
      insertLine: db.prepare(
        'INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price) VALUES (?, ?, ?, ?, ?)',
      ),
      insertLines: db.prepare(
        `INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price) VALUES ${Array.from(
          { length: LINES_PER_STATEMENT },
          () => '(?, ?, ?, ?, ?)',
        ).join(', ')}`,
      ),
      // The customer was written with the order's first row and does not change: setting customer_id again would
      // rewrite the order's entry in the customer index.
      finishOrder: db.prepare(
        'UPDATE orders SET total = ?, status = ?, refunded = ?, currency = ?, country = ? WHERE id = ?',
      ),
      insertTableRow: db.prepare(
        'INSERT OR REPLACE INTO customer_table_rows (import_id, customer_id, label, values_json) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /** Adds one typed row; returns why it cannot be used, or null. */
  add(row: TypedRow, rowNo: number, cells: readonly string[]): RejectCode | null {
    switch (this.kind) {
      case 'order_lines':
        return this.addLine(row, rowNo);
      case 'orders':
        return this.addOrder(row, rowNo);
      case 'customers':
        return this.customerFor(row) === null ? 'no_customer' : null;
      case 'products':
        return this.productFor(row) === null ? 'no_product' : null;
      case 'customer_table': {
        const customer = this.customerFor(row);
        if (customer === null) return 'no_customer';
        const values = Object.fromEntries(this.headers.map((header, i) => [header, cells[i] ?? '']));
        this.statements.insertTableRow.run(this.importId, customer, row.label ?? null, JSON.stringify(values));
        return null;
      }
    }
  }

  /** Orders that have no customer at all: kept, and counted for the report. */
  anonymousOrders(): number {
    let count = 0;
    for (const order of this.orderByKey.values()) if (order.customerId === null) count++;
    return count;
  }

  cancelledOrders(): number {
    let count = 0;
    for (const order of this.orderByKey.values()) if (order.status === 'cancelled') count++;
    return count;
  }

  /** Writes what was accumulated per order, customer and product. */
  finish(): void {
    this.flushLines();
    for (const order of this.orderByKey.values()) {
      if (order.lines > 0) this.imported.setOrderValue(order.id, order.validValue);
      this.statements.finishOrder.run(
        Math.round(order.total * 100) / 100,
        order.status,
        order.refunded,
        order.currency,
        order.country,
        order.id,
      );
    }
    for (const [id, patch] of this.customerPatches) {
      this.statements.updateCustomer.run({
        id,
        email: null,
        phone: null,
        firstName: null,
        lastName: null,
        country: null,
        region: null,
        city: null,
        zip: null,
        emailConsent: null,
        smsConsent: null,
        signedUpAt: null,
        ...patch,
      });
    }
    for (const [id, patch] of this.productPatches) {
      this.statements.updateProduct.run({
        id,
        productName: null,
        description: null,
        category: null,
        price: null,
        currency: null,
        ...patch,
      });
    }
  }

  private customerFor(row: TypedRow): number | null {
    const keys = [
      row.customerId !== undefined ? `id:${row.customerId}` : null,
      row.email !== undefined ? `email:${row.email}` : null,
      row.phone !== undefined ? `phone:${row.phone}` : null,
    ].filter((key): key is string => key !== null);
    if (keys.length === 0) return null;
    let id = keys.map((key) => this.customerByKey.get(key)).find((found) => found !== undefined);
    if (id === undefined) {
      const externalId = row.customerId ?? (row.email ? `email:${row.email}` : `phone:${row.phone ?? ''}`);
      id = Number(this.statements.insertCustomer.run(externalId, this.importId).lastInsertRowid);
      this.customers.created++;
      this.customerPatches.set(id, {});
    } else if (!this.customerPatches.has(id)) {
      this.customers.updated++;
      this.customerPatches.set(id, {});
    }
    for (const key of keys) this.customerByKey.set(detach(key), id);
    const patch = this.customerPatches.get(id);
    if (patch) {
      for (const field of CUSTOMER_FIELDS) {
        const value = row[field];
        if (value !== undefined) (patch as Record<string, unknown>)[field] = detach(value);
      }
    }
    return id;
  }

  private productFor(row: TypedRow): number | null {
    const sku = row.sku ?? (row.productName !== undefined ? `name:${row.productName}` : undefined);
    if (sku === undefined) return null;
    let id = this.productBySku.get(sku);
    if (id === undefined) {
      id = Number(this.statements.insertProduct.run(sku, this.importId).lastInsertRowid);
      this.productBySku.set(detach(sku), id);
      this.products.created++;
      this.productPatches.set(id, {});
    } else if (!this.productPatches.has(id)) {
      this.products.updated++;
      this.productPatches.set(id, {});
    }
    const patch = this.productPatches.get(id);
    if (patch) {
      // The first name seen is kept: later rows of a product often carry a shortened or blank description.
      if (patch.productName === undefined && row.productName !== undefined) patch.productName = detach(row.productName);
      if (row.description !== undefined) patch.description = detach(row.description);
      if (row.category !== undefined) patch.category = detach(row.category);
      // Free samples and gifts are priced 0; they are not the product's price.
      const price = row.price ?? (row.unitPrice !== undefined && row.unitPrice > 0 ? row.unitPrice : undefined);
      if (price !== undefined) patch.price = price;
      const currency = row.currency ?? this.defaultCurrency ?? undefined;
      if (currency !== undefined) patch.currency = currency;
    }
    return id;
  }

  /** Without an order id (one row per purchased item), a customer's purchases on one day are one order. */
  private orderKey(row: TypedRow, rowNo: number): string {
    if (row.orderId !== undefined) return row.orderId;
    const day = row.orderedAt !== undefined ? Math.floor(row.orderedAt / DAY_MS) : 'undated';
    const who = row.customerId ?? row.email ?? row.phone;
    return who !== undefined ? `${who}@${day}` : `row:${rowNo}`;
  }

  private orderFor(row: TypedRow, rowNo: number): OrderState | RejectCode {
    const key = this.orderKey(row, rowNo);
    // An order's lines usually follow one another: comparing with the last key saves hashing it again.
    if (key === this.lastOrder?.key) return this.lastOrder.state;
    const known = this.orderByKey.get(key);
    if (known) {
      this.lastOrder = { key, state: known };
      return known;
    }
    if (row.orderedAt === undefined) return 'no_order_date';
    const customerId = this.customerFor(row);
    const existing = this.hadOrders ? (this.statements.findOrder.get(key) as number | undefined) : undefined;
    let id: number;
    if (existing !== undefined) {
      id = existing;
      this.statements.deleteLines.run(id);
      this.statements.updateOrderHeader.run(customerId, row.orderedAt, row.utcOffsetMin ?? null, this.importId, id);
      this.orders.updated++;
    } else {
      id = Number(
        this.statements.insertOrder.run(
          key,
          customerId,
          row.orderedAt,
          row.utcOffsetMin ?? null,
          row.status ?? 'completed',
          row.currency ?? this.defaultCurrency,
          row.country ?? null,
          this.importId,
        ).lastInsertRowid,
      );
      this.orders.created++;
    }
    const state: OrderState = {
      id,
      total: 0,
      lines: 0,
      validValue: 0,
      status: row.status ?? 'completed',
      refunded: row.refunded ?? 0,
      currency: row.currency !== undefined ? detach(row.currency) : this.defaultCurrency,
      country: row.country !== undefined ? detach(row.country) : null,
      customerId,
    };
    this.orderByKey.set(detach(key), state);
    this.lastOrder = { key, state };
    return state;
  }

  private flushLines(): void {
    const buffer = this.lineBuffer;
    if (this.buffered === LINES_PER_STATEMENT) {
      this.statements.insertLines.run(buffer);
    } else {
      for (let i = 0; i < this.buffered * LINE_COLUMNS; i += LINE_COLUMNS) {
        this.statements.insertLine.run(buffer[i], buffer[i + 1], buffer[i + 2], buffer[i + 3], buffer[i + 4]);
      }
    }
    this.buffered = 0;
  }

  private addLine(row: TypedRow, rowNo: number): RejectCode | null {
    const order = this.orderFor(row, rowNo);
    if (typeof order === 'string') return order;
    const product = this.productFor(row);
    if (product === null) return 'no_product';
    // A file of one row per purchased item (a basket export) has no quantity: each row is one item.
    const quantity = row.quantity ?? 1;
    const unitPrice = row.unitPrice ?? (row.lineTotal !== undefined && quantity !== 0 ? row.lineTotal / quantity : 0);
    order.lines++;
    // Order-level fields may be filled on any of the order's rows (Shopify fills them on the first only).
    if (row.status === 'cancelled' || row.status === 'refunded') order.status = row.status;
    if (row.refunded !== undefined) order.refunded = row.refunded;
    order.total += row.lineTotal ?? quantity * unitPrice;
    const at = this.buffered++ * LINE_COLUMNS;
    const buffer = this.lineBuffer;
    buffer[at] = order.id;
    buffer[at + 1] = product;
    buffer[at + 2] = order.lines;
    buffer[at + 3] = quantity;
    buffer[at + 4] = unitPrice;
    if (this.buffered === LINES_PER_STATEMENT) this.flushLines();
    if (quantity > 0 && unitPrice > 0) {
      order.validValue += quantity * unitPrice;
      this.imported.addProduct(order.id, product);
    }
    this.lines++;
    return null;
  }

  private addOrder(row: TypedRow, rowNo: number): RejectCode | null {
    if (row.orderTotal === undefined) return 'no_order_total';
    const order = this.orderFor(row, rowNo);
    if (typeof order === 'string') return order;
    order.total = row.orderTotal;
    return null;
  }
}
