import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../src-main/jobs/runner';
import type { AnalyseProjectResult, JobInfo } from '../../src-main/shared/dto';
import { createProject, openProject, type Db } from '../../src-main/store/connection';
import { createJobsRepo } from '../../src-main/store/jobs-repo';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();

/** A project with `lines` order lines over 2011, written straight into the tables. */
function seedProject(dir: string, lines: number): { path: string; db: Db } {
  const path = join(dir, 'shop.mlens');
  const db = createProject(path);
  const start = Date.UTC(2011, 0, 1);
  db.transaction(() => {
    const customer = db.prepare('INSERT INTO customers (id, external_id, country) VALUES (?, ?, ?)');
    const product = db.prepare('INSERT INTO products (id, sku, name) VALUES (?, ?, ?)');
    const order = db.prepare(
      'INSERT INTO orders (id, external_id, customer_id, ordered_at, total) VALUES (?, ?, ?, ?, ?)',
    );
    const line = db.prepare(
      'INSERT INTO order_lines (order_id, product_id, line_no, quantity, unit_price) VALUES (?, ?, ?, ?, ?)',
    );
    for (let c = 1; c <= 100; c++) customer.run(c, `C${c}`, c % 2 ? 'United Kingdom' : 'France');
    for (let p = 1; p <= 50; p++) product.run(p, `SKU${p}`, `Product ${p}`);
    const orders = Math.ceil(lines / 5);
    for (let o = 1; o <= orders; o++) {
      order.run(o, `INV${o}`, (o % 100) + 1, start + Math.floor((o / orders) * 364 * 86_400_000), 10);
      for (let l = 1; l <= 5 && (o - 1) * 5 + l <= lines; l++) line.run(o, ((o + l) % 50) + 1, l, l, 2.5);
    }
  })();
  return { path, db };
}

function runnerFor(path: string, db: Db, extra: Partial<ConstructorParameters<typeof JobRunner>[0]> = {}) {
  const updates: (JobInfo & { receivedAt: number })[] = [];
  const runner = new JobRunner({
    dbPath: path,
    repo: createJobsRepo(db),
    onUpdate: (job) => updates.push({ ...job, receivedAt: performance.now() }),
    ...extra,
  });
  return { runner, updates };
}

/** The most progress updates seen within any one second. */
function peakUpdatesPerSecond(times: number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

const fixture = (name: string) => new URL(`../fixtures/workers/${name}`, import.meta.url);

describe('job runner', () => {
  it('runs "analyse project" in a worker and persists the result', async () => {
    const { path, db } = seedProject(tempDir(), 20_000);
    const { runner, updates } = runnerFor(path, db);
    const started = runner.start('analyse-project');
    expect(started.state).toBe('running');
    const job = await runner.settled(started.id);
    expect(job.state).toBe('succeeded');
    const result = job.result as AnalyseProjectResult;
    const byName = Object.fromEntries(result.tables.map((t) => [t.table, t]));
    expect(byName.order_lines?.rows).toBe(20_000);
    expect(byName.orders?.rows).toBe(4_000);
    expect(byName.customers?.rows).toBe(100);
    expect(byName.orders?.dateRange?.column).toBe('ordered_at');
    expect(new Date(byName.orders?.dateRange?.min ?? 0).toISOString().slice(0, 10)).toBe('2011-01-01');
    expect(byName.customers?.columns.find((c) => c.column === 'country')).toMatchObject({
      nonNull: 100,
      min: 'France',
      max: 'United Kingdom',
    });
    expect(updates.map((u) => u.state)).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']));
    // The row in the project file says the same as the live object.
    expect(createJobsRepo(db).get(job.id)).toMatchObject({ state: 'succeeded', progress: 1, result });
    await runner.close();
    db.close();
  });

  it('reports progress at most ten times a second and cancels halfway, leaving the file intact', async () => {
    const { path, db } = seedProject(tempDir(), 800_000);
    const { runner, updates } = runnerFor(path, db);
    const job = runner.start('analyse-project');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((runner.get(job.id)?.progress ?? 0) > 0.3) {
          clearInterval(poll);
          resolve();
        }
      }, 2);
    });
    runner.cancel(job.id);
    const ended = await runner.settled(job.id);
    expect(ended.state).toBe('cancelled');
    expect(ended.progress).toBeGreaterThan(0.3);
    expect(ended.progress).toBeLessThan(1);
    const progress = updates.filter((u) => u.state === 'running' && u.progress > 0);
    expect(progress.length).toBeGreaterThan(2);
    expect(peakUpdatesPerSecond(progress.map((u) => u.receivedAt))).toBeLessThanOrEqual(11);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    await runner.close();
    db.close();
    const reopened = openProject(path);
    expect(reopened.prepare('SELECT count(*) AS n FROM order_lines').get()).toEqual({ n: 800_000 });
    expect(createJobsRepo(reopened).get(job.id)?.state).toBe('cancelled');
    reopened.close();
  });

  it.each([
    ['throws', 'throws.mjs', /boom in the worker/],
    ['exits', 'exits.mjs', /stopped unexpectedly \(worker exit code 3\)/],
    ['runs out of memory', 'oom.mjs', /ran out of memory \(limit 64 MB\)/],
  ])('a worker that %s is reported as failed with a message', async (_label, script, message) => {
    const { path, db } = seedProject(tempDir(), 10);
    const { runner } = runnerFor(path, db, { workerUrl: fixture(script), maxOldGenerationSizeMb: 64 });
    const job = await runner.settled(runner.start('analyse-project').id);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(message);
    expect(createJobsRepo(db).get(job.id)?.state).toBe('failed');
    // The runner goes on: the next job runs normally.
    const { runner: healthy } = runnerFor(path, db);
    expect((await healthy.settled(healthy.start('analyse-project').id)).state).toBe('succeeded');
    await Promise.all([runner.close(), healthy.close()]);
    db.close();
  });

  it('terminates a worker that ignores cancellation after the grace period', async () => {
    const { path, db } = seedProject(tempDir(), 10);
    const { runner } = runnerFor(path, db, { workerUrl: fixture('ignores-cancel.mjs'), cancelGraceMs: 200 });
    const job = runner.start('analyse-project');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t0 = performance.now();
    runner.cancel(job.id);
    expect((await runner.settled(job.id)).state).toBe('cancelled');
    expect(performance.now() - t0).toBeLessThan(2000);
    await runner.close();
    db.close();
  });

  it('queues jobs beyond its concurrency and cancels queued ones without starting them', async () => {
    const { path, db } = seedProject(tempDir(), 1000);
    const { runner } = runnerFor(path, db, { concurrency: 1 });
    const first = runner.start('analyse-project');
    const second = runner.start('analyse-project');
    const third = runner.start('analyse-project');
    expect(runner.get(second.id)?.state).toBe('queued');
    runner.cancel(third.id);
    const [a, b, c] = await Promise.all([first, second, third].map((j) => runner.settled(j.id)));
    expect([a?.state, b?.state, c?.state]).toEqual(['succeeded', 'succeeded', 'cancelled']);
    expect(c?.startedAt).toBeNull();
    expect((b?.startedAt ?? 0) >= (a?.finishedAt ?? Infinity)).toBe(true);
    await runner.close();
    db.close();
  });

  it('does not block the main thread while another connection holds the write lock', async () => {
    const { path, db } = seedProject(tempDir(), 1000);
    const { runner } = runnerFor(path, db);
    const other = openProject(path);
    other.exec('BEGIN IMMEDIATE');
    const t0 = performance.now();
    const job = runner.start('analyse-project');
    expect(performance.now() - t0).toBeLessThan(500);
    // The job runs (it only reads) and its states are visible while their rows wait for the lock.
    const done = await runner.settled(job.id);
    expect(done.state).toBe('succeeded');
    expect(runner.get(job.id)?.state).toBe('succeeded');
    expect(runner.list().map((j) => j.id)).toContain(job.id);
    expect(db.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(0);
    other.exec('COMMIT');
    other.close();
    await expect
      .poll(() => db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(job.id), { timeout: 3000 })
      .toBe('succeeded');
    await runner.close();
    db.close();
  });

  it('runs quick jobs in a warm worker of their own, beside a long job, without keeping them', async () => {
    const dir = tempDir();
    const { path, db } = seedProject(dir, 100_000);
    const csv = join(dir, 'orders.csv');
    writeFileSync(csv, 'Order ID,Order Date,Email,Total\nA1,2024-01-02,a@example.com,10\n');
    const { runner } = runnerFor(path, db, { concurrency: 1 });
    const preview = () =>
      runner.start('import-preview', { fileId: 'f1', path: csv, fileName: 'orders.csv', settings: {} });
    const long = runner.start('analyse-project');
    const first = await runner.settled(preview().id);
    expect(first.state).toBe('succeeded');
    expect(first.result).toMatchObject({
      file: { id: 'f1', name: 'orders.csv' },
      headers: ['Order ID', 'Order Date', 'Email', 'Total'],
    });
    // The long job holds the only ordinary lane; the preview did not wait for it to end.
    const longDone = await runner.settled(long.id);
    expect(longDone.state).toBe('succeeded');
    expect(first.startedAt ?? Infinity).toBeLessThan(longDone.finishedAt ?? 0);
    const second = await runner.settled(preview().id);
    expect(second.state).toBe('succeeded');
    // The second preview found its worker started: no thread start, no module loading.
    const took = (job: JobInfo) => (job.finishedAt ?? 0) - (job.startedAt ?? 0);
    expect(took(second)).toBeLessThan(took(first));
    expect(took(second)).toBeLessThan(400);
    // Not in the project's history, yet still answerable, and cancelling a finished one is no error.
    expect(createJobsRepo(db).get(first.id)).toBeUndefined();
    expect(runner.list().map((job) => job.id)).toEqual([long.id]);
    expect(runner.cancel(first.id)?.state).toBe('succeeded');
    await runner.close();
    db.close();
  });

  it('marks jobs left running by a previous session as failed', () => {
    const { db } = seedProject(tempDir(), 10);
    const repo = createJobsRepo(db);
    const job: JobInfo = {
      id: 'left-over',
      kind: 'analyse-project',
      state: 'running',
      progress: 0.3,
      detail: null,
      createdAt: 1,
      startedAt: 2,
      finishedAt: null,
      result: null,
      error: null,
    };
    repo.insert(job, {});
    repo.save(job);
    expect(repo.failInterrupted(5)).toBe(1);
    expect(repo.get('left-over')).toMatchObject({ state: 'failed', finishedAt: 5, error: { code: 'INTERNAL' } });
    db.close();
  });
});
