import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayFromIso, isoFromDay } from '../../src/domain/epoch-day.js';
import { SourceError } from '../../src/sources/source.js';
import { isYahooDownloadCsv, YahooChartSource } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { loadYahooFixture, replayHttpGet, replayOne } from '../support/yahoo-fixture.js';

/** Every recorded v8 chart response parsed by the real source (test/fixtures/yahoo/README.md says why each is kept). */
function sourceFor(file: string) {
  const httpGet = replayOne(file);
  return { source: new YahooChartSource({ httpGet, baseUrl: 'https://query2.finance.yahoo.com' }), httpGet };
}

const iso = (days: ArrayLike<number>) => Array.from(days, isoFromDay);

describe('YahooChartSource on recorded chart responses', () => {
  it('reads AAPL 2020-08-31..2020-11-06: 49 bars, the 4:1 split on the first bar, the 0.205 dividend on the last', async () => {
    const { source, httpGet } = sourceFor('chart-AAPL-2020-08-31-to-2020-11-07.json');
    const h = await source.fetchHistory({
      symbol: 'AAPL',
      from: dayFromIso('2020-08-31'),
      to: dayFromIso('2020-11-06'),
    });
    assert.equal(h.bars.dates.length, 49);
    assert.equal(isoFromDay(h.bars.dates[0]), '2020-08-31');
    assert.equal(isoFromDay(h.bars.dates[48]), '2020-11-06');
    assert.deepEqual(h.splits, [{ date: dayFromIso('2020-08-31'), numerator: 4, denominator: 1 }]);
    assert.deepEqual(h.dividends, [{ date: dayFromIso('2020-11-06'), amount: 0.205 }]);
    assert.equal(h.bars.close[0], 129.0399932861328);
    assert.equal(h.bars.adjClose[0], 125.82673645019531);
    assert.equal(h.bars.volume[0], 225702700);
    assert.deepEqual(h.info, { name: 'Apple Inc.', exchange: 'NMS', currency: 'USD', type: 'EQUITY' });
    assert.equal(h.timezone, 'America/New_York');
    assert.equal(h.notes, undefined);
    assert.match(
      httpGet.calls[0].url,
      /\/v8\/finance\/chart\/AAPL\?period1=\d+&period2=\d+&interval=1d&events=div%7Csplit&includeAdjustedClose=true$/,
    );
  });

  it('reads GOOG 2020-01-02 as one bar with no events key at all', async () => {
    const { source } = sourceFor('chart-GOOG-2020-01-01-to-2020-01-03.json');
    const h = await source.fetchHistory({
      symbol: 'GOOG',
      from: dayFromIso('2020-01-01'),
      to: dayFromIso('2020-01-02'),
    });
    assert.deepEqual(iso(h.bars.dates), ['2020-01-02']);
    assert.equal(h.bars.open[0], 67.07749938964844);
    assert.deepEqual(h.dividends, []);
    assert.deepEqual(h.splits, []);
  });

  it('dates WSU.DE bars in Europe/Berlin (09:00 CEST = 07:00 UTC) with EUR and the XETRA exchange code', async () => {
    const { source } = sourceFor('chart-WSU.DE-2023-08-04-to-2023-08-09.json');
    const h = await source.fetchHistory({
      symbol: 'WSU.DE',
      from: dayFromIso('2023-08-04'),
      to: dayFromIso('2023-08-09'),
    });
    assert.deepEqual(iso(h.bars.dates), ['2023-08-04', '2023-08-07', '2023-08-08']);
    assert.equal(h.timezone, 'Europe/Berlin');
    assert.equal(h.info.currency, 'EUR');
    assert.equal(h.info.exchange, 'GER');
    assert.deepEqual(Array.from(h.bars.volume), [1251, 336, 10846]);
  });

  it('reads MSFT 2021-02-01..2022-01-28 as 252 bars with its 4 quarterly dividends', async () => {
    const { source } = sourceFor('historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json');
    const h = await source.fetchHistory({
      symbol: 'MSFT',
      from: dayFromIso('2021-02-01'),
      to: dayFromIso('2022-01-31'),
    });
    assert.equal(h.bars.dates.length, 252);
    assert.equal(isoFromDay(h.bars.dates[251]), '2022-01-28');
    assert.deepEqual(
      h.dividends.map((d) => [isoFromDay(d.date), d.amount]),
      [
        ['2021-02-17', 0.56],
        ['2021-05-19', 0.56],
        ['2021-08-18', 0.56],
        ['2021-11-17', 0.62],
      ],
    );
    assert.equal(h.bars.adjClose[0], 231.1864776611328);
  });

  it('reads the whole TSLA history asked from period1=0: 3,303 bars 2010-06-29..2023-08-11, no events', async () => {
    const { source, httpGet } = sourceFor('historical-via-chart-dividends-TSLA-no-dividends.json');
    const h = await source.fetchHistory({ symbol: 'TSLA' });
    assert.equal(h.bars.dates.length, 3303);
    assert.equal(isoFromDay(h.bars.dates[0]), '2010-06-29');
    assert.equal(isoFromDay(h.bars.dates[3302]), '2023-08-11');
    for (let i = 1; i < h.bars.dates.length; i++)
      assert.ok(h.bars.dates[i] > h.bars.dates[i - 1], `dates ascend at ${i}`);
    assert.equal(h.dividends.length, 0);
    assert.equal(h.splits.length, 0);
    assert.match(httpGet.calls[0].url, /period1=0&/);
  });

  it('reads the 2021 recordings of AAPL (4 dividends, the split) and QQQ (3 dividends) for 2020', async () => {
    const aapl = await sourceFor('historicalv8-AAPL-2020-01-01-to-2021-01-04.json').source.fetchHistory({
      symbol: 'AAPL',
      from: dayFromIso('2020-01-01'),
      to: dayFromIso('2021-01-03'),
    });
    assert.equal(aapl.bars.dates.length, 253);
    assert.deepEqual([isoFromDay(aapl.bars.dates[0]), isoFromDay(aapl.bars.dates[252])], ['2020-01-02', '2020-12-31']);
    assert.deepEqual(
      aapl.dividends.map((d) => [isoFromDay(d.date), d.amount]),
      [
        ['2020-02-07', 0.1925],
        ['2020-05-08', 0.205],
        ['2020-08-07', 0.205],
        ['2020-11-06', 0.205],
      ],
    );
    assert.deepEqual(aapl.splits, [{ date: dayFromIso('2020-08-31'), numerator: 4, denominator: 1 }]);

    const qqq = await sourceFor('historicalv8-QQQ-2020-01-01-to-2021-01-04.json').source.fetchHistory({
      symbol: 'QQQ',
    });
    assert.equal(qqq.bars.dates.length, 253);
    assert.deepEqual(
      qqq.dividends.map((d) => isoFromDay(d.date)),
      ['2020-03-23', '2020-06-22', '2020-12-21'],
    );
  });

  it('cuts a recorded answer to the requested exchange dates', async () => {
    const { source } = sourceFor('chart-AAPL-2020-08-31-to-2020-11-07.json');
    const h = await source.fetchHistory({
      symbol: 'AAPL',
      from: dayFromIso('2020-09-01'),
      to: dayFromIso('2020-09-04'),
    });
    assert.deepEqual(iso(h.bars.dates), ['2020-09-01', '2020-09-02', '2020-09-03', '2020-09-04']);
    assert.deepEqual(h.splits, [], 'the split of 2020-08-31 is outside the range');
    assert.deepEqual(h.dividends, []);
  });

  it('turns the recorded 404 of delisted SI into not-found with Yahoo description and the evidence', async () => {
    const recorded = loadYahooFixture('historical-via-chart-SI-2020-01-01-to-2020-01-03.json');
    const { source } = sourceFor('historical-via-chart-SI-2020-01-01-to-2020-01-03.json');
    await assert.rejects(
      source.fetchHistory({ symbol: 'SI', from: dayFromIso('2020-01-01'), to: dayFromIso('2020-01-02') }),
      (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.kind, 'not-found');
        assert.equal(e.retryable, false);
        assert.match(e.message, /SI/);
        assert.match(e.message, /No data found, symbol may be delisted/);
        assert.equal(e.evidence.status, 404);
        assert.equal(e.evidence.bodyStart, recorded.body.slice(0, 200));
        assert.match(e.evidence.url ?? '', /\/v8\/finance\/chart\/SI\?/);
        return true;
      },
    );
  });

  it('recognises the retired v7 CSV download and refuses it as malformed, naming the format', async () => {
    const recorded = loadYahooFixture('historical-AAPL-2020-01-01-to-2020-01-03.json');
    assert.ok(isYahooDownloadCsv(recorded.body));
    assert.equal(isYahooDownloadCsv(loadYahooFixture('chart-GOOG-2020-01-01-to-2020-01-03.json').body), false);
    // The one row reads with the plain CSV rules of the Yahoo download format.
    const [header, row] = recorded.body.split('\n');
    assert.equal(header, 'Date,Open,High,Low,Close,Adj Close,Volume');
    assert.deepEqual(row.split(','), [
      '2020-01-02',
      '74.059998',
      '75.150002',
      '73.797501',
      '75.087502',
      '74.333511',
      '135480400',
    ]);

    const { source } = sourceFor('historical-AAPL-2020-01-01-to-2020-01-03.json');
    await assert.rejects(source.fetchHistory({ symbol: 'AAPL' }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, 'malformed');
      assert.match(e.message, /retired v7 CSV download format/);
      assert.equal(e.evidence.bodyStart?.startsWith('Date,Open'), true);
      return true;
    });
  });
});

describe('YahooChartSource on variations of a recorded chart response', () => {
  const recorded = loadYahooFixture('chart-AAPL-2020-08-31-to-2020-11-07.json');
  interface Result {
    meta: Record<string, unknown>;
    timestamp: number[];
    indicators: { quote: Record<string, number[]>[]; adjclose?: unknown };
  }
  interface Chart {
    chart: { result: Result[] | null; error: unknown };
  }
  /** A source answering the AAPL recording after `edit` changed its one result (and, if need be, the envelope). */
  const sourceWith = (edit: (result: Result, body: Chart) => void, status = 200) => {
    const body = JSON.parse(recorded.body) as Chart;
    edit((body.chart.result ?? [])[0], body);
    const httpGet = replayHttpGet([[() => true, { status, headers: recorded.headers, body: JSON.stringify(body) }]]);
    return new YahooChartSource({ httpGet });
  };
  const rejectsWith = async (source: YahooChartSource, kind: string, message: RegExp) =>
    assert.rejects(source.fetchHistory({ symbol: 'AAPL' }), (e: unknown) => {
      assert.ok(e instanceof SourceError);
      assert.equal(e.kind, kind);
      assert.match(e.message, message);
      return true;
    });

  it('gives NaN adjusted closes when an instrument has no adjclose (FX, some funds)', async () => {
    const source = sourceWith((r) => {
      delete r.indicators.adjclose;
    });
    const h = await source.fetchHistory({ symbol: 'AAPL' });
    assert.equal(h.bars.dates.length, 49);
    assert.ok(Array.from(h.bars.adjClose).every(Number.isNaN));
    assert.equal(h.bars.close[0], 129.0399932861328);
  });

  it('sorts bars that come out of order and keeps the later of two on one date', async () => {
    const source = sourceWith((r) => {
      // Swap the first two bars and repeat the second (now first) bar's date with another price.
      const q = r.indicators.quote[0];
      [r.timestamp[0], r.timestamp[1]] = [r.timestamp[1], r.timestamp[0]];
      for (const field of Object.keys(q)) [q[field][0], q[field][1]] = [q[field][1], q[field][0]];
      r.timestamp[2] = r.timestamp[0] + 3600;
    });
    const h = await source.fetchHistory({ symbol: 'AAPL' });
    assert.deepEqual(iso(h.bars.dates.subarray(0, 2)), ['2020-08-31', '2020-09-01']);
    assert.equal(h.bars.dates.length, 48);
    assert.equal(h.bars.close[1], 131.39999389648438, 'the later bar of 2020-09-01 wins');
    assert.match(h.notes?.join(' ') ?? '', /not strictly ascending.*1 duplicate date/);
  });

  it('refuses a column shorter than the timestamps as malformed, naming it', async () => {
    const source = sourceWith((r) => {
      r.indicators.quote[0].close.pop();
    });
    await rejectsWith(source, 'malformed', /indicators\.quote\[0\]\.close has 48 values for 49 timestamps/);
  });

  it('refuses an exchange zone the time-zone database does not know', async () => {
    const source = sourceWith((r) => {
      r.meta.exchangeTimezoneName = 'Mars/Olympus';
    });
    await rejectsWith(source, 'malformed', /"Mars\/Olympus" is not in the time-zone database/);
  });

  it('maps a 400 with the Yahoo Bad Request envelope to bad-request with its description', async () => {
    const source = sourceWith((_r, b) => {
      b.chart.result = null;
      b.chart.error = { code: 'Bad Request', description: 'Invalid input - start date cannot be after end date.' };
    }, 400);
    await rejectsWith(source, 'bad-request', /HTTP 400: Invalid input - start date cannot be after end date/);
  });

  it('maps a 200 whose envelope carries an error to the kind of its code', async () => {
    const source = sourceWith((_r, b) => {
      b.chart.result = null;
      b.chart.error = { code: 'Not Found', description: 'No data found, symbol may be delisted' };
    });
    await rejectsWith(source, 'not-found', /No data found/);
  });
});
