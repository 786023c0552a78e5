/**
 * The Segments area's three figures (issue 4), printed as JSON:
 * - RFM on UCI Online Retail (4,338 customers from 541,909 lines; the reference's pandas takes 0.275 s after load);
 * - a clustering job with the k = 2..10 sweep and silhouette on 100k synthetic customers × 5 features, run by the
 *   real job runner in a worker thread, with the number of progress messages the window received;
 * - a rule segment's live count (what the builder shows while the user edits) over 1M synthetic orders.
 * Medians of several runs; the machine is shared, so compare ratios within one run rather than absolute times.
 *
 * Run: npx tsx bench/segments.ts [runs, default 3] [--no-rfm] [--no-sweep] [--no-count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildCustomerMetrics } from '../src-main/analytics/customer-metrics';
import { computeRfm } from '../src-main/analytics/rfm';
import { previewSegment } from '../src-main/analytics/segments';
import { runImport } from '../src-main/import/run-import';
import { JobRunner } from '../src-main/jobs/runner';
import type { RuleGroup } from '../src-main/shared/segments';
import { createProject, type Db } from '../src-main/store/connection';
import { createJobsRepo } from '../src-main/store/jobs-repo';
import { round, timed } from './stats';

const UCI = fileURLToPath(new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url));
const DAY_MS = 86_400_000;

async function rfm(dir: string, runs: number) {
  const db = createProject(join(dir, 'uci.mlens'));
  try {
    await runImport(db, { path: UCI, settings: {}, dryRun: false }, { progress() {}, throwIfCancelled() {} });
    let customers = 0;
    const seconds = timed(runs, () => (customers = computeRfm(db).customers.customerId.length)).medianSeconds;
    return { customers, medianSeconds: seconds, goalSeconds: 0.5, referencePandasSeconds: 0.275 };
  } finally {
    db.close();
  }
}

/**
 * `customers` customers with `ordersEach` completed orders of one line each, spread over two years, in 50
 * countries, buying from 5,000 products; written with one recursive SQL statement per table.
 */
function seedOrders(db: Db, customers: number, ordersEach: number): void {
  const orders = customers * ordersEach;
  const start = Date.UTC(2023, 0, 1);
  db.exec(`
    INSERT INTO imports (id, source_name, source_hash, kind, started_at, finished_at)
      VALUES (1, 'synthetic', '', 'order_lines', 0, 0);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${customers})
    INSERT INTO customers (id, external_id, country, email_consent)
      SELECT i, 'C' || i, 'Country ' || (i % 50), i % 3 = 0 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO products (id, sku, name, category) SELECT i, 'P' || i, 'Product ' || i, 'Category ' || (i % 40) FROM n;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${orders - 1})
    INSERT INTO orders (id, external_id, customer_id, ordered_at, total)
      SELECT i + 1, 'O' || i, 1 + (i * 7919) % ${customers}, ${start} + ((i * 104729) % 730) * ${DAY_MS}, 10 + i % 90 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${orders - 1})
    INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price)
      SELECT i + 1, 1 + (i * 31) % 5000, 1, 1 + i % 4, 2.5 + (i % 90) FROM n;
  `);
}

/** Customer figures as the sweep reads them: lognormal-ish spend and order counts, uniform recency. */
function seedMetrics(db: Db, customers: number): void {
  db.exec(`
    INSERT INTO imports (id, source_name, source_hash, kind, started_at, finished_at)
      VALUES (1, 'synthetic', '', 'order_lines', 0, 0);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${customers})
    INSERT INTO customers (id, external_id) SELECT i, 'C' || i FROM n;
  `);
  const insert = db.prepare(
    `INSERT INTO customer_metrics (customer_id, orders, revenue, refunded, first_order_at, last_order_at,
       distinct_products) VALUES (?, ?, ?, 0, ?, ?, ?)`,
  );
  let state = 42;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const start = Date.UTC(2023, 0, 1);
  db.transaction(() => {
    for (let id = 1; id <= customers; id++) {
      const orders = 1 + Math.floor(-Math.log(1 - random()) * 3);
      const revenue = Math.exp(3 + random() * 3) * orders;
      const first = start + Math.floor(random() * 600) * DAY_MS;
      const last = first + Math.floor(random() * 130) * DAY_MS;
      insert.run(id, orders, revenue, first, last, 1 + Math.floor(random() * orders * 4));
    }
  })();
  db.prepare("INSERT OR REPLACE INTO project_meta (key, value) VALUES ('customer_metrics_import', '1')").run();
}

async function sweep(dir: string) {
  const path = join(dir, 'sweep.mlens');
  const db = createProject(path);
  seedMetrics(db, 100_000);
  let messages = 0;
  const runner = new JobRunner({ dbPath: path, repo: createJobsRepo(db), onUpdate: () => messages++ });
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const job = runner.start('cluster', {
      features: ['recency', 'frequency', 'monetary', 'averageOrderValue', 'tenure'],
      k: 5,
      sweep: true,
      seed: 0,
      restarts: 10,
      log: true,
    });
    const done = await runner.settled(job.id);
    if (done.state !== 'succeeded') throw new Error(`cluster job ${done.state}: ${done.error?.message}`);
    return {
      customers: 100_000,
      features: 5,
      ks: 'k = 2..10 on a 20,000-customer sample (3 starts, silhouette on 5,000) + k = 5 on all (10 starts, silhouette on 10,000)',
      seconds: round((performance.now() - started) / 1000),
      // The worker is a thread of this process, so this counts its work too; on a shared machine it is the
      // steadier figure (wall time grows with other people's load).
      cpuSeconds: round((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6),
      progressMessages: messages,
      goalSeconds: 15,
    };
  } finally {
    await runner.close();
    db.close();
  }
}

function liveCount(dir: string, runs: number) {
  const db = createProject(join(dir, 'orders.mlens'));
  try {
    const seedStart = performance.now();
    seedOrders(db, 100_000, 10);
    const seedSeconds = round((performance.now() - seedStart) / 1000);
    const rebuildSeconds = timed(1, () => db.transaction(() => rebuildCustomerMetrics(db))()).medianSeconds;
    const rules: Record<string, RuleGroup> = {
      countryRepeatRecent: {
        combinator: 'and',
        rules: [
          { field: 'country', op: 'is', values: ['Country 7', 'Country 12'] },
          { field: 'orders', op: 'ge', value: 8 },
          { field: 'lastOrderAt', op: 'withinDays', value: 90 },
        ],
      },
      boughtProductsOrConsent: {
        combinator: 'or',
        rules: [
          { field: 'productsBought', op: 'any', values: ['P17', 'P4242'] },
          { field: 'emailConsent', op: 'is', value: 'yes' },
        ],
      },
    };
    const counts = Object.fromEntries(
      Object.entries(rules).map(([name, group]) => {
        let members = 0;
        const seconds = timed(runs, () => (members = previewSegment(db, group).members)).medianSeconds;
        return [name, { members, medianMilliseconds: Math.round(seconds * 1000) }];
      }),
    );
    return {
      orders: 1_000_000,
      customers: 100_000,
      seedSeconds,
      rebuildMetricsSeconds: rebuildSeconds,
      counts,
      goalMilliseconds: 200,
    };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-segments-bench-'));
  const result: Record<string, unknown> = { bench: 'segments', runs };
  try {
    if (!process.argv.includes('--no-rfm')) result.rfmOnlineRetail = await rfm(dir, runs);
    if (!process.argv.includes('--no-count')) result.ruleLiveCount1MOrders = liveCount(dir, runs);
    if (!process.argv.includes('--no-sweep')) result.clusterSweep100k = await sweep(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result, null, 2));
}

await main();
