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
  let firstBad = 0;
  while (firstBad < series.dates.length && whyNotAPrice(series, firstBad) === null) firstBad++;
  if (firstBad === series.dates.length) return { bars: series, quarantined: [] };
  const quarantined: QuarantinedBar[] = [];
  const keep: Bar[] = [];
  for (let i = 0; i < series.dates.length; i++) {
    const bar = barAt(series, i);
    const reason = i < firstBad ? null : whyNotAPrice(series, i);
    if (reason === null) keep.push(bar);
    else quarantined.push({ date: isoFromDay(bar.date), reason, bar });
  }
  return { bars: barSeriesFromBars(series.symbol, keep), quarantined };
}

const OPTIONAL_PRICES = ['open', 'high', 'low'] as const;

/** Why the bar at `i` cannot be a price, or null when it can. */
function whyNotAPrice(series: BarSeries, i: number): string | null {
  const close = series.close[i];
  if (!(Number.isFinite(close) && close > 0)) return `close is ${close}; expected a positive price`;
  for (const field of OPTIONAL_PRICES) {
    const v = series[field][i];
    if (!Number.isNaN(v) && !(Number.isFinite(v) && v > 0))
      return `${field} is ${v}; expected a positive price or none`;
  }
  const volume = series.volume[i];
  if (!Number.isNaN(volume) && !(volume >= 0)) return `volume is ${volume}; expected 0 or more`;
  return null;
}
