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
const pageProblems: string[] = [];

const link = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const testId = (id: string) => page.getByTestId(id);
const tab = (name: string) => page.locator('.n-tabs-tab', { hasText: name });

beforeAll(async () => {
  host = await startBrowserHost();
  browser = await launchChromium();
  const context = await newLaptopContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchForProblems(page, pageProblems);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Open the demo project' }).click();
  await page.waitForURL(/#\/project\/overview$/);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('predicting on the demo project', () => {
  it('trains propensity models, compares them and reads the evaluation', async () => {
    await link('Models').click();
    await testId('model-train-card').waitFor();
    await testId('model-train-start').click();
    await testId('model-evaluation').waitFor({ timeout: 90_000 });
    const auc = Number(((await testId('model-tile-auc').textContent()) ?? '').match(/0\.\d+/)?.[0]);
    expect(auc).toBeGreaterThan(0.6);
    expect(auc).toBeLessThan(1);
    await expect.poll(() => testId('model-compare').locator('[data-family]').count()).toBe(3);
    await testId('model-gain-sentence').waitFor();
    await screenshot(page, 'models-evaluation');
    await testId('model-confusion').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'models-evaluation-charts');

    await testId('model-score').click();
    await testId('model-scored').waitFor({ timeout: 60_000 });
  });

  it('predicts lifetime value with bands and plain warnings', async () => {
    await tab('Lifetime value').click();
    await testId('clv-start').click();
    await testId('clv-summary').waitFor({ timeout: 60_000 });
    await testId('clv-bands-chart').waitFor();
    await screenshot(page, 'models-clv');
  });

  it('evaluates recommendation methods against popularity and generates lists', async () => {
    await link('Recommendations').click();
    await testId('recs-evaluate-run').click();
    await testId('recs-evaluate-chart').waitFor({ timeout: 60_000 });
    await screenshot(page, 'recommendations-evaluation');
    await testId('recs-generate').click();
    await testId('recs-summary').waitFor({ timeout: 60_000 });
    await expect.poll(() => testId('recs-table').locator('tbody tr').count()).toBeGreaterThan(5);
    await screenshot(page, 'recommendations-generated');
  });

  it('finds market-basket rules and draws the strongest as a network', async () => {
    await tab('Market basket').click();
    await testId('basket-run').click();
    await testId('basket-summary').waitFor({ timeout: 60_000 });
    await expect.poll(() => testId('basket-rules').locator('tbody tr').count()).toBeGreaterThan(3);
    await testId('basket-network').waitFor();
    await screenshot(page, 'recommendations-basket');
  });

  it('shows predictions and recommendations on a customer page', async () => {
    await link('Customers').click();
    await page.getByRole('grid', { name: 'Customer list' }).getByRole('row').nth(1).click();
    await page.waitForURL(/#\/project\/customers\/\d+$/);
    await testId('customer-predictions').waitFor();
    await testId('customer-recommendations').waitFor();
    await testId('customer-predictions').getByText('Churn risk').waitFor();
    await testId('customer-recommendations').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'customer-page-predictions');
  });

  it('shows the models and recommendations in 简体中文', async () => {
    await page.getByRole('radio', { name: '简体中文' }).check({ force: true });
    await page.getByRole('navigation').getByRole('link', { name: '模型', exact: true }).click();
    await testId('model-evaluation').waitFor();
    await screenshot(page, 'models-evaluation-zh');
    await page.getByRole('navigation').getByRole('link', { name: '推荐', exact: true }).click();
    await testId('recs-summary').waitFor();
    await screenshot(page, 'recommendations-zh');
    await page.getByRole('radio', { name: 'English' }).check({ force: true });
    await page.getByRole('navigation').getByRole('link', { name: 'Overview', exact: true }).waitFor();
  });

  it('had no console errors', () => {
    expect(pageProblems).toEqual([]);
  });
});
