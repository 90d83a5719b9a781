import type { BarSeries } from '../domain/bar-series.js';
import { isoFromDay } from '../domain/epoch-day.js';

const FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;

/**
 * Checks the shape the columnar store relies on before anything is written: equal lengths and strictly
 * ascending dates. Values are not judged here (NaN is a legal "missing"); data-quality checks belong to
 * the fetch and import layers.
 */
export function validateBarSeries(symbol: string, s: BarSeries): void {
  const n = s.dates.length;
  for (const f of FIELDS) {
    if (s[f].length !== n) {
      throw new RangeError(`bars of ${symbol}: ${f} has ${s[f].length} values, expected ${n} (one per date)`);
    }
  }
  for (let i = 1; i < n; i++) {
    if (s.dates[i] <= s.dates[i - 1]) {
      throw new RangeError(
        `bars of ${symbol} must be strictly ascending by date, index=${i} (${isoFromDay(s.dates[i])} after ${isoFromDay(s.dates[i - 1])})`,
      );
    }
  }
}
