import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { HeatmapPayload } from '../../src/precompute/build-heatmap.js';
import type { OverviewPayload } from '../../src/precompute/build-overview.js';
import type { ScreenerPayload } from '../../src/precompute/build-screener.js';
import type { TickerSummary } from '../../src/precompute/build-ticker-summary.js';
import { cacheStatus } from '../../src/precompute/cache-status.js';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import { fullRefresh } from '../../src/precompute/full-refresh.js';
import { precompute } from '../../src/precompute/precompute.js';
import type { Store } from '../../src/store/store.js';
import { walkBars } from '../analysis/bar-series-fixtures.js';
import { commitAnalysis } from '../support/commit-analysis.js';
import { openTempStore, seedAnalysis } from './precompute-fixtures.js';

const EXPECTED_KEYS = [
  'breadth:cached:all',
  'breadth:cached:sector:Energy',
  'breadth:cached:sector:Technology',
  'breadth:index',
  'heatmap',
  'overview',
  'pipeline:errors30d',
  'pipeline:fetchThroughput',
  'pipeline:jobs7d',
  'pipeline:timeline24h',
  'screener',
  'ticker:AAPL',
  'ticker:MSFT',
  'ticker:ORCL',
  'ticker:XOM',
];

describe('precompute', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let cache: DashboardCache;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    cache = new DashboardCache(store.cache, { ttlMinutes: 15 });
    await seedAnalysis(store);
  });
  afterEach(() => dispose());

  it('writes every dashboard payload under its key and nothing else', async () => {
    await precompute({ store, cache });
    const keys = (await store.cache.list()).map((e) => e.key).sort();
    assert.deepEqual(keys, EXPECTED_KEYS);
  });

  it('returns the summary in the shape the issue fixes, counting what it wrote', async () => {
    const summary = await precompute({ store, cache });
    assert.deepEqual(Object.keys(summary), [
      'summary',
      'details',
      'entries_cached',
      'bytes',
      'duration_ms',
      'cache_ttl_minutes',
    ]);
    assert.deepEqual(Object.keys(summary.details), ['metrics_cached', 'charts_cached']);
    assert.deepEqual(summary.details.metrics_cached, { overview: 1, heatmap: 1, screener: 1, ticker_summaries: 4 });
    assert.deepEqual(summary.details.charts_cached, {
      breadth_series: 3,
      breadth_index: 1,
      pipeline_timeline_24h: 1,
      pipeline_fetch_throughput: 1,
      pipeline_errors_30d: 1,
      pipeline_jobs_7d: 1,
    });
    assert.equal(summary.entries_cached, EXPECTED_KEYS.length);
    const entries = await store.cache.list();
    assert.equal(
      summary.bytes,
      entries.reduce((n, e) => n + e.bytes, 0),
    );
    assert.equal(summary.cache_ttl_minutes, 15);
    assert.ok(Number.isInteger(summary.duration_ms) && summary.duration_ms >= 0);
    assert.match(summary.summary, /^cached 15 entries/);
    for (const e of entries) assert.equal(e.expiresAt.getTime() - e.createdAt.getTime(), 15 * 60_000);
  });

  it('builds the overview: movers among the latest day, signal counts, latest breadth', async () => {
    await precompute({ store, cache });
    const o = (await cache.get<OverviewPayload>('overview'))!;
    assert.equal(o.asOf, '2018-02-07');
    assert.deepEqual(
      o.topGainers.map((m) => m.symbol),
      ['AAPL', 'ORCL'],
    );
    assert.deepEqual(
      o.topLosers.map((m) => m.symbol),
      ['XOM', 'MSFT'],
    );
    assert.equal(o.mostActive[0].symbol, 'AAPL');
    assert.deepEqual(o.signals.latest, { 'new-52w-high': 1, 'death-cross': 1 });
    assert.deepEqual(o.signals.week, { 'new-52w-high': 1, 'death-cross': 1, 'rsi-above-70': 1 });
    assert.equal(o.breadth?.date, '2018-02-07');
    assert.equal(o.breadth?.values.advancers, 4);
    assert.equal(o.freshness.tickers, 4);
  });

  it('builds the heatmap sector -> industry -> ticker, biggest first, cap-weighted', async () => {
    await precompute({ store, cache });
    const h = (await cache.get<HeatmapPayload>('heatmap'))!;
    assert.deepEqual(
      h.sectors.map((s) => s.name),
      ['Technology', 'Energy'],
    );
    const tech = h.sectors[0];
    assert.equal(tech.marketCap, 1800e9);
    assert.deepEqual(
      tech.industries.map((i) => [i.name, i.members.map((m) => m.symbol)]),
      [
        ['Software', ['AAPL', 'MSFT']],
        ['Databases', ['ORCL']],
      ],
    );
    const expected = (900 * 2.5 + 700 * -1.5 + 200 * 0.5) / 1800;
    assert.equal(tech.change.d1, Math.round(expected * 1e4) / 1e4);
    assert.deepEqual(tech.industries[0].members[0].change, { d1: 2.5, w1: 2, m1: 3, ytd: 6 });
  });

  it('keeps the full screener table and small per-ticker summaries with recent signals', async () => {
    await precompute({ store, cache });
    const s = (await cache.get<ScreenerPayload>('screener'))!;
    assert.equal(s.rows.length, 4);
    assert.equal(s.columns[0], 'symbol');
    assert.deepEqual(
      s.rows.map((r) => r[0]),
      ['AAPL', 'MSFT', 'ORCL', 'XOM'],
    );
    const aapl = (await cache.get<TickerSummary>('ticker:AAPL'))!;
    assert.equal(aapl.date, '2018-02-07');
    assert.deepEqual(
      aapl.recentSignals.map((x) => x.kind),
      ['new-52w-high', 'rsi-above-70'],
    );
    const msft = (await cache.get<TickerSummary>('ticker:MSFT'))!;
    assert.deepEqual(msft.recentSignals, [], 'a signal 100 days old is not recent');
    const bytes = (await store.cache.list()).find((e) => e.key === 'ticker:AAPL')!.bytes;
    assert.ok(bytes < 1024, `ticker summary is ${bytes} bytes`);
  });

  it('labels the screener, heatmap and ticker payloads as sample data with the dates they span', async () => {
    await store.bars.writeTickers(['AAPL', 'XOM'].map((symbol, i) => ({ symbol, bars: walkBars(symbol, 30, i + 1) })));
    await store.universes.set('sample', [{ symbol: 'AAPL' }], 'bundled sample');
    await precompute({ store, cache });
    const range = { from: '2017-12-28', to: '2018-02-07' };
    for (const key of ['screener', 'heatmap', 'ticker:AAPL']) {
      const p = (await cache.get<Record<string, unknown>>(key))!;
      assert.equal(p.sample, true, key);
      assert.deepEqual(p.dateRange, range, key);
      assert.match(String(p.dataNotice), /1 of the tickers are bundled sample data/, key);
    }
    const xom = (await cache.get<Record<string, unknown>>('ticker:XOM'))!;
    assert.equal(xom.sample, false, 'a ticker of your own is not sample data');
  });

  it('full refresh clears every entry, then rebuilds them all', async () => {
    await store.cache.setMany([{ key: 'leftover:old-layout', value: { x: 1 } }], 15);
    await precompute({ store, cache });
    const stages: string[] = [];
    const summary = await fullRefresh({ store, cache, onProgress: (p) => stages.push(p.stage) });
    assert.equal(summary.cleared_entries, EXPECTED_KEYS.length + 1);
    assert.equal(stages[0], 'clear');
    assert.deepEqual((await store.cache.list()).map((e) => e.key).sort(), EXPECTED_KEYS);
    assert.equal(summary.entries_cached, EXPECTED_KEYS.length);
  });

  it('reports cache status with fresh and expired counts, TTL and the last precompute', async () => {
    await precompute({ store, cache });
    await store.jobRuns.create({ id: 'precompute-1', kind: 'precompute', params: {} });
    const finishedAt = new Date('2024-03-01T10:00:00Z');
    await store.jobRuns.update('precompute-1', { status: 'succeeded', finishedAt });
    const now = await cacheStatus(store, { cacheExpirationMinutes: 15 });
    assert.deepEqual(now, {
      total: 15,
      fresh: 15,
      expired: 0,
      ttlMinutes: 15,
      lastPrecompute: '2024-03-01T10:00:00.000Z',
    });
    const later = await cacheStatus(store, { cacheExpirationMinutes: 15 }, new Date(Date.now() + 16 * 60_000));
    assert.equal(later.expired, 15);
    assert.equal(later.fresh, 0);
  });

  it('publishes an empty but well-formed dashboard when nothing is analysed yet', async () => {
    await commitAnalysis(store, {
      deleteSymbols: (await store.analysis.screenerRows()).map((r) => r.symbol),
      breadth: { universe: 'cached', series: [] },
    });
    const summary = await precompute({ store, cache });
    assert.equal(summary.details.metrics_cached.ticker_summaries, undefined);
    const o = (await cache.get<OverviewPayload>('overview'))!;
    assert.equal(o.asOf, null);
    assert.deepEqual(o.topGainers, []);
  });
});
