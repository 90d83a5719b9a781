import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { buildSampleDatabase, type DashboardServer, startDashboardServer } from '../web/support/dashboard-server.js';
import { chromiumSkipReason, type Headless, launchChromium } from '../web/support/headless-chromium.js';

const SHOTS = join(process.cwd(), 'test-results', 'web');
const skip = chromiumSkipReason();
if (skip) console.log(`# operations page tests skipped: ${skip}`);

describe('the coverage page and the Pipeline operations panels in chromium', {
  skip: skip ?? false,
  timeout: 180_000,
}, () => {
  let dir: string;
  let server: DashboardServer;
  let browser: Headless;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-ops-web-'));
    mkdirSync(SHOTS, { recursive: true });
    server = await startDashboardServer(await buildSampleDatabase(dir));
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/\/api\/portfolios/.test(m.location().url)) consoleErrors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the coverage page shows the share of complete tickers and a month strip of the sample', async () => {
    await page.goto(`${server.url}/coverage`);
    const summary = page.getByTestId('coverage-summary');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', /Complete\s*[\d,]+ of [\d,]+/);
    // The sample spans 2013-02 .. 2018-02: one cell per month, a year a row.
    const calendar = page.getByTestId('coverage-strip');
    assert.equal(await calendar.locator('[data-month]').count(), 61);
    assert.match((await calendar.textContent()) ?? '', /^JFMAMJJASOND201320142015201620172018$/);
    await page.screenshot({ path: join(SHOTS, 'coverage.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });

  it('the Pipeline page lists every schedule and the latest health sample', async () => {
    await page.goto(`${server.url}/pipeline`);
    const schedules = page.getByTestId('schedules-table');
    await schedules.waitFor();
    const text = (await schedules.textContent()) ?? '';
    for (const name of ['precompute', 'update', 'health']) assert.match(text, new RegExp(name));
    const latest = page.getByTestId('health-latest');
    await latest.waitFor();
    assert.match((await latest.textContent()) ?? '', /Database\s*[\d.]+ [KMG]?i?B/);
    await page.screenshot({ path: join(SHOTS, 'pipeline-operations.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });
});
