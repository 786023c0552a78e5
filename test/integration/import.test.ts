import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { rebuildCustomerMetrics } from '../../src-main/analytics/customer-metrics';
import { previewImport } from '../../src-main/import/preview';
import { runImport } from '../../src-main/import/run-import';
import { parseCsv } from '../../src-main/io/csv';
import { createXlsxWriter } from '../../src-main/io/xlsx-write';
import { appRoot } from '../../src-main/services/paths';
import type { ImportSettings } from '../../src-main/shared/import';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();
const UCI_SLICE = join(appRoot(), 'resources', 'demo', 'online-retail-sample.csv');
const GBK_ORDERS = join(appRoot(), '..', 'shared', 'data', 'chinese_orders', 'meal_order_info_GBK.csv');
const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };

function project(): Db {
  return createProject(join(tempDir(), 'shop.mlens'));
}

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function importFile(db: Db, path: string, settings: ImportSettings = {}, dryRun = false) {
  return runImport(db, { path, settings, dryRun }, quiet);
}

function write(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('import', () => {
  it('imports UCI Online Retail lines into orders, customers and products, equal to an independent count', async () => {
    const [header, ...rows] = parseCsv(readFileSync(UCI_SLICE, 'utf8'));
    const column = (name: string) => header?.indexOf(name) ?? -1;
    const invoices = new Set(rows.map((r) => r[column('InvoiceNo')]));
    const customers = new Set(rows.map((r) => r[column('CustomerID')]).filter((c) => c !== ''));
    const products = new Set(rows.map((r) => r[column('StockCode')]));
    const revenue = rows.reduce((sum, r) => sum + Number(r[column('Quantity')]) * Number(r[column('UnitPrice')]), 0);

    const db = project();
    const report = await importFile(db, UCI_SLICE);
    expect(report).toMatchObject({
      committed: true,
      kind: 'order_lines',
      preset: 'uci-online-retail',
      encoding: 'utf-8',
      rows: rows.length,
      rejected: 0,
      orders: { created: invoices.size, updated: 0 },
      customers: { created: customers.size, updated: 0 },
      products: { created: products.size, updated: 0 },
      lines: rows.length,
    });
    expect(count(db, 'order_lines')).toBe(rows.length);
    const total = db.prepare('SELECT sum(quantity * unit_price) AS s FROM order_lines').get() as { s: number };
    expect(total.s).toBeCloseTo(revenue, 6);
    const cancelled = [...invoices].filter((i) => i?.startsWith('C')).length;
    expect(db.prepare("SELECT count(*) AS n FROM orders WHERE status = 'cancelled'").get()).toEqual({ n: cancelled });
    expect(db.prepare("SELECT external_id FROM customers WHERE external_id LIKE '%.0'").all()).toEqual([]);
    expect(report.anonymousOrders).toBe(
      db.prepare('SELECT count(*) AS n FROM orders WHERE customer_id IS NULL').pluck().get(),
    );

    // The next month's export overlaps this one: known orders are updated, nothing is doubled.
    const again = await importFile(db, UCI_SLICE);
    expect(again.orders).toEqual({ created: 0, updated: invoices.size });
    expect(again.customers).toEqual({ created: 0, updated: customers.size });
    expect(count(db, 'orders')).toBe(invoices.size);
    expect(count(db, 'order_lines')).toBe(rows.length);
    expect(count(db, 'imports')).toBe(2);
    db.close();
  });

  it('keeps customer metrics equal to a rebuild from the stored orders, across overlapping imports', async () => {
    const [header, ...lines] = readFileSync(UCI_SLICE, 'utf8').trimEnd().split(/\r?\n/);
    // The second file starts inside an invoice of the first: that order is updated and keeps only its later lines.
    const first = write('first.csv', [header, ...lines.slice(0, 3000)].join('\n'));
    const second = write('second.csv', [header, ...lines.slice(2000)].join('\n'));
    const db = project();
    const metrics = () => db.prepare('SELECT * FROM customer_metrics ORDER BY customer_id').all();
    await importFile(db, first);
    const report = await importFile(db, second);
    expect(report.orders.updated).toBeGreaterThan(0);
    expect(report.orders.created).toBeGreaterThan(0);
    const kept = metrics();
    expect(kept.length).toBeGreaterThan(100);
    db.transaction(() => rebuildCustomerMetrics(db))();
    expect(metrics()).toEqual(kept);

    // Orders whose lines are all free gifts do not count; the last line of the earlier file is still read.
    const header2 = 'Order ID,Order Date,Customer ID,SKU,Quantity,Price';
    await importFile(
      db,
      write(
        'a.csv',
        [header2, 'A1,2024-01-02,c1,X,1,5', 'A2,2024-01-03,c1,G,1,0', 'A3,2024-01-04,c2,Y,2,4'].join('\n'),
      ),
    );
    await importFile(
      db,
      write(
        'b.csv',
        [header2, 'A1,2024-01-02,c1,Z,3,2', 'A4,2024-02-01,c2,X,1,5', 'A5,2024-02-02,c3,G,1,0'].join('\n'),
      ),
    );
    const small = db
      .prepare(
        `SELECT c.external_id, m.orders, m.revenue, m.distinct_products FROM customer_metrics m
         JOIN customers c ON c.id = m.customer_id WHERE c.external_id IN ('c1', 'c2', 'c3') ORDER BY 1`,
      )
      .all();
    expect(small).toEqual([
      { external_id: 'c1', orders: 1, revenue: 6, distinct_products: 1 },
      { external_id: 'c2', orders: 2, revenue: 13, distinct_products: 2 },
    ]);
    const keptAgain = metrics();
    db.transaction(() => rebuildCustomerMetrics(db))();
    expect(metrics()).toEqual(keptAgain);
    db.close();
  });

  it('says what it is doing at each step, ending with the project saved', async () => {
    const details: (string | null)[] = [];
    const db = project();
    await runImport(
      db,
      { path: UCI_SLICE, settings: {}, dryRun: false },
      { progress: (_, detail) => details.push(detail ?? null), throwIfCancelled: () => undefined },
    );
    const stages = details.filter((detail, i) => detail !== details[i - 1]);
    expect(stages).toEqual(['rows', 'orders', 'indexes', 'customer_metrics', 'saving', null]);
    db.close();
  });

  it('reads the GBK restaurant orders with their Chinese names and picks the orders layout', async () => {
    const db = project();
    const report = await importFile(db, GBK_ORDERS);
    expect(report).toMatchObject({ committed: true, encoding: 'gb18030', kind: 'orders', rows: 945, rejected: 0 });
    expect(report.orders.created).toBe(945);
    expect(report.customers.created).toBe(473);
    const names = db
      .prepare('SELECT first_name FROM customers WHERE first_name IS NOT NULL LIMIT 50')
      .pluck()
      .all() as string[];
    expect(names).toContain('苗宇怡');
    expect(names.join('')).not.toContain('\ufffd');
    db.close();
  });

  it('a dry run reports exact counts and writes nothing', async () => {
    const db = project();
    const report = await importFile(db, UCI_SLICE, {}, true);
    expect(report.committed).toBe(false);
    expect(report.importId).toBeNull();
    expect(report.orders.created).toBeGreaterThan(400);
    for (const table of ['orders', 'order_lines', 'customers', 'products', 'imports', 'import_rejects']) {
      expect(count(db, table)).toBe(0);
    }
    db.close();
  });

  it('keeps every rejected row with its reason, and stops before writing when too many are bad', async () => {
    const csv = [
      'Order ID,Order Date,Email,Product,Quantity,Price',
      '1001,2024-03-01,ann@example.com,Mug,2,9.50',
      '1002,not a date,bob@example.com,Mug,1,9.50',
      '1003,2024-03-02,cy@example.com,Mug,many,9.50',
      '1004,2024-03-03,dee@example.com,Mug,1,9.50,extra',
      '1005,2024-03-04,,Mug,1,9.50',
    ].join('\n');
    const path = write('orders.csv', csv);
    const db = project();
    const stopped = await importFile(db, path);
    expect(stopped.committed).toBe(false);
    expect(stopped.stoppedBecause).toMatch(/60\.0% of rows would be rejected, more than the 5% allowed/);
    expect(stopped.stopped).toEqual({
      share: 0.6,
      limit: 0.05,
      commonest: { code: 'not_a_date', params: { column: 'Order Date' } },
    });
    expect(count(db, 'orders')).toBe(0);

    const report = await importFile(db, path, { maxRejectedShare: 0.8 });
    expect(report.committed).toBe(true);
    expect(report.rejectedSample.map((r) => [r.row, r.reason])).toEqual([
      [3, 'Row 3 Order Date "not a date" is not a date'],
      [4, 'Row 4 Quantity "many" is not a number'],
      [5, 'Row 5 has 7 fields but the header has 6: a delimiter inside an unquoted value?'],
    ]);
    // Codes and values, for the interface to word in the user's language.
    expect(report.rejectedSample.map((r) => [r.code, r.params])).toEqual([
      ['not_a_date', { column: 'Order Date', value: 'not a date' }],
      ['not_a_number', { column: 'Quantity', value: 'many' }],
      ['too_many_fields', { fields: 7, expected: 6 }],
    ]);
    expect(report.rejectedReasons.map(({ code, count }) => [code, count])).toEqual([
      ['not_a_date', 1],
      ['not_a_number', 1],
      ['too_many_fields', 1],
    ]);
    expect(report.rejectedReasons[1]?.reason).toBe('Quantity is not a number');
    expect(report.anonymousOrders).toBe(1);
    expect(report.warnings.map((w) => w.code)).toContain('ANONYMOUS_ORDERS');
    expect(count(db, 'import_rejects')).toBe(3);
    db.close();
  });

  it('decides the day/month order from the whole column and reads three date formats', async () => {
    const path = write(
      'mixed.csv',
      [
        'order,date,sku,qty,price',
        'A,03/04/2024 10:00,X,1,1',
        'B,2024-04-05T08:00:00+08:00,X,1,1',
        'C,25/04/2024,X,1,1',
      ].join('\n'),
    );
    const db = project();
    const preview = await previewImport(db, { id: 'f', name: 'mixed.csv', sizeBytes: 0 }, path, {});
    expect(preview.detected.dates).toMatchObject({ order: 'dmy', ambiguous: false });
    await importFile(db, path);
    const dates = db.prepare('SELECT external_id, ordered_at, utc_offset_min FROM orders ORDER BY external_id').all();
    expect(dates).toEqual([
      { external_id: 'A', ordered_at: Date.UTC(2024, 3, 3, 10), utc_offset_min: null },
      { external_id: 'B', ordered_at: Date.UTC(2024, 3, 5, 0), utc_offset_min: 480 },
      { external_id: 'C', ordered_at: Date.UTC(2024, 3, 25), utc_offset_min: null },
    ]);
    db.close();
  });

  it('offers the saved mapping again for the next file of the same shape', async () => {
    const first = write('a.csv', 'when,who,what,n,each\n2024-01-02,c1,Tea,1,3\n');
    const db = project();
    const settings: ImportSettings = {
      kind: 'order_lines',
      mapping: { ordered_at: 'when', customer_id: 'who', product_name: 'what', quantity: 'n', unit_price: 'each' },
    };
    await importFile(db, first, settings);
    const second = write('b.csv', 'who,when,what,n,each\nc2,2024-02-03,Cake,2,4\n');
    const preview = await previewImport(db, { id: 'f', name: 'b.csv', sizeBytes: 0 }, second, {});
    expect(preview.detected.mappingSource).toBe('saved');
    expect(preview.mapping).toMatchObject(settings.mapping ?? {});
    expect(preview.missing).toEqual([]);
    db.close();
  });

  it.each([
    ['an empty file', 'empty.csv', '', /empty/],
    ['a header with no rows', 'header.csv', 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n', /no rows/],
    [
      'a binary file renamed .csv',
      'photo.csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0, 1, 2, 3]),
      /not look like a text table/,
    ],
    [
      'an old .xls workbook',
      'old.csv',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      /save it as \.xlsx/,
    ],
  ])('refuses %s with a clear message and writes nothing', async (_label, name, content, message) => {
    const db = project();
    await expect(importFile(db, write(name, content))).rejects.toMatchObject({
      code: 'IMPORT_UNREADABLE',
      message: expect.stringMatching(message),
    });
    expect(count(db, 'imports')).toBe(0);
    db.close();
  });

  it('says which field to map when a required one is missing', async () => {
    const db = project();
    const path = write('partial.csv', 'Order ID,Email\n1,a@b.c\n');
    await expect(importFile(db, path, { kind: 'order_lines' })).rejects.toMatchObject({
      code: 'IMPORT_MAPPING_INCOMPLETE',
      message: expect.stringMatching(/Map a column to ordered at, and to sku or product name/),
    });
    db.close();
  });

  it('rolls back a cancelled import completely', async () => {
    const db = project();
    let batches = 0;
    const cancelling = {
      progress: () => undefined,
      throwIfCancelled: () => {
        if (++batches > 1) throw new Error('Cancelled');
      },
    };
    const big = write(
      'big.csv',
      [
        'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
        ...Array.from(
          { length: 60_000 },
          (_, i) =>
            `${536000 + Math.floor(i / 5)},SKU${i % 300},Thing,1,2011-01-02 10:00:00,1.5,${12000 + (i % 900)},United Kingdom`,
        ),
      ].join('\n'),
    );
    await expect(runImport(db, { path: big, settings: {}, dryRun: false }, cancelling)).rejects.toThrow('Cancelled');
    expect(db.inTransaction).toBe(false);
    for (const table of ['orders', 'order_lines', 'customers', 'imports']) expect(count(db, table)).toBe(0);
    db.close();
  });
});

describe('import of a basket export with no order id, quantity or price', () => {
  it('makes one order per customer per day from the groceries set', async () => {
    const file = join(appRoot(), '..', 'shared', 'data', 'groceries_basket', 'Groceries_dataset.csv');
    const [, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    const baskets = new Set(rows.map((r) => `${r[0]}|${r[1]}`));
    const db = project();
    const report = await importFile(db, file);
    expect(report).toMatchObject({ committed: true, kind: 'order_lines', rows: rows.length, rejected: 0 });
    expect(report.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['NO_ORDER_ID', 'NO_PRICES']));
    // The reference: 14,963 baskets (one member on one date).
    expect(baskets.size).toBe(14_963);
    expect(report.orders.created).toBe(baskets.size);
    expect(report.products.created).toBe(167);
    db.close();
  });
});

describe('import of an Excel workbook', () => {
  it('reads XLSX order lines with real date cells, short rows and numbers as numbers', async () => {
    const path = join(tempDir(), 'orders.xlsx');
    const out = createWriteStream(path);
    const writer = createXlsxWriter(out, {
      columns: ['Order ID', 'Order Date', 'Email', 'SKU', 'Quantity', 'Unit Price', 'Note'].map((header) => ({
        header,
      })),
    });
    await writer.addRow(['A-1', new Date(Date.UTC(2024, 2, 1, 9, 30)), 'ann@example.com', 'MUG', 2, 9.5, 'gift']);
    await writer.addRow(['A-1', new Date(Date.UTC(2024, 2, 1, 9, 30)), 'ann@example.com', 'TEA', 1, 4.25]);
    await writer.addRow(['A-2', new Date(Date.UTC(2024, 2, 31)), 'bob@example.com', 'MUG', 1, 9.5]);
    await writer.finish();
    await finished(out);

    const db = project();
    const report = await importFile(db, path);
    expect(report).toMatchObject({ committed: true, encoding: 'xlsx', rows: 3, rejected: 0, lines: 3 });
    expect(db.prepare('SELECT external_id, ordered_at, total FROM orders ORDER BY external_id').all()).toEqual([
      { external_id: 'A-1', ordered_at: Date.UTC(2024, 2, 1, 9, 30), total: 23.25 },
      { external_id: 'A-2', ordered_at: Date.UTC(2024, 2, 31), total: 9.5 },
    ]);
    db.close();
  });

  it('refuses a truncated workbook with a message that says what to do', async () => {
    const whole = readFileSync(join(appRoot(), 'test', 'fixtures', 'xlsx', 'sample.xlsx'));
    const path = write('cut.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
    const db = project();
    await expect(importFile(db, path)).rejects.toMatchObject({
      code: 'IMPORT_UNREADABLE',
      message: expect.stringMatching(/damaged or incomplete.*save it as CSV/),
    });
    db.close();
  });
});

describe('import across files', () => {
  it('merges customers from a CRM list and an orders file by id and email, keeping consent', async () => {
    const crm = write(
      'customers.csv',
      [
        'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Accepts SMS Marketing,Phone',
        '7001,Ann,Lee,Ann@Example.com,yes,no,+44 7700 900123',
        '7002,Bo,Wu,bo@example.com,no,no,',
      ].join('\n'),
    );
    const orders = write(
      'orders.csv',
      [
        'Order ID,Order Date,Email,Product,Quantity,Price',
        'W1,2024-05-01,ann@example.com,Mug,1,9.5',
        'W2,2024-05-02,new@example.com,Tea,2,3',
      ].join('\n'),
    );
    const db = project();
    expect((await importFile(db, crm)).customers).toEqual({ created: 2, updated: 0 });
    const second = await importFile(db, orders);
    expect(second.customers).toEqual({ created: 1, updated: 1 });
    const ann = db
      .prepare(
        'SELECT external_id, email, first_name, email_consent, sms_consent, phone FROM customers WHERE email = ?',
      )
      .get('ann@example.com');
    expect(ann).toEqual({
      external_id: '7001',
      email: 'ann@example.com',
      first_name: 'Ann',
      email_consent: 1,
      sms_consent: 0,
      phone: '+447700900123',
    });
    const annOrders = db
      .prepare('SELECT o.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = ?')
      .pluck()
      .all('7001');
    expect(annOrders).toEqual(['W1']);
    db.close();
  });

  it('imports what the user says when the guessed encoding was wrong', async () => {
    const db = project();
    const wrong = await runImport(
      db,
      { path: GBK_ORDERS, settings: { encoding: 'windows-1252' }, dryRun: true },
      quiet,
    );
    expect(wrong.encoding).toBe('windows-1252');
    const preview = await previewImport(db, { id: 'f', name: 'gbk.csv', sizeBytes: 0 }, GBK_ORDERS, {
      encoding: 'gb18030',
    });
    expect(preview.rows.flat()).toContain('苗宇怡');
    const right = await importFile(db, GBK_ORDERS, { encoding: 'gb18030' });
    expect(right).toMatchObject({ committed: true, encoding: 'gb18030', rows: 945 });
    db.close();
  });
});
