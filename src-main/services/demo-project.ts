import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseCsv } from '../io/csv';
import { CoreError } from '../shared/errors';
import { createProject, type ConnectionOptions, type Db } from '../store/connection';

/** The demo's data, a slice of UCI Online Retail (see resources/demo/PROVENANCE.md), relative to resources/. */
export const DEMO_SAMPLE_PATH = join('demo', 'online-retail-sample.csv');

const CURRENCY = 'GBP';
const PRESET = 'uci-online-retail';
const COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

type Column = (typeof COLUMNS)[number];
type ColumnPositions = Record<Column, number>;

/** Which field each column fills, kept with the import as the import wizard will keep its mappings. */
const MAPPING: Record<Column, string> = {
  InvoiceNo: 'order.external_id',
  StockCode: 'product.sku',
  Description: 'product.name',
  Quantity: 'line.quantity',
  InvoiceDate: 'order.ordered_at',
  UnitPrice: 'line.unit_price',
  CustomerID: 'customer.external_id',
  Country: 'customer.country',
};

interface SourceFile {
  name: string;
  sha256: string;
  records: string[][];
}

interface RetailLine {
  invoiceNo: string;
  stockCode: string;
  description: string | null;
  quantity: number;
  unitPrice: number;
  orderedAt: number;
  customerId: string | null;
  country: string;
}

/**
 * Creates the demo project at `path` from the sample bundled in `resourcesDir`, all in one transaction. If
 * anything fails, the half-made file is closed and deleted before the error is rethrown, so the next attempt
 * starts clean; an existing file at `path` is never touched.
 */
export function buildDemoProject(path: string, resourcesDir: string, options: ConnectionOptions = {}): void {
  const source = readSource(join(resourcesDir, DEMO_SAMPLE_PATH));
  mkdirSync(dirname(path), { recursive: true });
  const db = createNewProject(path, options);
  try {
    db.transaction(() => importOrderLines(db, source))();
    db.close();
  } catch (error) {
    if (db.open) db.close();
    removeProjectFiles(path);
    throw error;
  }
}

function createNewProject(path: string, options: ConnectionOptions): Db {
  try {
    return createProject(path, options);
  } catch (error) {
    // createProject refuses an existing file without touching it; any other failure may have left a partial one.
    if (!(error instanceof CoreError && error.code === 'PROJECT_EXISTS')) removeProjectFiles(path);
    throw error;
  }
}

function readSource(path: string): SourceFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`The demo data ${path} cannot be read; reinstalling MarketLens should restore it.`, {
      cause: error,
    });
  }
  return {
    name: basename(path),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    records: parseCsv(bytes.toString('utf8')),
  };
}

function removeProjectFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

function importOrderLines(db: Db, source: SourceFile): void {
  const [header = [], ...rows] = source.records;
  const readLine = lineReader(header);
  // Row numbers as a spreadsheet shows them: the header is row 1.
  const lines = rows.map((row, index) => readLine(row, index + 2));
  const importId = insertImport(db, source);
  const customerIds = insertCustomers(db, lines, importId);
  const productIds = insertProducts(db, lines, importId);
  insertOrders(db, lines, { importId, customerIds, productIds });
  db.prepare('UPDATE imports SET rows_total = ?, rows_imported = ?, finished_at = ? WHERE id = ?').run(
    rows.length,
    rows.length,
    Date.now(),
    importId,
  );
}

function insertImport(db: Db, source: SourceFile): number {
  const result = db
    .prepare(
      `INSERT INTO imports (source_name, source_hash, kind, encoding, preset, mapping_json, started_at)
       VALUES (?, ?, 'order_lines', 'utf-8', ?, ?, ?)`,
    )
    .run(source.name, source.sha256, PRESET, JSON.stringify(MAPPING), Date.now());
  return Number(result.lastInsertRowid);
}

/** Finds the columns by name, as any import must, and returns a function that types one row. */
function lineReader(header: string[]): (row: string[], rowNumber: number) => RetailLine {
  const missing = COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new Error(`The demo data has no ${missing.join(', ')} column`);
  const positions = Object.fromEntries(COLUMNS.map((column) => [column, header.indexOf(column)])) as ColumnPositions;

  return (row, rowNumber) => {
    if (row.length !== header.length) {
      throw new Error(`Row ${rowNumber} of the demo data has ${row.length} fields; the header has ${header.length}`);
    }
    const cell = (column: Column): string => row[positions[column]] ?? '';
    const fail = (column: Column, expected: string): never => {
      throw new Error(`Row ${rowNumber} of the demo data: ${column} "${cell(column)}" is not ${expected}`);
    };
    return {
      invoiceNo: cell('InvoiceNo') || fail('InvoiceNo', 'an invoice number'),
      stockCode: cell('StockCode') || fail('StockCode', 'a stock code'),
      description: cell('Description') || null,
      quantity: parseNumber(cell('Quantity')) ?? fail('Quantity', 'a number'),
      unitPrice: parseNumber(cell('UnitPrice')) ?? fail('UnitPrice', 'a number'),
      orderedAt: parseDateTime(cell('InvoiceDate')) ?? fail('InvoiceDate', 'a YYYY-MM-DD HH:MM:SS time'),
      customerId:
        cell('CustomerID') === ''
          ? null
          : (parseCustomerNumber(cell('CustomerID')) ?? fail('CustomerID', 'a customer number')),
      country: cell('Country'),
    };
  };
}

function parseNumber(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

/**
 * The source gives the shop's UK wall-clock time with no zone (GMT in winter, BST in summer). It is stored as if
 * it were UTC, with orders.utc_offset_min left NULL (unknown), so that every invoice keeps the day and hour the
 * source shows; a true conversion would need each date's UK offset and would move summer invoices an hour earlier.
 */
function parseDateTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2011-02-30 over into March and 24:00 into the next day; a real time keeps every part.
  const kept = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  return kept.every((part, index) => part === parts[index]) ? date.getTime() : undefined;
}

/** The source writes customer numbers as floats: '17850.0' is customer '17850'. */
function parseCustomerNumber(text: string): string | undefined {
  return /^(\d+)(?:\.0*)?$/.exec(text)?.[1];
}

/** One row per customer, with the country of their latest line (rows come in date order). */
function insertCustomers(db: Db, lines: RetailLine[], importId: number): Map<string, number> {
  const countries = new Map<string, string>();
  for (const line of lines) if (line.customerId !== null) countries.set(line.customerId, line.country);
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO customers (external_id, country, import_id) VALUES (?, ?, ?)',
  );
  return new Map(
    [...countries].map(([externalId, country]) => [
      externalId,
      Number(insert.run(externalId, country, importId).lastInsertRowid),
    ]),
  );
}

/** One row per stock code, named by its first non-empty description and priced at its latest price. */
function insertProducts(db: Db, lines: RetailLine[], importId: number): Map<string, number> {
  const products = new Map<string, { name: string | null; price: number | null }>();
  for (const line of lines) {
    const product = products.get(line.stockCode) ?? { name: null, price: null };
    product.name ??= line.description;
    // Zero-price lines are free samples and gifts; they would otherwise overwrite the product's real price.
    if (line.unitPrice > 0) product.price = line.unitPrice;
    products.set(line.stockCode, product);
  }
  const insert = db.prepare<[string, string | null, number | null, string, number]>(
    'INSERT INTO products (sku, name, price, currency, import_id) VALUES (?, ?, ?, ?, ?)',
  );
  return new Map(
    [...products].map(([sku, { name, price }]) => [
      sku,
      Number(insert.run(sku, name, price, CURRENCY, importId).lastInsertRowid),
    ]),
  );
}

interface OrderReferences {
  importId: number;
  customerIds: Map<string, number>;
  productIds: Map<string, number>;
}

/**
 * One order per invoice, its fields (customer, time, country) taken from its first line and its total summed over
 * all its lines, which need not be adjacent in the file.
 */
function insertOrders(db: Db, lines: RetailLine[], references: OrderReferences): void {
  const insertOrder = db.prepare<[string, number | null, number, string, string, number, string, number]>(
    `INSERT INTO orders (external_id, customer_id, ordered_at, status, currency, total, country, import_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLine = db.prepare<[number, number, number, number, number]>(
    'INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price) VALUES (?, ?, ?, ?, ?)',
  );
  for (const invoiceLines of groupByInvoice(lines)) {
    const [first] = invoiceLines;
    const customerId = first.customerId === null ? null : idOf(references.customerIds, first.customerId);
    const status = first.invoiceNo.startsWith('C') ? 'cancelled' : 'completed';
    const total = invoiceLines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    const { lastInsertRowid } = insertOrder.run(
      first.invoiceNo,
      customerId,
      first.orderedAt,
      status,
      CURRENCY,
      total,
      first.country,
      references.importId,
    );
    invoiceLines.forEach((line, index) => {
      const productId = idOf(references.productIds, line.stockCode);
      insertLine.run(Number(lastInsertRowid), productId, index + 1, line.quantity, line.unitPrice);
    });
  }
}

function groupByInvoice(lines: RetailLine[]): [RetailLine, ...RetailLine[]][] {
  const invoices = new Map<string, [RetailLine, ...RetailLine[]]>();
  for (const line of lines) {
    const invoice = invoices.get(line.invoiceNo);
    if (invoice) invoice.push(line);
    else invoices.set(line.invoiceNo, [line]);
  }
  return [...invoices.values()];
}

function idOf(ids: Map<string, number>, key: string): number {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`No row was written for ${key}`);
  return id;
}
