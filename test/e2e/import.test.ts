import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableCount } from '../../src-main/shared/dto';
import {
  type BrowserHost,
  launchChromium,
  newLaptopContext,
  ROOT,
  screenshot,
  startBrowserHost,
  watchForProblems,
} from './support';

const RETAIL_SAMPLE = join(ROOT, 'resources', 'demo', 'online-retail-sample.csv');
const GBK_ORDERS = join(ROOT, '..', 'shared', 'data', 'chinese_orders', 'meal_order_info_GBK.csv');

let host: BrowserHost;
let browser: Browser;
let page: Page;
/** Console errors and uncaught exceptions: a clean run has none. */
const pageProblems: string[] = [];

async function api<T>(name: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${host.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-marketlens-token': host.token },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { value: T }).value;
}

const byTestId = (id: string) => page.getByTestId(id);
const text = (content: string) => page.getByText(content, { exact: false });

async function upload(path: string): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles(path);
}

beforeAll(async () => {
  host = await startBrowserHost();
  browser = await launchChromium();
  const context = await newLaptopContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watchForProblems(page, pageProblems);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the import wizard', () => {
  it('opens from a new project', async () => {
    await page.goto(host.url);
    await page.getByLabel('Project name').fill('Gift shop');
    await page.getByLabel('Project name').press('Enter');
    await page.waitForURL(/#\/project\/overview$/);
    await page.getByRole('navigation').getByRole('link', { name: 'Import', exact: true }).click();
    await page.waitForURL(/#\/project\/import$/);
    await page.getByRole('button', { name: 'Choose file…' }).waitFor();
    await text('Files you import into this project will be listed here.').waitFor();
    await screenshot(page, 'import-choose');
  });

  it('uploads the Online Retail sample and recognises its layout', async () => {
    await upload(RETAIL_SAMPLE);
    await byTestId('import-preview-table').waitFor();
    expect(await byTestId('preset-hint').textContent()).toContain('Recognised as UCI Online Retail.');
    expect(await byTestId('setting-preset').textContent()).toContain('UCI Online Retail');
    expect(await byTestId('setting-kind').textContent()).toContain('Order lines');
    const table = byTestId('import-preview-table');
    expect(await table.textContent()).toContain('InvoiceNo');
    expect(await table.textContent()).toContain('PLASTERS IN TIN CIRCUS PARADE');
    await screenshot(page, 'import-preview');
  });

  it('maps every required field, saying where each guess came from', async () => {
    await byTestId('wizard-next').click();
    await byTestId('mapping-complete').waitFor();
    expect(await byTestId('mapping-source').textContent()).toContain('UCI Online Retail');
    const orderId = page.locator('tr[data-field="order_id"]');
    expect(await orderId.textContent()).toContain('InvoiceNo');
    expect(await orderId.textContent()).toContain('the UCI Online Retail layout');
    await screenshot(page, 'import-mapping');
  });

  it('checks the whole file before writing anything', async () => {
    await byTestId('wizard-next').click();
    await byTestId('check-ready').waitFor({ timeout: 60_000 });
    expect(await byTestId('report-rows').textContent()).toContain('5,088');
    expect(await byTestId('report-orders').textContent()).toContain('462 new');
    expect(await byTestId('report-customers').textContent()).toContain('180 new');
    const counts = await api<TableCount[]>('project.counts');
    expect(counts.find((count) => count.table === 'orders')?.rows ?? 0).toBe(0);
    await screenshot(page, 'import-check');
  });

  it('imports with a progress bar and shows the summary', async () => {
    await byTestId('wizard-next').click();
    await byTestId('start-import').click();
    await byTestId('import-summary').waitFor({ timeout: 60_000 });
    await text('Imported online-retail-sample.csv').waitFor();
    expect(await byTestId('report-orders').textContent()).toContain('462 new');
    const counts = await api<TableCount[]>('project.counts');
    expect(counts.find((count) => count.table === 'orders')?.rows).toBe(462);
    await byTestId('import-history').getByText('online-retail-sample.csv', { exact: true }).waitFor();
    await screenshot(page, 'import-summary');
  });

  it('reads GBK restaurant orders with their Chinese names, and imports them', async () => {
    await page.getByRole('button', { name: 'Import another file' }).click();
    await upload(GBK_ORDERS);
    await byTestId('import-preview-table').waitFor();
    expect(await byTestId('setting-encoding').textContent()).toContain('GBK / GB18030');
    expect(await byTestId('import-preview-table').textContent()).toContain('苗宇怡');
    await screenshot(page, 'import-gbk-preview');

    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await expect.poll(() => page.locator('h1').textContent()).toBe('导入');
    await screenshot(page, 'import-gbk-preview-zh');
    await byTestId('wizard-next').click();
    await byTestId('mapping-complete').waitFor();
    await screenshot(page, 'import-gbk-mapping-zh');

    await byTestId('wizard-next').click();
    await byTestId('check-ready').waitFor({ timeout: 60_000 });
    expect(await byTestId('report-rows').textContent()).toContain('945');
    await screenshot(page, 'import-gbk-check-zh');
    await byTestId('wizard-next').click();
    await byTestId('start-import').click();
    await byTestId('import-summary').waitFor({ timeout: 60_000 });
    expect(await byTestId('report-imported').textContent()).toContain('945');
    await screenshot(page, 'import-gbk-summary-zh');

    await page.getByRole('radio', { name: 'English' }).check({ force: true });
    await expect.poll(() => page.locator('h1').textContent()).toBe('Import');
  });

  it("keeps bad rows out, says why in the user's language, and hands them back as a file", async () => {
    const lines = ['Order ID,Order Date,Email,Product,Quantity,Price'];
    for (let i = 1; i <= 40; i++)
      lines.push(`W${i},2024-05-${String((i % 28) + 1).padStart(2, '0')},c${i}@example.com,Mug,1,9.5`);
    lines[7] = 'W7,2024-05-08,c7@example.com,Mug,many,9.5';
    const file = join(mkdtempSync(join(tmpdir(), 'marketlens-e2e-bad-')), 'web orders.csv');
    writeFileSync(file, lines.join('\n'));

    await page.getByRole('button', { name: 'Import another file' }).click();
    await upload(file);
    await byTestId('import-preview-table').waitFor();
    await byTestId('wizard-next').click();
    await byTestId('mapping-complete').waitFor();
    await byTestId('wizard-next').click();
    await byTestId('check-ready').waitFor({ timeout: 60_000 });
    expect((await byTestId('report-rejected').textContent())?.trim()).toBe('1');
    await byTestId('wizard-next').click();
    await byTestId('start-import').click();
    await byTestId('import-summary').waitFor({ timeout: 60_000 });
    await text('Quantity “many” is not a number').waitFor();

    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await text('Quantity 列的值“many”不是数字').waitFor();
    await screenshot(page, 'import-rejected-zh');
    await page.getByRole('radio', { name: 'English' }).check({ force: true });

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId('download-rejected').click()]);
    const saved = await download.path();
    const csv = readFileSync(saved, 'utf8');
    expect(csv).toContain('many');
    expect(csv).toContain('Row 8 Quantity ""many"" is not a number');
    expect(csv.trim().split(/\r?\n/)).toHaveLength(2);
  });

  it('left no errors in the console', () => {
    expect(pageProblems).toEqual([]);
  });
});
