import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src-main/store/migrations';
import { useTempDir } from '../helpers/temp';
import { DEMO_SAMPLE, marketlens } from '../helpers/cli';

const tempDir = useTempDir();

describe('marketlens CLI', () => {
  it('prints help listing every command', async () => {
    const { code, stdout } = await marketlens(['--help'], tempDir());
    expect(code).toBe(0);
    for (const command of ['project create <file>', 'project info <file>', 'serve [<file>] [--port N]', '--json']) {
      expect(stdout).toContain(command);
    }
  });

  it('creates a project and describes it, for people and as JSON', async () => {
    const dir = tempDir();
    const created = await marketlens(['project', 'create', join(dir, 'acme'), '--json'], dir);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({
      path: join(dir, 'acme.mlens'),
      name: 'acme',
      schemaVersion: latestSchemaVersion(),
    });

    const human = await marketlens(['project', 'info', join(dir, 'acme.mlens')], dir);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^acme {2}\(/);
    expect(human.stdout).toMatch(/order_lines\s+0 rows/);

    const json = await marketlens(['project', 'info', join(dir, 'acme.mlens'), '--json'], dir);
    const info = JSON.parse(json.stdout) as { schemaVersion: number; tables: { table: string; rows: number }[] };
    expect(info.schemaVersion).toBe(latestSchemaVersion());
    expect(info.tables.find((t) => t.table === 'project_meta')?.rows).toBe(1);
  });

  it('exits non-zero with a one-line reason on errors', async () => {
    const dir = tempDir();
    const csv = join(dir, 'orders.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const notProject = await marketlens(['project', 'info', csv], dir);
    expect(notProject.code).toBe(1);
    expect(notProject.stderr.trim().split('\n')).toHaveLength(1);
    expect(notProject.stderr).toMatch(/^marketlens: orders\.csv is not a MarketLens project/);

    const asJson = await marketlens(['project', 'info', csv, '--json'], dir);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { code: 'PROJECT_NOT_SQLITE' } });

    await marketlens(['project', 'create', join(dir, 'acme.mlens')], dir);
    const twice = await marketlens(['project', 'create', join(dir, 'acme.mlens')], dir);
    expect(twice).toMatchObject({ code: 1 });
    expect(twice.stderr).toMatch(/already exists/);

    const locked = tempDir();
    chmodSync(locked, 0o555);
    const readOnly = await marketlens(['project', 'create', join(locked, 'x.mlens')], dir);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/read-only/);

    const usage = await marketlens(['frobnicate'], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Unknown command "frobnicate".*--help/);

    const badPort = await marketlens(['serve', '--port', 'eighty'], dir);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be a number/);
  });

  it('scores RFM, saves a rule segment and clusters customers of a project', async () => {
    const dir = tempDir();
    const project = join(dir, 'demo.mlens');
    await marketlens(['project', 'create', project], dir);
    expect((await marketlens(['import', DEMO_SAMPLE, '--project', project], dir)).code).toBe(0);

    const out = join(dir, 'rfm.csv');
    const rfm = await marketlens(['rfm', '--project', project, '--out', out, '--json'], dir);
    expect(rfm.code).toBe(0);
    const summary = JSON.parse(rfm.stdout) as { customers: number; segments: Record<string, number> };
    expect(Object.values(summary.segments).reduce((a, b) => a + b, 0)).toBe(summary.customers);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(header).toBe('customer_id,recency,frequency,monetary,r,f,m,segment');
    expect(rows).toHaveLength(summary.customers);

    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ combinator: 'and', rules: [{ field: 'orders', op: 'ge', value: 2 }] }));
    const segment = await marketlens(
      ['segment', 'create', '--project', project, '--name', 'Repeat', '--rules', rules, '--json'],
      dir,
    );
    expect(segment.code).toBe(0);
    const repeat = rows.filter((row) => Number(row.split(',')[2]) >= 2).length;
    expect(JSON.parse(segment.stdout)).toEqual({ id: 1, name: 'Repeat', members: repeat });

    writeFileSync(rules, JSON.stringify({ combinator: 'and', rules: [{ field: 'orders', op: 'over', value: 2 }] }));
    const bad = await marketlens(['segment', 'create', '--project', project, '--name', 'Bad', '--rules', rules], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a rule group/);

    const cluster = await marketlens(['cluster', '--project', project, '--k', '3', '--seed', '1', '--json'], dir);
    expect(cluster.code).toBe(0);
    const clusters = JSON.parse(cluster.stdout) as {
      sizes: number[];
      inertia: number;
      silhouette: number;
      profiles: unknown[];
    };
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(summary.customers);
    expect(clusters.profiles).toHaveLength(3);
    expect(clusters.silhouette).toBeGreaterThan(0.2);

    const tooMany = await marketlens(['cluster', '--project', project, '--k', '30'], dir);
    expect(tooMany).toMatchObject({ code: 2 });
  }, 60_000);
});
