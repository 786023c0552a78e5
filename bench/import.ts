/**
 * Import throughput on UCI Online Retail (541,909 lines), against Debian's sqlite3 CLI doing a bare `.import --csv`
 * of the same file in the same run, then on a 10× file (shifted invoice and customer ids) to show that time grows
 * linearly and memory stays bounded. Each import runs in a child process so its peak RSS is its own. Prints JSON.
 *
 * Run: npx tsx bench/import.ts [runs, default 3] [--no-10x]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runImport } from '../src-main/import/run-import';
import { createProject } from '../src-main/store/connection';
import { copiesOfOnlineRetail, ONLINE_RETAIL } from './online-retail-copies';
import { median, round } from './stats';

const SOURCE = ONLINE_RETAIL;

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

async function main(): Promise<void> {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-import-bench-'));
  try {
    const ours: RunResult[] = [];
    const cli: number[] = [];
    // Interleaved, so that both see the same background load.
    for (let i = 0; i < runs; i++) {
      // Each run starts with the disk's write-back done, so that neither pays for the other's pages.
      spawnSync('sync');
      ours.push(importInChild(SOURCE, dir));
      spawnSync('sync');
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
      await copiesOfOnlineRetail(big, 10);
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
