import { type BarSeries, emptyBarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { isWeekend, weekdayCalendar } from '../../src/synthetic/weekday-calendar.js';
import { loadSeries, randomWalk } from './kernels/series-fixtures.js';

/**
 * A real fixture series (test/fixtures/series) as a BarSeries. The fixtures keep prices, not dates, so
 * the bars get consecutive weekdays ending on `end`; only the analysis of dates (breadth alignment,
 * year to date) depends on them, and the tests build what they compare from the same dates.
 */
export function fixtureBars(name: string, symbol = name.split('-')[0].toUpperCase(), end = '2018-02-07'): BarSeries {
  const f = loadSeries(name);
  return toBars(symbol, f, end);
}

/** Deterministic random-walk bars (see kernels/series-fixtures.ts). */
export function walkBars(symbol: string, n: number, seed: number, end = '2018-02-07'): BarSeries {
  return toBars(symbol, randomWalk(n, seed), end);
}

function toBars(
  symbol: string,
  f: { close: Float64Array; high: Float64Array; low: Float64Array; volume: Float64Array },
  end: string,
): BarSeries {
  const n = f.close.length;
  const s = emptyBarSeries(symbol, n);
  s.dates.set(weekdayCalendar(dayFromIso(end), n));
  s.close.set(f.close);
  s.high.set(f.high);
  s.low.set(f.low);
  s.open.set(f.close);
  s.adjClose.fill(Number.NaN);
  s.volume.set(f.volume);
  return s;
}

/** The first `n` bars of a series, as copies (a store write must not alias the original). */
export function headBars(s: BarSeries, n: number): BarSeries {
  return sliceBars(s, 0, n);
}

/** Bars [from, to) as copies. */
export function sliceBars(s: BarSeries, from: number, to: number): BarSeries {
  return {
    symbol: s.symbol,
    dates: s.dates.slice(from, to),
    open: s.open.slice(from, to),
    high: s.high.slice(from, to),
    low: s.low.slice(from, to),
    close: s.close.slice(from, to),
    adjClose: s.adjClose.slice(from, to),
    volume: s.volume.slice(from, to),
  };
}

/** `s` followed by `k` more weekday bars (a deterministic wiggle around the last close), as a new series. */
export function extendBars(s: BarSeries, k: number): BarSeries {
  const n = s.dates.length;
  const out = emptyBarSeries(s.symbol, n + k);
  for (const f of ['dates', 'open', 'high', 'low', 'close', 'adjClose', 'volume'] as const) out[f].set(s[f]);
  let day = s.dates[n - 1];
  let price = s.close[n - 1];
  for (let i = n; i < n + k; i++) {
    do day++;
    while (isWeekend(day));
    price = Math.round(price * (1 + 0.03 * Math.sin(i * 1.7)) * 100) / 100;
    out.dates[i] = day;
    out.open[i] = out.close[i] = price;
    out.high[i] = Math.round(price * 101) / 100;
    out.low[i] = Math.round(price * 99) / 100;
    out.adjClose[i] = Number.NaN;
    out.volume[i] = 1_000_000 + (i % 5) * 400_000;
  }
  return out;
}

/**
 * The test market of the incremental runs: real series (O has missing highs and lows), a long random walk
 * and one too short to keep a resumable state.
 */
export function market(): { series: BarSeries; sector: string | null }[] {
  return [
    { series: fixtureBars('aapl-2013-2018'), sector: 'Information Technology' },
    { series: fixtureBars('xom-2013-2018'), sector: 'Energy' },
    { series: fixtureBars('o-2013-2018'), sector: 'Real Estate' },
    { series: fixtureBars('disca-2013-2018'), sector: null },
    { series: walkBars('WALK', 700, 11), sector: 'Energy' },
    { series: walkBars('SHORT', 150, 12), sector: null },
  ];
}
