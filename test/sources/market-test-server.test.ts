import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { dayFromIso, isoFromDay } from '../../src/domain/epoch-day.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { loadYahooFixture } from '../support/yahoo-fixture.js';

interface ChartJson {
  chart: {
    result: {
      meta: Record<string, unknown>;
      timestamp?: number[];
      indicators: { quote: Record<string, (number | null)[]>[]; adjclose?: Record<string, (number | null)[]>[] };
    }[];
  };
}

async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' };
}

describe('market test server', () => {
  let server: MarketTestServer;
  const chart = (symbol: string, query = 'period1=0&period2=2000000000') =>
    `${server.url}/v8/finance/chart/${encodeURIComponent(symbol)}?${query}&interval=1d&events=div%7Csplit&includeAdjustedClose=true`;

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2024-01-02', lastDay: '2024-12-31' });
  });
  after(() => server.close());
  beforeEach(() => {
    server.setKnobs({ faults: {}, scriptedFaults: null, rateLimit: null, latencyMs: 0 });
    server.reset();
  });

  it('generates the same history for a symbol and seed every time, and another for another seed', async () => {
    const again = await startMarketTestServer({ firstDay: '2024-01-02', lastDay: '2024-12-31' });
    const other = await startMarketTestServer({ firstDay: '2024-01-02', lastDay: '2024-12-31', seed: 2 });
    try {
      const a = (await get(chart('S0042'))).body;
      assert.equal(
        (await get(`${again.url}/v8/finance/chart/S0042?period1=0&period2=2000000000&interval=1d&events=div%7Csplit`))
          .body,
        a,
      );
      assert.notEqual(
        (await get(`${other.url}/v8/finance/chart/S0042?period1=0&period2=2000000000&interval=1d&events=div%7Csplit`))
          .body,
        a,
      );
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('serves the bars whose session starts in [period1, period2)', async () => {
    const served = server.series('S0001');
    assert.ok(served);
    const k = 100;
    const r = await get(chart('S0001', `period1=${served.timestamps[k]}&period2=${served.timestamps[k + 3]}`));
    const json = JSON.parse(r.body) as ChartJson;
    assert.deepEqual(json.chart.result[0].timestamp, [
      served.timestamps[k],
      served.timestamps[k + 1],
      served.timestamps[k + 2],
    ]);
    assert.equal(json.chart.result[0].indicators.quote[0].close.length, 3);
    assert.equal(json.chart.result[0].meta.exchangeTimezoneName, 'America/New_York');
  });

  it('answers a range without bars like Yahoo: no timestamp, indicators.quote [{}]', async () => {
    const sat = dayFromIso('2024-12-28') * 86_400;
    const json = JSON.parse((await get(chart('S0001', `period1=${sat}&period2=${sat + 86_400}`))).body) as ChartJson;
    assert.equal(json.chart.result[0].timestamp, undefined);
    assert.deepEqual(json.chart.result[0].indicators.quote, [{}]);
  });

  it('answers an unknown symbol with exactly the recorded 404 body, and a reversed range with 400', async () => {
    const recorded = loadYahooFixture('historical-via-chart-SI-2020-01-01-to-2020-01-03.json');
    const r = await get(chart('SI'));
    assert.equal(r.status, 404);
    assert.equal(r.body, recorded.body);
    const bad = await get(chart('S0001', 'period1=20&period2=10'));
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { chart: { error: { code: string } } }).chart.error.code, 'Bad Request');
  });

  it('fails exactly the first attempt of every Nth symbol when scripted', async () => {
    server.setKnobs({ scriptedFaults: { kind: 'status5xx', everyNth: 10 } });
    const symbols = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const first = await Promise.all(symbols.map(async (s) => [s, (await get(chart(s))).status] as const));
    assert.deepEqual(
      first.filter(([, status]) => status !== 200).map(([s]) => s),
      ['S0000', 'S0010', 'S0020', 'S0030', 'S0040'],
    );
    const second = await Promise.all(symbols.map(async (s) => (await get(chart(s))).status));
    assert.ok(second.every((status) => status === 200));
    assert.equal(server.stats().faults.status5xx, 5);
    assert.equal(server.requestsFor('S0010'), 2);
  });

  it('throttles over the token bucket with a plain-text 429 and counts it', async () => {
    server.setKnobs({ rateLimit: { perSecond: 0.001, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await get(chart('S0001')));
    assert.deepEqual(
      statuses.map((r) => r.status),
      [200, 200, 200, 429, 429],
    );
    assert.equal(statuses[4].body, 'Too Many Requests');
    assert.match(statuses[4].type, /text\/plain/);
    assert.equal(server.stats().rateLimited, 2);
  });

  it('counts requests by path and status, bytes sent, the concurrency peak, and cache hits', async () => {
    server.setKnobs({ latencyMs: [20, 30] });
    const bodies = await Promise.all(Array.from({ length: 8 }, () => get(chart('S0005'))));
    await get(chart('NONEXIST'));
    const s = server.stats();
    assert.deepEqual(s.byPath.chart, { '200': 8, '404': 1 });
    assert.equal(s.requests, 9);
    assert.equal(s.maxConcurrent, 8);
    assert.equal(s.inFlight, 0);
    assert.equal(s.chartSymbols, 2);
    assert.ok(s.cacheHits >= 7, 'one body built, the rest from the cache');
    assert.equal(s.latencyHeld, 9, 'every answer held for the latency');
    const bytes =
      bodies.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0) +
      Buffer.byteLength(loadYahooFixture('historical-via-chart-SI-2020-01-01-to-2020-01-03.json').body);
    assert.equal(s.bytesSent, bytes);
    server.reset();
    assert.equal(server.stats().requests, 0);
  });

  it('appends one trading day to every series, skipping the weekend', async () => {
    const fresh = await startMarketTestServer({ firstDay: '2024-06-03', lastDay: '2024-12-27' });
    try {
      fresh.setSeries('SET', [
        { date: dayFromIso('2024-12-27'), open: 10, high: 11, low: 9, close: 10, adjClose: 10, volume: 5 },
      ]);
      const before = fresh.series('S0001')?.bars.dates.length ?? 0;
      assert.equal(isoFromDay(fresh.addDay()), '2024-12-30');
      assert.equal(fresh.series('S0001')?.bars.dates.length, before + 1);
      assert.deepEqual(Array.from(fresh.series('SET')?.bars.dates ?? [], isoFromDay), ['2024-12-27', '2024-12-30']);
    } finally {
      await fresh.close();
    }
  });

  it('demands the crumb for quotes', async () => {
    const r = await get(`${server.url}/v7/finance/quote?symbols=S0001&crumb=nope`);
    assert.equal(r.status, 401);
    assert.match(r.body, /Invalid Crumb/);
  });

  it('speaks Alpha Vantage: newest first, strings only, compact = the last 100 days', async () => {
    const r = await get(
      `${server.url}/query?function=TIME_SERIES_DAILY&symbol=S0001&outputsize=compact&datatype=json&apikey=K`,
    );
    const json = JSON.parse(r.body) as {
      'Meta Data': Record<string, string>;
      'Time Series (Daily)': Record<string, Record<string, string>>;
    };
    assert.equal(json['Meta Data']['2. Symbol'], 'S0001');
    assert.equal(json['Meta Data']['5. Time Zone'], 'US/Eastern');
    const dates = Object.keys(json['Time Series (Daily)']);
    assert.equal(dates.length, 100);
    assert.equal(dates[0], '2024-12-31');
    assert.ok(dates[0] > dates[1]);
    assert.deepEqual(Object.keys(json['Time Series (Daily)'][dates[0]]), [
      '1. open',
      '2. high',
      '3. low',
      '4. close',
      '5. volume',
    ]);
    assert.ok(Object.values(json['Time Series (Daily)'][dates[0]]).every((v) => typeof v === 'string'));
    const noKey = await get(`${server.url}/query?function=TIME_SERIES_DAILY&symbol=S0001`);
    assert.match(noKey.body, /"Error Message"/);
  });
});
