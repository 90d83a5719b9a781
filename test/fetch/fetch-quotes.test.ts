import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { runQuoteFetch } from '../../src/fetch/fetch-quotes.js';
import { HttpStats, instrumentHttpGet } from '../../src/fetch/instrumented-http-get.js';
import type { RateLimiter } from '../../src/fetch/rate-limiter.js';
import { createFetchHttpGet, type HttpGet } from '../../src/sources/http-get.js';
import { YahooQuoteSource } from '../../src/sources/yahoo/yahoo-quote-source.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { testSymbols } from './fetch-test-kit.js';

const DAY_MS = 86_400_000;

describe('runQuoteFetch against the market test server and a SQLite file', () => {
  let server: MarketTestServer;
  let dir: string;
  let store: SqliteStore;
  let files = 0;
  const transport = createFetchHttpGet({ timeoutMs: 3_000 });

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-12-31' });
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-quotes-test-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    server.setKnobs({ faults: {}, scriptedFaults: null, rateLimit: null, faultPaths: ['chart', 'alphavantage'] });
    server.reset();
    store = await SqliteStore.open(join(dir, `quotes-${++files}.db`));
  });
  afterEach(() => store.close());

  const newSource = (httpGet: HttpGet = transport) => new YahooQuoteSource({ httpGet, baseUrl: server.url });
  /** Fast test backoffs; the policy is the production one. */
  const run = (
    source: YahooQuoteSource,
    symbols: readonly string[],
    extra: Partial<Parameters<typeof runQuoteFetch>[0]> = {},
  ) =>
    runQuoteFetch({
      store,
      source,
      symbols,
      retries: 2,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      maxAgeMs: DAY_MS,
      ...extra,
    });

  it('stores a quote per known symbol, one request per 100, and reports unknown ones as missing', async () => {
    await store.tickers.upsert([{ symbol: 'S0001', name: 'placeholder' }]);
    const symbols = [...testSymbols(205), 'NONEXIST', 'DELISTED1', 'S0004'];
    const httpStats = new HttpStats();
    const progress: number[] = [];
    const m = await run(newSource(instrumentHttpGet(transport, httpStats)), symbols, {
      httpStats,
      onProgress: (p) => progress.push(p.done),
    });
    assert.deepEqual(m.symbols, {
      requested: 207,
      skippedFresh: 0,
      asked: 207,
      stored: 205,
      missing: 2,
      failed: 0,
      notRun: 0,
    });
    assert.deepEqual(m.batches, { total: 3, succeeded: 3, failed: 0, notRun: 0 });
    assert.deepEqual(m.missing.sort(), ['DELISTED1', 'NONEXIST']);
    assert.equal(m.requests, 3);
    assert.deepEqual(server.stats().byPath.quote, { '200': 3 });
    assert.equal((m.http as { requests: number }).requests, 5, 'cookie page, crumb and three quote batches');
    assert.deepEqual(
      progress.sort((a, b) => a - b),
      [1, 2, 3],
    );

    const stored = await store.quotes.list();
    assert.equal(stored.length, 205);
    const q = await store.quotes.get('S0001');
    assert.ok(q && (q.marketCap ?? 0) > 0 && (q.sharesOutstanding ?? 0) > 0);
    assert.ok((q.dividendYield ?? 1) >= 0 && (q.dividendYield ?? 1) < 0.2, `yield ${q.dividendYield} is a fraction`);
    assert.equal(q.price, server.series('S0001')?.bars.close.at(-1));
    const ticker = await store.tickers.get('S0001');
    assert.equal(ticker?.marketCap, q.marketCap, 'the quote updates the stored ticker’s market cap');
    assert.equal(ticker?.type, 'EQUITY');
    assert.notEqual(ticker?.name, 'placeholder');
    assert.equal(await store.tickers.get('S0002'), null, 'no ticker is made for a quote alone');
  });

  it('asks only symbols without a fresh quote, nothing when all are fresh, everything with forceRefresh', async () => {
    const source = newSource();
    const t0 = new Date();
    await run(source, ['S0001', 'S0002'], { now: () => t0 });
    const quoteRequests = () => server.stats().byPath.quote?.['200'] ?? 0;
    assert.equal(quoteRequests(), 1);

    const allFresh = await run(source, ['S0002', 'S0001'], { now: () => new Date(t0.getTime() + 3_600_000) });
    assert.equal(allFresh.symbols.skippedFresh, 2);
    assert.deepEqual(allFresh.batches, { total: 0, succeeded: 0, failed: 0, notRun: 0 });
    assert.equal(allFresh.requests, 0);
    assert.equal(quoteRequests(), 1, 'no request when every stored quote is fresh');

    const oneNew = await run(source, ['S0001', 'S0002', 'S0003']);
    assert.deepEqual([oneNew.symbols.skippedFresh, oneNew.symbols.asked, oneNew.symbols.stored], [2, 1, 1]);

    const forced = await run(source, ['S0001', 'S0002', 'S0003'], { forceRefresh: true });
    assert.equal(forced.symbols.stored, 3);

    const later = new Date(t0.getTime() + 2 * DAY_MS);
    const stale = await run(source, ['S0001', 'S0002', 'S0003'], { now: () => later });
    assert.equal(stale.symbols.asked, 3, 'a quote older than max-age is asked again');
    assert.equal((await store.quotes.get('S0001'))?.fetchedAt.getTime(), later.getTime());
    assert.equal(quoteRequests(), 4);
  });

  it('gets a new crumb when Yahoo refuses the old one and stores the batch', async () => {
    const source = newSource();
    await run(source, ['S0001']);
    server.expireCrumbs();
    const m = await run(source, ['S0001', 'S0002'], { forceRefresh: true });
    assert.equal(m.symbols.stored, 2);
    assert.deepEqual(m.batches, { total: 1, succeeded: 1, failed: 0, notRun: 0 });
    const s = server.stats();
    assert.deepEqual(s.byPath.quote, { '200': 2, '401': 1 });
    assert.deepEqual(s.byPath.cookie, { '404': 2 });
  });

  it('retries a throttled batch through the rate limiter and the retry policy', async () => {
    server.setKnobs({ faultPaths: ['quote'], scriptedFaults: { kind: 'rateLimited', symbols: ['S0100'] } });
    let tokens = 0;
    const limiter: RateLimiter = {
      acquire: async () => {
        tokens++;
      },
      waiting: 0,
    };
    const m = await run(newSource(), testSymbols(250), { rateLimiter: limiter });
    assert.equal(m.symbols.stored, 250);
    assert.deepEqual(m.batches, { total: 3, succeeded: 3, failed: 0, notRun: 0 });
    assert.deepEqual([m.requests, m.retries, m.rateLimited], [4, 1, 1]);
    assert.deepEqual(m.errorsByKind, { 'rate-limited': 1 });
    assert.equal(tokens, 4, 'every attempt of a batch takes a token');
    assert.deepEqual(server.stats().byPath.quote, { '200': 3, '429': 1 });
  });

  it('keeps the other batches when one fails for good, and records why', async () => {
    server.setKnobs({
      faultPaths: ['quote'],
      scriptedFaults: { kind: 'status5xx', symbols: ['S0100'], failAttempts: 99 },
    });
    const m = await run(newSource(), testSymbols(250));
    assert.deepEqual(m.batches, { total: 3, succeeded: 2, failed: 1, notRun: 0 });
    assert.deepEqual([m.symbols.stored, m.symbols.failed, m.symbols.missing], [150, 100, 0]);
    assert.equal(m.failedBatches.length, 1);
    const [failed] = m.failedBatches;
    assert.deepEqual([failed.first, failed.last, failed.size, failed.kind], ['S0100', 'S0199', 100, 'server-error']);
    assert.match(failed.reason, /HTTP 5\d\d/);
    assert.deepEqual(m.errorsByKind, { 'server-error': 3 }, 'the first attempt and two retries');
    assert.ok(await store.quotes.get('S0099'));
    assert.ok(await store.quotes.get('S0200'));
    assert.equal(await store.quotes.get('S0100'), null);
  });

  it('stops asking once the crumb is refused for good, failing the remaining batches without a request', async () => {
    // A client that loses its cookies on the way: every quote request is refused, even after a new handshake.
    const cookieless: HttpGet = (url, init) =>
      transport(url, {
        ...init,
        headers: { ...init.headers, cookie: url.includes('/quote') ? '' : (init.headers?.cookie ?? '') },
      });
    const m = await run(newSource(cookieless), testSymbols(250), { maxConcurrent: 1 });
    assert.deepEqual(m.batches, { total: 3, succeeded: 0, failed: 3, notRun: 0 });
    assert.deepEqual(
      m.failedBatches.map((b) => b.kind),
      ['auth', 'auth', 'auth'],
    );
    assert.equal(m.requests, 1);
    assert.deepEqual(server.stats().byPath.quote, { '401': 2 });
    assert.deepEqual(await store.quotes.list(), []);
  });

  it('leaves the batches not reached before a cancel neither stored nor failed', async () => {
    const controller = new AbortController();
    const m = await run(newSource(), testSymbols(300), {
      maxConcurrent: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('cancelled by the test')),
    });
    assert.equal(m.cancelled, true);
    assert.deepEqual(m.batches, { total: 3, succeeded: 1, failed: 0, notRun: 2 });
    assert.deepEqual([m.symbols.stored, m.symbols.notRun], [100, 200]);
  });
});
