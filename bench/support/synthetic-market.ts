import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import type { TickerWrite } from '../../src/store/store.js';

/**
 * The synthetic market of the store and analysis sections ends on a Tuesday in late December, and the daily
 * update appends the Wednesday: the append rewrites full-year chunks, the worst case.
 */
export const SYNTHETIC_END = dayFromIso('2025-12-30');
export const SYNTHETIC_APPEND_DAY = dayFromIso('2025-12-31');

/** One new bar for a ticker, as a daily update appends it: a 2% high/low range around `price`. */
export function oneDayWrite(symbol: string, price: number, volume: number): TickerWrite {
  const bar = { date: SYNTHETIC_APPEND_DAY, open: price, high: price * 1.01, low: price * 0.99, close: price };
  return { symbol, bars: barSeriesFromBars(symbol, [{ ...bar, adjClose: price, volume }]) };
}
