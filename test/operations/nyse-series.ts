import { type Bar, type BarSeries, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import { isUsTradingDay } from '../../src/sources/quality/us-market-holidays.js';

/** A ticker's bars on every NYSE trading day in [from, to] but the listed ones (flat prices: coverage reads dates). */
export function nyseSeries(symbol: string, from: string, to: string, except: string[] = []): BarSeries {
  const skip = new Set(except.map(dayFromIso));
  const bars: Bar[] = [];
  for (let x = dayFromIso(from); x <= dayFromIso(to); x++) {
    if (isUsTradingDay(x) && !skip.has(x)) {
      bars.push({ date: x as EpochDay, open: 1, high: 1, low: 1, close: 1, adjClose: 1, volume: 1 });
    }
  }
  return barSeriesFromBars(symbol, bars);
}
