import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { bundledConstituentsFile } from '../../src/sources/csv/bundled-sample.js';
import { marketdeck, startDashboardServer } from '../../test/web/support/dashboard-server.js';
import { CHROMIUM, type Headless, launchChromium } from '../../test/web/support/headless-chromium.js';
import {
  atMost,
  type BenchFigure,
  type BenchSection,
  info,
  median,
  percentile,
  sharedPricesFile,
} from '../bench-section.js';

const RUNS = 5;
/** BENCH_SYNTHETIC_TICKERS shrinks the screener's market for a quick run. */
const SCREENER_TICKERS = Number(process.env.BENCH_SYNTHETIC_TICKERS ?? 10_000);
const SCREENER_DAYS = 300;
/** Ten years of trading days for the ticker chart. */
const TEN_YEARS = 2_520;
const SCROLL_FRAMES = 240;

/** The pages of the app and the chunk each one loads on top of the shell (see web/src/app.tsx). */
const PAGE_CHUNKS: Record<string, string> = {
  overview: 'src/pages/overview-page.tsx',
  breadth: 'src/pages/breadth-page.tsx',
  heatmap: 'src/pages/heatmap-page.tsx',
  screener: 'src/pages/screener-page.tsx',
  ticker: 'src/pages/ticker-page.tsx',
  portfolio: 'src/pages/portfolio-page.tsx',
  pipeline: 'src/pages/pipeline-page.tsx',
  coverage: 'src/pages/coverage-page.tsx',
};

/**
 * In the page: resolves with ms since navigation start once `condition` holds, checked every frame; NaN
 * after 20 s, so a page that never draws is a missed figure, not a hung run.
 */
const when = (condition: string) => `new Promise((resolve) => {
  const check = () => {
    if (${condition}) resolve(performance.now());
    else if (performance.now() > 20000) resolve(NaN);
    else requestAnimationFrame(check);
  };
  check();
})`;
/**
 * In the page: at least `atLeast` canvases match and each (or, for charts with transparent overlay
 * canvases such as lightweight-charts' crosshair layer, one) holds more than one colour.
 */
const drawn = (selector: string, atLeast = 1, each = true) => `(() => {
  const all = [...document.querySelectorAll(${JSON.stringify(selector)})];
  return all.length >= ${atLeast} && all.${each ? 'every' : 'some'}((c) => {
    if (!c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 4 * 101; i < d.length; i += 4 * 101) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true;
    return false;
  });
})()`;

/**
 * The dashboard in Debian's chromium against a warm `marketdeck serve`: the overview on the real 505-ticker
 * set (first contentful paint, every chart drawn), the screener on 10,000 synthetic tickers (first rows,
 * frame times while scrolling), a ten-year ticker chart, and each page's JavaScript (gzip) from the build.
 */
export const webSection: BenchSection = {
  name: 'web',
  description: 'web dashboard in chromium: overview, 10,000-row screener, ten-year chart, JavaScript per page',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};
    const sizes = pageSizes();
    for (const [page, bytes] of Object.entries(sizes)) {
      figures.push(atMost(`JavaScript of the ${page} page (gzip)`, bytes / 1024, 'KB', 150));
    }
    details.javascriptGzipBytes = sizes;
    if (!existsSync(CHROMIUM)) {
      ctx.log(`${CHROMIUM} is absent (apt-get install -y chromium): the browser figures are skipped`);
      return { figures, details };
    }

    const csv = sharedPricesFile(ctx);
    if (csv) {
      const db = join(ctx.tmpDir, 'real.db');
      ctx.log('importing the real 505-ticker set, analysing, precomputing');
      await marketdeck(['import', csv, '--sector-file', bundledConstituentsFile(), '--json', '--db', db]);
      await prepare(db);
      const o = await withDashboard(db, (page, url) => overview(page, url));
      figures.push(atMost('overview first contentful paint (505 tickers, median)', o.fcp, 'ms', 500));
      figures.push(
        atMost('overview every chart drawn (505 tickers, median)', o.charts, 'ms', 500, `runs ${o.runs.join(', ')}`),
      );
      details.overview = o;
    } else {
      ctx.log('all_stocks_5yr.csv.gz not found under the shared data folder; the overview figures are skipped');
    }

    const big = join(ctx.tmpDir, 'synthetic.db');
    ctx.log(`generating ${SCREENER_TICKERS} synthetic tickers x ${SCREENER_DAYS} days, analysing, precomputing`);
    await marketdeck([
      'generate',
      '--tickers',
      String(SCREENER_TICKERS),
      '--days',
      String(SCREENER_DAYS),
      '--json',
      '--db',
      big,
    ]);
    await prepare(big);
    const { s, h } = await withDashboard(big, async (page, url) => ({
      s: await screener(page, url),
      h: await heatmap(page, url),
    }));
    figures.push(atMost('screener first rows (10,000 tickers, median)', s.firstRows, 'ms', 500));
    figures.push(
      atMost(
        'screener p95 frame time while scrolling',
        s.p95,
        'ms',
        16.7,
        `main-thread work per frame, p50 ${s.p50.toFixed(1)} ms over ${s.frames} frames; frame interval p95 ${s.intervalP95.toFixed(1)} ms, ${s.dropped} dropped`,
      ),
    );
    details.screener = s;
    figures.push(
      info(
        'heatmap of 10,000 tiles drawn (median)',
        h.drawn,
        'ms',
        `from navigation; a redraw for another period ${h.redraw.toFixed(0)} ms`,
      ),
    );
    details.heatmap = h;

    const long = join(ctx.tmpDir, 'ten-years.db');
    await marketdeck(['generate', '--tickers', '20', '--days', String(TEN_YEARS), '--json', '--db', long]);
    await prepare(long);
    const t = await withDashboard(long, (page, url) => tickerChart(page, url));
    figures.push(atMost('ten-year ticker chart drawn, page load (median)', t.load, 'ms', 300, `${t.bars} bars`));
    figures.push(info('ten-year ticker chart drawn, from the screener (median)', t.inApp, 'ms'));
    details.ticker = t;
    return { figures, details };
  },
};

async function prepare(db: string): Promise<void> {
  await marketdeck(['analyze', '--json', '--db', db]);
  await marketdeck(['precompute', '--json', '--db', db]);
}

async function withDashboard<T>(db: string, measure: (page: Page, url: string) => Promise<T>): Promise<T> {
  const server = await startDashboardServer(db);
  let browser: Headless | null = null;
  try {
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    return await measure(page, server.url);
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** Loads a page once to warm the server and the browser's asset cache, then RUNS times, measured. */
async function timed(page: Page, url: string, condition: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    await page.goto(url, { waitUntil: 'commit' });
    const ms = (await page.evaluate(when(condition))) as number;
    if (i > 0) out.push(ms);
  }
  return out;
}

async function overview(page: Page, url: string) {
  const charts = await timed(
    page,
    `${url}/`,
    `document.querySelector('[data-testid=market-summary]') && ${drawn('[data-testid=breadth-chart] canvas', 4)}`,
  );
  const fcps: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${url}/`, { waitUntil: 'load' });
    const fcp = (await page.evaluate(
      when(`performance.getEntriesByName('first-contentful-paint').length > 0`).replace(
        'resolve(performance.now())',
        "resolve(performance.getEntriesByName('first-contentful-paint')[0].startTime)",
      ),
    )) as number;
    fcps.push(fcp);
  }
  return { fcp: median(fcps), charts: median(charts), runs: charts.map((v) => Math.round(v)), fcps };
}

async function screener(page: Page, url: string) {
  const first = await timed(page, `${url}/screener`, `document.querySelector('[data-testid=screener-row]')`);
  await page.goto(`${url}/screener`);
  await page.evaluate(when(`document.querySelectorAll('[data-testid=screener-row]').length > 10`));
  // Per frame: the main thread's work from the scroll event (rows re-rendered) through the frame's
  // script, style, layout and paint, ended by a message that runs once the frame is done; and the interval
  // between frames, which on a shared machine also counts the time other processes hold the cores.
  const measured = (await page.evaluate(`new Promise((resolve) => {
    const box = document.querySelector('[data-testid=screener-table]');
    const intervals = [];
    const work = [];
    let scrolled = null;
    addEventListener('scroll', () => { if (scrolled === null) scrolled = performance.now(); }, { capture: true });
    let last = 0;
    let n = 0;
    const step = (now) => {
      intervals.push(now - last);
      last = now;
      const start = scrolled ?? now;
      scrolled = null;
      const done = new MessageChannel();
      done.port1.onmessage = () => work.push(performance.now() - start);
      done.port2.postMessage(0);
      box.scrollTop += 120;
      if (++n < ${SCROLL_FRAMES}) requestAnimationFrame(step);
      else setTimeout(() => resolve({ intervals: intervals.slice(2), work: work.slice(2) }), 50);
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(step); });
  })`)) as { intervals: number[]; work: number[] };
  const { intervals, work } = measured;
  const dropped = intervals.filter((d) => d > 1.5 * (1000 / 60)).length;
  const rows = (await page.evaluate(`document.querySelector('[data-testid=screener-count]').textContent`)) as string;
  return {
    firstRows: median(first),
    runs: first,
    p95: percentile(work, 95),
    p50: percentile(work, 50),
    intervalP95: percentile(intervals, 95),
    dropped,
    frames: work.length,
    rows,
  };
}

/** The treemap of every ticker drawn from navigation, then a redraw for another period (one click). */
async function heatmap(page: Page, url: string) {
  const loads = await timed(page, `${url}/heatmap`, drawn('[data-testid=heatmap-canvas]'));
  const redraw = (await page.evaluate(`(() => {
    const t = performance.now();
    [...document.querySelectorAll('.toolbar button')].find((b) => b.textContent === 'YTD').click();
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t))));
  })()`)) as number;
  return { drawn: median(loads), runs: loads, redraw };
}

async function tickerChart(page: Page, url: string) {
  const answer = (await (await fetch(`${url}/api/screener?limit=1&sort=bars&dir=desc`)).json()) as {
    data: { columns: string[]; rows: unknown[][] };
  };
  const symbol = String(answer.data.rows[0][answer.data.columns.indexOf('symbol')]);
  const bars = Number(answer.data.rows[0][answer.data.columns.indexOf('bars')]);
  const chart = drawn('[data-testid=ticker-chart] canvas', 1, false);
  const load = await timed(page, `${url}/ticker/${symbol}`, chart);
  const inApp: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    await page.goto(`${url}/screener?q=${symbol}`);
    await page.evaluate(when(`document.querySelector('[data-testid=screener-row] a')`));
    const started = (await page.evaluate(
      `(() => { const t = performance.now(); document.querySelector('[data-testid=screener-row] a').click(); return t; })()`,
    )) as number;
    const done = (await page.evaluate(when(chart))) as number;
    if (i > 0) inApp.push(done - started);
  }
  return { symbol, bars, load: median(load), inApp: median(inApp), loadRuns: load, inAppRuns: inApp };
}

/** JavaScript each page loads, gzip bytes: the shell's entry and its imports plus the page's chunk and its imports. */
function pageSizes(): Record<string, number> {
  const dir = join('dist', 'web');
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string; imports?: string[]; isEntry?: boolean }
  >;
  const closure = (key: string, seen: Set<string>) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const i of manifest[key].imports ?? []) closure(i, seen);
  };
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
  const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  const out: Record<string, number> = {};
  for (const [page, key] of Object.entries(PAGE_CHUNKS)) {
    const seen = new Set<string>();
    closure(entry, seen);
    closure(key, seen);
    out[page] = [...seen].reduce((sum, k) => sum + (manifest[k].file.endsWith('.js') ? gz(manifest[k].file) : 0), 0);
  }
  return out;
}
