/**
 * How responsive the main thread stays while a CPU-heavy job runs in a worker, against the same work done on
 * the main thread in the same run. Prints JSON. Run: npx tsx bench/event-loop.ts [order lines, default 2000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseProject } from '../src-main/jobs/handlers/analyse-project';
import { JobRunner } from '../src-main/jobs/runner';
import { createProject } from '../src-main/store/connection';
import { createJobsRepo } from '../src-main/store/jobs-repo';

const lines = Number(process.argv[2] ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'marketlens-bench-'));
const path = join(dir, 'bench.mlens');
const db = createProject(path);

const seedStart = performance.now();
db.exec(`
  INSERT INTO customers (id, external_id, country)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
    SELECT i, 'C' || i, CASE i % 3 WHEN 0 THEN 'France' ELSE 'United Kingdom' END FROM n;
  INSERT INTO products (id, sku, name)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
    SELECT i, 'SKU' || i, 'Product ' || i FROM n;
  INSERT INTO orders (id, external_id, customer_id, ordered_at, total)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.ceil(lines / 20)})
    SELECT i, 'INV' || i, 1 + i % 20000, 1291161600000 + i * 60000, 10 FROM n;
  INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price)
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${lines - 1})
    SELECT 1 + i / 20, 1 + (i * 7919) % 4000, 1 + i % 20, 1 + i % 5, 0.5 + (i % 100) / 10.0 FROM n;
`);
const seedMs = performance.now() - seedStart;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Event-loop delay while `work` runs: a 1 ms timer stands in for the UI, and each tick's lateness is a sample.
 * (perf_hooks' histogram misses a single long block, which is exactly the case to catch.)
 */
async function measure(work: () => Promise<unknown>) {
  const delays: number[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  const sorted = delays.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    ms: Math.round(ms),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

const runner = new JobRunner({ dbPath: path, repo: createJobsRepo(db), onUpdate: () => undefined });
const worker = await measure(async () => {
  const job = runner.start('analyse-project');
  const done = await runner.settled(job.id);
  if (done.state !== 'succeeded') throw new Error(`job ${done.state}: ${done.error?.message}`);
});
await runner.close();

const mainThread = await measure(async () => {
  // The reference: the same analysis run where a naive app would run it, blocking the main thread.
  analyseProject({ db, params: {}, progress: () => undefined, throwIfCancelled: () => undefined });
});

db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      bench: 'event-loop',
      orderLines: lines,
      seedMs: Math.round(seedMs),
      inWorker: { jobMs: worker.ms, loopDelayMs: { p50: worker.p50, p99: worker.p99, max: worker.max } },
      onMainThread: {
        jobMs: mainThread.ms,
        loopDelayMs: { p50: mainThread.p50, p99: mainThread.p99, max: mainThread.max },
      },
      target: { p99Ms: 20 },
    },
    null,
    2,
  ),
);
