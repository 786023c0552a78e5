import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, TableCount } from '../../src-main/shared/dto';
import {
  type BrowserHost,
  launchChromium,
  newLaptopContext,
  screenshot,
  startBrowserHost,
  watchForProblems,
} from './support';

let host: BrowserHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Console errors and uncaught exceptions (a CSP violation is one): a clean run has none. */
const pageProblems: string[] = [];

async function api<T>(name: string, body: unknown = {}, token = host.token): Promise<{ status: number; body: T }> {
  const response = await fetch(`${host.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-marketlens-token': token },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const link = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const heading = (name: string) => page.getByRole('heading', { name, exact: true });
const text = (content: string) => page.getByText(content, { exact: false });

async function newPage(): Promise<Page> {
  const opened = await context.newPage();
  opened.setDefaultTimeout(15_000);
  return opened;
}

beforeAll(async () => {
  host = await startBrowserHost();
  browser = await launchChromium();
  context = await newLaptopContext(browser);
  page = await newPage();
  watchForProblems(page, pageProblems);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the browser host', () => {
  it('refuses API requests without the right token', async () => {
    const withoutToken = await fetch(`${host.origin}/api/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(withoutToken.status).toBe(401);
    expect(await withoutToken.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const wrongToken = await api('app.info', {}, 'not-the-token');
    expect(wrongToken.status).toBe(401);

    const withToken = await api<{ ok: boolean; value: { door: string } }>('app.info');
    expect(withToken.status).toBe(200);
    expect(withToken.body).toMatchObject({ ok: true, value: { door: 'browser', nativeDialogs: false } });
  });
});

describe('a user walking through MarketLens', () => {
  it('starts on the home screen and takes the token out of the address bar', async () => {
    await page.goto(host.url);
    await heading('MarketLens').waitFor();
    await page.getByRole('button', { name: 'Open the demo project' }).waitFor();
    await page.getByRole('button', { name: 'Create project' }).waitFor();
    await text('Projects you create or open will be listed here.').waitFor();
    expect(await text('It will be saved in').textContent()).toContain(join(host.home, 'projects'));
    expect(page.url()).not.toContain('token=');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'home');
  });

  it('creates a project with Enter and lands on its Overview', async () => {
    await page.getByLabel('Project name').fill('Acme');
    await page.getByLabel('Project name').press('Enter');
    await page.waitForURL(/#\/project\/overview$/);
    await heading('Overview').waitFor();
    await expect.poll(() => page.locator('.app-header').textContent()).toContain('Acme');
    await text(join(host.home, 'projects', 'Acme.mlens')).waitFor();
    await text('This project has no data yet. Import a shop export to fill it.').waitFor();
    await text('No jobs have run in this project yet.').waitFor();
    await screenshot(page, 'overview');
  });

  it('shows an honest empty state in every area, saying what to do first', async () => {
    await link('Customers').click();
    await heading('No customers yet').waitFor();
    await text('Import an orders or customers export first.').waitFor();
    await screenshot(page, 'empty-customers');

    await page.getByRole('link', { name: 'Go to Import' }).click();
    await page.waitForURL(/#\/project\/import$/);
    await page.getByRole('button', { name: 'Choose file…' }).waitFor();
    await screenshot(page, 'empty-import');

    for (const [area, purpose] of [
      ['Segments', 'RFM scores'],
      ['Models', 'who is likely to buy in the next 90 days'],
      ['Recommendations', 'ranked list of products'],
      ['Campaigns', 'keeping a control group'],
    ] as const) {
      await link(area).click();
      await heading(area).waitFor();
      await heading('Import customers and orders first').waitFor();
      await text(purpose).waitFor();
      expect(await link(area).getAttribute('aria-current')).toBe('page');
    }
    await screenshot(page, 'empty-campaigns');
  });

  it('switches to 简体中文 at once, remembers it after a reload, and switches back', async () => {
    await link('Overview').click();
    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await heading('概览').waitFor();
    await link('顾客').waitFor();
    await page.getByRole('button', { name: '关闭项目' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect
      .poll(async () => (await api<{ value: { locale: string } }>('settings.get')).body.value.locale)
      .toBe('zh-CN');
    await screenshot(page, 'overview-zh');

    await page.reload();
    await heading('概览').waitFor();
    await text('此项目还没有数据').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await link('分群').click();
    await heading('请先导入顾客和订单').waitFor();
    await screenshot(page, 'empty-segments-zh');

    await page.getByRole('radio', { name: 'English' }).check({ force: true });
    await heading('Segments').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect
      .poll(async () => (await api<{ value: { locale: string } }>('settings.get')).body.value.locale)
      .toBe('en');
  });

  it('goes home and explains a refused name in the user’s language', async () => {
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.waitForURL(/#\/$/);
    await page.getByRole('button', { name: /^Acme/ }).waitFor();

    await page.getByLabel('Project name').fill('Acme');
    await page.getByRole('button', { name: 'Create project' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('A project with that name already exists.');
    await screenshot(page, 'home-error');
    await alert.getByRole('button', { name: 'Close' }).click();
  });

  it('opens a project from the workspace folder, the browser host having no file dialog', async () => {
    await page.getByRole('button', { name: 'Open project…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Projects in ${join(host.home, 'projects')}`).waitFor();
    await screenshot(page, 'home-browse');
    await dialog.getByRole('button', { name: /^Acme/ }).click();
    await page.waitForURL(/#\/project\/overview$/);
    await expect.poll(() => page.locator('.app-header').textContent()).toContain('Acme');

    await page.getByRole('button', { name: 'Close project' }).click();
    await page.waitForURL(/#\/$/);
  });

  it('opens the demo project and shows its real data', async () => {
    await page.getByRole('button', { name: 'Open the demo project' }).click();
    await page.waitForURL(/#\/project\/overview$/);
    await page.locator('.app-header').getByText('Demo', { exact: true }).waitFor();
    await page.locator('canvas').first().waitFor();

    const counts = (await api<{ value: TableCount[] }>('project.counts')).body.value;
    const rows = (table: string) => counts.find((count) => count.table === table)?.rows ?? 0;
    expect(rows('customers')).toBeGreaterThan(0);
    expect(rows('order_lines')).toBeGreaterThan(rows('orders'));
    await screenshot(page, 'overview-demo');

    await link('Customers').click();
    await heading(`${rows('customers').toLocaleString('en-US')} customers in this project`).waitFor();
    await link('Segments').click();
    await page.getByRole('button', { name: 'Run RFM' }).waitFor();
    await screenshot(page, 'segments-demo');
  });

  it('analyses the demo project to completion and shows the result, which stays while the user moves around', async () => {
    await link('Overview').click();
    await page.getByRole('button', { name: 'Analyse project' }).click();

    const orderLines = page.locator('tr[data-table="order_lines"]');
    await orderLines.waitFor({ timeout: 60_000 });
    const counts = (await api<{ value: TableCount[] }>('project.counts')).body.value;
    const expected = counts.find((count) => count.table === 'order_lines')?.rows ?? -1;
    expect(await orderLines.locator('td.rows').textContent()).toBe(expected.toLocaleString('en-US'));
    expect(await page.locator('tr[data-table="orders"] td.range').textContent()).toMatch(
      /^[A-Z][a-z]{2} \d{1,2}, \d{4} to [A-Z][a-z]{2} \d{1,2}, \d{4}$/,
    );
    await text('Analysed ').waitFor();
    await page.locator('tr[data-state="succeeded"]').first().waitFor();
    expect(await page.locator('tr[data-state="succeeded"] td').nth(1).textContent()).toBe('Done');

    await orderLines.getByRole('button', { name: 'order_lines' }).click();
    expect(await orderLines.getByRole('button').getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('cell', { name: 'unit_price', exact: true }).waitFor();
    await text('Analysed ').evaluate((summary) => summary.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'analyse-done');

    await link('Models').click();
    await heading('Models').waitFor();
    await link('Overview').click();
    await page.locator('tr[data-table="order_lines"]').waitFor();
  });

  it('keeps a second tab in step: the same project, and a language chosen there applies here', async () => {
    const tab = await newPage();
    // No token in this address: the session cookie from the first visit lets the tab in.
    await tab.goto(`${host.origin}/`);
    await tab.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await tab.locator('.app-header').getByText('Demo - Online Retail').waitFor();

    await tab.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await heading('概览').waitFor();
    await tab.getByRole('radio', { name: 'English' }).check({ force: true });
    await heading('Overview').waitFor();
    await tab.close();
  });

  it('draws a running job from the progress events the core pushes', async () => {
    // The demo analyses in milliseconds, too fast to watch: this page hears of a job halfway through instead.
    const running: JobInfo = {
      id: 'job-halfway',
      kind: 'analyse-project',
      state: 'running',
      progress: 0.42,
      detail: 'order_lines',
      createdAt: Date.now(),
      startedAt: Date.now(),
      finishedAt: null,
      result: null,
      error: null,
    };
    const watcher = await newPage();
    await watcher.route(/\/events\?/, (route) =>
      route.fulfill({
        headers: { 'content-type': 'text/event-stream' },
        body: `retry: 200\ndata: ${JSON.stringify({ name: 'job.updated', payload: running })}\n\n`,
      }),
    );
    await watcher.goto(host.url);
    const progress = watcher.getByRole('progressbar', { name: 'Analysis progress' });
    await progress.waitFor();
    expect(await progress.getAttribute('aria-valuenow')).toBe('42');
    await watcher.getByText('Reading order_lines…').waitFor();
    await watcher.getByRole('button', { name: 'Cancel' }).waitFor();
    expect(await watcher.getByRole('button', { name: 'Analyse project' }).isDisabled()).toBe(true);
    await watcher.getByRole('status').getByText('1 job running').waitFor();
    await screenshot(watcher, 'analyse-running');
    await watcher.close();
  });

  it('says plainly when the core does not answer at start-up', async () => {
    const tab = await newPage();
    await tab.route(/\/api\/app\.info$/, (route) => route.abort('connectionrefused'));
    await tab.goto(host.url);
    await tab.getByText('MarketLens could not start').waitFor();
    await tab.getByText('MarketLens is not answering. Is it still running?').waitFor();
    await tab.getByRole('button', { name: 'Try again' }).waitFor();
    await screenshot(tab, 'startup-error');
    await tab.close();
  });

  it('greys out a recent project whose file is gone, and forgets it on request', async () => {
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.waitForURL(/#\/$/);
    rmSync(join(host.home, 'projects', 'Acme.mlens'));
    await page.reload();

    await text('File not found').waitFor();
    expect(await page.getByRole('button', { name: /^Acme/ }).isDisabled()).toBe(true);
    await screenshot(page, 'home-missing');
    await page.getByRole('button', { name: 'Remove Acme from the recent list' }).click();
    await text('Projects you create or open will be listed here.').waitFor();
    expect((await api<{ value: unknown[] }>('project.recent')).body.value).toEqual([]);
  });

  it('ran without console errors or blocked content', () => {
    expect(pageProblems).toEqual([]);
  });
});
