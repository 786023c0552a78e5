import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp';
import { DEMO_SAMPLE, marketlens } from '../helpers/cli';

const tempDir = useTempDir('marketlens-campaigns-cli-');

const CUSTOMERS = 150;

function shopFiles(dir: string): { customers: string; orders: string } {
  const customers = ['customer_id,email,first_name,last_name,phone,country,email_consent'];
  const orders = ['order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price'];
  for (let i = 1; i <= CUSTOMERS; i++) {
    // Every tenth customer has no email; every seventh refused email marketing.
    customers.push(
      `C${i},${i % 10 === 0 ? '' : `c${i}@example.com`},Kim,Lee,07700 900${String(i).padStart(3, '0')},GB,${i % 7 === 0 ? 'no' : 'yes'}`,
    );
    orders.push(`O${i},C${i},2024-03-0${1 + (i % 9)} 10:00,A,Mug,1,${10 + (i % 5)}`);
  }
  const paths = { customers: join(dir, 'customers.csv'), orders: join(dir, 'orders.csv') };
  writeFileSync(paths.customers, customers.join('\n'));
  writeFileSync(paths.orders, orders.join('\n'));
  return paths;
}

describe('marketlens campaign commands', () => {
  it('creates a campaign from a spec, suppresses, exports and measures results', async () => {
    const dir = tempDir();
    const project = join(dir, 'shop.mlens');
    const files = shopFiles(dir);
    await marketlens(['project', 'create', project], dir);
    expect((await marketlens(['import', files.customers, '--project', project, '--kind', 'customers'], dir)).code).toBe(
      0,
    );
    expect((await marketlens(['import', files.orders, '--project', project], dir)).code).toBe(0);
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ combinator: 'and', rules: [{ field: 'orders', op: 'ge', value: 1 }] }));
    await marketlens(['segment', 'create', '--project', project, '--name', 'Buyers', '--rules', rules], dir);

    const unsubscribes = join(dir, 'unsubscribes.csv');
    // UTF-16 with a byte order mark, as Excel's "Unicode text" saves it.
    writeFileSync(
      unsubscribes,
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('Email\r\nC1@Example.com\r\nc2@example.com\r\n', 'utf16le'),
      ]),
    );
    const suppressed = await marketlens(
      ['suppress', '--project', project, '--file', unsubscribes, '--reason', 'unsubscribed', '--json'],
      dir,
    );
    expect(suppressed.code).toBe(0);
    expect(JSON.parse(suppressed.stdout)).toMatchObject({
      added: 2,
      invalid: 0,
      summary: { total: 2, byReason: { unsubscribed: 2 } },
    });

    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'Spring sale',
        audience: { segments: ['Buyers'] },
        channel: 'email',
        holdoutPercent: 10,
        seed: 7,
        defaultOffer: '15% off',
        couponPattern: 'SPRING-{XXXX}-{99}',
        fields: ['firstName', 'offer', 'coupon'],
      }),
    );
    const created = await marketlens(['campaign', 'create', '--project', project, '--spec', spec, '--json'], dir);
    expect(created.code).toBe(0);
    const noConsent = Math.floor(CUSTOMERS / 7);
    const eligible = CUSTOMERS - noConsent - 2;
    const holdout = Math.round(eligible * 0.1);
    expect(JSON.parse(created.stdout)).toEqual({
      id: 1,
      name: 'Spring sale',
      audience: CUSTOMERS,
      noConsent,
      suppressed: 2,
      recentlyContacted: 0,
      eligible,
      holdout,
      exported: eligible - holdout,
      withEmail: expect.any(Number),
      withPhone: eligible - holdout,
    });

    const out = join(dir, 'mailchimp.csv');
    const exported = await marketlens(
      ['export', '--project', project, '--campaign', '1', '--preset', 'mailchimp', '--out', out, '--json'],
      dir,
    );
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout) as {
      rows: number;
      skipped: number;
      sha256: string;
      skippedByReason: Record<string, number>;
    };
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Email Address,First Name,Last Name,Phone Number,Tags,Offer,Coupon');
    expect(lines).toHaveLength(summary.rows + 1);
    expect(summary.rows + summary.skipped).toBe(eligible - holdout);
    expect(summary.skippedByReason).toEqual({ 'no-email': summary.skipped });
    expect(summary.sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'));
    expect(lines.some((line) => line.startsWith('c1@example.com') || line.startsWith('c2@example.com'))).toBe(false);

    const unwritable = await marketlens(
      ['export', '--project', project, '--campaign', '1', '--preset', 'csv', '--out', join(out, 'x.csv')],
      dir,
    );
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^marketlens: Cannot write .*the campaign is saved/);
    const listed = await marketlens(['campaign', 'list', '--project', project, '--json'], dir);
    expect((JSON.parse(listed.stdout) as { id: number; exports: number }[]).map((c) => [c.id, c.exports])).toEqual([
      [1, 1],
    ]);

    const results = join(dir, 'results.csv');
    writeFileSync(results, 'Email,Clicks\nc3@example.com,2\nc4@example.com,0\nc5@example.com,1\n');
    const measured = await marketlens(
      ['campaign', 'results', '--project', project, '--campaign', '1', '--file', results, '--json'],
      dir,
    );
    expect(measured.code).toBe(0);
    const result = JSON.parse(measured.stdout) as {
      metric: string;
      matchedRows: number;
      treated: { customers: number };
      holdout: { customers: number };
      absolute: { low: number; high: number };
    };
    expect(result).toMatchObject({
      metric: 'clicks',
      matchedRows: 3,
      treated: { customers: eligible - holdout },
      holdout: { customers: holdout },
    });
    expect(result.absolute.low).toBeLessThan(result.absolute.high);

    writeFileSync(results, 'Email,Clicks\nnobody@example.com,2\n');
    const nobody = await marketlens(
      ['campaign', 'results', '--project', project, '--campaign', '1', '--file', results],
      dir,
    );
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/None of the 1 rows of results\.csv matches a customer of the campaign/);

    const usage = await marketlens(
      ['export', '--project', project, '--campaign', '1', '--preset', 'fax', '--out', out],
      dir,
    );
    expect(usage.code).toBe(2);
  }, 60_000);

  it('tells the demo project has no email addresses, and still exports CSV', async () => {
    const dir = tempDir();
    const project = join(dir, 'demo.mlens');
    await marketlens(['project', 'create', project], dir);
    await marketlens(['import', DEMO_SAMPLE, '--project', project], dir);
    await marketlens(['rfm', '--project', project], dir);
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({ name: 'Win back', audience: { rfmSegments: ['At risk', 'Champions'] }, requireConsent: false }),
    );
    const created = await marketlens(['campaign', 'create', '--project', project, '--spec', spec, '--json'], dir);
    expect(created.code).toBe(0);
    const { id, exported } = JSON.parse(created.stdout) as { id: number; exported: number };
    const mailchimp = await marketlens(
      ['export', '--project', project, '--campaign', String(id), '--preset', 'mailchimp', '--out', join(dir, 'm.csv')],
      dir,
    );
    expect(mailchimp.code).toBe(1);
    expect(mailchimp.stderr).toMatch(
      new RegExp(`None of the ${exported} customers this campaign contacts has an email address`),
    );
    const meta = await marketlens(
      ['export', '--project', project, '--campaign', String(id), '--preset', 'meta', '--out', join(dir, 'meta.csv')],
      dir,
    );
    expect(meta.stderr).toMatch(/has an email address or a phone number/);
    const csv = await marketlens(
      [
        'export',
        '--project',
        project,
        '--campaign',
        String(id),
        '--preset',
        'csv',
        '--out',
        join(dir, 'list.csv'),
        '--json',
      ],
      dir,
    );
    expect(csv.code).toBe(0);
    expect(JSON.parse(csv.stdout)).toMatchObject({ rows: exported, skipped: 0 });
    // UTF-8 with a byte order mark by default, for Excel.
    expect([...readFileSync(join(dir, 'list.csv')).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  }, 60_000);
});
