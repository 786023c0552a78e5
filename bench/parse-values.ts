/**
 * Cost per cell of parseNumber, parseDate and cleanCell on 1M real values: UnitPrice and InvoiceDate of UCI Online Retail,
 * as the file writes them and rewritten the way other exports do, against Number() and Date.parse() on the same
 * text. Prints JSON: CPU ns per call, the median of the rounds after a warm-up pass. Run: npx tsx bench/parse-values.ts
 */
import { readFileSync } from 'node:fs';
import { CsvParser } from '../src-main/io/csv';
import { parseDate, type DateOrder } from '../src-main/io/dates';
import { cleanCell, parseNumber, type NumberFormat } from '../src-main/io/values';

const FILE = new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url);
const VALUES = 1_000_000;
const ROUNDS = 5;
const INVOICE_DATE = 4;
const UNIT_PRICE = 5;

function readColumns(): { prices: string[]; dates: string[] } {
  const parser = new CsvParser();
  const records = parser.push(readFileSync(FILE, 'utf8'));
  records.push(...parser.end());
  const rows = records.slice(1);
  return { prices: rows.map((row) => row[UNIT_PRICE] ?? ''), dates: rows.map((row) => row[INVOICE_DATE] ?? '') };
}

/**
 * The column repeated up to VALUES values, as fresh flat strings laid out in order. The reader's own strings lie
 * scattered among 4 million others, and cache misses on them would swamp the parse; in the importer each cell is
 * parsed right after it is read, while it is still in cache.
 */
function toMillion(column: readonly string[]): string[] {
  const repeated = Array.from({ length: VALUES }, (_, index) => column[index % column.length] ?? '');
  return JSON.parse(JSON.stringify(repeated)) as string[];
}

/** `2010-12-01 08:26:00` as the original UCI export and US Excel write it: `12/1/2010 8:26`. */
function toUsSlashes(iso: string): string {
  const [year, month, day, hour, minute] = iso.split(/[- :]/).map(Number);
  return `${month}/${day}/${year} ${hour}:${String(minute).padStart(2, '0')}`;
}

/**
 * CPU time of one pass over all values, in ns per value: CPU rather than wall time, so that other processes on a
 * busy machine count less. The checksum keeps the work from being optimised away.
 */
function timePass(values: readonly string[], parse: (value: string) => number): { ns: number; checksum: number } {
  let checksum = 0;
  const start = process.cpuUsage();
  for (let index = 0; index < values.length; index++) checksum += parse(values[index] ?? '');
  const { user, system } = process.cpuUsage(start);
  return { ns: ((user + system) * 1000) / values.length, checksum };
}

function medianNsPerCall(values: readonly string[], parse: (value: string) => number): number {
  timePass(values, parse); // warm-up: let the JIT compile the parser before it is timed
  const times = Array.from({ length: ROUNDS }, () => timePass(values, parse).ns).sort((a, b) => a - b);
  return Math.round((times[Math.floor(ROUNDS / 2)] ?? 0) * 10) / 10;
}

const POINT: NumberFormat = { decimal: '.', thousands: ',' };
const COMMA: NumberFormat = { decimal: ',', thousands: '.' };
const number = (format: NumberFormat) => (value: string) => parseNumber(value, format) ?? 0;
const date = (order: DateOrder) => (value: string) => parseDate(value, order)?.epochMs ?? 0;

const loadStart = performance.now();
const { prices, dates } = readColumns();
const loadMs = Math.round(performance.now() - loadStart);

const plainPrices = toMillion(prices);
const decimalCommaPrices = plainPrices.map((price) => price.replace('.', ','));
const poundsWithThousands = plainPrices.map((price) => `£${(Number(price) * 1000).toLocaleString('en-GB')}`);
const excelWrapped = plainPrices.map((price) => `="${price}"`);
const isoDates = toMillion(dates);
const usDates = isoDates.map(toUsSlashes);
const offsetDates = isoDates.map((iso) => `${iso.replace(' ', 'T')}+08:00`);

console.log(
  JSON.stringify(
    {
      values: VALUES,
      rounds: ROUNDS,
      loadMs,
      nsPerCall: {
        parseNumber: {
          plain: medianNsPerCall(plainPrices, number(POINT)),
          decimalComma: medianNsPerCall(decimalCommaPrices, number(COMMA)),
          currencyAndThousands: medianNsPerCall(poundsWithThousands, number(POINT)),
        },
        parseDate: {
          iso: medianNsPerCall(isoDates, date('ymd')),
          usSlashes: medianNsPerCall(usDates, date('mdy')),
          isoWithOffset: medianNsPerCall(offsetDates, date('ymd')),
        },
        cleanCell: {
          plain: medianNsPerCall(plainPrices, (value) => cleanCell(value).length),
          excelTextMarker: medianNsPerCall(excelWrapped, (value) => cleanCell(value).length),
        },
        baseline: {
          Number: medianNsPerCall(plainPrices, Number),
          DateParse: medianNsPerCall(isoDates, Date.parse),
        },
      },
      examples: {
        plain: plainPrices[0],
        decimalComma: decimalCommaPrices[0],
        currencyAndThousands: poundsWithThousands[0],
        iso: isoDates[0],
        usSlashes: usDates[0],
        isoWithOffset: offsetDates[0],
      },
    },
    null,
    2,
  ),
);
