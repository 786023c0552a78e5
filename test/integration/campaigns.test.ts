import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runRfm } from '../../src-main/analytics/rfm-runs';
import { saveSegment } from '../../src-main/analytics/segments';
import { buildAudience } from '../../src-main/campaigns/audience';
import { campaignDetail, createCampaign, listCampaigns } from '../../src-main/campaigns/campaign-store';
import { exportCampaign, writeExportFile } from '../../src-main/campaigns/export-writer';
import { measureFromFile, measureFromOrders } from '../../src-main/campaigns/results';
import { clearSuppressions, importSuppressions } from '../../src-main/campaigns/suppressions';
import { encodeText } from '../../src-main/campaigns/text-encoders';
import { runImport } from '../../src-main/import/run-import';
import { JobCancelled, type JobContext } from '../../src-main/jobs/context';
import { CAMPAIGNS_JOB_HANDLERS } from '../../src-main/jobs/handlers/campaigns';
import { openXlsx } from '../../src-main/io/xlsx-read';
import { measureUplift } from '../../src-main/ml/uplift';
import { campaignSpecSchema, exportOptionsSchema, type CampaignSpecInput } from '../../src-main/shared/campaigns';
import type { ImportSettings } from '../../src-main/shared/import';
import { createProject, type Db } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const quiet = { progress() {}, throwIfCancelled() {} };
const CUSTOMERS = 240;
const CREATED = Date.UTC(2024, 6, 1);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Customer i: no email when i % 20 = 0, an invalid one when i % 37 = 0, no email consent when i % 10 = 3. */
const hasNoEmail = (i: number) => i % 20 === 0;
const hasBadEmail = (i: number) => i % 37 === 0 && !hasNoEmail(i);
const refusesEmail = (i: number) => i % 10 === 3;
const emailOf = (i: number) => (hasNoEmail(i) ? '' : `C${i}.Buyer@Example.com`);
const FIRST = ['Ann', 'Bob', '王', 'Zoë', '=HYPERLINK("x")'];

function customersCsv(): string {
  const lines = ['customer_id,email,first_name,last_name,phone,country,email_consent'];
  for (let i = 1; i <= CUSTOMERS; i++) {
    const phone = `07700 900${String(i).padStart(3, '0')}`;
    lines.push(
      `C${i},${emailOf(i)},"${FIRST[i % FIRST.length]?.replaceAll('"', '""')}",Smith,${phone},GB,${refusesEmail(i) ? 'no' : 'yes'}`,
    );
  }
  return lines.join('\n');
}

function ordersCsv(from: number, to: number, month: string): string {
  const lines = ['order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price'];
  for (let i = from; i <= to; i++) {
    for (let n = 0; n <= i % 3; n++)
      lines.push(`O${month}-${i}-${n},C${i},${month}-${String(n + 1).padStart(2, '0')} 10:00,A,Mug,1,${10 + (i % 7)}`);
  }
  return lines.join('\n');
}

async function importText(db: Db, dir: string, name: string, text: string | Buffer, settings: ImportSettings) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const report = await runImport(db, { path, settings, dryRun: false }, quiet);
  expect(report.committed).toBe(true);
}

const spec = (overrides: Partial<CampaignSpecInput> = {}) =>
  campaignSpecSchema.parse({ name: 'Spring sale', audience: { segments: ['Buyers'] }, ...overrides });
const exportOptions = (options: Record<string, unknown>) => exportOptionsSchema.parse(options);

/**
 * A job's context on the test's connection, as the worker builds it: it records the stages the work reports and,
 * given `cancelAt`, acts as if the user cancelled once that stage has begun.
 */
function jobContext(db: Db, params: unknown, cancelAt?: string): { context: JobContext; stages: string[] } {
  const stages: string[] = [];
  const context: JobContext = {
    db,
    params,
    progress(_fraction, detail) {
      if (detail && stages.at(-1) !== detail) stages.push(detail);
    },
    throwIfCancelled() {
      if (cancelAt !== undefined && stages.includes(cancelAt)) throw new JobCancelled();
    },
  };
  return { context, stages };
}

/** A saved measurement without what differs between two runs of it: its row id and when it was taken. */
const measurement = ({ id: _id, measuredAt: _at, ...rest }: { id: number; measuredAt: number }) => rest;

/** A results file in which every third contacted member and every fifth held-out one ordered. */
function resultsFile(db: Db, dir: string, campaignId: number) {
  const members = db
    .prepare(
      'SELECT c.external_id AS id, m.holdout FROM campaign_members m JOIN customers c ON c.id = m.customer_id WHERE campaign_id = ? ORDER BY m.customer_id',
    )
    .all(campaignId) as { id: string; holdout: number }[];
  const ordered = (m: { id: string; holdout: number }, k: number) => (m.holdout ? k % 5 === 0 : k % 3 === 0);
  const lines = ['Customer ID,Orders,Revenue'];
  members.forEach((m, k) => lines.push(`${m.id},${ordered(m, k) ? 1 : 0},${ordered(m, k) ? '€20.00' : ''}`));
  const path = join(dir, 'results.csv');
  writeFileSync(path, lines.join('\n'));
  return { path, members, ordered };
}

function customerIdOf(db: Db, externalId: string): number {
  return db.prepare('SELECT id FROM customers WHERE external_id = ?').pluck().get(externalId) as number;
}

describe('campaigns', () => {
  const tempDir = useTempDir('marketlens-campaigns-');
  let db: Db;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    db = createProject(join(dir, 'shop.mlens'));
    await importText(db, dir, 'customers.csv', customersCsv(), { kind: 'customers' });
    await importText(db, dir, 'orders.csv', ordersCsv(1, CUSTOMERS, '2024-03'), { kind: 'order_lines' });
    // The importer keeps only valid emails; projects made before it checked them hold invalid ones.
    const invalid = db.prepare("UPDATE customers SET email = 'not-an-email' WHERE external_id = ?");
    for (let i = 1; i <= CUSTOMERS; i++) if (hasBadEmail(i)) invalid.run(`C${i}`);
    saveSegment(db, { name: 'Buyers', rules: { combinator: 'and', rules: [{ field: 'orders', op: 'ge', value: 1 }] } });
    return () => db.close();
  });

  it('counts the funnel: consent, a GBK suppression file, recent contacts, and a stratified holdout', async () => {
    const suppressions = join(dir, 'unsubscribed.csv');
    const rows = ['邮箱,原因', ...[1, 2, 3, 4, 5].map((i) => `${emailOf(i).toUpperCase()} ,退订`), 'bad@,退订'];
    writeFileSync(suppressions, encodeText(rows.join('\r\n'), 'gbk'));
    const report = await importSuppressions(db, suppressions, { reason: 'unsubscribed' });
    expect(report).toMatchObject({ rows: 6, added: 5, invalid: 1, summary: { total: 5 } });
    expect(report.invalidExamples[0]).toMatchObject({ row: 7, value: 'bad@' });

    const refusing = Array.from({ length: CUSTOMERS }, (_, i) => i + 1).filter(refusesEmail).length;
    // C3 refused consent already; C1, C2, C4 and C5 are left out as suppressed.
    const audience = buildAudience(db, spec());
    expect(audience.funnel).toMatchObject({
      inSegments: CUSTOMERS,
      afterScore: CUSTOMERS,
      noConsent: refusing,
      suppressed: 4,
      recentlyContacted: 0,
      eligible: CUSTOMERS - refusing - 4,
      holdout: Math.round(0.1 * (CUSTOMERS - refusing - 4)),
    });
    expect(audience.funnel.treated + audience.funnel.holdout).toBe(audience.funnel.eligible);

    const withoutConsentRule = buildAudience(db, spec({ requireConsent: false, applySuppressions: false }));
    expect(withoutConsentRule.funnel.eligible).toBe(CUSTOMERS);

    const first = createCampaign(db, spec(), quiet, CREATED);
    await exportCampaign(db, first.id, exportOptions({ preset: 'csv' }), join(dir, 'first.csv'), quiet, CREATED);
    const later = buildAudience(db, spec({ excludeContactedDays: 30 }), CREATED + 10 * 86_400_000);
    expect(later.funnel.recentlyContacted).toBe(first.funnel.treated);
    expect(later.funnel.eligible).toBe(first.funnel.holdout);
    const muchLater = buildAudience(db, spec({ excludeContactedDays: 30 }), CREATED + 40 * 86_400_000);
    expect(muchLater.funnel.recentlyContacted).toBe(0);

    // Mailchimp skips members without a valid email: they were not contacted, so a later campaign may reach them.
    const sent = CREATED + 50 * 86_400_000;
    const second = createCampaign(db, spec({ requireConsent: false }), quiet, sent);
    const mailchimp = join(dir, 'second.csv');
    const summary = await exportCampaign(db, second.id, exportOptions({ preset: 'mailchimp' }), mailchimp, quiet, sent);
    expect(summary.skipped).toBeGreaterThan(0);
    const afterSecond = buildAudience(db, spec({ requireConsent: false, excludeContactedDays: 30 }), sent + 86_400_000);
    expect(afterSecond.funnel.recentlyContacted).toBe(summary.rows);
    expect(afterSecond.funnel.recentlyContacted).toBe(second.funnel.treated - summary.skipped);
  });

  it('holds out 10% within each RFM segment, the same customers and codes again for the same seed', () => {
    runRfm(db, { levels: 5 });
    const segments = db.prepare('SELECT DISTINCT segment FROM rfm_scores').pluck().all() as string[];
    const rfmSpec = spec({
      audience: { rfmSegments: segments },
      requireConsent: false,
      couponPattern: 'SPRING-{XXXX}-{99}',
      offers: { [segments[0] as string]: 'Early access' },
      defaultOffer: '10% off',
    });
    const a = createCampaign(db, rfmSpec, quiet, CREATED);
    const b = createCampaign(db, rfmSpec, quiet, CREATED);
    const members = (id: number) =>
      db
        .prepare(
          'SELECT customer_id, holdout, segment, offer, coupon FROM campaign_members WHERE campaign_id = ? ORDER BY customer_id',
        )
        .all(id) as { customer_id: number; holdout: number; segment: string; offer: string; coupon: string | null }[];
    expect(members(a.id)).toEqual(members(b.id));
    const rows = members(a.id);
    expect(rows).toHaveLength(CUSTOMERS);
    for (const segment of segments) {
      const inSegment = rows.filter((row) => row.segment === segment);
      const held = inSegment.filter((row) => row.holdout === 1).length;
      expect(Math.abs(held - 0.1 * inSegment.length)).toBeLessThan(1);
    }
    const coupons = rows.filter((row) => row.holdout === 0).map((row) => row.coupon);
    expect(new Set(coupons).size).toBe(coupons.length);
    expect(coupons.every((code) => /^SPRING-[A-Z]{4}-\d{2}$/.test(code ?? ''))).toBe(true);
    expect(rows.filter((row) => row.holdout === 1).every((row) => row.coupon === null)).toBe(true);
    expect(rows.filter((row) => row.segment === segments[0]).every((row) => row.offer === 'Early access')).toBe(true);
    expect(rows.filter((row) => row.segment !== segments[0]).every((row) => row.offer === '10% off')).toBe(true);
    expect(
      campaignDetail(db, a.id)
        .holdout.rows.map((row) => row.stratum)
        .sort(),
    ).toEqual([...segments].sort());

    const other = createCampaign(db, { ...rfmSpec, seed: 2 }, quiet, CREATED);
    expect(members(other.id).map((row) => row.holdout)).not.toEqual(rows.map((row) => row.holdout));
  });

  it('narrows by a model score: top N, top % and a threshold', () => {
    db.prepare(
      `INSERT INTO models (id, kind, algorithm, version, name, created_at, options_json, window_json, metrics_json, model_json)
       VALUES (1, 'propensity', 'logistic', 1, 'Buys in 90 days', 0, '{}', '{}', '{}', '{}')`,
    ).run();
    const insert = db.prepare('INSERT INTO model_scores (model_id, customer_id, score) VALUES (1, ?, ?)');
    for (let i = 1; i <= 200; i++) insert.run(customerIdOf(db, `C${i}`), i / 200);
    const count = (score: CampaignSpecInput['score']) =>
      buildAudience(db, spec({ score, requireConsent: false, holdoutPercent: 0 })).funnel;
    expect(count({ modelId: 1, rule: 'top', value: 30 }).afterScore).toBe(30);
    expect(count({ modelId: 1, rule: 'topPercent', value: 10 }).afterScore).toBe(20);
    expect(count({ modelId: 1, rule: 'above', value: 0.9 }).afterScore).toBe(21);
    const top = createCampaign(
      db,
      spec({ score: { modelId: 1, rule: 'top', value: 5 }, requireConsent: false, holdoutPercent: 0 }),
    );
    const ids = db
      .prepare(
        'SELECT c.external_id FROM campaign_members m JOIN customers c ON c.id = m.customer_id WHERE campaign_id = ?',
      )
      .pluck()
      .all(top.id);
    expect(ids.sort()).toEqual(['C196', 'C197', 'C198', 'C199', 'C200']);
    expect(() => count({ modelId: 9, rule: 'top', value: 5 })).toThrow(/Model 9 has no scores/);
  });

  it('exports Mailchimp with exact headers and personal fields, skips and lists customers without a valid email', async () => {
    const campaign = createCampaign(
      db,
      spec({ fields: ['segment', 'offer', 'coupon'], couponPattern: 'SP-{XXXXX}', defaultOffer: '15% off' }),
      quiet,
      CREATED,
    );
    const path = join(dir, 'mailchimp.csv');
    const summary = await exportCampaign(db, campaign.id, exportOptions({ preset: 'mailchimp' }), path, quiet, CREATED);
    const text = readFileSync(path, 'utf8');
    const [header, ...lines] = text.trimEnd().split('\r\n');
    expect(header).toBe('Email Address,First Name,Last Name,Phone Number,Tags,Segment,Offer,Coupon');

    const treated = db
      .prepare(
        'SELECT c.external_id FROM campaign_members m JOIN customers c ON c.id = m.customer_id WHERE campaign_id = ? AND holdout = 0',
      )
      .pluck()
      .all(campaign.id) as string[];
    const index = (external: string) => Number(external.slice(1));
    const noEmail = treated.filter((id) => hasNoEmail(index(id)));
    const badEmail = treated.filter((id) => hasBadEmail(index(id)));
    expect(summary.rows).toBe(treated.length - noEmail.length - badEmail.length);
    expect(lines).toHaveLength(summary.rows);
    expect(summary.skippedByReason).toEqual({
      ...(noEmail.length && { 'no-email': noEmail.length }),
      ...(badEmail.length && { 'invalid-email': badEmail.length }),
    });
    expect(summary.examples.map((example) => example.customerId).sort()).toEqual([...noEmail, ...badEmail].sort());

    const held = db
      .prepare(
        'SELECT c.email FROM campaign_members m JOIN customers c ON c.id = m.customer_id WHERE campaign_id = ? AND holdout = 1',
      )
      .pluck()
      .all(campaign.id) as string[];
    for (const email of held) if (email) expect(text).not.toContain(email.toLowerCase());
    expect(lines.every((line) => /^c\d+\.buyer@example\.com,/.test(line))).toBe(true);
    expect(text).toContain(',"\'=HYPERLINK(""x"")",Smith,'); // formula guard on names
    expect(text).toMatch(/\+447700900\d{3}/);
    expect(lines.every((line) => line.includes('15% off') && /,SP-[A-Z]{5}$/.test(line))).toBe(true);

    expect(summary.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    const again = join(dir, 'again.csv');
    const recreated = await writeExportFile(db, campaign.id, exportOptions({ preset: 'mailchimp' }), again);
    expect(recreated.sha256).toBe(summary.sha256);
    const history = campaignDetail(db, campaign.id).history;
    expect(history).toEqual([
      expect.objectContaining({
        preset: 'mailchimp',
        fileName: 'mailchimp.csv',
        rows: summary.rows,
        sha256: summary.sha256,
      }),
    ]);
    expect(JSON.parse(db.prepare('SELECT audience_json FROM campaign_exports').pluck().get() as string)).toMatchObject({
      audience: { segments: ['Buyers'] },
    });
  });

  it('exports Meta hashed with predicted value, and Google plain or hashed; warns below the minimum audience', async () => {
    db.prepare("INSERT INTO clv_runs (id, created_at, options_json, summary_json) VALUES (1, 0, '{}', '{}')").run();
    const clv = db.prepare(
      `INSERT INTO clv_customers (run_id, customer_id, probability_alive, expected_30, expected_90, expected_365, clv, historic_clv, churn_band)
       VALUES (1, ?, 0.5, 0, 0, 0, ?, 0, 'low')`,
    );
    for (let i = 1; i <= CUSTOMERS; i++) clv.run(customerIdOf(db, `C${i}`), i * 1.5);
    const campaign = createCampaign(db, spec({ requireConsent: false, holdoutPercent: 0 }), quiet, CREATED);
    const path = join(dir, 'meta.csv');
    const summary = await exportCampaign(db, campaign.id, exportOptions({ preset: 'meta' }), path, quiet, CREATED);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,phone,fn,ln,ct,st,zip,country,value');
    const c1 = lines.find((line) => line.startsWith(sha256('c1.buyer@example.com')));
    expect(c1?.split(',')).toEqual([
      sha256('c1.buyer@example.com'),
      sha256('447700900001'),
      sha256('bob'),
      sha256('smith'),
      '',
      '',
      '',
      sha256('gb'),
      '1.5',
    ]);
    // Customers without an email still go with their phone number.
    expect(summary.rows).toBe(campaign.funnel.treated);
    expect(summary.warnings).toEqual([]);

    db.prepare("INSERT INTO products (id, sku, name) VALUES (9001, 'T1', 'Teapot'), (9002, 'T2', '')").run();
    db.prepare(
      "INSERT INTO recommendation_runs (id, created_at, options_json, summary_json) VALUES (1, 0, '{}', '{}')",
    ).run();
    const rec = db.prepare(
      "INSERT INTO recommendations (run_id, customer_id, rank, product_id, score, method, reason_kind) VALUES (1, ?, ?, ?, 1, 'x', 'popular')",
    );
    rec.run(customerIdOf(db, 'C1'), 2, 9001);
    rec.run(customerIdOf(db, 'C1'), 1, 9002);
    const personal = createCampaign(
      db,
      spec({
        requireConsent: false,
        holdoutPercent: 0,
        fields: ['clvBand', 'recs', 'offer'],
        offers: { high: 'VIP night' },
        defaultOffer: '5% off',
      }),
    );
    const list = join(dir, 'personal.csv');
    await exportCampaign(db, personal.id, exportOptions({ preset: 'csv' }), list);
    const rowsOut = readFileSync(list, 'utf8').trimEnd().split('\r\n');
    expect(rowsOut[0]).toMatch(/,Value band,Recommended products,Offer$/);
    // C1 has the lowest predicted value; C240 the highest. Recommendations in rank order, SKU when unnamed.
    expect(rowsOut.find((line) => line.startsWith('C1,'))).toMatch(/,Low,"T2, Teapot",5% off$/);
    expect(rowsOut.find((line) => line.startsWith('C240,'))).toMatch(/,High,,VIP night$/);

    const bands = db
      .prepare('SELECT value_band, count(*) AS n FROM campaign_members WHERE campaign_id = ? GROUP BY value_band')
      .all(campaign.id);
    expect(bands.map((b) => (b as { value_band: string }).value_band).sort()).toEqual(['High', 'Low', 'Medium']);

    const google = join(dir, 'google.csv');
    await exportCampaign(db, campaign.id, exportOptions({ preset: 'google' }), google);
    expect(readFileSync(google, 'utf8').split('\r\n')[0]).toBe('Email,Phone,First Name,Last Name,Country,Zip');
    expect(readFileSync(google, 'utf8')).toContain('c1.buyer@example.com,+447700900001,Bob,Smith,GB,');
    await exportCampaign(db, campaign.id, exportOptions({ preset: 'google', hashed: true }), google);
    expect(readFileSync(google, 'utf8')).toContain(
      `${sha256('c1.buyer@example.com')},${sha256('+447700900001')},${sha256('bob')},${sha256('smith')},GB,`,
    );

    saveSegment(db, {
      name: 'Top',
      rules: { combinator: 'and', rules: [{ field: 'externalId', op: 'is', values: ['C1', 'C2', 'C4'] }] },
    });
    const tiny = createCampaign(db, spec({ name: 'Tiny', audience: { segments: ['Top'] }, holdoutPercent: 0 }));
    const warned = await exportCampaign(db, tiny.id, exportOptions({ preset: 'meta' }), join(dir, 'tiny.csv'));
    expect(warned.rows).toBe(3);
    expect(warned.warnings.map((w) => w.code)).toEqual(['audience-too-small']);
  });

  it('writes GBK CSV and XLSX, refuses email presets without emails and unwritable paths, keeping the campaign', async () => {
    const campaign = createCampaign(db, spec({ requireConsent: false }), quiet, CREATED);
    const gbk = join(dir, 'gbk.csv');
    const written = await exportCampaign(db, campaign.id, exportOptions({ preset: 'csv', encoding: 'gbk' }), gbk);
    const decoded = new TextDecoder('gbk').decode(readFileSync(gbk));
    expect(decoded.split('\r\n')[0]).toBe('Customer ID,Email,Phone,First name,Last name,City,Region,Country,Zip');
    expect(decoded).toContain(',王,Smith,');
    expect(readFileSync(gbk).includes(Buffer.from('王', 'utf8'))).toBe(false);
    expect(written.rows).toBe(campaign.funnel.treated);

    const xlsx = join(dir, 'list.xlsx');
    const sheet = await exportCampaign(db, campaign.id, exportOptions({ preset: 'xlsx' }), xlsx);
    const workbook = openXlsx(readFileSync(xlsx));
    let count = 0;
    for await (const batch of workbook.rows()) count += batch.length;
    expect(count).toBe(sheet.rows + 1);

    await expect(
      exportCampaign(db, campaign.id, exportOptions({ preset: 'csv' }), join(dir, 'missing', 'x.csv')),
    ).rejects.toThrow(/Cannot write .*folder does not exist.*campaign is saved/);
    // Root can write anywhere: a path under a file cannot be written by anyone.
    await expect(
      exportCampaign(db, campaign.id, exportOptions({ preset: 'csv' }), join(dir, 'customers.csv', 'x.csv')),
    ).rejects.toThrow(/Cannot write .*campaign is saved/);
    expect(listCampaigns(db).map((c) => c.id)).toEqual([campaign.id]);
    expect(campaignDetail(db, campaign.id).history).toHaveLength(2);

    db.exec('UPDATE customers SET email = NULL');
    await expect(
      exportCampaign(db, campaign.id, exportOptions({ preset: 'mailchimp' }), join(dir, 'm.csv')),
    ).rejects.toThrow(
      /None of the \d+ customers this campaign contacts has an email address, so a Mailchimp file would be empty/,
    );
    db.exec('UPDATE customers SET phone = NULL');
    await expect(
      exportCampaign(db, campaign.id, exportOptions({ preset: 'meta' }), join(dir, 'm.csv')),
    ).rejects.toThrow(/has an email address or a phone number/);
    saveSegment(db, {
      name: 'Nobody',
      rules: { combinator: 'and', rules: [{ field: 'externalId', op: 'is', values: ['none'] }] },
    });
    expect(() => createCampaign(db, spec({ audience: { segments: ['Nobody'] } }))).toThrow(
      /The audience is empty: the chosen segments have no customers/,
    );
  });

  it('writes a CSV page longer than its first buffer whole, and hashes the bytes written', async () => {
    const campaign = createCampaign(db, spec({ requireConsent: false }), quiet, CREATED);
    const [first] = db
      .prepare('SELECT customer_id FROM campaign_members WHERE campaign_id = ? AND holdout = 0 ORDER BY customer_id')
      .pluck()
      .all(campaign.id) as number[];
    // Three UTF-8 bytes a character: one line of this name outgrows a page's first megabyte.
    const name = '王'.repeat(400_000);
    db.prepare('UPDATE customers SET first_name = ? WHERE id = ?').run(name, first);
    const path = join(dir, 'long.csv');
    const summary = await exportCampaign(db, campaign.id, exportOptions({ preset: 'csv' }), path);
    const bytes = readFileSync(path);
    expect(summary.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(summary.bytes).toBe(bytes.length);
    const lines = bytes.toString('utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(summary.rows + 1);
    expect(lines[1]?.split(',')[3]).toBe(name);
    expect(lines.slice(2).every((line) => line.split(',').length === lines[0]?.split(',').length)).toBe(true);
  });

  it('measures uplift from a results file and from later orders', async () => {
    const campaign = createCampaign(db, spec({ requireConsent: false, holdoutPercent: 20 }), quiet, CREATED);
    await exportCampaign(db, campaign.id, exportOptions({ preset: 'csv' }), join(dir, 'sent.csv'), quiet, CREATED);
    const { path: results, members, ordered } = resultsFile(db, dir, campaign.id);
    const measured = await measureFromFile(db, campaign.id, results);
    const group = (held: number) => {
      const inGroup = members.map((m, k) => ({ m, k })).filter(({ m }) => m.holdout === held);
      return { customers: inGroup.length, responders: inGroup.filter(({ m, k }) => ordered(m, k)).length };
    };
    const expected = measureUplift(group(0), group(1));
    expect(measured.metric).toBe('orders');
    expect(measured.treated).toMatchObject({
      customers: expected.treated.customers,
      responders: expected.treated.responders,
    });
    expect(measured.absolute.estimate).toBeCloseTo(expected.absolute.estimate, 12);
    expect(measured.absolute.low).toBeCloseTo(expected.absolute.low, 12);
    expect(measured.absolute.high).toBeCloseTo(expected.absolute.high, 12);
    expect(measured.revenue?.estimate).toBeCloseTo(20 * (expected.treated.rate - expected.holdout.rate), 10);
    expect(campaignDetail(db, campaign.id).results).toHaveLength(1);

    const strangers = join(dir, 'strangers.csv');
    writeFileSync(strangers, 'Email,Opens\nnobody@example.com,3\nother@example.com,1\n');
    await expect(measureFromFile(db, campaign.id, strangers)).rejects.toThrow(
      /None of the 2 rows of strangers\.csv matches a customer of the campaign "Spring sale"/,
    );

    expect(() => measureFromOrders(db, campaign.id)).toThrow(/No orders from after 2024-07-01/);
    await importText(db, dir, 'july.csv', ordersCsv(1, 60, '2024-07'), { kind: 'order_lines' });
    const fromOrders = measureFromOrders(db, campaign.id, { days: 30 });
    const buyers = new Set(Array.from({ length: 60 }, (_, i) => `C${i + 1}`));
    const responders = (held: number) => members.filter((m) => m.holdout === held && buyers.has(m.id)).length;
    expect(fromOrders.treated.responders).toBe(responders(0));
    expect(fromOrders.holdout.responders).toBe(responders(1));
    expect(fromOrders.windowStart).toBe(CREATED);
  });

  it('runs preview, measure and suppress as jobs, with the same results as the direct calls and their stages', async () => {
    const preview = jobContext(db, { spec: spec() });
    const direct = buildAudience(db, spec());
    expect(await CAMPAIGNS_JOB_HANDLERS['campaign-preview'](preview.context)).toEqual({
      funnel: direct.funnel,
      holdout: direct.balance,
      notes: direct.notes,
    });
    expect(preview.stages).toEqual(['segments', 'score', 'contacts', 'holdout']);

    const unsubscribed = join(dir, 'unsubscribed.csv');
    writeFileSync(unsubscribed, ['Email', ...[1, 2, 3, 4, 5].map(emailOf), 'bad@'].join('\n'));
    const suppress = jobContext(db, { path: unsubscribed, fileName: 'Unsubscribes.csv', reason: 'unsubscribed' });
    const fromJob = await CAMPAIGNS_JOB_HANDLERS['campaign-suppress'](suppress.context);
    expect(fromJob).toMatchObject({ fileName: 'Unsubscribes.csv', rows: 6, added: 5, invalid: 1 });
    expect(suppress.stages).toEqual(['reading', 'adding']);
    clearSuppressions(db);
    expect(
      await importSuppressions(db, unsubscribed, { reason: 'unsubscribed', fileName: 'Unsubscribes.csv' }),
    ).toEqual(fromJob);

    const campaign = createCampaign(db, spec({ requireConsent: false, holdoutPercent: 20 }), quiet, CREATED);
    const { path: results, members } = resultsFile(db, dir, campaign.id);
    const measureFile = jobContext(db, { campaignId: campaign.id, days: 30, path: results, fileName: 'Results.csv' });
    const fileResult = await CAMPAIGNS_JOB_HANDLERS['campaign-measure'](measureFile.context);
    expect(fileResult).toMatchObject({
      source: 'file',
      fileName: 'Results.csv',
      matchedRows: campaign.funnel.eligible,
    });
    expect(measureFile.stages).toEqual(['reading', 'members', 'matching', 'saving']);
    const fileDirect = await measureFromFile(db, campaign.id, results, 'Results.csv', { days: 30 });
    expect(measurement(fileResult)).toEqual(measurement(fileDirect));

    await importText(db, dir, 'july.csv', ordersCsv(1, 60, '2024-07'), { kind: 'order_lines' });
    const measureOrders = jobContext(db, { campaignId: campaign.id, days: 30 });
    const ordersResult = await CAMPAIGNS_JOB_HANDLERS['campaign-measure'](measureOrders.context);
    expect(ordersResult).toMatchObject({ source: 'orders', windowStart: CREATED });
    expect(ordersResult.treated.responders + ordersResult.holdout.responders).toBe(
      members.filter((m) => Number(m.id.slice(1)) <= 60).length,
    );
    expect(measureOrders.stages).toEqual(['members', 'orders', 'saving']);
    expect(measurement(ordersResult)).toEqual(measurement(measureFromOrders(db, campaign.id, { days: 30 })));
    expect(campaignDetail(db, campaign.id).results).toHaveLength(4);
  });

  it('stops a cancelled preview, measurement or suppression file between stages, leaving the project as it was', async () => {
    const preview = jobContext(db, { spec: spec() }, 'contacts');
    expect(() => CAMPAIGNS_JOB_HANDLERS['campaign-preview'](preview.context)).toThrow(JobCancelled);
    expect(preview.stages).toEqual(['segments', 'score', 'contacts']);

    // More rows than one chunk, so some are in the transaction when the cancel comes.
    const unsubscribed = join(dir, 'unsubscribed.csv');
    const emails = Array.from({ length: 25_000 }, (_, i) => `gone${i}@example.com`);
    writeFileSync(unsubscribed, ['Email', ...emails].join('\n'));
    const suppress = jobContext(db, { path: unsubscribed, fileName: 'u.csv', reason: 'unsubscribed' }, 'adding');
    await expect(CAMPAIGNS_JOB_HANDLERS['campaign-suppress'](suppress.context)).rejects.toThrow(JobCancelled);
    expect(db.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(0);

    const campaign = createCampaign(db, spec({ requireConsent: false, holdoutPercent: 20 }), quiet, CREATED);
    const { path: results } = resultsFile(db, dir, campaign.id);
    const fromFile = jobContext(
      db,
      { campaignId: campaign.id, days: 30, path: results, fileName: 'r.csv' },
      'matching',
    );
    await expect(CAMPAIGNS_JOB_HANDLERS['campaign-measure'](fromFile.context)).rejects.toThrow(JobCancelled);
    await importText(db, dir, 'july.csv', ordersCsv(1, 60, '2024-07'), { kind: 'order_lines' });
    const fromOrders = jobContext(db, { campaignId: campaign.id, days: 30 }, 'orders');
    expect(() => CAMPAIGNS_JOB_HANDLERS['campaign-measure'](fromOrders.context)).toThrow(JobCancelled);
    expect(campaignDetail(db, campaign.id).results).toEqual([]);
  });
});
