import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import { storeWithGaps } from '../support/backfill-gaps.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { getJson, openEventStream, postJson, startTestServer, type TestServer } from './server-test-kit.js';

describe('POST /api/jobs queues a backfill', () => {
  let market: MarketTestServer;
  let t: TestServer;
  before(async () => {
    market = await startMarketTestServer();
    t = await startTestServer({ settings: { yahooBaseUrl: market.url, fetchRetries: 0 } });
  });
  after(async () => {
    await t.close();
    await market.close();
  });

  it('runs it: the gaps are filled and the run holds the per-ticker results', async () => {
    const missing = await storeWithGaps(market, t.store, { APIA: ['2024-12-09', '2024-12-10'], APIB: ['2024-11-04'] });
    const stream = await openEventStream(t.base);
    try {
      const posted = await postJson(t.base, '/api/jobs', {
        kind: 'backfill',
        params: { tickers: ['APIA', 'APIB'], workers: 2, from: '2024-11-01' },
      });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      assert.equal(posted.body.kind, 'backfill');
      const id = posted.body.id;
      await stream.until((e) => e.event === 'finished' && e.data.run.id === id);
      const run = (await getJson(t.base, `/api/jobs/${id}`)).body;
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.deepEqual(run.params, { tickers: ['APIA', 'APIB'], workers: 2, from: '2024-11-01' });
      assert.equal(run.metrics.barsAdded, missing);
      assert.deepEqual(
        run.metrics.results.map((r: { symbol: string; status: string }) => [r.symbol, r.status]),
        [
          ['APIA', 'saved'],
          ['APIB', 'saved'],
        ],
      );
    } finally {
      stream.close();
    }
    const report = await computeCoverage(t.store, { symbols: ['APIA', 'APIB'] });
    assert.equal(report.summary.complete, 2);
  });

  it('serves a ticker’s chart with what a backfill added to it, a dividend beside unchanged bars included', async () => {
    await storeWithGaps(market, t.store, { APID: [] });
    const chart = async () => (await getJson(t.base, '/api/ticker/APID/bars?from=2024-11-01')).body.data;
    assert.deepEqual((await chart()).dividends, []);
    // The source knows of a dividend the store lacks; a whole-range backfill brings it, the bars the same.
    const served = market.series('APID');
    assert.ok(served);
    market.setSeries('APID', served.bars, [{ date: dayFromIso('2024-12-02'), amount: 0.25 }]);
    const before = await chart();
    const run = await (await t.runtime.queue.enqueue('backfill', { tickers: 'APID', gaps: false })).done;
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const after = await chart();
    assert.deepEqual(after.close, before.close);
    assert.deepEqual(
      after.dividends.map((d: { date: string; amount: number }) => [d.date, d.amount]),
      [['2024-12-02', 0.25]],
    );
  });

  it('refuses a bad param naming the field and the value, queueing nothing', async () => {
    const before = (await t.runtime.queue.list({ kind: 'backfill', limit: 100 })).length;
    const workers = await postJson(t.base, '/api/jobs', { kind: 'backfill', params: { workers: 0 } });
    assert.equal(workers.status, 400);
    assert.match(workers.body.error.message, /param "workers" of a backfill job is 0; /);
    const both = await postJson(t.base, '/api/jobs', { kind: 'backfill', params: { days: 7, from: '2024-12-01' } });
    assert.equal(both.status, 400);
    assert.match(both.body.error.message, /param "from" of a backfill job is "2024-12-01"; days and from both/);
    const twice = await postJson(t.base, '/api/jobs', {
      kind: 'backfill',
      params: { universe: 'sp500', tickers: 'AAPL' },
    });
    assert.equal(twice.status, 400);
    assert.match(twice.body.error.message, /param "tickers" of a backfill job is "AAPL"; universe and tickers both/);
    const source = await postJson(t.base, '/api/jobs', { kind: 'backfill', params: { source: 'stooq' } });
    assert.equal(source.status, 400);
    assert.match(source.body.error.message, /param "source" of a backfill job is "stooq"; .*yahoo.*alphavantage/);
    assert.equal((await t.runtime.queue.list({ kind: 'backfill', limit: 100 })).length, before);
  });
});
