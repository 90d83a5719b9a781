import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createFetchHttpGet, type HttpGet } from '../../src/sources/http-get.js';
import { SourceError } from '../../src/sources/source.js';
import { defaultCookieUrl, YahooQuoteSource } from '../../src/sources/yahoo/yahoo-quote-source.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { loadYahooFixture } from '../support/yahoo-fixture.js';

describe('YahooQuoteSource against the market test server', () => {
  let server: MarketTestServer;
  const httpGet = createFetchHttpGet({ timeoutMs: 2_000 });

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-01-02', lastDay: '2024-12-31' });
  });
  after(() => server.close());
  beforeEach(() => {
    server.setKnobs({ faults: {}, rateLimit: null, faultPaths: ['chart', 'alphavantage'] });
    server.reset();
  });

  it('does the cookie and crumb handshake once, then drops unknown symbols silently', async () => {
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    const first = await source.fetchQuotes(['S0001', 'NONEXIST', 'BRK.B']);
    assert.deepEqual(
      first.map((q) => q.symbol),
      ['S0001', 'BRK.B'],
    );
    const second = await source.fetchQuotes(['S0002']);
    assert.equal(second.length, 1);
    const s = server.stats();
    assert.deepEqual(s.byPath.cookie, { '404': 1 });
    assert.deepEqual(s.byPath.crumb, { '200': 1 });
    assert.deepEqual(s.byPath.quote, { '200': 2 });
  });

  it('maps the generated quote into screener fields with the dividend yield as a fraction', async () => {
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    const [q] = await source.fetchQuotes(['S0001']);
    const served = server.series('S0001');
    assert.ok(served);
    assert.equal(q.price, served.bars.close.at(-1));
    assert.equal(q.currency, 'USD');
    assert.equal(q.quoteType, 'EQUITY');
    assert.ok((q.marketCap ?? 0) > 0);
    assert.ok((q.dividendYield ?? 1) > 0 && (q.dividendYield ?? 1) < 0.2, `yield ${q.dividendYield} is a fraction`);
    assert.ok((q.fiftyTwoWeekHigh ?? 0) >= (q.fiftyTwoWeekLow ?? 1));
  });

  it('serves a recorded quote set on the server field for field', async () => {
    const recorded = JSON.parse(loadYahooFixture('quote-AAPL.json').body) as {
      quoteResponse: { result: Record<string, unknown>[] };
    };
    server.setQuote('AAPL', recorded.quoteResponse.result[0]);
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    const [q] = await source.fetchQuotes(['aapl']);
    assert.equal(q.name, 'Apple Inc.');
    assert.equal(q.marketCap, 3674405863424);
    assert.equal(q.dividendYield, 0.0041);
  });

  it('asks in batches of at most 100 symbols', async () => {
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    const symbols = Array.from({ length: 250 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const quotes = await source.fetchQuotes(symbols);
    assert.equal(quotes.length, 250);
    assert.deepEqual(server.stats().byPath.quote, { '200': 3 });
  });

  it('refreshes an expired crumb once and repeats the request', async () => {
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    await source.fetchQuotes(['S0001']);
    server.expireCrumbs();
    const quotes = await source.fetchQuotes(['S0003']);
    assert.equal(quotes.length, 1);
    const s = server.stats();
    assert.deepEqual(s.byPath.quote, { '200': 2, '401': 1 });
    assert.deepEqual(s.byPath.crumb, { '200': 2 });
  });

  it('gives up with auth when the fresh crumb is refused too', async () => {
    // A client that loses its cookies on the way: every quote request is refused.
    const cookieless: HttpGet = (url, init) =>
      httpGet(url, {
        ...init,
        headers: { ...init.headers, cookie: url.includes('/quote') ? '' : (init.headers?.cookie ?? '') },
      });
    const source = new YahooQuoteSource({ httpGet: cookieless, baseUrl: server.url });
    await assert.rejects(source.fetchQuotes(['S0001']), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'auth');
      assert.equal(e.evidence.status, 401);
      assert.match(e.message, /Invalid Crumb/);
      assert.match(e.evidence.url ?? '', /crumb=\*\*\*/, 'the crumb is masked in evidence');
      return true;
    });
    assert.deepEqual(server.stats().byPath.quote, { '401': 2 });
  });

  it('reports a throttled crumb request as rate-limited and starts a new handshake next time', async () => {
    server.setKnobs({ faults: { rateLimited: 1 }, faultPaths: ['crumb'] });
    const source = new YahooQuoteSource({ httpGet, baseUrl: server.url });
    await assert.rejects(
      source.fetchQuotes(['S0001']),
      (e: unknown) => e instanceof SourceError && e.kind === 'rate-limited',
    );
    server.setKnobs({ faults: {} });
    assert.equal((await source.fetchQuotes(['S0001'])).length, 1);
    assert.deepEqual(server.stats().byPath.cookie, { '404': 2 });
  });

  it('derives the cookie page from the base: fc.yahoo.com for Yahoo, {base}/cookie otherwise', () => {
    assert.equal(defaultCookieUrl('https://query2.finance.yahoo.com'), 'https://fc.yahoo.com');
    assert.equal(defaultCookieUrl(server.url), server.cookieUrl);
  });

  it('rejects a batch size Yahoo would not accept', () => {
    assert.throws(() => new YahooQuoteSource({ httpGet, batchSize: 101 }), /batchSize 101 .* 1-100/);
  });
});
