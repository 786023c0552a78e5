/**
 * A file of about 2 GB through the import job, as the app runs it (a worker, with its reading thread): Online
 * Retail copied N times (default 40, ≈ 1.9 GB, 21.7 M lines) with shifted invoice and customer ids. Prints JSON:
 * the progress messages the job sent, the seconds, and the process's peak RSS sampled every 100 ms (both threads
 * and SQLite's page cache included). With --cancel-at F the job is cancelled once its progress passes F, and the
 * project is checked to be as it was (no orders, no import).
 *
 * Run: npx tsx bench/import-huge.ts [copies, default 40] [--cancel-at 0.5]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner } from '../src-main/jobs/runner';
import type { JobInfo } from '../src-main/shared/dto';
import { createProject } from '../src-main/store/connection';
import { createJobsRepo } from '../src-main/store/jobs-repo';
import { copiesOfOnlineRetail } from './online-retail-copies';
import { round } from './stats';

async function main(): Promise<void> {
  const copies = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 40);
  const cancelFlag = process.argv.indexOf('--cancel-at');
  const cancelAt = cancelFlag > 0 ? Number(process.argv[cancelFlag + 1]) : null;
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-import-huge-'));
  try {
    const file = join(dir, `online_retail_${copies}x.csv`);
    await copiesOfOnlineRetail(file, copies);
    const project = join(dir, 'huge.mlens');
    const db = createProject(project);
    const updates: JobInfo[] = [];
    let runner: JobRunner | null = null;
    let cancelled = false;
    runner = new JobRunner({
      dbPath: project,
      repo: createJobsRepo(db),
      onUpdate: (job) => {
        updates.push(job);
        if (cancelAt !== null && !cancelled && job.state === 'running' && job.progress >= cancelAt) {
          cancelled = true;
          runner?.cancel(job.id);
        }
      },
    });
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    const started = performance.now();
    const job = runner.start('import', { path: file, fileName: 'huge.csv', settings: {}, dryRun: false });
    const done = await runner.settled(job.id);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await runner.close();
    const result = done.state === 'succeeded' ? (done.result as { rows: number; orders: unknown }) : null;
    console.log(
      JSON.stringify(
        {
          bench: 'import-huge',
          copies,
          fileGb: round(statSync(file).size / 2 ** 30),
          state: done.state,
          error: done.error,
          rows: result?.rows ?? null,
          orders: result?.orders ?? null,
          seconds: round(seconds),
          progressMessages: updates.filter((u) => u.state === 'running').length,
          lastProgress: round(Math.max(...updates.filter((u) => u.state === 'running').map((u) => u.progress))),
          peakRssMb: Math.round(peakRss / 2 ** 20),
          ...(cancelAt !== null
            ? {
                cancelledAt: cancelAt,
                ordersAfterCancel: db.prepare('SELECT count(*) FROM orders').pluck().get(),
                importsAfterCancel: db.prepare('SELECT count(*) FROM imports').pluck().get(),
              }
            : {}),
        },
        null,
        2,
      ),
    );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
