import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let page: Page;
/** Console errors and uncaught exceptions: a clean run has none. */
const pageProblems: string[] = [];

/** The demo project's customers who have at least one valid order, all of whom RFM scores. */
const DEMO_SCORED_CUSTOMERS = 178;

const link = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const heading = (name: string) => page.getByRole('heading', { name, exact: true });
const segmentRows = () => page.locator('.segment-table tr[data-segment]');

beforeAll(async () => {
  host = await startBrowserHost();
  browser = await launchChromium();
  const context = await newLaptopContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchForProblems(page, pageProblems);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('RFM in the Segments area', () => {
  it('offers RFM on the demo project, with nothing run yet', async () => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open the demo project' }).click();
    await page.waitForURL(/#\/project\/overview$/);
    // The dashboard computes itself in a worker the first time the overview opens.
    const kpis = page.getByTestId('dashboard-kpis');
    await kpis.waitFor({ timeout: 60_000 });
    expect(await kpis.locator('[data-kpi="customers"]').textContent()).toContain(String(DEMO_SCORED_CUSTOMERS));
    await page.getByText('Cohort retention', { exact: false }).first().waitFor();
    await screenshot(page, 'overview-dashboard');
    await page.getByTestId('dashboard-products').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'overview-dashboard-charts');
    await link('Segments').click();
    await heading('Segments').waitFor();
    await page.getByText('RFM analysis', { exact: true }).waitFor();
    await page.getByText('No RFM analysis has run in this project yet.', { exact: false }).waitFor();
    expect(await page.getByRole('radio', { name: '5 levels' }).isChecked()).toBe(true);
    await page.getByPlaceholder('Default: the day after the last order').waitFor();
    await screenshot(page, 'segments-rfm-before');
  });

  it('runs RFM and shows the segments, their sizes and the R×F heatmap', async () => {
    await page.getByRole('button', { name: 'Run RFM' }).click();
    await page.locator('.segment-table tr[data-segment="Champions"]').waitFor({ timeout: 60_000 });

    const counts = await segmentRows().evaluateAll((rows) =>
      rows.map((row) => Number((row.querySelector('td.customers')?.textContent ?? '').replace(/\D/g, ''))),
    );
    expect(counts.length).toBeGreaterThan(3);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(DEMO_SCORED_CUSTOMERS);
    await page.getByText(`${DEMO_SCORED_CUSTOMERS} customers scored`, { exact: false }).waitFor();
    await page.getByText('(the day after the last order)', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Run again' }).waitFor();

    // Both charts are drawn: each one's first canvas has pixels on it.
    const charts = page.locator('.rfm .chart');
    await expect.poll(() => charts.count()).toBe(2);
    const painted = await charts.evaluateAll((elements) =>
      elements.map((element) => {
        const canvas = element.querySelector('canvas');
        const context = canvas?.getContext('2d');
        if (!canvas || !context) return 0;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let drawn = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) drawn += 1;
        return drawn;
      }),
    );
    expect(painted.every((drawn) => drawn > 1000)).toBe(true);
    await page.getByText('Recency × frequency', { exact: true }).waitFor();
    await screenshot(page, 'segments-rfm');

    // The demo has many one-order customers: said in plain words, with the core's detail.
    const warnings = page.locator('.warnings');
    await warnings.getByText('Most customers bought only once').waitFor();
    await warnings.getByText('of customers have a single order', { exact: false }).waitFor();

    await page.locator('.charts').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'segments-rfm-charts');
    await page.locator('.segment-table').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'segments-rfm-table');
  });

  it('shows the customers of a segment, page by page', async () => {
    const champions = page.locator('.segment-table tr[data-segment="Champions"]');
    const expected = Number(((await champions.locator('td.customers').textContent()) ?? '').replace(/\D/g, ''));
    await page.getByRole('button', { name: 'Show the customers in Champions' }).click();
    await heading('Customers in Champions').waitFor();
    const table = page.locator('.segment-customers');
    await table.getByText(`${expected} customers, highest spend first`).waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(Math.min(expected, 20));
    // Highest spend first, and every one of them a Champion with top recency.
    const firstRow = await rows.first().locator('td').allTextContents();
    expect(firstRow).toHaveLength(8);
    expect(firstRow[0]).not.toBe('');
    await screenshot(page, 'segments-rfm-customers');

    // Remote pagination: the second page asks the core for the next rows.
    if (expected > 20) {
      const firstId = await rows.first().locator('td').first().textContent();
      await table.locator('.n-pagination-item', { hasText: /^2$/ }).click();
      await expect.poll(() => rows.count()).toBe(Math.min(expected - 20, 20));
      expect(await rows.first().locator('td').first().textContent()).not.toBe(firstId);
    }

    await page.getByRole('button', { name: 'Close the customer list' }).click();
    await heading('Customers in Champions').waitFor({ state: 'detached' });
  });

  it('keeps the result after leaving and coming back', async () => {
    await link('Overview').click();
    await heading('Overview').waitFor();
    await link('Segments').click();
    await page.locator('.segment-table tr[data-segment="Champions"]').waitFor();
  });

  it('names the segments in 简体中文', async () => {
    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await heading('分群').waitFor();
    await page.getByText('RFM 分析', { exact: true }).waitFor();
    await page.locator('.segment-table').getByText('冠军客户', { exact: true }).waitFor();
    await page.getByRole('button', { name: '查看冠军客户中的顾客' }).click();
    await heading('冠军客户中的顾客').waitFor();
    await screenshot(page, 'segments-rfm-zh');
    await page.locator('.charts').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'segments-rfm-zh-charts');

    await page.getByRole('radio', { name: 'English' }).check({ force: true });
    await heading('Segments').waitFor();
  });

  it('compares two analyses: how customers moved between segments', async () => {
    await page.getByPlaceholder('Default: the day after the last order').click();
    await page.getByPlaceholder('Default: the day after the last order').fill('2011-09-01');
    await page.keyboard.press('Enter');
    await page.getByText('More options', { exact: true }).click();
    await page.getByText('Revenue net of refunds', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.getByText('Recency is counted up to', { exact: false }).waitFor();
    const movement = page.getByText('How customers moved between segments', { exact: true });
    await movement.waitFor({ timeout: 60_000 });
    await page.getByText('of customers stayed in the same segment.', { exact: false }).waitFor();
    await movement.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'segments-rfm-movement');
  });

  it('builds a rule segment with a live count, saves it and takes a snapshot', async () => {
    await page.locator('.n-tabs-tab', { hasText: 'Rule segments' }).click();
    await page.getByText('No segments yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'New segment' }).click();
    // No condition yet: everyone in the project.
    const count = page.locator('.preview .count strong');
    await expect.poll(() => count.textContent()).toBe('180 customers');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.locator('.condition').first().locator('.values').click();
    await page.getByText('United Kingdom (', { exact: false }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => count.textContent()).toMatch(/^\d+ customers$/);
    const uk = Number((await count.textContent())?.replace(/\D/g, ''));
    expect(uk).toBeGreaterThan(100);

    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.locator('.condition').nth(1);
    await second.locator('.field').click();
    await page.locator('.n-base-select-option', { hasText: /^Number of orders$/ }).click();
    await expect.poll(() => second.locator('.field').textContent()).toContain('Number of orders');
    // The default is "at least 2": the UK customers who came back.
    await expect.poll(() => count.textContent()).toBe('75 customers');
    await page.locator('#segment-name').fill('UK repeat buyers');
    await screenshot(page, 'segments-rules-builder');

    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Saved UK repeat buyers: 75 customers match it now.').waitFor();
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    await page.getByText('Snapshot of UK repeat buyers taken with 75 customers.').waitFor();
    await screenshot(page, 'segments-rules-list');

    await page.getByRole('button', { name: 'Edit' }).click();
    await second.locator('.number input').fill('1000');
    await expect.poll(() => count.textContent()).toBe('no customers');
    await page.getByText('No customer matches these rules', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('clusters the customers, names a cluster and makes it a segment', async () => {
    await page.locator('.n-tabs-tab', { hasText: 'Clusters' }).click();
    await page.getByText('No clustering has run in this project yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Find clusters' }).click();
    const rows = page.locator('tr[data-cluster]');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(4);
    const charts = page.locator('.n-tab-pane:not([style*="display: none"]) canvas');
    await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'segments-clusters');
    await page
      .getByText('Customers in two dimensions', { exact: true })
      .evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'segments-clusters-charts');

    await rows
      .first()
      .getByRole('button', { name: /^Make a segment of / })
      .click();
    const name = page.locator('#cluster-segment-name');
    await name.fill('Cluster one');
    await page.getByRole('dialog').getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Saved the segment “Cluster one” with', { exact: false }).waitFor();

    await page.locator('.n-tabs-tab', { hasText: 'Rule segments' }).click();
    await page.getByText('Cluster one', { exact: true }).waitFor();
    await page.getByText('from a cluster', { exact: true }).waitFor();
  });

  it('lists customers, searches them and opens a customer page', async () => {
    await link('Customers').click();
    const grid = page.getByRole('grid', { name: 'Customer list' });
    await grid.waitFor();
    await page.getByText('180 customers', { exact: false }).first().waitFor();
    // Only the rows on screen are drawn.
    const drawn = await grid.getByRole('row').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(60);
    await screenshot(page, 'customers-list');

    await page.getByRole('textbox', { name: 'Search customers' }).fill('1293');
    await page.getByText(/match(es)? “1293”/).waitFor();
    const id = '12939';
    await grid.getByRole('row', { name: new RegExp(id) }).click();
    await page.waitForURL(/#\/project\/customers\/\d+$/);
    await page.getByText(id, { exact: true }).first().waitFor();
    await page.getByText('Orders over time', { exact: true }).waitFor();
    await page.getByText('Top products', { exact: true }).waitFor();
    await screenshot(page, 'customer-page');
    expect(await link('Customers').getAttribute('aria-current')).toBe('page');
  });

  it('shows the customer page, rule segments, clusters and the dashboard in 简体中文', async () => {
    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await page.getByText('订单时间线', { exact: true }).waitFor();
    await screenshot(page, 'customer-page-zh');
    await page.getByRole('navigation').getByRole('link', { name: '分群', exact: true }).click();
    await page.locator('.n-tabs-tab', { hasText: '规则分群' }).click();
    await page.getByText('已保存的分群', { exact: true }).waitFor();
    await screenshot(page, 'segments-rules-zh');
    await page.locator('.n-tabs-tab', { hasText: '聚类' }).click();
    await page.locator('tr[data-cluster]').first().waitFor();
    await screenshot(page, 'segments-clusters-zh');
    await page.getByRole('navigation').getByRole('link', { name: '概览', exact: true }).click();
    await page.getByTestId('dashboard-kpis').waitFor();
    await screenshot(page, 'overview-dashboard-zh');
    await page.getByRole('radio', { name: 'English' }).check({ force: true });
    await heading('Overview').waitFor();
  });

  it('had no console errors', () => {
    expect(pageProblems).toEqual([]);
  });
});
