/**
 * Campaign export formatting: time to normalise, hash and format a million customers for Meta (eight SHA-256 hashes
 * a row) and for Klaviyo (no hashes, more columns), up to the CSV line, without writing a file. Customers are
 * synthetic and mixed the way shop exports are: national and international phone numbers, upper-case emails,
 * accented and Chinese names, country names in several languages. They are drawn from a pool of 50,000 so that the
 * input does not need gigabytes; nothing is cached per customer, so each row does its full work. Median of several
 * runs; prints JSON.
 *
 * Run: npx tsx bench/export-format.ts [rows, default 1000000] [runs, default 3]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvField } from '../src-main/io/csv-write';
import { formatRow, planExport, type CustomerRecord, type DestinationId } from '../src-main/io/destinations';
import { seededRandom } from '../src-main/ml/kmeans';
import { median } from './stats';

const POOL_SIZE = 50_000;
const FIRST = ['John', 'Mary Ann', 'José', 'Zoë', 'Émilie', '小明', 'Søren', "D'Arcy", 'Ahmed', 'Yuki', 'Chloé'];
const LAST = ['Smith', 'Pérez', 'Müller', '王', "O'Brien", 'Nguyen', 'Dubois', 'Kowalski', 'Tanaka', 'García'];
const PLACES = [
  { country: 'United Kingdom', city: 'London', region: 'Greater London', zip: 'SW1A 1AA', phone: () => '07700 9' },
  { country: 'US', city: 'New York', region: 'New York', zip: '10011-1234', phone: () => '(212) 555-' },
  { country: 'Deutschland', city: 'Berlin', region: 'Berlin', zip: '10115', phone: () => '+49 30 12' },
  { country: '中国', city: '上海', region: '上海市', zip: '200000', phone: () => '138-1234-' },
  { country: 'FR', city: 'Paris', region: 'Île-de-France', zip: '75001', phone: () => '06 12 34 ' },
];

function syntheticCustomers(count: number): CustomerRecord[] {
  const random = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const place = pick(PLACES);
    const digits = String(Math.floor(random() * 10_000)).padStart(4, '0');
    return {
      customerId: `C${i}`,
      email: random() < 0.2 ? `  Customer.${i}@Example.COM ` : `customer${i}@example.com`,
      phone: random() < 0.1 ? null : `${place.phone()}${digits}`,
      firstName: pick(FIRST),
      lastName: pick(LAST),
      city: place.city,
      region: place.region,
      country: place.country,
      zip: place.zip,
      value: Math.round(random() * 50_000) / 100,
      emailConsent: random() < 0.7,
      smsConsent: random() < 0.3 ? true : null,
    };
  });
}

/** One destination: `rows` customers formatted into CSV lines, `runs` times; median seconds and rows per second. */
function timeDestination(destination: DestinationId, pool: readonly CustomerRecord[], rows: number, runs: number) {
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let written = 0;
  let skipped = 0;
  let characters = 0;
  for (let run = 0; run < runs; run++) {
    // A fresh plan per run, as each export makes its own, so memoised hashes do not carry over between runs.
    const plan = planExport(destination, { defaultCountry: 'GB' });
    written = 0;
    skipped = 0;
    characters = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let i = 0; i < rows; i++) {
      const result = formatRow(plan, pool[i % pool.length] as CustomerRecord);
      if (!result.ok) {
        skipped++;
        continue;
      }
      const line = result.cells.map((cell, j) => csvField(cell, plan.kinds[j])).join(',');
      characters += line.length + 2;
      written++;
    }
    seconds.push((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuStarted);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  }
  const medianSeconds = median(seconds);
  return {
    medianSeconds: Math.round(medianSeconds * 1000) / 1000,
    rowsPerSecond: Math.round(rows / medianSeconds),
    // On a shared machine wall time includes waiting for a core; CPU time does not.
    medianCpuSeconds: Math.round(median(cpuSeconds) * 1000) / 1000,
    written,
    skipped,
    csvCharacters: characters,
  };
}

export function benchExportFormat(rows = 1_000_000, runs = 3) {
  const pool = syntheticCustomers(Math.min(rows, POOL_SIZE));
  return {
    bench: 'export-format',
    rows,
    runs,
    meta: timeDestination('meta', pool, rows, runs),
    klaviyo: timeDestination('klaviyo', pool, rows, runs),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [rows, runs] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(benchExportFormat(rows || undefined, runs || undefined), null, 2));
}
