import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Bar, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay, isoFromDay } from '../../src/domain/epoch-day.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import { planGapRequests } from '../../src/fetch/plan-gap-requests.js';
import { defaultBackfillWorkers, runBackfill } from '../../src/fetch/run-backfill.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { isUsTradingDay } from '../../src/sources/quality/us-market-holidays.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

const d = (iso: string) => dayFromIso(iso);
const SYMBOLS = ['GONE', 'NEAR', 'FAR', 'FULL'];
/** The days each ticker lacks in the store; the server has them all. */
const GAPS: Record<string, string[]> = {
  GONE: ['2024-12-09', '2024-12-10', '2024-12-11'],
  // Two gaps two days apart: one request covers both, the stored day between them merged unchanged.
  NEAR: ['2024-12-02', '2024-12-03', '2024-12-05'],
  // Months apart: one request each.
  FAR: ['2024-07-08', '2024-07-09', '2024-11-04'],
  FULL: [],
};
/** The requests the server must see per ticker, as [from, to] exchange dates. */
const EXPECTED_REQUESTS: Record<string, [string, string][]> = {
  GONE: [['2024-12-09', '2024-12-11']],
  NEAR: [['2024-12-02', '2024-12-05']],
  FAR: [
    ['2024-07-08', '2024-07-09'],
    ['2024-11-04', '2024-11-04'],
  ],
  FULL: [],
};

function nyseBars(seed: number): Bar[] {
  const out: Bar[] = [];
  for (let x = d('2024-06-03'); x <= d('2024-12-31'); x++) {
    if (!isUsTradingDay(x)) continue;
    const close = 50 + seed + (x % 17) / 4;
    out.push({
      date: x as EpochDay,
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      adjClose: close,
      volume: 1e5 + x,
    });
  }
  return out;
}

/** A request window [period1, period2) back as the exchange dates the source asked for (it widens by a day each side). */
const asked = (w: { period1: number; period2: number }) => [
  isoFromDay(w.period1 / 86_400 + 1),
  isoFromDay(w.period2 / 86_400 - 2),
];

describe('backfill against the market test server', () => {
  let server: MarketTestServer;
  let dir: string;
  let db: string;
  let store: SqliteStore;
  const served = new Map<string, Bar[]>();

  before(async () => {
    server = await startMarketTestServer();
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-backfill-'));
    db = join(dir, 'backfill.db');
    store = await SqliteStore.open(db);
    for (const [i, symbol] of SYMBOLS.entries()) {
      const bars = nyseBars(i);
      served.set(symbol, bars);
      server.setSeries(symbol, bars);
      const missing = new Set(GAPS[symbol].map(d));
      await store.bars.writeTicker({
        symbol,
        bars: barSeriesFromBars(
          symbol,
          bars.filter((b) => !missing.has(b.date)),
        ),
      });
    }
  });
  after(async () => {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requests exactly the gap ranges, close gaps merged, and fills them with no duplicate bar', async () => {
    const report = await computeCoverage(store);
    const plan = planGapRequests(report);
    assert.equal(plan.total, 4);
    assert.deepEqual(plan.complete, ['FULL']);
    const source = new YahooChartSource({ httpGet: createHttpGet({ timeoutMs: 3_000 }), baseUrl: server.url });
    const m = await runBackfill({
      store,
      source,
      requests: plan.requests,
      workers: 3,
      retries: 2,
      retryBaseDelayMs: 5,
    });

    for (const symbol of SYMBOLS) {
      assert.deepEqual(server.chartWindows(symbol).map(asked), EXPECTED_REQUESTS[symbol], `${symbol}: requests`);
    }
    assert.equal(server.stats().byPath.chart?.['200'], 4, 'four requests counted at the server');
    assert.equal(m.requests, 4);
    assert.equal(m.barsAdded, 9);
    assert.equal(m.barsChanged, 0, 'the stored day between two merged gaps came back unchanged');
    assert.deepEqual(
      m.results.map((r) => [r.symbol, r.status, r.requests, r.barsAdded]),
      [
        ['FAR', 'saved', 2, 3],
        ['GONE', 'saved', 1, 3],
        ['NEAR', 'saved', 1, 3],
      ],
    );
    for (const symbol of SYMBOLS) {
      const stored = await store.bars.read(symbol);
      const want = served.get(symbol) as Bar[];
      assert.deepEqual(
        [...(stored?.dates ?? [])],
        want.map((b) => b.date),
        `${symbol}: every served day once`,
      );
      assert.deepEqual(
        [...(stored?.close ?? [])],
        want.map((b) => b.close),
        `${symbol}: closes`,
      );
    }
    const again = await computeCoverage(store);
    assert.equal(again.summary.complete, SYMBOLS.length);
    assert.equal(planGapRequests(again).total, 0);
  });

  it('a run that finds no gaps says so plainly and sends nothing', async () => {
    server.reset();
    const run = await runNodeChild([cliEntry(), '--db', db, 'backfill'], {
      YAHOO_BASE_URL: server.url,
      MARKETDECK_DATA_DIR: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `all ${SYMBOLS.length} tickers complete, 0 requests`);
    assert.equal(server.stats().requests, 0);
  });

  it('--no-gaps asks for the whole stored range, one request per ticker', async () => {
    server.reset();
    const report = await computeCoverage(store, { symbols: ['GONE'] });
    const plan = planGapRequests(report, { wholeRange: true, from: d('2024-12-01') });
    const source = new YahooChartSource({ httpGet: createHttpGet({ timeoutMs: 3_000 }), baseUrl: server.url });
    const m = await runBackfill({ store, source, requests: plan.requests, workers: 2, retries: 0 });
    assert.deepEqual(server.chartWindows('GONE').map(asked), [['2024-12-01', '2024-12-31']]);
    assert.equal(m.barsAdded, 0, 'nothing new: every day was stored');
    assert.equal((await store.bars.read('GONE'))?.dates.length, served.get('GONE')?.length);
  });

  it('a failed ticker says why and the others are saved', async () => {
    server.reset();
    // A gap on its third day, and a source that no longer knows the symbol.
    const bars = nyseBars(9).slice(0, 5);
    await store.bars.writeTicker({
      symbol: 'NONEXIST1',
      bars: barSeriesFromBars('NONEXIST1', [...bars.slice(0, 2), ...bars.slice(3)]),
    });
    const plan = planGapRequests(await computeCoverage(store, { symbols: ['NONEXIST1'] }));
    const source = new YahooChartSource({ httpGet: createHttpGet({ timeoutMs: 3_000 }), baseUrl: server.url });
    const m = await runBackfill({ store, source, requests: plan.requests, workers: 2, retries: 0 });
    assert.equal(m.failed, 1);
    assert.match(m.results[0].reason ?? '', /^not-found: /);
    const report = await computeCoverage(store, { symbols: ['NONEXIST1'] });
    assert.match(report.tickers[0].lastError ?? '', /^not-found: /);
  });

  it('prints one row per ticker: saved with its bars, or no gaps', async () => {
    server.reset();
    const bars = served.get('GONE') as Bar[];
    await store.bars.writeTicker({
      symbol: 'GONE',
      mode: 'replace',
      bars: barSeriesFromBars(
        'GONE',
        bars.filter((b) => b.date !== d('2024-10-15')),
      ),
    });
    const run = await runNodeChild([cliEntry(), '--db', db, 'backfill', '--tickers', 'GONE,FULL', '--workers', '2'], {
      YAHOO_BASE_URL: server.url,
      MARKETDECK_DATA_DIR: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout
      .trim()
      .split('\n')
      .slice(-2)
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows, [
      ['FULL', '0', 'no gaps'],
      ['GONE', '1', 'saved 1 bars'],
    ]);
    assert.deepEqual(server.chartWindows('GONE').map(asked), [['2024-10-15', '2024-10-15']]);
  });

  it('sizes the workers by the source rate limit', () => {
    assert.equal(defaultBackfillWorkers({}, 12), 12);
    assert.equal(defaultBackfillWorkers({ perMinute: 5, perDay: 25 }, 12), 1);
    assert.equal(defaultBackfillWorkers({ perSecond: 4 }, 12), 4);
  });
});
