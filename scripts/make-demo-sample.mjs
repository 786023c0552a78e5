#!/usr/bin/env node
/**
 * Makes resources/demo/online-retail-sample.csv, the data of the bundled demo project, from the shared copy of
 * UCI Online Retail. The rule is in resources/demo/PROVENANCE.md; it depends only on the source bytes and SEED,
 * so a rerun writes the same bytes.
 *
 *   node --import tsx scripts/make-demo-sample.mjs [source.csv]
 *
 * (tsx lets it read the source with the app's own CSV reader.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src-main/io/csv.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SOURCE = join(ROOT, '..', 'shared', 'data', 'online_retail_uci', 'online_retail.csv');
const SOURCE_SHA256 = 'c35975c40d0e1e105090fbb11188a409393055f873841bd012915475fc84e69f';
const OUTPUT = join(ROOT, 'resources', 'demo', 'online-retail-sample.csv');
const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

const SEED = 'marketlens-demo-v1';
const CUSTOMERS = 180;
/** Keeps the sample a few thousand lines; three customers in four have no more than this. */
const MAX_LINES_PER_CUSTOMER = 80;
const ANONYMOUS_INVOICES = 10;
const MAX_LINES_PER_ANONYMOUS_INVOICE = 30;

const COLUMN = { invoice: 0, stockCode: 1, quantity: 3, date: 4, price: 5, customer: 6, country: 7 };

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** The source's data lines, each checked to be exactly one CSV record of eight fields. */
function readSourceLines(path) {
  const bytes = readFileSync(path);
  const hash = sha256(bytes);
  if (hash !== SOURCE_SHA256)
    throw new Error(`${path} is not the expected file (sha256 ${hash}, expected ${SOURCE_SHA256})`);
  const lines = bytes.toString('utf8').split('\n');
  if (lines.pop() !== '') throw new Error('The source should end with a line break');
  if (lines.shift() !== HEADER) throw new Error('The source header is not the UCI Online Retail header');
  return lines.map((line, index) => {
    const records = parseCsv(line);
    if (records.length !== 1 || records[0].length !== 8) throw new Error(`Line ${index + 2} is not one 8-field record`);
    return { text: line, fields: records[0] };
  });
}

/** Line indexes grouped by a key, in file order; rows whose key is empty are left out. */
function groupBy(lines, keyOf) {
  const groups = new Map();
  lines.forEach((line, index) => {
    const key = keyOf(line);
    if (key === '') return;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  });
  return groups;
}

/** The first `count` groups, in the order of sha256(SEED:kind:key), that have at most `maxLines` lines. */
function pickGroups(groups, kind, count, maxLines) {
  return [...groups.entries()]
    .filter(([, indexes]) => indexes.length <= maxLines)
    .map(([key, indexes]) => ({ rank: sha256(`${SEED}:${kind}:${key}`), indexes }))
    .sort((a, b) => (a.rank < b.rank ? -1 : 1))
    .slice(0, count)
    .flatMap((group) => group.indexes);
}

function describe(lines) {
  const distinct = (column) => new Set(lines.map((line) => line.fields[column]).filter((value) => value !== '')).size;
  const dates = lines.map((line) => line.fields[COLUMN.date]).sort();
  const value = lines.reduce(
    (sum, line) => sum + Number(line.fields[COLUMN.quantity]) * Number(line.fields[COLUMN.price]),
    0,
  );
  return {
    lines: lines.length,
    customers: distinct(COLUMN.customer),
    invoices: distinct(COLUMN.invoice),
    cancellationInvoices: new Set(lines.map((l) => l.fields[COLUMN.invoice]).filter((no) => no.startsWith('C'))).size,
    linesWithoutCustomer: lines.filter((line) => line.fields[COLUMN.customer] === '').length,
    products: distinct(COLUMN.stockCode),
    countries: distinct(COLUMN.country),
    firstInvoiceDate: dates[0],
    lastInvoiceDate: dates.at(-1),
    sumQuantityTimesPrice: Math.round(value * 100) / 100,
  };
}

function main() {
  const source = process.argv[2] ?? DEFAULT_SOURCE;
  const lines = readSourceLines(source);
  const byCustomer = groupBy(lines, (line) => line.fields[COLUMN.customer]);
  const anonymousInvoices = groupBy(lines, (line) =>
    line.fields[COLUMN.customer] === '' ? line.fields[COLUMN.invoice] : '',
  );
  const picked = [
    ...pickGroups(byCustomer, 'customer', CUSTOMERS, MAX_LINES_PER_CUSTOMER),
    ...pickGroups(anonymousInvoices, 'invoice', ANONYMOUS_INVOICES, MAX_LINES_PER_ANONYMOUS_INVOICE),
  ].sort((a, b) => a - b);
  const sample = picked.map((index) => lines[index]);
  const summary = describe(sample);
  if (!summary.firstInvoiceDate.startsWith('2010-12') || !summary.lastInvoiceDate.startsWith('2011-12')) {
    throw new Error(
      `The sample should span 2010-12 .. 2011-12; it spans ${summary.firstInvoiceDate} .. ${summary.lastInvoiceDate}`,
    );
  }
  const text = [HEADER, ...sample.map((line) => line.text)].join('\n') + '\n';
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  console.log(
    JSON.stringify({ output: OUTPUT, bytes: Buffer.byteLength(text), sha256: sha256(text), ...summary }, null, 2),
  );
}

main();
