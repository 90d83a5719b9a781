import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { parseCsv } from '../../web/src/state/csv.js';
import { cellText, DEFAULT_COLUMNS, SCREENER_COLUMNS } from '../../web/src/state/screener-columns.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import {
  buildBundledSampleDatabase,
  buildSampleDatabase,
  type DashboardServer,
  HOSTILE_SECTOR,
  HOSTILE_SYMBOL,
  marketdeck,
  startDashboardServer,
} from './support/dashboard-server.js';
import {
  canvasDrawnScript,
  canvasShowsColourScript,
  chromiumSkipReason,
  type Headless,
  launchChromium,
  waitForScript,
} from './support/headless-chromium.js';

const SHOTS = join(process.cwd(), 'test-results', 'web');
const skip = chromiumSkipReason();
if (skip) console.log(`# dashboard browser tests skipped: ${skip}`);

/** Each page, what shows it has real numbers, and where its chart is drawn. */
const PAGES: { name: string; path: string; numbers: string; chart: string; svg?: boolean }[] = [
  { name: 'overview', path: '/', numbers: '[data-testid=market-summary]', chart: '[data-testid=breadth-chart] canvas' },
  { name: 'breadth', path: '/breadth', numbers: '.chart-legend', chart: '[data-testid=breadth-chart] canvas' },
  { name: 'heatmap', path: '/heatmap', numbers: '.page-title', chart: '[data-testid=heatmap-canvas]' },
  { name: 'screener', path: '/screener', numbers: '[data-testid=screener-row]', chart: '.spark polyline', svg: true },
  {
    name: 'ticker',
    path: '/ticker/AAPL',
    numbers: '[data-testid=key-stats]',
    chart: '[data-testid=ticker-chart] canvas',
  },
  {
    name: 'pipeline',
    path: '/pipeline',
    numbers: '[data-testid=cache-stats]',
    chart: '[data-testid=jobs-chart] canvas',
  },
  { name: 'portfolio', path: '/portfolio', numbers: '', chart: '' },
  {
    name: 'coverage',
    path: '/coverage',
    numbers: '[data-testid=coverage-summary]',
    chart: '[data-testid=coverage-strip]',
    svg: true,
  },
];

describe('the web dashboard in chromium against marketdeck serve', { skip: skip ?? false, timeout: 240_000 }, () => {
  let dir: string;
  let yahoo: MarketTestServer;
  let server: DashboardServer;
  let browser: Headless;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-web-'));
    mkdirSync(SHOTS, { recursive: true });
    yahoo = await startMarketTestServer({ firstDay: '2017-06-01', lastDay: '2018-02-09' });
    // The screenshots show the bundled sample as a user sees it; the hostile ticker has a database of its own.
    const db = await buildBundledSampleDatabase(dir);
    // A user's holdings of sample tickers, so the portfolio page is photographed as a user with one sees it.
    const holdings = join(dir, 'holdings.csv');
    writeFileSync(
      holdings,
      'symbol,shares,cost_basis,date\nAAPL,40,4400,2016-03-01\nMSFT,60,3300,2016-03-01\nJNJ,25,2600,2016-06-01\nXOM,30,2500,2016-06-01\nJPM,35,2100,2016-09-01\n',
    );
    await marketdeck(['portfolio', 'import', holdings, '--name', 'main', '--db', db]);
    server = await startDashboardServer(db, { YAHOO_BASE_URL: yahoo.url, FETCH_RETRIES: '1' });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      // The portfolio page asks for a portfolio that a fresh database does not have: its 404 is the answer.
      if (m.type() === 'error' && !/\/api\/portfolios/.test(m.location().url)) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    if (process.env.MD_WEB_DEBUG)
      page.on('console', (m) => console.log('# browser', m.type(), m.text(), m.location().url));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await yahoo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows real numbers and a drawn chart on every page, in both themes, without console errors', async () => {
    for (const theme of ['dark', 'light']) {
      for (const p of PAGES) {
        await page.goto(server.url + p.path);
        if (p.name === 'portfolio') {
          await page.getByText('Holdings').first().waitFor();
          assert.match((await page.locator('main').textContent()) ?? '', /AAPL[\s\S]*MSFT/, 'the holdings are listed');
        } else {
          await page.locator(p.numbers).first().waitFor();
          assert.match((await page.locator(p.numbers).first().textContent()) ?? '', /\d/, `${p.name} shows figures`);
          await page.locator(p.chart).first().waitFor({ state: 'attached' });
          if (!p.svg) {
            await waitForScript(page, canvasDrawnScript(p.chart));
          }
        }
        assert.equal(await page.getAttribute('html', 'data-theme'), theme);
        await page.screenshot({ path: join(SHOTS, `${p.name}-${theme}.png`) });
      }
      await page.getByTestId('theme-toggle').click();
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('keeps every page within a 390 px phone screen, wide tables scrolling inside their cards', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const p of PAGES) {
        await page.goto(server.url + p.path);
        await page
          .locator(p.numbers || 'main h1, main h2')
          .first()
          .waitFor();
        await page.waitForLoadState('networkidle');
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        const past = await page.evaluate(
          "[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 390 && !e.closest('.panel-body, .vtable')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40)).join('; ')",
        );
        assert.ok(width <= 390, `${p.name} is ${width} px wide at 390: ${past}`);
        // Every box that scrolls sideways shades the edge it hides more behind (scroll shadows).
        const silent = await page.evaluate(
          "[...document.querySelectorAll('main *')].filter((e) => e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(e).overflowX)).filter((e) => { const s = getComputedStyle(e); return !(s.backgroundAttachment.includes('local') && s.backgroundImage.split('gradient').length > 4); }).map((e) => e.tagName + '.' + e.className)",
        );
        assert.deepEqual(silent, [], `${p.name}: wide boxes without a scroll cue`);
        await page.screenshot({ path: join(SHOTS, `${p.name}-phone.png`), fullPage: true });
      }
      const navRight = (await page.evaluate(
        "Math.max(...[...document.querySelectorAll('.nav a')].map((a) => a.getBoundingClientRect().right))",
      )) as number;
      assert.ok(navRight <= 390, 'every navigation link is on screen');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('names a heatmap tile on a first tap and opens it on the second, on a touch screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}/heatmap`);
      await waitForScript(page, canvasDrawnScript('[data-testid=heatmap-canvas]'));
      // A tap as a touch screen sends it: a touch pointerdown, then the click.
      const tap = `(() => {
        const c = document.querySelector('[data-testid=heatmap-canvas]');
        const r = c.getBoundingClientRect();
        const at = { bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 };
        c.dispatchEvent(new PointerEvent('pointerdown', { ...at, pointerType: 'touch' }));
        c.dispatchEvent(new MouseEvent('click', at));
      })()`;
      await page.evaluate(tap);
      await page.getByTestId('heatmap-tooltip').waitFor();
      assert.match(page.url(), /\/heatmap$/);
      const box = await page.getByTestId('heatmap-tooltip').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'the tooltip stays on the screen');
      await page.evaluate(tap);
      await page.waitForURL(/\/ticker\//);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('folds the screener filters behind one button on a phone, so the table starts on the first screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}/screener`);
      await page.getByTestId('screener-row').first().waitFor();
      assert.equal(await page.getByTestId('sector-filter').isVisible(), false);
      const folded = (await page.getByTestId('screener-filters').boundingBox())?.height ?? 0;
      assert.ok(folded > 0 && folded < 100, `the folded filter bar is ${folded} px tall`);
      await page.getByTestId('filters-toggle').click();
      await page.getByTestId('sector-filter').selectOption('Energy');
      await page.waitForURL(/sector=Energy/);
      assert.match((await page.getByTestId('filters-toggle').textContent()) ?? '', /Filters · 1/);
      await page.getByTestId('filters-toggle').click();
      await page.getByTestId('sector-filter').waitFor({ state: 'hidden' });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('keeps the coverage share on one line, on a wide screen and a phone', async () => {
    try {
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${server.url}/coverage`);
        const value = '[data-testid=coverage-summary] .stat:first-child .value';
        await page.locator(value).filter({ hasText: /%/ }).waitFor();
        // The distinct tops of the text's line boxes: one when nothing wrapped.
        const lines = await page.evaluate(`(() => {
          const range = document.createRange();
          range.selectNodeContents(document.querySelector(${JSON.stringify(value)}));
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        })()`);
        assert.equal(lines, 1, `at ${width} px`);
      }
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('keeps a screener filter in the URL across a reload', async () => {
    await page.goto(`${server.url}/screener`);
    await page.getByTestId('screener-row').first().waitFor();
    await page.getByTestId('sector-filter').selectOption('Energy');
    await page.waitForURL(/sector=Energy/);
    const count = (await page.getByTestId('screener-count').textContent()) ?? '';
    await page.reload();
    await page.getByTestId('screener-row').first().waitFor();
    assert.equal(await page.getByTestId('sector-filter').inputValue(), 'Energy');
    assert.equal((await page.getByTestId('screener-count').textContent()) ?? '', count);
    assert.match(count, /^\d+ of \d+ tickers$/);
    assert.notEqual(count.split(' ')[0], count.split(' ')[2], 'the filter narrowed the table');
  });

  it('keeps the ticker chart range, overlays and signals toggle in the URL across a reload', async () => {
    await page.goto(`${server.url}/ticker/AAPL`);
    await waitForScript(page, canvasDrawnScript('[data-testid=ticker-chart] canvas'));
    await page.getByRole('button', { name: '3M', exact: true }).click();
    await page.getByRole('button', { name: 'Bollinger' }).click();
    await page.getByTestId('signals-toggle').click();
    await page.waitForURL(/range=3M.*overlays=sma50%2Csma200%2Cbb.*signals=0/);
    await page.reload();
    await waitForScript(page, canvasDrawnScript('[data-testid=ticker-chart] canvas'));
    assert.equal(await page.getByTestId('signals-toggle').getAttribute('aria-pressed'), 'false');
    assert.match((await page.getByRole('button', { name: '3M', exact: true }).getAttribute('class')) ?? '', /active/);
    assert.match((await page.getByRole('button', { name: 'Bollinger' }).getAttribute('class')) ?? '', /active/);
    assert.doesNotMatch((await page.getByRole('button', { name: '1Y' }).getAttribute('class')) ?? '', /active/);
  });

  it('exports the raw values of exactly the rows and columns shown', async () => {
    await page.goto(`${server.url}/screener?sector=Energy&min.rsi14=0`);
    await page.getByTestId('screener-row').first().waitFor();
    const header = (await page.locator('.vtable-head .cell').allTextContents()).map((h) => h.replace(/ [▲▼]$/, ''));
    const rows = await page.getByTestId('screener-row').all();
    const table: string[][] = [];
    for (const row of rows) table.push(await row.locator('.cell').allTextContents());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const width = csv[0].length;
    assert.deepEqual(csv[0], header.slice(0, width));
    assert.equal(csv.length - 1, table.length);
    assert.ok(table.length > 1);
    const columns = csv[0].map((label) => SCREENER_COLUMNS.find((c) => c.label === label)!);
    let rawer = 0;
    csv.slice(1).forEach((cells, r) => {
      cells.forEach((cell, j) => {
        const { kind, key } = columns[j];
        const numeric = kind !== 'text' && kind !== 'list';
        if (numeric && cell !== '') assert.ok(Number.isFinite(Number(cell)), `${key} ${cell} is a plain number`);
        // The raw value, formatted as the table formats it, is the table's text.
        const shown = numeric ? cellText(kind, cell === '' ? null : Number(cell)) : cell;
        assert.equal(shown, table[r][j], `row ${r} ${key}`);
        if (shown !== cell) rawer++;
      });
    });
    assert.ok(rawer > table.length, 'the file holds the raw numbers, not the shown text');
  });

  it('filters the screener as the user types, without Enter, and sorts by symbol when no row has a market cap', async () => {
    await page.goto(`${server.url}/screener`);
    await page.getByTestId('screener-row').first().waitFor();
    const symbols = await page.locator('[data-testid=screener-row] .cell:first-child').allTextContents();
    assert.deepEqual(
      symbols,
      [...symbols].sort((a, b) => a.localeCompare(b)),
    );
    assert.match((await page.getByTestId('sort-symbol').textContent()) ?? '', /▲/);
    // The sample has no quotes: each market cap is unknown, and says so with a dash rather than a blank.
    const capColumn = DEFAULT_COLUMNS.indexOf('marketCap') + 1;
    const caps = await page.locator(`[data-testid=screener-row] .cell:nth-child(${capColumn})`).allTextContents();
    assert.ok(caps.length > 0);
    assert.deepEqual(new Set(caps), new Set(['—']));
    // A name cut to its column's width is read whole on hover.
    const names = page.locator(`[data-testid=screener-row] .cell:nth-child(${DEFAULT_COLUMNS.indexOf('name') + 1})`);
    const cut = (await names.evaluateAll((cells) =>
      cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => [c.textContent, c.getAttribute('title')]),
    )) as [string, string][];
    assert.ok(cut.length > 0, 'some sample names are longer than the column');
    for (const [text, title] of cut) assert.equal(title, text);
    await page.getByTestId('screener-search').pressSequentially('AAP');
    await page.waitForURL(/q=AAP/);
    await page
      .getByTestId('screener-count')
      .filter({ hasText: /^1 of / })
      .waitFor();
    await page.getByTestId('min-close').pressSequentially('100000');
    await page.waitForURL(/min\.close=100000/);
    assert.match((await page.getByTestId('screener-count').textContent()) ?? '', /^0 of /);
    assert.equal(await page.getByTestId('screener-search').inputValue(), 'AAP');
  });

  it('renders a sector holding markup as text', async () => {
    const hostileDir = join(dir, 'hostile');
    mkdirSync(hostileDir);
    const hostile = await startDashboardServer(await buildSampleDatabase(hostileDir));
    try {
      await page.goto(`${hostile.url}/screener?q=${HOSTILE_SYMBOL}&cols=symbol,name,sector,close`);
      const row = page.getByTestId('screener-row').first();
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /<img src=x onerror=window.__xss=1>/);
      assert.match((await row.textContent()) ?? '', /<b>Evil<\/b> Corp/);
      await page.goto(`${hostile.url}/`);
      await page.getByTestId('change-bars').getByText(HOSTILE_SECTOR).waitFor();
      await page.goto(`${hostile.url}/heatmap`);
      await waitForScript(page, canvasDrawnScript('[data-testid=heatmap-canvas]'));
      await page.goto(`${hostile.url}/ticker/${HOSTILE_SYMBOL}`);
      await page.getByText(HOSTILE_SECTOR).first().waitFor();
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.equal(await page.locator('main b').count(), 0);
      assert.equal(await page.evaluate('window.__xss'), undefined);
    } finally {
      await hostile.close();
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('keeps the RSI and MACD price scales free of last-value tags that would cover their labels', async () => {
    await page.goto(`${server.url}/ticker/AAPL`);
    await waitForScript(page, canvasDrawnScript('[data-testid=ticker-chart] canvas'));
    // Rows 3 and 5 of the chart's table are the RSI and MACD panes; their third cell is the price scale.
    const scales = [3, 5].map((n) => `[data-testid=ticker-chart] tr:nth-of-type(${n}) > td:nth-child(3) canvas`);
    for (const scale of scales) {
      // Drawn first: a scale that is not there (or not yet painted) would show no colour whatever the chart did.
      await waitForScript(page, canvasDrawnScript(scale));
      for (const colour of ['#4c9aff', '#f5a623']) {
        assert.equal(await page.evaluate(canvasShowsColourScript(scale, colour)), false, `${scale} ${colour}`);
      }
    }
  });

  it('draws the health samples of a server just started, a lone first sample as a dot', async () => {
    await page.goto(`${server.url}/pipeline`);
    await page.locator('[data-testid=health-cpu-chart] canvas').waitFor();
    // Memory used (purple) is known in every sample, the first included.
    await waitForScript(page, canvasShowsColourScript('[data-testid=health-cpu-chart] canvas', '#ab47bc'));
    await waitForScript(page, canvasShowsColourScript('[data-testid=health-size-chart] canvas', '#26a69a'));
    // The event-loop delay is measured between samples: a chart once there is one, else a note, never a blank box.
    await page.locator('[data-testid=health-loop-chart] canvas, [data-testid=health-loop-empty]').first().waitFor();
  });

  it('explains the next step on an empty database instead of drawing empty charts', async () => {
    const empty = await startDashboardServer(join(dir, 'empty.db'));
    try {
      for (const path of ['/', '/screener', '/heatmap']) {
        await page.goto(empty.url + path);
        await page.getByText('No market data yet').waitFor();
        assert.ok(
          ((await page.locator('main').textContent()) ?? '').includes(
            `marketdeck up --no-serve --db ${join(dir, 'empty.db')}`,
          ),
          'the command names the database the server reads',
        );
      }
      // Nothing is cached worth calling fresh on a database without prices.
      const cache = (await page.getByTestId('cache-indicator').textContent()) ?? '';
      assert.match(cache, /no data yet/);
      assert.doesNotMatch(cache, /fresh/);
      await page.screenshot({ path: join(SHOTS, 'first-run.png') });
      await page.goto(`${empty.url}/coverage`);
      await page.getByTestId('coverage-summary').waitFor();
      assert.match((await page.getByTestId('coverage-summary').textContent()) ?? '', /no data yet/);
      assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /100\.0 %|Every ticker has every/);
      await page.screenshot({ path: join(SHOTS, 'coverage-empty.png') });
    } finally {
      await empty.close();
    }
    assert.deepEqual(consoleErrors, []);
  });

  it('runs Update data in the background with live progress until it is done', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('market-summary').waitFor();
    await page.getByTitle('Run settings').click();
    await page.getByLabel('Max stocks (empty: all)').fill('abc');
    await page.getByText(/max stocks "abc" is not allowed/).waitFor();
    await page.getByLabel('Max stocks (empty: all)').fill('4');
    await page.getByRole('button', { name: 'Save' }).click();
    const sawProgress = page.getByTestId('job-running').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('update-data').click();
    await sawProgress;
    const result = page.getByTestId('job-result');
    await result.waitFor({ timeout: 120_000 });
    assert.match((await result.textContent()) ?? '', /done/i);
    assert.ok(yahoo.stats().requests > 0, 'the update fetched from the test server');
    assert.deepEqual(consoleErrors, []);
  });
});
