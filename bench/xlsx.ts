/**
 * Streaming XLSX against plain CSV on the same rows: time and peak memory to write an audience of N customers
 * × 8 columns (email, first and last name, phone, country, city, a number, a date) to a temp file, and to read
 * it back. Each phase runs in its own process, so each peak RSS is that phase's own; three runs, medians.
 * Prints JSON. Run: npx tsx bench/xlsx.ts [rows, default 1000000]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CsvParser } from '../src-main/io/csv';
import { neutraliseFormula } from '../src-main/io/formula-guard';
import { openXlsx } from '../src-main/io/xlsx-read';
import { createXlsxWriter, type XlsxColumn, type XlsxValue } from '../src-main/io/xlsx-write';
import { streamSink } from '../src-main/io/zip';

const PHASES = ['generate-only', 'write-csv', 'write-xlsx', 'write-xlsx-level6', 'read-csv', 'read-xlsx'] as const;
type Phase = (typeof PHASES)[number];
const RUNS = 3;

const COLUMNS: XlsxColumn[] = [
  { header: 'Email' },
  { header: 'First name' },
  { header: 'Last name' },
  { header: 'Phone', kind: 'phone' },
  { header: 'Country' },
  { header: 'City' },
  { header: 'Predicted CLV' },
  { header: 'Last order' },
];
const FIRST = ['Olivia', 'Noah', 'Amelia', 'Oliver', 'Isla', 'George', 'Zoë', 'Léa', 'Wei', 'Xiu Ying', '伟', '芳'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', "O'Neil", 'Müller', 'Dubois', 'Wang', 'Li', '张', '王', 'García'];
const PLACES = [
  ['GB', 'London'],
  ['GB', 'Leeds'],
  ['FR', 'Paris'],
  ['DE', 'Berlin'],
  ['CN', '上海'],
  ['CN', '北京'],
  ['US', 'New York, NY'],
];
const DAY = 86_400_000;
const FIRST_ORDER = Date.UTC(2020, 0, 1);

function customer(index: number): XlsxValue[] {
  const place = PLACES[index % PLACES.length] ?? ['GB', 'London'];
  return [
    `customer${index}@example.com`,
    FIRST[index % FIRST.length],
    LAST[(index * 7) % LAST.length],
    `+4477${String((index * 7919) % 100_000_000).padStart(8, '0')}`,
    place[0],
    place[1],
    Math.round(((index * 2654435761) % 100_000) + 1) / 100,
    new Date(FIRST_ORDER + (index % 1500) * DAY),
  ];
}

/** A plain CSV writer with the same formula guard, for comparison; the real one comes with issue 7. */
const GUARD_OPTIONS = COLUMNS.map((column) => ({ kind: column.kind }));

function csvField(value: XlsxValue, column: number): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return String(value);
  const text = neutraliseFormula(value, GUARD_OPTIONS[column]);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows are encoded into 1 MiB buffers, as the XLSX writer does, so that the comparison is between formats. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const output = createWriteStream(path);
  const sink = streamSink(output);
  let buffer = Buffer.allocUnsafe(1024 * 1024);
  let used = buffer.write(`${COLUMNS.map((column, index) => csvField(column.header, index)).join(',')}\r\n`);
  for (let index = 0; index < rows; index++) {
    const values = customer(index);
    let line = csvField(values[0], 0);
    for (let column = 1; column < values.length; column++) line += `,${csvField(values[column], column)}`;
    line += '\r\n';
    if (used + line.length * 3 > buffer.length) {
      await sink(buffer.subarray(0, used));
      buffer = Buffer.allocUnsafe(buffer.length);
      used = 0;
    }
    used += buffer.write(line, used);
  }
  await sink(buffer.subarray(0, used));
  output.end();
  await finished(output);
}

async function writeXlsx(path: string, rows: number, compressionLevel: number): Promise<void> {
  const writer = createXlsxWriter(createWriteStream(path), {
    sheetName: 'Audience',
    columns: COLUMNS,
    compressionLevel,
  });
  for (let index = 0; index < rows; index++) await writer.addRow(customer(index));
  await writer.finish();
}

async function readCsv(path: string): Promise<number> {
  const parser = new CsvParser();
  let rows = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    rows += parser.push(chunk as string).length;
  }
  return rows + parser.end().length;
}

async function readXlsx(path: string): Promise<number> {
  let rows = 0;
  for await (const batch of openXlsx(readFileSync(path)).rows()) rows += batch.length;
  return rows;
}

async function runPhase(phase: Phase, dir: string, rows: number): Promise<Record<string, number>> {
  const csvPath = join(dir, 'audience.csv');
  const xlsxPath = join(dir, 'audience.xlsx');
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let rowsRead: number | undefined;
  let file: string | undefined;
  switch (phase) {
    case 'generate-only': {
      let cells = 0;
      for (let index = 0; index < rows; index++) cells += customer(index).length;
      rowsRead = cells / COLUMNS.length;
      break;
    }
    case 'write-csv':
      await writeCsv(csvPath, rows);
      file = csvPath;
      break;
    case 'write-xlsx':
      await writeXlsx(xlsxPath, rows, 1);
      file = xlsxPath;
      break;
    case 'write-xlsx-level6':
      await writeXlsx(join(dir, 'audience-level6.xlsx'), rows, 6);
      file = join(dir, 'audience-level6.xlsx');
      break;
    case 'read-csv':
      rowsRead = await readCsv(csvPath);
      break;
    case 'read-xlsx':
      rowsRead = await readXlsx(xlsxPath);
      break;
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    ms: Math.round(ms),
    // User + system time of all threads: zlib's thread pool included, other processes on the machine not.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(file ? { fileMB: Math.round(statSync(file).size / 1e5) / 10 } : {}),
    ...(rowsRead === undefined ? {} : { rows: rowsRead }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const phaseAt = process.argv.indexOf('--phase');
  if (phaseAt !== -1) {
    const [phase, dir, rows] = process.argv.slice(phaseAt + 1);
    process.stdout.write(JSON.stringify(await runPhase(phase as Phase, dir ?? '', Number(rows))));
    return;
  }
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-bench-xlsx-'));
  const script = fileURLToPath(import.meta.url);
  const runs: Record<Phase, Record<string, number>[]> = Object.fromEntries(PHASES.map((phase) => [phase, []])) as never;
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const phase of PHASES) {
        const child = spawnSync(process.execPath, [...process.execArgv, script, '--phase', phase, dir, String(rows)], {
          encoding: 'utf8',
        });
        if (child.status !== 0) throw new Error(`${phase} failed: ${child.stderr}`);
        runs[phase].push(JSON.parse(child.stdout) as Record<string, number>);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const medians = Object.fromEntries(
    PHASES.map((phase) => {
      const keys = Object.keys(runs[phase][0] ?? {});
      return [
        phase,
        Object.fromEntries(keys.map((key) => [key, median(runs[phase].map((result) => result[key] ?? 0))])),
      ];
    }),
  ) as Record<Phase, Record<string, number>>;
  const ratio = (a: Phase, b: Phase) => Math.round(((medians[a].ms ?? 0) / (medians[b].ms ?? 1)) * 100) / 100;
  console.log(
    JSON.stringify(
      {
        rows,
        columns: COLUMNS.length,
        runs: RUNS,
        node: process.version,
        medians,
        xlsxOverCsv: { write: ratio('write-xlsx', 'write-csv'), read: ratio('read-xlsx', 'read-csv') },
        all: runs,
      },
      null,
      2,
    ),
  );
}

await main();
