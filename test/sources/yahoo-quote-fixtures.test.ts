import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { YahooQuoteSource } from '../../src/sources/yahoo/yahoo-quote-source.js';
import { loadYahooFixture, type RecordedResponse, replayHttpGet } from '../support/yahoo-fixture.js';

const BASE = 'https://query2.finance.yahoo.com';

/** The handshake answered like Yahoo (fc.yahoo.com: 404 that sets A3; getcrumb: the crumb as text), then the recording. */
function quoteSourceReplaying(file: string) {
  const cookiePage: Pick<RecordedResponse, 'status' | 'headers' | 'body'> = {
    status: 404,
    headers: {
      'set-cookie':
        'A3=d=AQABBKvc&S=AQAAAtFJa; Expires=Sat, 21 Feb 2026 11:10:14 GMT; Max-Age=31557600; Domain=.yahoo.com; Path=/; SameSite=None; Secure; HttpOnly',
    },
    body: '<html></html>',
  };
  const httpGet = replayHttpGet([
    [(url) => url.startsWith('https://fc.yahoo.com'), cookiePage],
    [
      (url) => url.includes('/v1/test/getcrumb'),
      { status: 200, headers: { 'content-type': 'text/plain' }, body: 'haT3oykhHqZ' },
    ],
    [(url) => url.includes('/v7/finance/quote'), loadYahooFixture(file)],
  ]);
  return { source: new YahooQuoteSource({ httpGet, baseUrl: BASE }), httpGet };
}

describe('YahooQuoteSource on recorded quote responses', () => {
  it('maps every screener field of the recorded AAPL quote, dividend yield from percent to a fraction', async () => {
    const { source, httpGet } = quoteSourceReplaying('quote-AAPL.json');
    const quotes = await source.fetchQuotes(['AAPL']);
    assert.deepEqual(quotes, [
      {
        symbol: 'AAPL',
        name: 'Apple Inc.',
        exchange: 'NMS',
        currency: 'USD',
        quoteType: 'EQUITY',
        price: 244.6,
        marketCap: 3674405863424,
        trailingPE: 38.763866,
        forwardPE: 29.434416,
        eps: 6.31,
        dividendYield: 0.0041,
        fiftyTwoWeekHigh: 260.1,
        fiftyTwoWeekLow: 164.08,
        averageVolume: 50443058,
        sharesOutstanding: 15022100480,
      },
    ]);
    // Cookie page, crumb, then the quote with both.
    assert.equal(httpGet.calls.length, 3);
    assert.equal(httpGet.calls[0].url, 'https://fc.yahoo.com');
    assert.equal(httpGet.calls[1].url, `${BASE}/v1/test/getcrumb`);
    assert.equal(httpGet.calls[1].headers.cookie, 'A3=d=AQABBKvc&S=AQAAAtFJa');
    assert.equal(httpGet.calls[2].url, `${BASE}/v7/finance/quote?symbols=AAPL&crumb=haT3oykhHqZ`);
    assert.equal(httpGet.calls[2].headers.cookie, 'A3=d=AQABBKvc&S=AQAAAtFJa');
  });

  it('reads both results of the recorded AAPL,BABA batch, asked as one request', async () => {
    const { source, httpGet } = quoteSourceReplaying('quote-AAPL-BABA.json');
    const quotes = await source.fetchQuotes(['AAPL', 'BABA']);
    assert.deepEqual(
      quotes.map((q) => [q.symbol, q.name, q.exchange]),
      [
        ['AAPL', 'Apple Inc.', 'NMS'],
        ['BABA', 'Alibaba Group Holding Limited', 'NYQ'],
      ],
    );
    assert.equal(httpGet.calls.at(-1)?.url, `${BASE}/v7/finance/quote?symbols=AAPL%2CBABA&crumb=haT3oykhHqZ`);
  });

  it('returns nothing, and no error, for the recorded unknown symbol NONEXIST', async () => {
    const { source } = quoteSourceReplaying('quoteCombine-NONEXIST.json');
    assert.deepEqual(await source.fetchQuotes(['NONEXIST']), []);
  });
});
