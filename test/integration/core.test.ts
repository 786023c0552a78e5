import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/services/core';
import { appRoot } from '../../src-main/services/paths';
import type { AnalyseProjectResult, JobInfo, ProjectEntry, ProjectInfo } from '../../src-main/shared/dto';
import type { Result } from '../../src-main/shared/errors';
import type { RfmCustomerRow, RfmSummary } from '../../src-main/shared/rfm';
import type { CoreEvent } from '../../src-main/shared/events';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

function newCore(home: string, dialogs?: Parameters<typeof createCore>[0]['dialogs']): Core {
  const core = createCore({
    door: dialogs ? 'desktop' : 'browser',
    version: '0.0.0-test',
    configDir: home,
    workspaceDir: join(home, 'projects'),
    resourcesDir: join(appRoot(), 'resources'),
    ...(dialogs ? { dialogs } : {}),
  });
  cores.push(core);
  return core;
}

async function ok<T>(pending: Promise<Result<unknown>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('core services against real project files', () => {
  it('creates, lists, reopens and forgets projects, remembering them across restarts', async () => {
    const home = tempDir();
    const core = newCore(home);
    const events: CoreEvent[] = [];
    core.onEvent((event) => events.push(event));

    const acme = await ok<ProjectInfo>(core.dispatch('project.create', { name: '  Acme Ltd ' }));
    expect(acme).toMatchObject({ name: 'Acme Ltd', path: join(home, 'projects', 'Acme Ltd.mlens'), isDemo: false });
    // The schema is still in the write-ahead log: it counts as the project's size too.
    expect(acme.sizeBytes).toBeGreaterThan(8192);
    expect(events.at(-1)).toEqual({ name: 'project.changed', payload: acme });
    await ok(core.dispatch('project.create', { name: 'Bravo' }));
    expect(await ok<ProjectInfo>(core.dispatch('project.current', {}))).toMatchObject({ name: 'Bravo' });

    const restarted = newCore(home);
    const recent = await ok<ProjectEntry[]>(restarted.dispatch('project.recent', {}));
    expect(recent.map((r) => r.name)).toEqual(['Bravo', 'Acme Ltd']);
    expect(recent.every((r) => r.exists)).toBe(true);
    const reopened = await ok<ProjectInfo>(restarted.dispatch('project.open', { id: recent[1]?.id }));
    expect(reopened.name).toBe('Acme Ltd');

    const browsed = await ok<ProjectEntry[]>(restarted.dispatch('project.browse', {}));
    expect(browsed.map((b) => b.name)).toEqual(['Acme Ltd', 'Bravo']);

    const remaining = await ok<ProjectEntry[]>(restarted.dispatch('project.forget', { id: recent[0]?.id }));
    expect(remaining.map((r) => r.name)).toEqual(['Acme Ltd']);
    expect(await restarted.dispatch('project.open', { id: recent[0]?.id ?? '' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('keeps the current project open when another file cannot be opened', async () => {
    const home = tempDir();
    const core = newCore(home);
    await ok(core.dispatch('project.create', { name: 'Acme' }));
    const notAProject = join(home, 'orders.csv');
    writeFileSync(notAProject, 'InvoiceNo,StockCode\n1,2\n');
    await expect(core.openPath(notAProject)).rejects.toMatchObject({ code: 'PROJECT_NOT_SQLITE' });
    expect(await ok<ProjectInfo>(core.dispatch('project.current', {}))).toMatchObject({ name: 'Acme' });
    expect(await ok<{ table: string; rows: number }[]>(core.dispatch('project.counts', {}))).toContainEqual({
      table: 'orders',
      rows: 0,
    });
  });

  it('opens the bundled demo project with real data and analyses it in a worker', async () => {
    const core = newCore(tempDir());
    const demo = await ok<ProjectInfo>(core.dispatch('project.openDemo', {}));
    expect(demo).toMatchObject({ isDemo: true, name: 'Demo - Online Retail' });
    const counts = await ok<{ table: string; rows: number }[]>(core.dispatch('project.counts', {}));
    for (const table of ['customers', 'orders', 'order_lines', 'products']) {
      expect(counts.find((c) => c.table === table)?.rows).toBeGreaterThan(100);
    }
    const job = await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'analyse-project' }));
    let done: JobInfo | undefined;
    await expect
      .poll(
        async () => {
          done = await ok<JobInfo>(core.dispatch('jobs.get', { id: job.id }));
          return done.state;
        },
        { timeout: 15_000 },
      )
      .toBe('succeeded');
    const lines = (done?.result as AnalyseProjectResult | undefined)?.tables.find((t) => t.table === 'order_lines');
    expect(lines?.rows).toBe(counts.find((c) => c.table === 'order_lines')?.rows);
    const orders = (done?.result as AnalyseProjectResult | undefined)?.tables.find((t) => t.table === 'orders');
    expect(new Date(orders?.dateRange?.min ?? 0).getUTCFullYear()).toBe(2010);
    expect(new Date(orders?.dateRange?.max ?? 0).getUTCFullYear()).toBe(2011);
    const history = await ok<JobInfo[]>(core.dispatch('jobs.list', {}));
    expect(history[0]).toMatchObject({ id: job.id, state: 'succeeded' });
    // The demo is not a client's project: it stays out of the recent list.
    expect(await ok<ProjectEntry[]>(core.dispatch('project.recent', {}))).toEqual([]);
  });

  it('remembers the language', async () => {
    const home = tempDir();
    const core = newCore(home);
    expect(await ok(core.dispatch('settings.get', {}))).toEqual({ locale: 'en' });
    expect(await ok(core.dispatch('settings.update', { locale: 'zh-CN' }))).toEqual({ locale: 'zh-CN' });
    expect(await ok(newCore(home).dispatch('settings.get', {}))).toEqual({ locale: 'zh-CN' });
    expect(await core.dispatch('settings.update', { locale: 'fr' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('uses the save and open dialogs where the door has them, and treats cancel as no change', async () => {
    const home = tempDir();
    const answers: (string | null)[] = [join(home, 'chosen'), null, null];
    const core = newCore(home, {
      chooseNewProjectPath: async () => answers.shift() ?? null,
      chooseProjectToOpen: async () => answers.shift() ?? null,
      chooseImportFile: async () => answers.shift() ?? null,
    });
    expect(await ok<ProjectInfo>(core.dispatch('project.create', { name: 'ignored' }))).toMatchObject({
      path: join(home, 'chosen.mlens'),
    });
    expect(await ok(core.dispatch('project.create', { name: 'cancelled' }))).toBeNull();
    expect(await ok(core.dispatch('project.openDialog', {}))).toBeNull();
    expect(await ok<ProjectInfo>(core.dispatch('project.current', {}))).toMatchObject({ name: 'chosen' });
    expect(await ok(core.dispatch('app.info', {}))).toMatchObject({ door: 'desktop', nativeDialogs: true });
  });
});

describe('RFM through the core', () => {
  it('scores the demo customers in a worker, keeps the run and pages through its customers', async () => {
    const core = newCore(tempDir());
    await ok(core.dispatch('project.openDemo', {}));
    expect(await ok(core.dispatch('rfm.latest', {}))).toBeNull();
    const job = await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'rfm', levels: 5 }));
    await expect
      .poll(async () => (await ok<JobInfo>(core.dispatch('jobs.get', { id: job.id }))).state, { timeout: 15_000 })
      .toBe('succeeded');
    const summary = await ok<RfmSummary>(core.dispatch('rfm.latest', {}));
    // Of the demo's 180 customers, those whose every order was cancelled have nothing to score.
    expect(summary.customers).toBe(178);
    expect(summary.warnings.map((w) => w.code)).toContain('CUSTOMERS_WITHOUT_VALID_ORDERS');
    expect(summary.segments.reduce((sum, s) => sum + s.customers, 0)).toBe(178);
    expect(summary.rfGrid.flat().reduce((sum, cell) => sum + cell.customers, 0)).toBe(178);
    const champions = summary.segments.find((s) => s.segment === 'Champions');
    const page = await ok<{ total: number; rows: RfmCustomerRow[] }>(
      core.dispatch('rfm.customers', { runId: summary.runId, segment: 'Champions', limit: 5 }),
    );
    expect(page.total).toBe(champions?.customers);
    expect(page.rows.every((row) => row.segment === 'Champions' && row.r === 5)).toBe(true);
    expect(page.rows.map((row) => row.monetary)).toEqual(
      [...page.rows.map((row) => row.monetary)].sort((a, b) => b - a),
    );

    // An earlier analysis date leaves out later orders, and is kept as its own run.
    const earlier = await ok<JobInfo>(
      core.dispatch('jobs.start', { kind: 'rfm', levels: 3, analysisDate: Date.UTC(2011, 5, 1) }),
    );
    await expect
      .poll(async () => (await ok<JobInfo>(core.dispatch('jobs.get', { id: earlier.id }))).state, { timeout: 15_000 })
      .toBe('succeeded');
    const second = await ok<RfmSummary>(core.dispatch('rfm.latest', {}));
    expect(second.runId).toBeGreaterThan(summary.runId);
    expect(second.levels).toBe(3);
    expect(second.customers).toBeLessThan(178);
    expect(await core.dispatch('rfm.customers', { runId: second.runId, limit: 501 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});
