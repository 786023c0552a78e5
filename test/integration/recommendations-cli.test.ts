import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/io/csv';
import { DEMO_SAMPLE, marketlens } from '../helpers/cli';

interface Scores {
  precision: number;
  recall: number;
  hitRate: number;
  coverage: number;
}

describe('marketlens recommend, similar and basket', () => {
  let dir: string;
  let project: string;

  // One project for all the commands (importing the demo takes seconds): so one folder for the file, not one per test.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketlens-recs-cli-'));
    project = join(dir, 'demo.mlens');
    await marketlens(['project', 'create', project], dir);
    expect((await marketlens(['import', DEMO_SAMPLE, '--project', project], dir)).code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the top products of every customer with reasons, as JSON and CSV', async () => {
    const out = join(dir, 'recs.csv');
    const result = await marketlens(
      ['recommend', '--project', project, '--method', 'item-knn', '--k', '4', '--out', out, '--json'],
      dir,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { method: string; k: number; customers: number; coldStart: number };
    expect(summary).toMatchObject({ method: 'item-knn', k: 4, customers: 180, coldStart: 2 });
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['customer_id', 'rank', 'product_id', 'product_name', 'score', 'reason']);
    expect(rows).toHaveLength(180 * 4);
    expect(rows.filter((row) => row[1] === '1')).toHaveLength(180);
    expect(rows.every((row) => /^(often bought with .+|popular right now)$/.test(row[5] ?? ''))).toBe(true);
    expect(rows.some((row) => row[5]?.startsWith('often bought with'))).toBe(true);

    const popular = await marketlens(['recommend', '--project', project, '--method', 'popular', '--json'], dir);
    expect(JSON.parse(popular.stdout)).toMatchObject({ method: 'popular', k: 10 });
    const bad = await marketlens(['recommend', '--project', project, '--method', 'popularity'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--method must be one of hybrid, item-knn, content, popular, rules/);
  });

  it('evaluates each method against popularity on a split date, and refuses one outside the data', async () => {
    const result = await marketlens(
      ['recommend', 'evaluate', '--project', project, '--split-date', '2011-10-01', '--json'],
      dir,
    );
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.stdout) as { users: number; k: number; methods: Record<string, Scores> };
    expect(evaluation.k).toBe(10);
    expect(evaluation.users).toBeGreaterThan(10);
    expect(Object.keys(evaluation.methods)).toEqual(['popular', 'item-knn', 'content', 'rules', 'hybrid']);
    for (const scores of Object.values(evaluation.methods))
      expect(Object.keys(scores).sort()).toEqual(['coverage', 'hitRate', 'precision', 'recall']);

    const late = await marketlens(['recommend', 'evaluate', '--project', project, '--split-date', '2012-03-01'], dir);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/2012-03-01 is after the last purchase.*no later than 2011-12-09/);
    const missing = await marketlens(['recommend', 'evaluate', '--project', project], dir);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toMatch(/needs --split-date/);
  });

  it('mines the demo baskets, writes every rule with names, and refuses an explosion', async () => {
    const out = join(dir, 'rules.csv');
    const result = await marketlens(
      ['basket', '--project', project, '--min-support', '0.01', '--out', out, '--json'],
      dir,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      baskets: number;
      frequentItems: number;
      frequentPairs: number;
      rules: number;
      topRules: { antecedent: string[]; consequent: string; lift: number }[];
    };
    expect(summary).toMatchObject({ baskets: 379, frequentItems: 383, frequentPairs: 157, rules: 314 });
    expect(summary.topRules).toHaveLength(10);
    expect(summary.topRules.map((r) => r.lift)).toEqual([...summary.topRules.map((r) => r.lift)].sort((a, b) => b - a));
    expect(summary.topRules[0]?.consequent).toMatch(/[A-Z]{3}/);
    expect(parseCsv(readFileSync(out, 'utf8'))).toHaveLength(1 + 314);

    const explode = await marketlens(
      ['basket', '--project', project, '--min-support', '0.001', '--max-length', '4', '--max-basket', '100'],
      dir,
    );
    expect(explode.code).toBe(1);
    expect(explode.stderr).toMatch(/could qualify.*Raise the minimum support/);
  });

  it('finds the products whose text reads alike in a GBK product file, without a project', async () => {
    const products = join(dir, 'products.csv');
    const rows = [
      '编号,名称,描述',
      'P1,红色陶瓷茶杯,手绘陶瓷茶杯',
      'P2,蓝色陶瓷茶杯,陶瓷茶杯',
      'P3,绿茶,明前龙井绿茶',
      'P4,陶瓷茶壶,手绘陶瓷',
      'P5,,',
    ];
    writeFileSync(products, gbk(rows.join('\r\n')));
    const result = await marketlens(
      [
        'similar',
        '--products',
        products,
        '--id-col',
        '编号',
        '--text-col',
        '名称,描述',
        '--item',
        'P1',
        '--k',
        '2',
        '--json',
      ],
      dir,
    );
    expect(result.code).toBe(0);
    const similar = JSON.parse(result.stdout) as {
      encoding: string;
      productsWithoutText: number;
      similar: { id: string; score: number }[];
    };
    expect(similar.encoding).toBe('gb18030');
    expect(similar.productsWithoutText).toBe(1);
    expect(similar.similar.map((s) => s.id)).toEqual(['P2', 'P4']);
    expect(similar.similar[0]?.score).toBeGreaterThan(similar.similar[1]?.score ?? 1);

    const unknown = await marketlens(
      ['similar', '--products', products, '--id-col', '编号', '--text-col', 'name', '--item', 'P1'],
      dir,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/has no column "name". Its columns are: 编号, 名称, 描述/);
    const empty = await marketlens(
      ['similar', '--products', products, '--id-col', '编号', '--text-col', '名称', '--item', 'P5'],
      dir,
    );
    expect(empty.stderr).toMatch(/"P5" has no words in 名称/);
  });
});

/** GBK bytes of a text, through the platform's GB18030 tables (TextEncoder only writes UTF-8). */
function gbk(text: string): Uint8Array {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && !table.has(char)) table.set(char, [lead, trail]);
    }
  return Uint8Array.from(
    [...text].flatMap((char) => (char.charCodeAt(0) < 0x80 ? [char.charCodeAt(0)] : (table.get(char) ?? [0x3f]))),
  );
}
