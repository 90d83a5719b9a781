import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { dayFromIso, type EpochDay, isoFromDay } from '../../src/domain/epoch-day.js';
import {
  AlphaVantageDailySource,
  kindOfInformation,
} from '../../src/sources/alphavantage/alpha-vantage-daily-source.js';
import { createFetchHttpGet } from '../../src/sources/http-get.js';
import { SourceError, type SourceErrorKind } from '../../src/sources/source.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';

const KEY = 'DEMOKEY123';
const d = (iso: string) => dayFromIso(iso);
/** The server's last day is 2024-12-31; "now" for the source is the evening of that day. */
const NOW = Date.UTC(2024, 11, 31, 22);

describe('AlphaVantageDailySource against the market test server', () => {
  let server: MarketTestServer;
  let urls: string[];
  let splitSymbol = '';
  const make = (options: { adjusted?: boolean; apiKey?: string } = {}) => {
    const inner = createFetchHttpGet({ timeoutMs: 2_000 });
    return new AlphaVantageDailySource({
      httpGet: (url, init) => {
        urls.push(url);
        return inner(url, init);
      },
      apiKey: options.apiKey ?? KEY,
      baseUrl: server.url,
      adjusted: options.adjusted,
      now: () => NOW,
    });
  };

  before(async () => {
    server = await startMarketTestServer({ firstDay: '2022-06-01', lastDay: '2024-12-31' });
    // One generated symbol in 29 had a 2:1 split at its 500th bar (2024-05).
    for (let i = 0; i < 200 && splitSymbol === ''; i++) {
      const s = `S${String(i).padStart(4, '0')}`;
      if ((server.series(s)?.splits.length ?? 0) > 0) splitSymbol = s;
    }
    assert.ok(splitSymbol, 'a generated symbol with a split exists');
  });
  after(() => server.close());
  beforeEach(() => {
    urls = [];
    server.setKnobs({ faults: {}, alphaVantage: {} });
    server.reset();
  });

  it('asks for compact output within 100 days and full output beyond, with every value read as a number', async () => {
    const source = make();
    const recent = await source.fetchHistory({ symbol: 'S0001', from: d('2024-12-20'), to: d('2024-12-31') });
    assert.match(
      urls[0],
      /function=TIME_SERIES_DAILY&symbol=S0001&outputsize=compact&datatype=json&apikey=DEMOKEY123$/,
    );
    assert.deepEqual(Array.from(recent.bars.dates, isoFromDay), [
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
    assert.equal(recent.bars.close[0], served.bars.close[at]);
    assert.equal(recent.bars.volume[0], served.bars.volume[at]);
    assert.ok(Number.isNaN(recent.bars.adjClose[0]), 'TIME_SERIES_DAILY has no adjusted close');
    assert.equal(recent.timezone, 'America/New_York');

    await source.fetchHistory({ symbol: 'S0001', from: d('2024-01-02') });
    assert.match(urls[1], /outputsize=full/);
  });

  it('gives TIME_SERIES_DAILY prices as traded, and split-adjusts the ADJUSTED variant to match Yahoo', async () => {
    const served = server.series(splitSymbol);
    assert.ok(served);
    const split = served.splits[0];
    const from = (split.date - 7) as EpochDay;
    const to = (split.date + 7) as EpochDay;
    const raw = await make().fetchHistory({ symbol: splitSymbol, from, to });
    const adjusted = await make({ adjusted: true }).fetchHistory({ symbol: splitSymbol, from, to });
    assert.match(urls[1], /function=TIME_SERIES_DAILY_ADJUSTED/);
    assert.deepEqual(adjusted.splits, [{ date: split.date, numerator: 2, denominator: 1 }]);
    const at = served.bars.dates.indexOf(raw.bars.dates[0]);
    for (let i = 0; i < raw.bars.dates.length; i++) {
      const yahooClose = served.bars.close[at + i];
      const before = raw.bars.dates[i] < split.date;
      assert.ok(Math.abs(raw.bars.close[i] - yahooClose * (before ? 2 : 1)) < 1e-3, `raw close ${i}`);
      assert.ok(Math.abs(adjusted.bars.close[i] - yahooClose) < 1e-3, `adjusted close ${i}`);
      assert.ok(Math.abs(adjusted.bars.volume[i] - served.bars.volume[at + i]) <= 2, `adjusted volume ${i}`);
    }
    assert.match(raw.notes?.[0] ?? '', /as traded/);
  });

  it('reads dividends of the ADJUSTED variant on the split-adjusted basis', async () => {
    const served = server.series('S0001');
    assert.ok(served && served.dividends.length > 0);
    const last = served.dividends.at(-1);
    assert.ok(last);
    const h = await make({ adjusted: true }).fetchHistory({ symbol: 'S0001', from: last.date, to: last.date });
    assert.equal(h.dividends.length, 1);
    assert.ok(Math.abs(h.dividends[0].amount - last.amount) < 1e-4);
  });

  const bodyCases: [string, Parameters<MarketTestServer['setKnobs']>[0], SourceErrorKind, RegExp][] = [
    ['the old "Note" body', { alphaVantage: { noteRate: 1 } }, 'rate-limited', /"Note".*5 calls per minute/],
    [
      'the burst "Information" body',
      { alphaVantage: { informationRate: 1 } },
      'rate-limited',
      /"Information".*more sparingly/,
    ],
    ['the per-minute throttle', { alphaVantage: { perMinute: 1 } }, 'rate-limited', /more sparingly/],
    ['the premium-only ADJUSTED function', { alphaVantage: { premium: false } }, 'auth', /premium endpoint/],
    ['an unknown API key', { alphaVantage: { apiKeys: ['OTHER'] } }, 'auth', /apikey is invalid or missing/],
  ];
  for (const [name, knobs, kind, message] of bodyCases) {
    it(`turns ${name} (HTTP 200) into ${kind}`, async () => {
      server.setKnobs(knobs);
      const source = make({ adjusted: name.includes('ADJUSTED') });
      // The per-minute bucket lets the first request through.
      if (name.includes('per-minute')) await source.fetchHistory({ symbol: 'S0001', from: d('2024-12-30') });
      await assert.rejects(source.fetchHistory({ symbol: 'S0001', from: d('2024-12-30') }), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, kind);
        assert.match(e.message, message);
        assert.equal(e.evidence.status, 200);
        return true;
      });
    });
  }

  it('turns the daily allowance used up into quota and never shows the API key', async () => {
    server.setKnobs({ alphaVantage: { perDay: 1 } });
    const source = make();
    await source.fetchHistory({ symbol: 'S0001', from: d('2024-12-30') });
    await assert.rejects(source.fetchHistory({ symbol: 'S0002', from: d('2024-12-30') }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'quota');
      assert.equal(e.retryable, false);
      assert.match(e.message, /1 requests per day/);
      assert.ok(!e.message.includes(KEY), 'message hides the key');
      assert.ok(!(e.evidence.bodyStart ?? '').includes(KEY), 'body evidence hides the key');
      assert.match(e.evidence.url ?? '', /apikey=\*\*\*$/);
      return true;
    });
  });

  it('turns "Error Message" for an unknown symbol into not-found', async () => {
    await assert.rejects(make().fetchHistory({ symbol: 'NONEXIST', from: d('2024-12-30') }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /NONEXIST.*Invalid API call/);
      return true;
    });
  });

  const faultCases: [string, SourceErrorKind][] = [
    ['html', 'html'],
    ['malformedJson', 'malformed'],
    ['wrongShape', 'malformed'],
    ['status5xx', 'server-error'],
    ['truncated', 'truncated'],
  ];
  for (const [fault, kind] of faultCases) {
    it(`turns the ${fault} fault into ${kind}, with the key masked in the evidence URL`, async () => {
      server.setKnobs({ faults: { [fault]: 1 } });
      await assert.rejects(make().fetchHistory({ symbol: 'S0001', from: d('2024-12-30') }), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, kind);
        assert.ok(!JSON.stringify(e.evidence).includes(KEY));
        assert.ok(!e.message.includes(KEY));
        return true;
      });
    });
  }

  it('tells the three kinds of "Information" apart', () => {
    assert.equal(kindOfInformation('our standard API rate limit is 25 requests per day.'), 'quota');
    assert.equal(
      kindOfInformation('Please consider spreading out your free API requests more sparingly (1 request per second).'),
      'rate-limited',
    );
    assert.equal(
      kindOfInformation('This is a premium endpoint. You may subscribe to any of the premium plans'),
      'auth',
    );
  });
});
