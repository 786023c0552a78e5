import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/services/core';
import { appRoot } from '../../src-main/services/paths';
import type { JobInfo } from '../../src-main/shared/dto';
import type { Result } from '../../src-main/shared/errors';
import type { ClvCustomerRow, ClvSummaryDto, ModelDetail, ModelInfo, TrainResult } from '../../src-main/shared/models';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir('marketlens-models-core-');
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function ok<T>(pending: Promise<Result<unknown>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function finished(core: Core, job: JobInfo): Promise<JobInfo> {
  await expect
    .poll(async () => (await ok<JobInfo>(core.dispatch('jobs.get', { id: job.id }))).state, { timeout: 30_000 })
    .not.toMatch(/queued|running/);
  return ok<JobInfo>(core.dispatch('jobs.get', { id: job.id }));
}

describe('models through the core', () => {
  it('trains in a worker with defaults, scores, exports and imports, and runs lifetime value on the demo', async () => {
    const home = tempDir();
    const core = createCore({
      door: 'browser',
      version: '0.0.0-test',
      configDir: home,
      workspaceDir: join(home, 'projects'),
      resourcesDir: join(appRoot(), 'resources'),
    });
    cores.push(core);
    await ok(core.dispatch('project.openDemo', {}));
    expect(await ok(core.dispatch('models.list', {}))).toEqual([]);

    const bad = await core.dispatch('jobs.start', { kind: 'model-train', target: 'propensity', days: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const train = await finished(
      core,
      await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'model-train', target: 'propensity' })),
    );
    expect(train.state).toBe('succeeded');
    const result = train.result as TrainResult;
    expect(result.models.map((m) => m.algorithm)).toEqual(['logistic', 'tree', 'forest']);
    const listed = await ok<ModelInfo[]>(core.dispatch('models.list', {}));
    expect(listed.map((m) => m.id).sort()).toEqual(result.models.map((m) => m.id).sort());
    const best = await ok<ModelDetail>(core.dispatch('models.get', { id: result.best }));
    expect(best.metrics.evaluation.thresholds).toHaveLength(101);

    const score = await finished(
      core,
      await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'model-score', modelId: result.best })),
    );
    expect(score.result).toMatchObject({ modelId: result.best, customers: 178 });
    const scores = await ok<{ total: number; rows: { score: number }[] }>(
      core.dispatch('models.scores', { id: result.best, limit: 5 }),
    );
    expect(scores.total).toBe(178);

    const exported = await ok<{ json: string }>(core.dispatch('models.export', { id: result.best }));
    const imported = await ok<ModelInfo>(core.dispatch('models.import', { json: exported.json }));
    expect(imported).toMatchObject({ algorithm: best.algorithm, auc: best.auc, scoredAt: null });
    const refused = await core.dispatch('models.import', { json: '{"format":"something-else"}' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await ok(core.dispatch('models.delete', { id: imported.id }));
    expect(await core.dispatch('models.get', { id: imported.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const clv = await finished(core, await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'clv' })));
    expect(clv.state).toBe('succeeded');
    const summary = await ok<ClvSummaryDto>(core.dispatch('models.clvLatest', {}));
    expect(summary).toMatchObject({ runId: (clv.result as ClvSummaryDto).runId, customers: 178 });
    expect(summary.options).toEqual({ horizonMonths: 12, monthlyDiscountRate: 0.01 });
    const risky = await ok<{ total: number; rows: ClvCustomerRow[] }>(
      core.dispatch('models.clvCustomers', { runId: summary.runId, band: 'high' }),
    );
    expect(risky.total).toBe(summary.bands.high);
  });
});
