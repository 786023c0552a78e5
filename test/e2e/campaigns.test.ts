import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/io/csv';
import {
  ROOT,
  type BrowserHost,
  launchChromium,
  newLaptopContext,
  screenshot,
  startBrowserHost,
  watchForProblems,
} from './support';

let host: BrowserHost;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

const DEMO_ORDERS = join(ROOT, 'resources', 'demo', 'online-retail-sample.csv');
const testId = (id: string) => page.getByTestId(id);

/** The CLI as a user runs it, on the prepared project. */
function marketlens(home: string, ...args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin', 'marketlens.mjs'), ...args], {
    env: { ...process.env, MARKETLENS_HOME: home },
    encoding: 'utf8',
  });
}

/**
 * The demo's orders plus a customer list with an email for every customer (one in eight without consent), then
 * RFM and a scored propensity model: what a shop has before building a campaign.
 */
function prepareProject(home: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'marketlens-campaign-'));
  const project = join(dir, 'shop.mlens');
  const [header = [], ...rows] = parseCsv(readFileSync(DEMO_ORDERS, 'utf8'));
  const ids = [...new Set(rows.map((row) => row[header.indexOf('CustomerID')] ?? '').filter((id) => id !== ''))];
  const customers = [
    'customer_id,email,first_name,country,email_consent',
    ...ids.map(
      (id, i) => `${id},c${id.replace('.0', '')}@example.com,Name${i},United Kingdom,${i % 8 === 0 ? 'no' : 'yes'}`,
    ),
  ];
  const customersFile = join(dir, 'customers.csv');
  writeFileSync(customersFile, customers.join('\n'));
  marketlens(home, 'project', 'create', project);
  marketlens(home, 'import', DEMO_ORDERS, '--project', project);
  marketlens(home, 'import', customersFile, '--project', project, '--kind', 'customers');
  marketlens(home, 'rfm', '--project', project);
  const trained = JSON.parse(
    marketlens(home, 'model', 'train', '--project', project, '--target', 'buy-within', '--days', '90', '--json'),
  ) as { best?: { id: number }; models?: { id: number }[] };
  const modelId = trained.best?.id ?? trained.models?.[0]?.id ?? 1;
  marketlens(home, 'score', '--project', project, '--model', String(modelId));
  return project;
}

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'marketlens-e2e-'));
  const project = prepareProject(home);
  host = await startBrowserHost({ home, project });
  browser = await launchChromium();
  const context = await newLaptopContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchForProblems(page, pageProblems);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('a campaign from RFM "At risk", narrowed by propensity, with a holdout, exported for Klaviyo', () => {
  it('builds the audience with live counts at each step', async () => {
    await page.goto(host.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns', exact: true }).click();
    await testId('campaign-wizard').waitFor();
    await testId('campaign-rfm-segments')
      .getByRole('checkbox', { name: /At risk/ })
      .click();
    await testId('campaign-funnel-contacts').waitFor();
    await screenshot(page, 'campaign-audience');

    await testId('campaign-next').click();
    await testId('campaign-step-narrow').waitFor();
    await page.getByRole('switch').first().click();
    await testId('campaign-score-rule').waitFor();
    await testId('campaign-score-rule').locator('.n-base-selection').nth(1).click();
    await page.locator('.n-base-select-option', { hasText: 'the best N customers' }).click();
    await testId('campaign-score-rule').locator('input').last().fill('500');
    await testId('campaign-score-rule').locator('input').last().blur();
    await screenshot(page, 'campaign-narrow');

    await testId('campaign-next').click();
    await testId('campaign-step-personal').waitFor();
    await testId('campaign-next').click();
    await testId('campaign-step-holdout').waitFor();
    await testId('campaign-balance').waitFor();
    await screenshot(page, 'campaign-holdout');
    await testId('campaign-next').click();
    await testId('campaign-step-export').waitFor();
    await testId('campaign-name').locator('input').fill('Win back at-risk');
    await testId('campaign-save').click();
    await testId('campaign-saved').waitFor({ timeout: 60_000 });
  });

  it('exports the Klaviyo file: its header, and one row per contacted customer with an email', async () => {
    await testId('campaign-export-preset').click();
    await page.locator('.n-base-select-option', { hasText: /^Klaviyo$/ }).click();
    await testId('campaign-export-run').click();
    await testId('campaign-export-summary').waitFor({ timeout: 60_000 });
    const summary = (await testId('campaign-export-summary').textContent()) ?? '';
    await screenshot(page, 'campaign-export');
    const [download] = await Promise.all([page.waitForEvent('download'), testId('campaign-export-download').click()]);
    const text = readFileSync((await download.path()) ?? '', 'utf8').replace(/^\uFEFF/, '');
    const [header = [], ...rows] = parseCsv(text).filter((row) => row.length > 1);
    expect(header.slice(0, 2)).toEqual(['Email Address', 'First Name']);
    expect(header).toContain('Email Marketing Consent');
    expect(rows.length).toBeGreaterThan(0);
    expect(summary).toContain(String(rows.length));
    expect(rows.every((row) => /@example\.com$/.test(row[0] ?? ''))).toBe(true);
    // Consent was required: nobody who refused is in the file.
    expect(rows.every((row) => row[header.indexOf('Email Marketing Consent')] === 'Subscribe')).toBe(true);
  });

  it('had no console errors', () => {
    expect(pageProblems).toEqual([]);
  });
});
