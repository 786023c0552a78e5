import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/services/core';
import { appRoot } from '../../src-main/services/paths';
import type { JobInfo } from '../../src-main/shared/dto';
import type { Result } from '../../src-main/shared/errors';
import type {
  BasketEstimate,
  BasketRuleRow,
  CustomerRecommendations,
  RecommendationRow,
  RecommendationsStatus,
} from '../../src-main/shared/recommendations';
import { parseCsv } from '../../src-main/io/csv';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function demoCore(): Promise<Core> {
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
  return core;
}

async function ok<T>(pending: Promise<Result<unknown>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Starts a job and waits for it to finish, whichever way. */
async function finished(core: Core, request: Record<string, unknown>): Promise<JobInfo> {
  const job = await ok<JobInfo>(core.dispatch('jobs.start', request));
  let info = job;
  await expect
    .poll(async () => (info = await ok<JobInfo>(core.dispatch('jobs.get', { id: job.id }))).state, {
      timeout: 30_000,
    })
    .toMatch(/succeeded|failed|cancelled/);
  return info;
}

describe('recommendations on the demo project, through the core and its workers', () => {
  it('evaluates against popularity, lists top products with reasons, and shows one customer their list', async () => {
    const core = await demoCore();
    const status = await ok<RecommendationsStatus>(core.dispatch('recommendations.status', {}));
    expect(status).toMatchObject({ customers: 180, latestRun: null, latestBasket: null });
    expect(status.suggestedSplitAt).toBeGreaterThan(status.firstPurchaseAt ?? Infinity);
    expect(status.suggestedSplitAt).toBeLessThan(status.lastPurchaseAt ?? -Infinity);

    const evaluation = await finished(core, { kind: 'recommend-evaluate', splitDate: status.suggestedSplitAt });
    expect(evaluation.error).toBeNull();
    if (evaluation.kind !== 'recommend-evaluate' || !evaluation.result) throw new Error('no evaluation');
    expect(evaluation.result.users).toBeGreaterThan(10);
    expect(evaluation.result.methods.map((m) => m.method)).toEqual([
      'popularity',
      'item-knn',
      'content',
      'rules',
      'hybrid',
    ]);

    const early = await finished(core, { kind: 'recommend-evaluate', splitDate: Date.UTC(2009, 0, 1) });
    expect(early.state).toBe('failed');
    expect(early.error?.message).toMatch(/2009-01-01 is not after the first purchase.*after 2010-12-01/);

    const generated = await finished(core, { kind: 'recommend', k: 5 });
    if (generated.kind !== 'recommend' || !generated.result) throw new Error(generated.error?.message);
    // The two customers whose every order was cancelled have nothing to learn from.
    expect(generated.result).toMatchObject({ customers: 180, coldStart: 2, rows: 900 });
    expect(generated.result.options).toMatchObject({ method: 'hybrid', excludeBought: true, popularityDays: 30 });

    const page = await ok<{ total: number; rows: RecommendationRow[] }>(
      core.dispatch('recommendations.list', { limit: 10 }),
    );
    expect(page.total).toBe(900);
    const first = page.rows[0];
    if (!first) throw new Error('no rows');
    const mine = await ok<CustomerRecommendations>(
      core.dispatch('recommendations.forCustomer', { customerId: first.customerId }),
    );
    expect(mine.items.map((item) => item.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(mine.items[0]?.product).toEqual(first.product);
    expect(mine.items.every((item) => item.reasonKind === 'popular' || item.reasonProduct !== null)).toBe(true);
    expect(await core.dispatch('recommendations.forCustomer', { customerId: 99_999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('estimates, mines and exports the demo baskets with the default options', async () => {
    const core = await demoCore();
    const estimate = await ok<BasketEstimate>(core.dispatch('recommendations.basketEstimate', {}));
    expect(estimate).toMatchObject({ baskets: 379, basketsSkipped: 3, minCount: 4, tooMany: false });

    const job = await finished(core, { kind: 'basket' });
    if (job.kind !== 'basket' || !job.result) throw new Error(job.error?.message);
    expect(job.result).toMatchObject({ baskets: 379, frequentItems: 383, itemsetsByLength: [383, 157], rules: 314 });

    const rules = await ok<{ total: number; rows: BasketRuleRow[] }>(
      core.dispatch('recommendations.basketRules', { sort: 'confidence', limit: 20 }),
    );
    expect(rules.total).toBe(314);
    expect(rules.rows.map((r) => r.confidence)).toEqual([...rules.rows.map((r) => r.confidence)].sort((a, b) => b - a));
    const { csv } = await ok<{ csv: string }>(core.dispatch('recommendations.basketCsv', {}));
    const records = parseCsv(csv);
    expect(records).toHaveLength(315);
    expect(records.slice(1).every((r) => r[1] !== '' && r[3] !== '')).toBe(true);

    expect(await core.dispatch('recommendations.basketEstimate', { minSupport: 0 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});
