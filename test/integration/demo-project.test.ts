import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/io/csv';
import { buildDemoProject, DEMO_SAMPLE_PATH } from '../../src-main/services/demo-project';
import { openProject, type Db } from '../../src-main/store/connection';

const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));
const SAMPLE = join(RESOURCES, DEMO_SAMPLE_PATH);

/** What the project should hold, worked out from the CSV alone. */
function expectedFromSample() {
  const [header = [], ...rows] = parseCsv(readFileSync(SAMPLE, 'utf8'));
  const field = (row: string[], name: string): string => row[header.indexOf(name)] ?? '';
  const values = (name: string, from = rows) => from.map((row) => field(row, name));
  const distinct = (list: string[]) => new Set(list).size;
  const asUtc = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
  const dates = values('InvoiceDate').sort();
  return {
    lines: rows.length,
    customers: distinct(values('CustomerID').filter((id) => id !== '')),
    orders: distinct(values('InvoiceNo')),
    cancelledOrders: distinct(values('InvoiceNo').filter((no) => no.startsWith('C'))),
    anonymousOrders: distinct(
      values(
        'InvoiceNo',
        rows.filter((row) => field(row, 'CustomerID') === ''),
      ),
    ),
    products: distinct(values('StockCode')),
    value: rows.reduce((sum, row) => sum + Number(field(row, 'Quantity')) * Number(field(row, 'UnitPrice')), 0),
    firstOrderAt: asUtc(dates[0] ?? ''),
    lastOrderAt: asUtc(dates.at(-1) ?? ''),
    firstRow: Object.fromEntries(header.map((name) => [name, field(rows[0] ?? [], name)])),
  };
}

function scalar(db: Db, sql: string): unknown {
  return db.prepare(sql).pluck().get();
}

describe('buildDemoProject', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'marketlens-demo-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills the project with exactly what the sample holds', async () => {
    const path = join(dir, 'not yet made', 'Demo.mlens');
    await buildDemoProject(path, RESOURCES);

    const expected = expectedFromSample();
    const db = openProject(path);
    try {
      expect(scalar(db, 'SELECT count(*) FROM order_lines')).toBe(expected.lines);
      expect(scalar(db, 'SELECT count(*) FROM customers')).toBe(expected.customers);
      expect(scalar(db, 'SELECT count(*) FROM orders')).toBe(expected.orders);
      expect(scalar(db, "SELECT count(*) FROM orders WHERE status = 'cancelled'")).toBe(expected.cancelledOrders);
      expect(scalar(db, 'SELECT count(*) FROM orders WHERE customer_id IS NULL')).toBe(expected.anonymousOrders);
      expect(scalar(db, 'SELECT count(*) FROM products')).toBe(expected.products);
      expect(scalar(db, 'SELECT sum(quantity * unit_price) FROM order_lines')).toBeCloseTo(expected.value, 6);
      // Order totals are kept to the cent.
      expect(scalar(db, 'SELECT sum(total) FROM orders')).toBeCloseTo(expected.value, 0);
      expect(scalar(db, 'SELECT min(ordered_at) FROM orders')).toBe(expected.firstOrderAt);
      expect(scalar(db, 'SELECT max(ordered_at) FROM orders')).toBe(expected.lastOrderAt);
      expect(scalar(db, 'SELECT count(*) FROM orders WHERE utc_offset_min IS NOT NULL')).toBe(0);
      expect(scalar(db, "SELECT count(*) FROM orders WHERE currency IS NOT 'GBP'")).toBe(0);
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('numbers each order’s lines 1..n and totals them', async () => {
    const path = join(dir, 'Demo.mlens');
    await buildDemoProject(path, RESOURCES);
    const db = openProject(path);
    try {
      const misnumbered = `SELECT count(*) FROM (SELECT order_id FROM order_lines GROUP BY order_id
        HAVING min(line_no) != 1 OR max(line_no) != count(*))`;
      expect(scalar(db, misnumbered)).toBe(0);
      const mistotalled = `SELECT count(*) FROM orders o WHERE abs(o.total -
        (SELECT sum(quantity * unit_price) FROM order_lines WHERE order_id = o.id)) > 1e-9`;
      expect(scalar(db, mistotalled)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('maps the first row of the sample field by field', async () => {
    const path = join(dir, 'Demo.mlens');
    await buildDemoProject(path, RESOURCES);
    const row = expectedFromSample().firstRow;
    const db = openProject(path);
    try {
      const stored = db
        .prepare(
          `SELECT o.external_id AS invoice, o.ordered_at AS orderedAt, o.country, o.status, c.external_id AS customer,
             p.sku, l.line_no AS lineNo, l.quantity, l.unit_price AS unitPrice
           FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN customers c ON c.id = o.customer_id
             JOIN products p ON p.id = l.product_id
           WHERE o.external_id = ? ORDER BY l.line_no LIMIT 1`,
        )
        .get(row.InvoiceNo);
      expect(stored).toEqual({
        invoice: row.InvoiceNo,
        orderedAt: Date.parse(`${row.InvoiceDate?.replace(' ', 'T')}Z`),
        country: row.Country,
        status: row.InvoiceNo?.startsWith('C') ? 'cancelled' : 'completed',
        customer: row.CustomerID === '' ? null : row.CustomerID?.replace(/\.0$/, ''),
        sku: row.StockCode,
        lineNo: 1,
        quantity: Number(row.Quantity),
        unitPrice: Number(row.UnitPrice),
      });
    } finally {
      db.close();
    }
  });

  it('records the import with the sample’s hash and counts', async () => {
    const path = join(dir, 'Demo.mlens');
    await buildDemoProject(path, RESOURCES);
    const db = openProject(path);
    try {
      const imports = db.prepare('SELECT * FROM imports').all();
      expect(imports).toEqual([
        expect.objectContaining({
          source_name: 'online-retail-sample.csv',
          source_hash: createHash('sha256').update(readFileSync(SAMPLE)).digest('hex'),
          kind: 'order_lines',
          preset: 'uci-online-retail',
          encoding: 'utf-8',
          rows_total: expectedFromSample().lines,
          rows_imported: expectedFromSample().lines,
          rows_rejected: 0,
          finished_at: expect.any(Number) as unknown,
        }),
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses to overwrite an existing file and leaves it as it was', async () => {
    const path = join(dir, 'Demo.mlens');
    writeFileSync(path, 'not a project');
    await expect(buildDemoProject(path, RESOURCES)).rejects.toThrow(/already exists/);
    expect(readFileSync(path, 'utf8')).toBe('not a project');
  });

  it('leaves nothing behind when a row fails halfway through', async () => {
    const brokenResources = join(dir, 'resources');
    const lines = readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 101);
    const badRow = '581587,22613,PACK OF 20 SPACEBOY NAPKINS,many,2011-12-09 12:50:00,0.85,12680.0,France';
    mkdirSync(join(brokenResources, 'demo'), { recursive: true });
    writeFileSync(join(brokenResources, DEMO_SAMPLE_PATH), [...lines, badRow, ''].join('\n'));
    const projectDir = join(dir, 'projects');

    await expect(buildDemoProject(join(projectDir, 'Demo.mlens'), brokenResources)).rejects.toThrow(
      /demo data could not be imported: Row 102 Quantity "many" is not a number/,
    );
    expect(readdirSync(projectDir)).toEqual([]);
  });

  it('creates nothing when the sample is missing', async () => {
    const path = join(dir, 'Demo.mlens');
    await expect(buildDemoProject(path, join(dir, 'no resources here'))).rejects.toThrow(/cannot be read/);
    expect(existsSync(path)).toBe(false);
  });
});
