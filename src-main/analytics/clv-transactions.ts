/**
 * Transactions from a file for a lifetime value run outside a project (the CLI's `clv --transactions`). Two
 * layouts are read:
 * - a CSV (comma, semicolon or tab) with a header row, columns named by --customer-col, --date-col, --value-col;
 * - a headerless file of whitespace-separated numbers, as CDNOW_sample.txt (id, id2, yyyymmdd, quantity, value),
 *   recognised by its first line having no delimiter and no letters; columns are then given by number (1-based),
 *   by default customer 1, date 3, value 5: CDNOW's layout.
 * Dates are yyyymmdd or anything the importer reads (ISO, d/m/y or m/d/y decided from all the values).
 */
import { readFileSync } from 'node:fs';
import { CoreError } from '../shared/errors';
import { parseCsv } from '../io/csv';
import { detectDateFormat, parseDate } from '../io/dates';

export interface TransactionFileOptions {
  customerCol?: string | undefined;
  dateCol?: string | undefined;
  valueCol?: string | undefined;
}

export interface TransactionFile {
  layout: 'csv' | 'whitespace';
  customer: string[];
  time: Float64Array;
  /** null without a value column: only purchase timing can be modelled. */
  value: Float64Array | null;
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

function dateReader(values: readonly string[]): (text: string, row: number) => number {
  const guess = detectDateFormat(values.slice(0, 1000).filter((v) => !COMPACT_DATE.test(v)));
  return (text, row) => {
    const compact = COMPACT_DATE.exec(text);
    const t = compact
      ? Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3]))
      : (parseDate(text, guess?.order ?? 'ymd')?.epochMs ?? NaN);
    if (!Number.isFinite(t)) throw invalid(`Row ${row} has "${text}" where a date is expected.`);
    return t;
  };
}

function isWhitespaceLayout(firstLine: string): boolean {
  return !/[,;\t]/.test(firstLine) && !/[a-z]/i.test(firstLine) && firstLine.trim().split(/\s+/).length >= 3;
}

function columnIndex(
  headers: readonly string[] | null,
  given: string | undefined,
  fallback: number | null,
  flag: string,
): number | null {
  if (given === undefined) {
    if (fallback === null) return null;
    return fallback;
  }
  if (headers === null) {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1)
      throw invalid(`${flag} must be a column number from 1 in a file without a header; got "${given}".`);
    return n - 1;
  }
  const index = headers.indexOf(given);
  if (index < 0) throw invalid(`There is no column "${given}" (${flag}); the columns are ${headers.join(', ')}.`);
  return index;
}

export function readTransactionFile(path: string, options: TransactionFileOptions): TransactionFile {
  const text = readFileSync(path, 'utf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const whitespace = isWhitespaceLayout(firstLine);
  let headers: string[] | null = null;
  let records: string[][];
  if (whitespace) {
    records = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => line.split(/\s+/));
  } else {
    const delimiter = [',', ';', '\t'].reduce((best, d) =>
      firstLine.split(d).length > firstLine.split(best).length ? d : best,
    );
    [headers = [], ...records] = parseCsv(text, { delimiter });
    headers = headers.map((h) => h.trim());
    if (options.customerCol === undefined || options.dateCol === undefined)
      throw invalid('Name the customer and date columns with --customer-col and --date-col.');
  }
  if (records.length === 0) throw invalid('The transactions file has no rows.');
  const customerAt = columnIndex(headers, options.customerCol, 0, '--customer-col') ?? 0;
  const dateAt = columnIndex(headers, options.dateCol, 2, '--date-col') ?? 2;
  const valueAt = columnIndex(headers, options.valueCol, whitespace ? 4 : null, '--value-col');
  const readDate = dateReader(records.map((r) => (r[dateAt] ?? '').trim()));
  const offset = whitespace ? 1 : 2;
  return {
    layout: whitespace ? 'whitespace' : 'csv',
    customer: records.map((r, i) => {
      const id = (r[customerAt] ?? '').trim();
      if (id === '') throw invalid(`Row ${i + offset} has no customer.`);
      return id;
    }),
    time: Float64Array.from(records, (r, i) => readDate((r[dateAt] ?? '').trim(), i + offset)),
    value:
      valueAt === null
        ? null
        : Float64Array.from(records, (r, i) => {
            const v = Number((r[valueAt] ?? '').trim());
            if (!Number.isFinite(v))
              throw invalid(`Row ${i + offset} has "${r[valueAt] ?? ''}" where a value is expected.`);
            return v;
          }),
  };
}
