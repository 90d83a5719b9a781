import type { EpochDay } from './epoch-day.js';

/**
 * One ticker's daily bars, columnar: index i of every array is the same trading day, dates strictly
 * ascending. Prices are split-adjusted as the source delivers them; `adjClose` is split- and
 * dividend-adjusted and NaN where the source has none (Kaggle and Stooq files carry no adjusted close).
 * A missing field (an empty CSV cell, a Yahoo null) is NaN, never 0.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly dates: Int32Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly adjClose: Float64Array;
  /** Float64 because share volumes of busy tickers pass 2^31. */
  readonly volume: Float64Array;
}

export const BAR_PRICE_FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;
export type BarField = (typeof BAR_PRICE_FIELDS)[number];

/** A bar as a plain object, for parsing and tests; the store and analysis work on BarSeries. */
export interface Bar {
  date: EpochDay;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
}

export function emptyBarSeries(symbol: string, length = 0): BarSeries {
  return {
    symbol,
    dates: new Int32Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    adjClose: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Builds a series from bars; they are sorted by date, and a later duplicate date replaces an earlier one. */
export function barSeriesFromBars(symbol: string, bars: readonly Bar[]): BarSeries {
  const byDate = new Map<number, Bar>();
  for (const bar of bars) byDate.set(bar.date, bar);
  const sorted = [...byDate.values()].sort((a, b) => a.date - b.date);
  const s = emptyBarSeries(symbol, sorted.length);
  sorted.forEach((bar, i) => {
    s.dates[i] = bar.date;
    s.open[i] = bar.open;
    s.high[i] = bar.high;
    s.low[i] = bar.low;
    s.close[i] = bar.close;
    s.adjClose[i] = bar.adjClose;
    s.volume[i] = bar.volume;
  });
  return s;
}

export function barAt(s: BarSeries, i: number): Bar {
  return {
    date: s.dates[i] as EpochDay,
    open: s.open[i],
    high: s.high[i],
    low: s.low[i],
    close: s.close[i],
    adjClose: s.adjClose[i],
    volume: s.volume[i],
  };
}

/** The bars with from <= date <= to (either bound optional), as views sharing the arrays. */
export function sliceBarSeries(s: BarSeries, from?: number, to?: number): BarSeries {
  const start = from === undefined ? 0 : lowerBound(s.dates, from);
  const end = to === undefined ? s.dates.length : lowerBound(s.dates, to + 1);
  return sliceBarSeriesAt(s, start, end);
}

/** The bars at indices start <= i < end, as views sharing the arrays. */
export function sliceBarSeriesAt(s: BarSeries, start: number, end: number): BarSeries {
  return {
    symbol: s.symbol,
    dates: s.dates.subarray(start, end),
    open: s.open.subarray(start, end),
    high: s.high.subarray(start, end),
    low: s.low.subarray(start, end),
    close: s.close.subarray(start, end),
    adjClose: s.adjClose.subarray(start, end),
    volume: s.volume.subarray(start, end),
  };
}

/** First index whose date is >= day (dates ascending). */
export function lowerBound(dates: Int32Array, day: number): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges `incoming` into `existing` by date: incoming bars win on the same date, the rest are kept.
 * Re-storing the same bars yields the same series, which is what makes ticker writes idempotent.
 */
export function mergeBarSeries(existing: BarSeries, incoming: BarSeries): BarSeries {
  const a = existing;
  const b = incoming;
  const out = emptyBarSeries(a.symbol, a.dates.length + b.dates.length);
  let i = 0;
  let j = 0;
  let k = 0;
  const take = (src: BarSeries, idx: number) => {
    out.dates[k] = src.dates[idx];
    out.open[k] = src.open[idx];
    out.high[k] = src.high[idx];
    out.low[k] = src.low[idx];
    out.close[k] = src.close[idx];
    out.adjClose[k] = src.adjClose[idx];
    out.volume[k] = src.volume[idx];
    k++;
  };
  while (i < a.dates.length || j < b.dates.length) {
    if (j >= b.dates.length || (i < a.dates.length && a.dates[i] < b.dates[j])) take(a, i++);
    else {
      if (i < a.dates.length && a.dates[i] === b.dates[j]) i++;
      take(b, j++);
    }
  }
  return sliceBarSeriesAt(out, 0, k);
}
