import { type Bar, type BarSeries, barAt, barSeriesFromBars } from '../domain/bar-series.js';
import { isoFromDay } from '../domain/epoch-day.js';

/** A bar a source sent that cannot be a price: kept out of the store, with why, for the rejects table. */
export interface QuarantinedBar {
  date: string;
  reason: string;
  bar: Bar;
}

/**
 * Splits an answer's bars into the ones that can be prices and the ones that cannot: a close that is not a
 * positive finite number, an open, high or low given as zero or negative, or a negative volume. A missing
 * field (NaN) is no reason: Yahoo leaves open or volume out on some days, and the quality flags say so.
 * The good bars come back as they were when nothing was quarantined (no copy on the common path).
 */
export function quarantineBadBars(series: BarSeries): { bars: BarSeries; quarantined: QuarantinedBar[] } {
  // The common path reads the columns alone: no bar object is made unless one is bad.
  const { open, high, low, close, volume } = series;
  let firstBad = -1;
  for (let i = 0; i < series.dates.length && firstBad < 0; i++) {
    if (
      !(close[i] > 0 && close[i] < Number.POSITIVE_INFINITY) ||
      open[i] <= 0 ||
      high[i] <= 0 ||
      low[i] <= 0 ||
      volume[i] < 0 ||
      open[i] === Number.POSITIVE_INFINITY ||
      high[i] === Number.POSITIVE_INFINITY ||
      low[i] === Number.POSITIVE_INFINITY
    ) {
      firstBad = i;
    }
  }
  if (firstBad < 0) return { bars: series, quarantined: [] };
  const quarantined: QuarantinedBar[] = [];
  const keep: Bar[] = [];
  for (let i = 0; i < series.dates.length; i++) {
    const bar = barAt(series, i);
    const reason = i < firstBad ? null : whyNotAPrice(bar);
    if (reason === null) keep.push(bar);
    else quarantined.push({ date: isoFromDay(bar.date), reason, bar });
  }
  return { bars: barSeriesFromBars(series.symbol, keep), quarantined };
}

function whyNotAPrice(bar: Bar): string | null {
  if (!(Number.isFinite(bar.close) && bar.close > 0)) return `close is ${bar.close}; expected a positive price`;
  for (const field of ['open', 'high', 'low'] as const) {
    const v = bar[field];
    if (!Number.isNaN(v) && !(Number.isFinite(v) && v > 0))
      return `${field} is ${v}; expected a positive price or none`;
  }
  if (!Number.isNaN(bar.volume) && !(bar.volume >= 0)) return `volume is ${bar.volume}; expected 0 or more`;
  return null;
}
