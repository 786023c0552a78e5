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

  it('had no console errors', () => {
    expect(pageProblems).toEqual([]);
  });
});
