import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Bar } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay, isoFromDay } from '../../src/domain/epoch-day.js';
import { createFetchHttpGet } from '../../src/sources/http-get.js';
import { SourceError, type SourceErrorKind } from '../../src/sources/source.js';
import { YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { type FaultKind, type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';

const d = (iso: string) => dayFromIso(iso);
const iso = (days: ArrayLike<number>) => Array.from(days, isoFromDay);

describe('YahooChartSource against the market test server', () => {
  let server: MarketTestServer;
  let source: YahooChartSource;

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2023-06-01', lastDay: '2024-12-31' });
    source = new YahooChartSource({ httpGet: createFetchHttpGet({ timeoutMs: 2_000 }), baseUrl: server.url });
  });
  after(() => server.close());
  beforeEach(() => {
    server.setKnobs({
      faults: {},
      scriptedFaults: null,
      rateLimit: null,
      nullCurrentDay: false,
      duplicateLastBar: false,
      stallMs: null,
    });
    server.reset();
  });

  it('returns exactly the served bars of [from, to], on exchange dates, with the instrument info', async () => {
    const h = await source.fetchHistory({ symbol: 'S0001', from: d('2024-12-20'), to: d('2024-12-31') });
    assert.deepEqual(iso(h.bars.dates), [
      '2024-12-20',
      '2024-12-23',
      '2024-12-24',
      '2024-12-26',
      '2024-12-27',
      '2024-12-30',
      '2024-12-31',
    ]);
    const served = server.series('S0001');
    assert.ok(served);
    const at = served.bars.dates.indexOf(d('2024-12-20'));
    for (let i = 0; i < h.bars.dates.length; i++) {
      assert.equal(h.bars.close[i], served.bars.close[at + i]);
      assert.equal(h.bars.open[i], served.bars.open[at + i]);
      assert.equal(h.bars.volume[i], served.bars.volume[at + i]);
    }
    assert.deepEqual(h.info, { name: 'S0001 Test Corp.', exchange: 'NMS', currency: 'USD', type: 'EQUITY' });
    assert.equal(h.timezone, 'America/New_York');
  });

  it('asks for the whole history from period1=0 when no start is given', async () => {
    const h = await source.fetchHistory({ symbol: 'S0002' });
    const served = server.series('S0002');
    assert.ok(served);
    assert.equal(h.bars.dates.length, served.bars.dates.length);
    assert.equal(isoFromDay(h.bars.dates[0]), '2023-06-01');
    assert.equal(isoFromDay(h.bars.dates.at(-1) ?? 0), '2024-12-31');
  });

  it('returns an empty series, not an error, for a range without trading days', async () => {
    const h = await source.fetchHistory({ symbol: 'S0003', from: d('2024-12-28'), to: d('2024-12-29') });
    assert.equal(h.bars.dates.length, 0);
    assert.deepEqual(h.dividends, []);
  });

  it('reads dividends and splits in the exchange zone and keeps only those in range', async () => {
    // S0001 pays dividends (one generated symbol in three does) every 63 bars.
    const served = server.series('S0001');
    assert.ok(served && served.dividends.length > 2);
    const first = served.dividends[0];
    const h = await source.fetchHistory({
      symbol: 'S0001',
      from: first.date as EpochDay,
      to: served.dividends[1].date as EpochDay,
    });
    assert.deepEqual(
      h.dividends.map((x) => [isoFromDay(x.date), x.amount]),
      served.dividends.slice(0, 2).map((x) => [isoFromDay(x.date), x.amount]),
    );
    assert.ok(h.bars.adjClose[0] < h.bars.close[0], 'adjusted close is below close before a dividend');
  });

  it('answers an unknown symbol with not-found and Yahoo description, retry-free', async () => {
    await assert.rejects(source.fetchHistory({ symbol: 'NONEXIST' }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'not-found');
      assert.equal(e.retryable, false);
      assert.match(e.message, /NONEXIST.*No data found, symbol may be delisted/);
      assert.equal(e.evidence.status, 404);
      return true;
    });
  });

  const faultCases: [FaultKind, SourceErrorKind, (e: SourceError) => void][] = [
    ['status5xx', 'server-error', (e) => assert.ok((e.evidence.status ?? 0) >= 500)],
    ['rateLimited', 'rate-limited', (e) => assert.equal(e.evidence.bodyStart, 'Too Many Requests')],
    ['truncated', 'truncated', (e) => assert.equal(e.evidence.status, 200)],
    ['cutBody', 'truncated', (e) => assert.ok((e.evidence.bodyStart ?? '').startsWith('{"chart"'))],
    ['malformedJson', 'malformed', (e) => assert.match(e.message, /not valid JSON/)],
    ['wrongShape', 'malformed', (e) => assert.match(e.message, /at chart\.result\[0\]\.timestamp/)],
    ['html', 'html', (e) => assert.ok((e.evidence.bodyStart ?? '').startsWith('<!DOCTYPE html>'))],
    ['reset', 'network', (e) => assert.match(e.evidence.url ?? '', /\/v8\/finance\/chart\/S0004/)],
  ];
  for (const [fault, kind, check] of faultCases) {
    it(`turns the ${fault} fault into a ${kind} SourceError with evidence and returns nothing`, async () => {
      server.setKnobs({ faults: { [fault]: 1 } });
      await assert.rejects(
        source.fetchHistory({ symbol: 'S0004', from: d('2024-12-02'), to: d('2024-12-31') }),
        (e: unknown) => {
          assert.ok(e instanceof SourceError, `expected a SourceError, got ${String(e)}`);
          assert.equal(e.kind, kind);
          assert.match(e.message, /S0004/);
          assert.ok(e.evidence.url, 'evidence names the URL');
          check(e);
          return true;
        },
      );
      assert.equal(server.stats().faults[fault], 1);
    });
  }

  it('turns a response held beyond the timeout into timeout', async () => {
    server.setKnobs({ faults: { stall: 1 }, stallMs: null });
    const quick = new YahooChartSource({ httpGet: createFetchHttpGet({ timeoutMs: 150 }), baseUrl: server.url });
    await assert.rejects(quick.fetchHistory({ symbol: 'S0005' }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /S0005.*timed out after 150 ms/);
      return true;
    });
  });

  it('reports the rate limit as rate-limited with Retry-After in ms and the plain-text body', async () => {
    server.setKnobs({
      rateLimit: { perSecond: 0.001, burst: 1, retryAfterSeconds: 3, body: 'Edge: Too Many Requests' },
    });
    await source.fetchHistory({ symbol: 'S0006', from: d('2024-12-30') });
    await assert.rejects(source.fetchHistory({ symbol: 'S0006', from: d('2024-12-30') }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'rate-limited');
      assert.equal(e.retryable, true);
      assert.equal(e.evidence.status, 429);
      assert.equal(e.evidence.retryAfterMs, 3000);
      assert.equal(e.evidence.bodyStart, 'Edge: Too Many Requests');
      return true;
    });
  });

  it('makes exactly one request per call: the scripted first-attempt failure is left to the caller to retry', async () => {
    server.setKnobs({ scriptedFaults: { kind: 'status5xx', symbols: ['S0007'] } });
    await assert.rejects(
      source.fetchHistory({ symbol: 'S0007' }),
      (e: unknown) => e instanceof SourceError && e.kind === 'server-error',
    );
    assert.equal(server.requestsFor('S0007'), 1);
    const h = await source.fetchHistory({ symbol: 'S0007' });
    assert.ok(h.bars.dates.length > 0);
    assert.equal(server.requestsFor('S0007'), 2);
  });

  it('dates a US bar by its 09:30 New York session start in summer (13:30 UTC) and in winter (14:30 UTC)', async () => {
    const h = await source.fetchHistory({ symbol: 'S0008', from: d('2024-01-02'), to: d('2024-07-01') });
    const served = server.series('S0008');
    assert.ok(served);
    const winter = served.bars.dates.indexOf(d('2024-01-02'));
    const summer = served.bars.dates.indexOf(d('2024-07-01'));
    assert.equal(new Date(served.timestamps[winter] * 1000).toISOString(), '2024-01-02T14:30:00.000Z');
    assert.equal(new Date(served.timestamps[summer] * 1000).toISOString(), '2024-07-01T13:30:00.000Z');
    assert.equal(isoFromDay(h.bars.dates[0]), '2024-01-02');
    assert.equal(isoFromDay(h.bars.dates.at(-1) ?? 0), '2024-07-01');
  });

  it('dates a futures bar stamped at local midnight on its own day in summer, where the winter gmtoffset would not', async () => {
    const h = await source.fetchHistory({ symbol: 'ES=F', from: d('2024-07-01'), to: d('2024-07-03') });
    assert.deepEqual(iso(h.bars.dates), ['2024-07-01', '2024-07-02', '2024-07-03']);
    const served = server.series('ES=F');
    assert.ok(served);
    assert.equal(served.timezone, 'America/Chicago');
    const ts = served.timestamps[served.bars.dates.indexOf(d('2024-07-01'))];
    assert.equal(new Date(ts * 1000).toISOString(), '2024-07-01T05:00:00.000Z', 'midnight CDT');
    // meta.gmtoffset is the offset at request time (December: CST, -6 h); applied to the summer bar it gives June 30.
    const body = (await (await fetch(`${server.url}/v8/finance/chart/ES%3DF?period1=0&period2=2000000000`)).json()) as {
      chart: { result: { meta: { gmtoffset: number } }[] };
    };
    const gmtoffset = body.chart.result[0].meta.gmtoffset;
    assert.equal(gmtoffset, -21_600);
    assert.equal(isoFromDay(Math.floor((ts + gmtoffset) / 86_400)), '2024-06-30');
  });

  it('reads a .DE listing in Europe/Berlin and an .AX listing whose summer session starts the UTC day before', async () => {
    const de = await source.fetchHistory({ symbol: 'WSU.DE', from: d('2024-08-05'), to: d('2024-08-07') });
    assert.deepEqual(iso(de.bars.dates), ['2024-08-05', '2024-08-06', '2024-08-07']);
    assert.equal(de.timezone, 'Europe/Berlin');
    assert.equal(de.info.currency, 'EUR');
    // 10:00 AEDT on 2024-01-15 is 23:00 UTC on 2024-01-14: a window of UTC midnights alone would miss it.
    const ax = await source.fetchHistory({ symbol: 'BHP.AX', from: d('2024-01-15'), to: d('2024-01-15') });
    assert.deepEqual(iso(ax.bars.dates), ['2024-01-15']);
    const served = server.series('BHP.AX');
    assert.ok(served);
    assert.equal(
      new Date(served.timestamps[served.bars.dates.indexOf(d('2024-01-15'))] * 1000).toISOString(),
      '2024-01-14T23:00:00.000Z',
    );
  });

  it('drops a row of nulls (the still-open day) instead of storing zeros, and says so', async () => {
    server.setKnobs({ nullCurrentDay: true });
    const h = await source.fetchHistory({ symbol: 'S0009', from: d('2024-12-27') });
    assert.deepEqual(iso(h.bars.dates), ['2024-12-27', '2024-12-30', '2024-12-31']);
    assert.ok(h.bars.close.every((x) => x > 0));
    assert.match(h.notes?.join(' ') ?? '', /dropped 1 bar\(s\) without a close.*2025-01-02/);
  });

  it('keeps the later of two bars on one date and notes the repair', async () => {
    server.setKnobs({ duplicateLastBar: true });
    const h = await source.fetchHistory({ symbol: 'S0010', from: d('2024-12-30') });
    assert.deepEqual(iso(h.bars.dates), ['2024-12-30', '2024-12-31']);
    assert.match(h.notes?.join(' ') ?? '', /1 duplicate date/);
  });

  it('serves a set series with a holiday row of nulls as bars without that day', async () => {
    const bar = (date: string, close: number): Bar => ({
      date: d(date),
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      adjClose: close,
      volume: 1000,
    });
    server.setSeries('HOLI', [
      bar('2024-07-02', 10),
      bar('2024-07-03', 11),
      { ...bar('2024-07-04', Number.NaN) },
      bar('2024-07-05', 12),
    ]);
    const h = await source.fetchHistory({ symbol: 'HOLI', from: d('2024-07-01'), to: d('2024-07-05') });
    assert.deepEqual(iso(h.bars.dates), ['2024-07-02', '2024-07-03', '2024-07-05']);
    assert.deepEqual(Array.from(h.bars.close), [10, 11, 12]);
  });

  it('sees a split that appeared between two runs: earlier prices divided, the split on its date', async () => {
    const before = await source.fetchHistory({ symbol: 'S0011', from: d('2024-12-02'), to: d('2024-12-31') });
    server.addSplit('S0011', '2024-12-16', 4, 1);
    const afterSplit = await source.fetchHistory({ symbol: 'S0011', from: d('2024-12-02'), to: d('2024-12-31') });
    assert.deepEqual(afterSplit.splits, [{ date: d('2024-12-16'), numerator: 4, denominator: 1 }]);
    assert.equal(afterSplit.bars.dates.length, before.bars.dates.length);
    for (let i = 0; i < before.bars.dates.length; i++) {
      assert.ok(Math.abs(afterSplit.bars.close[i] - before.bars.close[i] / 4) < 1e-4, `close ${i} divided by 4`);
      assert.ok(Math.abs(afterSplit.bars.volume[i] - before.bars.volume[i] * 4) < 1, `volume ${i} times 4`);
    }
  });

  it('passes a cancellation by the caller on as an abort, not as a source failure', async () => {
    server.setKnobs({ faults: { stall: 1 } });
    const controller = new AbortController();
    const pending = source.fetchHistory({ symbol: 'S0012', signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, (e: unknown) => !(e instanceof SourceError) && (e as Error).name === 'AbortError');
  });

  it('refuses a symbol no exchange could list as bad-request without a request', async () => {
    await assert.rejects(
      source.fetchHistory({ symbol: 'AA PL' }),
      (e: unknown) => e instanceof SourceError && e.kind === 'bad-request',
    );
    assert.equal(server.stats().requests, 0);
  });
});
