/**
 * Import throughput on UCI Online Retail (541,909 lines), against Debian's sqlite3 CLI doing a bare `.import --csv`
 * of the same file in the same run, then on a 10× file (shifted invoice and customer ids) to show that time grows
 * linearly and memory stays bounded. Each import runs in a child process so its peak RSS is its own. Prints JSON.
 *
 * Run: npx tsx bench/import.ts [runs, default 3] [--no-10x]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runImport } from '../src-main/import/run-import';
import { createProject } from '../src-main/store/connection';
import { median, round } from './stats';

const SOURCE = fileURLToPath(new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url));

interface RunResult {
  seconds: number;
  peakRssMb: number;
  rows: number;
}

async function child(file: string, project: string): Promise<void> {
  const db = createProject(project);
  const started = performance.now();
  const report = await runImport(
    db,
    { path: file, settings: {}, dryRun: false },
    {
      progress: () => undefined,
      throwIfCancelled: () => undefined,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  db.close();
  const result: RunResult = { seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rows: report.rows };
  process.stdout.write(JSON.stringify(result));
}

function importInChild(file: string, dir: string): RunResult {
  const project = join(dir, `run-${Math.random().toString(36).slice(2)}.mlens`);
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, project],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  rmSync(project, { force: true });
  return JSON.parse(out) as RunResult;
}

function sqliteCli(file: string, dir: string): number {
  const db = join(dir, `cli-${Math.random().toString(36).slice(2)}.db`);
  const started = performance.now();
  const run = spawnSync('sqlite3', [db, '.import --csv ' + file + ' lines'], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`sqlite3 failed: ${run.stderr}`);
  rmSync(db, { force: true });
  return seconds;
}

/** The source ten times over, each copy's invoices and customers shifted so that they are new orders and people. */
async function tenTimes(target: string): Promise<void> {
  const out = createWriteStream(target);
  for (let copy = 0; copy < 10; copy++) {
    const lines = createInterface({ input: createReadStream(SOURCE), crlfDelay: Infinity });
    let first = true;
    for await (const line of lines) {
      if (first) {
        first = false;
        if (copy === 0) out.write(`${line}\n`);
        continue;
      }
      const comma = line.indexOf(',');
      const invoice = line.slice(0, comma);
      const cancelled = invoice.startsWith('C');
      const shifted = `${cancelled ? 'C' : ''}${Number(cancelled ? invoice.slice(1) : invoice) + copy * 1_000_000}`;
      // CustomerID is the second-to-last field, written like 17850.0 or empty.
      const fields = line.slice(comma).split(',');
      const customer = fields[fields.length - 2];
      if (customer) fields[fields.length - 2] = String(Number(customer) + copy * 100_000);
      if (!out.write(`${shifted}${fields.join(',')}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

async function main(): Promise<void> {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-import-bench-'));
  try {
    const ours: RunResult[] = [];
    const cli: number[] = [];
    // Interleaved, so that both see the same background load.
    for (let i = 0; i < runs; i++) {
      ours.push(importInChild(SOURCE, dir));
      cli.push(sqliteCli(SOURCE, dir));
    }
    const oursMedian = median(ours.map((r) => r.seconds));
    const cliMedian = median(cli);
    const result: Record<string, unknown> = {
      bench: 'import',
      file: 'online_retail.csv',
      rows: ours[0]?.rows,
      runs,
      marketlens: {
        medianSeconds: round(oursMedian),
        seconds: ours.map((r) => round(r.seconds)),
        peakRssMb: Math.round(Math.max(...ours.map((r) => r.peakRssMb))),
      },
      sqlite3CliImport: { medianSeconds: round(cliMedian), seconds: cli.map(round) },
      ratioToSqlite3Cli: round(oursMedian / cliMedian),
      goals: { medianSeconds: 4, peakRssMb: 400, ratioToSqlite3Cli: 2 },
    };
    if (!process.argv.includes('--no-10x')) {
      const big = join(dir, 'online_retail_10x.csv');
      await tenTimes(big);
      const tenX = importInChild(big, dir);
      const tenXCli = sqliteCli(big, dir);
      result.tenTimes = {
        rows: tenX.rows,
        seconds: round(tenX.seconds),
        peakRssMb: Math.round(tenX.peakRssMb),
        secondsPerOneX: round(tenX.seconds / 10),
        sqlite3CliImportSeconds: round(tenXCli),
      };
    }
    console.log(JSON.stringify(result, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
