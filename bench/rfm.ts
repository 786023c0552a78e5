/**
 * RFM on UCI Online Retail (4,338 customers from 541,909 lines): the file is imported once into a temporary
 * project, then computeRfm runs several times. Prints JSON with the median, next to the reference's pandas time
 * (0.275 s after load, on its machine: compare ratios, not absolute times).
 *
 * Run: npx tsx bench/rfm.ts [runs, default 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeRfm } from '../src-main/analytics/rfm';
import { runImport } from '../src-main/import/run-import';
import { createProject } from '../src-main/store/connection';

const SOURCE = fileURLToPath(new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-rfm-bench-'));
  const db = createProject(join(dir, 'uci.mlens'));
  try {
    await runImport(
      db,
      { path: SOURCE, settings: {}, dryRun: false },
      { progress: () => undefined, throwIfCancelled: () => undefined },
    );
    const seconds: number[] = [];
    let customers = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      customers = computeRfm(db).customers.externalId.length;
      seconds.push((performance.now() - started) / 1000);
    }
    const result = {
      bench: 'rfm',
      file: 'online_retail.csv',
      customers,
      runs,
      marketlens: { medianSeconds: round(median(seconds)), seconds: seconds.map(round) },
      reference: { pandasSecondsAfterLoad: 0.275, sqliteOneQuerySeconds: 0.5589 },
      goals: { medianSeconds: 0.5 },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
