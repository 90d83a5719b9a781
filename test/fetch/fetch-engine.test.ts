import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { barAt } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { runFetch } from '../../src/fetch/fetch-engine.js';
import { HttpStats, instrumentHttpGet } from '../../src/fetch/instrumented-http-get.js';
import type { RateLimiter } from '../../src/fetch/rate-limiter.js';
import { TokenBucketLimiter } from '../../src/fetch/token-bucket.js';
import { AlphaVantageDailySource } from '../../src/sources/alphavantage/alpha-vantage-daily-source.js';
import { createHttpGet } from '../../src/sources/create-http-get.js';
import { createFetchHttpGet } from '../../src/sources/http-get.js';
import { isUsTradingDay } from '../../src/sources/quality/us-market-holidays.js';
import type { HistorySource } from '../../src/sources/source.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import {
  assertStoredAsServed,
  type FetchKit,
  openFetchKit,
  TEST_ENGINE_OPTIONS,
  testSymbols,
} from './fetch-test-kit.js';

describe('runFetch against the market test server', () => {
  let kit: FetchKit;
  before(async () => {
    kit = await openFetchKit();
  });
  after(() => kit.close());

  it('stores every ticker once and completely although 10% of requests fail', async () => {
    kit.server.setKnobs({ faults: { status5xx: 0.04, rateLimited: 0.03, reset: 0.015, cutBody: 0.015 } });
    const symbols = testSymbols(60);
    const m = await kit.fetch(symbols);
    kit.server.setKnobs({ faults: {} });
    assert.equal(m.tickers.failed, 0, JSON.stringify(m.failed));
    assert.equal(m.tickers.fetched, 60);
    assert.ok(m.retries > 0, 'some requests were retried');
    assert.equal(m.requests, 60 + m.retries);
    for (const s of symbols) await assertStoredAsServed(kit, s);
    const states = await kit.store.fetchState.list('yahoo');
    assert.equal(states.filter((s) => s.lastSuccessAt !== null).length, 60);
  });

  it('skips every ticker on a second run: nothing is requested', async () => {
    const m = await kit.fetch(testSymbols(60));
    assert.equal(m.tickers.skippedFresh, 60);
    assert.equal(m.requests, 0);
    assert.equal(m.barsWritten, 0);
  });

  it('fails an unknown symbol with its reason and stores the others', async () => {
    const m = await kit.fetch(['S0100', 'NONEXIST', 'S0101']);
    assert.equal(m.tickers.fetched, 2);
    assert.equal(m.tickers.failed, 1);
    assert.equal(m.failed[0].symbol, 'NONEXIST');
    assert.equal(m.failed[0].kind, 'not-found');
    assert.match(m.failed[0].reason, /404/);
    const state = await kit.store.fetchState.get('NONEXIST', 'yahoo');
    assert.match(state?.lastError ?? '', /not-found/);
    assert.equal(state?.lastSuccessAt, null);
    await assertStoredAsServed(kit, 'S0100');
  });

  it('after one new day sends one request per ticker and writes only the new bar', async () => {
    const symbols = testSymbols(60);
    const newDay = kit.server.addDay();
    const m = await kit.fetch(symbols, { maxAgeMs: 0 });
    assert.equal(m.tickers.incremental, 60);
    assert.equal(m.requests, 60);
    assert.equal(m.barsAdded, 60);
    assert.equal(m.barsChanged, 0);
    assert.equal(m.tickers.fullRefetch, 0);
    for (const s of symbols.slice(0, 10)) {
      const bars = await kit.store.bars.read(s);
      assert.equal(bars?.dates[bars.dates.length - 1], newDay);
      await assertStoredAsServed(kit, s);
    }
  });

  it('replaces the whole history when a split appears', async () => {
    const symbol = 'S0007';
    kit.server.addSplit(symbol, kit.server.lastDay(), 4, 1);
    const before = kit.server.requestsFor(symbol);
    const m = await kit.fetch([symbol], { maxAgeMs: 0 });
    assert.equal(m.tickers.fullRefetch, 1);
    assert.equal(kit.server.requestsFor(symbol) - before, 2, 'the incremental request, then the whole history');
    assert.match(Object.keys(m.refetchReasons).join(), /new split/);
    await assertStoredAsServed(kit, symbol);
    const splits = await kit.store.bars.splits(symbol);
    assert.deepEqual(
      splits.map((s) => [s.numerator, s.denominator]),
      [[4, 1]],
    );
  });

  it('keeps, re-adjusted and flagged, the stored bars a split refetch that answers fewer years does not cover', async () => {
    const symbol = 'S0009';
    const storedBefore = await kit.store.bars.read(symbol);
    assert.ok(storedBefore);
    const n = storedBefore.dates.length;
    // After a 2:1 split the source keeps only its last 40 days: it answers them, on the new basis.
    kit.server.addSplit(symbol, kit.server.lastDay(), 2, 1);
    const served = kit.server.series(symbol);
    assert.ok(served);
    const cut = served.bars.dates.length - 40;
    const recent = Array.from({ length: 40 }, (_, k) => barAt(served.bars, cut + k));
    kit.server.setSeries(symbol, recent, [], served.splits);
    const m = await kit.fetch([symbol], { maxAgeMs: 0 });
    assert.equal(m.tickers.fullRefetch, 1);
    const stored = await kit.store.bars.read(symbol);
    assert.ok(stored);
    assert.equal(stored.dates.length, n, 'no stored day lost');
    const keptCount = n - 40;
    assert.deepEqual(
      m.kept.map((k) => [k.symbol, k.bars, k.splitFactor]),
      [[symbol, keptCount, 2]],
    );
    for (const i of [0, keptCount - 1]) {
      assert.ok(Math.abs(stored.close[i] - storedBefore.close[i] / 2) < 1e-9, `close[${i}] halved`);
      assert.equal(stored.volume[i], storedBefore.volume[i] * 2);
    }
    assert.equal(stored.close[keptCount], recent[0].close);
    const state = await kit.store.fetchState.get(symbol, 'yahoo');
    const flag = state?.flags.find((f) => f.kind === 'kept-history');
    assert.match(flag?.detail ?? '', new RegExp(`${keptCount} bar\\(s\\).*split factor 2`));
  });

  it('replaces the whole history when the adjusted closes of stored days were restated', async () => {
    const symbol = 'S0008';
    const served = kit.server.series(symbol);
    assert.ok(served);
    const n = served.bars.dates.length;
    // A dividend re-adjustment: same closes, every adjusted close lowered by 1%.
    const bars = Array.from({ length: n }, (_, i) => ({
      date: served.bars.dates[i] as never,
      open: served.bars.open[i],
      high: served.bars.high[i],
      low: served.bars.low[i],
      close: served.bars.close[i],
      adjClose: served.bars.adjClose[i] * 0.99,
      volume: served.bars.volume[i],
    }));
    kit.server.setSeries(symbol, bars);
    const m = await kit.fetch([symbol], { maxAgeMs: 0 });
    assert.equal(m.tickers.fullRefetch, 1);
    assert.match(Object.keys(m.refetchReasons).join(), /adjusted close/);
    await assertStoredAsServed(kit, symbol);
  });

  it('flags missing days, and fills them by refetching the whole history once when asked', async () => {
    const symbol = 'GAPPY';
    const days: number[] = [];
    for (let d = dayFromIso('2024-10-01'); d <= dayFromIso('2024-11-29'); d++) if (isUsTradingDay(d)) days.push(d);
    const bar = (date: number, i: number) => ({
      date: date as never,
      open: 50 + i / 10,
      high: 51 + i / 10,
      low: 49 + i / 10,
      close: 50 + i / 10,
      adjClose: 50 + i / 10,
      volume: 1e6,
    });
    const full = days.map(bar);
    kit.server.setSeries(
      symbol,
      full.filter((_, i) => i < 20 || i > 22),
    );
    await kit.fetch([symbol]);
    const flagged = await kit.store.fetchState.get(symbol, 'yahoo');
    assert.deepEqual(
      flagged?.flags.filter((f) => f.kind === 'missing-days').map((f) => f.date),
      [days[20]],
    );
    kit.server.setSeries(symbol, full);
    const m = await kit.fetch([symbol], { maxAgeMs: 0, refetchGaps: true });
    assert.equal(m.tickers.fullRefetch, 1);
    assert.equal((await kit.store.bars.read(symbol))?.dates.length, days.length);
    const filled = await kit.store.fetchState.get(symbol, 'yahoo');
    assert.deepEqual(
      filled?.flags.filter((f) => f.kind === 'missing-days'),
      [],
    );
  });

  it('waits out 429s with a plain-text body and stores everything', async () => {
    kit.server.setKnobs({ rateLimit: { perSecond: 40, burst: 4, body: 'Edge: Too Many Requests' } });
    const symbols = testSymbols(30, 200);
    const m = await kit.fetch(symbols, { retries: 12 });
    kit.server.setKnobs({ rateLimit: null });
    assert.equal(m.tickers.failed, 0, JSON.stringify(m.failed));
    assert.ok(m.rateLimited > 0, 'the server throttled some requests');
    assert.equal(m.errorsByKind['rate-limited'], m.rateLimited);
    for (const s of symbols) await assertStoredAsServed(kit, s);
  });

  it('lowers its concurrency under a storm of 429s and recovers every ticker', async () => {
    kit.server.setKnobs({ scriptedFaults: { kind: 'rateLimited', everyNth: 1, failAttempts: 3 } });
    const symbols = testSymbols(24, 300);
    const m = await kit.fetch(symbols, { maxConcurrent: 8, retries: 6 });
    kit.server.setKnobs({ scriptedFaults: null });
    assert.equal(m.tickers.failed, 0, JSON.stringify(m.failed));
    assert.ok(m.concurrency.decreases > 0, 'the limit was lowered');
    assert.ok(m.concurrency.lowest < 8);
    assert.ok(m.concurrency.cooldowns > 0, 'bursts of 429 paused every request');
    for (const s of symbols) await assertStoredAsServed(kit, s);
  });

  it('gives a 2xx answer its slot back once the body is in, before the answer is parsed', async () => {
    // At concurrency 1 the first answer's parsing waits until the second request has been sent: that can only
    // happen when the slot came back at onAnswered, before fetchHistory returned.
    const httpStats = new HttpStats();
    const inner = new YahooChartSource({
      httpGet: instrumentHttpGet(createHttpGet({ timeoutMs: 3_000 }), httpStats),
      baseUrl: kit.server.url,
    });
    let secondSent: () => void = () => {};
    const second = new Promise<void>((resolve) => {
      secondSent = resolve;
    });
    // A safety net, not a timing check: without it a regression would hang the run instead of failing it.
    const neverSent = () =>
      new Promise<never>((_, reject) => {
        setTimeout(
          () => reject(new Error('the second request never went out while the first answer was held back')),
          10_000,
        ).unref();
      });
    let calls = 0;
    const source: HistorySource = {
      name: inner.name,
      async fetchHistory(request) {
        const first = ++calls === 1;
        if (!first) secondSent();
        const answer = await inner.fetchHistory(request);
        if (first) await Promise.race([second, neverSent()]);
        return answer;
      },
    };
    const m = await runFetch({
      store: kit.store,
      source,
      symbols: ['S0900', 'S0901'],
      httpStats,
      options: { ...TEST_ENGINE_OPTIONS, maxConcurrent: 1 },
    });
    assert.equal(m.tickers.fetched, 2, JSON.stringify(m.failed));
    assert.equal(m.requests, 2);
  });
});

describe('runFetch against Alpha Vantage limits', () => {
  let kit: FetchKit;
  before(async () => {
    kit = await openFetchKit({ knobs: { alphaVantage: { perDay: 2 } } });
  });
  after(() => kit.close());

  it('stops asking once the daily quota is spent: the rest fail without a request', async () => {
    const httpStats = new HttpStats();
    const source = new AlphaVantageDailySource({
      httpGet: instrumentHttpGet(createFetchHttpGet({ timeoutMs: 3_000 }), httpStats),
      apiKey: 'free-key',
      baseUrl: kit.server.url,
    });
    const m = await runFetch({
      store: kit.store,
      source,
      symbols: ['IBM', 'KO', 'PEP', 'MMM', 'JNJ'],
      httpStats,
      options: { ...TEST_ENGINE_OPTIONS, maxConcurrent: 1, rateLimiter: new TokenBucketLimiter({ perMinute: 75 }) },
    });
    assert.equal(m.tickers.fetched, 2);
    assert.equal(m.tickers.failed, 3);
    assert.equal(m.requests, 3, 'two answered, one refused for the day, none after it');
    assert.deepEqual(
      m.failed.map((f) => [f.symbol, f.kind]),
      [
        ['PEP', 'quota'],
        ['MMM', 'quota'],
        ['JNJ', 'quota'],
      ],
    );
    assert.match(m.failed[1].reason, /not attempted/);
    const state = await kit.store.fetchState.get('PEP', 'alphavantage');
    assert.match(state?.lastError ?? '', /quota/);
  });
});

describe('runFetch with a rate-limit slot its connection cannot keep', () => {
  let kit: FetchKit;
  before(async () => {
    // A kit of its own: its transport has no connection open yet, so the first request must open one.
    kit = await openFetchKit();
  });
  after(() => kit.close());

  it('takes a new slot instead of sending late, and the source sees the ticker asked once', async () => {
    let acquired = 0;
    const limiter: RateLimiter = {
      waiting: 0,
      // The first slot is over before any connection could open; the next ones may leave any time.
      acquire: async () => (++acquired === 1 ? performance.now() - 1 : undefined),
    };
    const m = await kit.fetch(['S0300'], { maxConcurrent: 1, rateLimiter: limiter });
    assert.equal(m.tickers.fetched, 1, JSON.stringify(m.failed));
    assert.equal(acquired, 2, 'a second slot was taken');
    assert.equal(kit.server.requestsFor('S0300'), 1);
    assert.equal(m.requests, 1, 'the request not sent is not counted');
    assert.equal(m.retries, 0, 'a slot missed is not a retry');
    await assertStoredAsServed(kit, 'S0300');
  });
});
