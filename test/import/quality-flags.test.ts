import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { type EpochDay, isoFromDay } from '../../src/domain/epoch-day.js';
import { detectQualityFlags, isUsListing } from '../../src/sources/quality/detect-quality-flags.js';
import { easterSunday, isUsTradingDay, usMarketHolidays } from '../../src/sources/quality/us-market-holidays.js';
import { day } from './csv-fixtures.js';

/** A ticker's bars from [iso, close] pairs, with open/high/low around the close. */
function series(symbol: string, rows: [string, number, number?][]) {
  return barSeriesFromBars(
    symbol,
    rows.map(([iso, close, volume]) => ({
      date: day(iso),
      open: close,
      high: close * 1.01,
      low: close * 0.99,
      close,
      adjClose: Number.NaN,
      volume: volume ?? 1000,
    })),
  );
}

describe('US market holidays', () => {
  it('knows the NYSE full-day closures of 2016, observed dates included', () => {
    const got = [...usMarketHolidays(2016)].sort((a, b) => a - b).map(isoFromDay);
    assert.deepEqual(got, [
      '2016-01-01',
      '2016-01-18',
      '2016-02-15',
      '2016-03-25',
      '2016-05-30',
      '2016-07-04',
      '2016-09-05',
      '2016-11-24',
      '2016-12-26',
    ]);
  });

  it('does not move a Saturday New Year back into December, and knows one-off closures', () => {
    assert.equal(isUsTradingDay(day('2021-12-31')), true);
    assert.equal(isUsTradingDay(day('2012-10-29')), false, 'Hurricane Sandy');
    assert.equal(isUsTradingDay(day('2018-12-05')), false, 'G. H. W. Bush funeral');
    assert.equal(isUsTradingDay(day('2022-06-20')), false, 'Juneteenth observed');
    assert.equal(isUsTradingDay(day('2021-06-18')), true, 'no Juneteenth holiday before 2022');
    assert.equal(isUsTradingDay(day('2016-12-31')), false, 'Saturday');
  });

  it('computes Easter Sunday', () => {
    assert.equal(isoFromDay(easterSunday(2008)), '2008-03-23');
    assert.equal(isoFromDay(easterSunday(2019)), '2019-04-21');
  });
});

describe('detectQualityFlags', () => {
  it('flags a close-to-close move above 40% with the date and both closes, and nothing for smaller moves', () => {
    const s = series('DISCA', [
      ['2014-08-05', 82.5],
      ['2014-08-06', 83.02],
      ['2014-08-07', 40.975],
      ['2014-08-08', 41.5],
      ['2014-08-11', 55],
    ]);
    const flags = detectQualityFlags(s);
    assert.deepEqual(
      flags.map((f) => [f.kind, isoFromDay(f.date as number)]),
      [['suspicious-jump', '2014-08-07']],
    );
    assert.match(flags[0].detail, /close 83\.02 -> 40\.975 \(-50\.6%\)/);
  });

  it('does not flag a move on a recorded split date', () => {
    const s = series('AAPL', [
      ['2014-06-06', 645.57],
      ['2014-06-09', 93.7],
    ]);
    assert.equal(
      detectQualityFlags(s, { splits: [{ date: day('2014-06-09'), numerator: 7, denominator: 1 }] }).length,
      0,
    );
    assert.equal(detectQualityFlags(s).length, 1);
  });

  it('flags a bad open print even when the close looks normal', () => {
    const s = barSeriesFromBars('WELL', [
      {
        date: day('2016-12-23'),
        open: 65.45,
        high: 65.72,
        low: 65.05,
        close: 65.51,
        adjClose: Number.NaN,
        volume: 908400,
      },
      {
        date: day('2016-12-27'),
        open: 0.145,
        high: 66.1,
        low: 0.145,
        close: 65.86,
        adjClose: Number.NaN,
        volume: 1218800,
      },
    ]);
    const [flag] = detectQualityFlags(s);
    assert.equal(flag.kind, 'suspicious-jump');
    assert.match(flag.detail, /^open 0\.145 is -99\.8% from the previous close 65\.51/);
  });

  it('flags missing trading days but not weekends or holidays', () => {
    const s = series('O', [
      ['2015-03-05', 50],
      ['2015-03-06', 50],
      ['2015-03-23', 51],
    ]);
    const christmas = series('O', [
      ['2015-12-23', 52],
      ['2015-12-24', 52],
      ['2015-12-28', 52],
    ]);
    assert.equal(detectQualityFlags(christmas).length, 0);
    const flags = detectQualityFlags(s);
    assert.deepEqual(
      flags.map((f) => [f.kind, isoFromDay(f.date as number), f.detail]),
      [['missing-days', '2015-03-09', '10 trading days missing: 2015-03-09..2015-03-20']],
    );
  });

  it('measures gaps only for US listings', () => {
    assert.equal(isUsListing('BRK.B'), true);
    assert.equal(isUsListing('AAPL'), true);
    assert.equal(isUsListing('OCDO.L'), false);
    assert.equal(isUsListing('WSU.DE'), false);
    assert.equal(isUsListing('^GSPC'), false);
    const s = series('OCDO.L', [
      ['2015-03-05', 50],
      ['2015-03-23', 51],
    ]);
    assert.equal(detectQualityFlags(s).length, 0);
  });

  it('flags runs of zero volume once per run and high/low not covering open and close', () => {
    const s = barSeriesFromBars(
      'UA',
      [
        ['2016-03-24', 40.58, 100],
        ['2016-03-28', 40.58, 0],
        ['2016-03-29', 40.58, 0],
        ['2016-03-30', 41.7, 3700],
        ['2016-03-31', 41.4, 0],
      ].map(([iso, close, volume]) => ({
        date: day(iso as string),
        open: close as number,
        high: close as number,
        low: close as number,
        close: close as number,
        adjClose: Number.NaN,
        volume: volume as number,
      })),
    );
    const flags = detectQualityFlags(s);
    assert.deepEqual(
      flags.map((f) => [f.kind, isoFromDay(f.date as number)]),
      [
        ['zero-volume', '2016-03-28'],
        ['zero-volume', '2016-03-31'],
      ],
    );
    assert.match(flags[0].detail, /2 bars in a row, 2016-03-28\.\.2016-03-29/);
    const bad = barSeriesFromBars('BBY', [
      {
        date: day('2016-03-14'),
        open: 33.55,
        high: 33.75,
        low: 33.08,
        close: 32.72,
        adjClose: Number.NaN,
        volume: 6037794,
      },
    ]);
    assert.deepEqual(
      detectQualityFlags(bad).map((f) => f.kind),
      ['inconsistent-high-low'],
    );
  });

  it('keeps the first flags of a kind and sums up the rest in one', () => {
    const rows: [string, number, number][] = [];
    for (let d = day('2008-01-02'); rows.length < 30; d++) {
      if (isUsTradingDay(d)) rows.push([isoFromDay(d as EpochDay), 0.5, rows.length % 2 === 0 ? 0 : 100]);
    }
    const flags = detectQualityFlags(series('BHF', rows), { maxPerKind: 5 });
    assert.equal(flags.length, 6);
    assert.match(flags[5].detail, /^10 more zero-volume flags from 2008-01-16 to/);
  });
});
