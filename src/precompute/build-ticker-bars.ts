import { type BarSeries, sliceBarSeries } from '../domain/bar-series.js';
import { isoFromDay } from '../domain/epoch-day.js';
import type { Store } from '../store/store.js';

export interface TickerBarsQuery {
  /** First and last exchange day (epoch days), inclusive; absent = the whole history. */
  from?: number;
  to?: number;
  /** Indicator arrays to add (see INDICATOR_NAMES, or 'all'); computed over the whole history. */
  indicators?: readonly string[];
}

/**
 * One ticker's bars as columns, aligned by index with `dates`, `null` where a value is missing: what
 * `marketdeck show --json` prints and `GET /api/ticker/:symbol/bars` answers. Indicator arrays sit beside
 * the price columns under their own names.
 */
export interface TickerBarsPayload {
  symbol: string;
  dates: string[];
  open: (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
  adjClose: (number | null)[];
  volume: (number | null)[];
  dividends: { date: string; amount: number }[];
  splits: { date: string; numerator: number; denominator: number }[];
  [indicator: string]: unknown;
}

/**
 * The payload for one ticker, or null when it has no bars. Throws a RangeError naming an unknown indicator.
 * Indicators run over the full history, so the values inside the window equal a whole-history run.
 */
export async function buildTickerBars(
  store: Pick<Store, 'bars'>,
  symbol: string,
  query: TickerBarsQuery = {},
  /** The ticker's whole series when the caller has read it already. */
  series?: BarSeries,
): Promise<TickerBarsPayload | null> {
  const full = series ?? (await store.bars.read(symbol));
  if (!full) return null;
  const { from, to } = query;
  const [dividends, splits] = await Promise.all([
    store.bars.dividends(symbol, { from, to }),
    store.bars.splits(symbol, { from, to }),
  ]);
  const bars = sliceBarSeries(full, from, to);
  const offset = bars.dates.length > 0 ? full.dates.indexOf(bars.dates[0]) : 0;
  const extra: Record<string, (number | null)[]> = {};
  if (query.indicators && query.indicators.length > 0) {
    const { indicatorArrays } = await import('../analysis/indicator-arrays.js');
    const arrays = indicatorArrays(full, query.indicators);
    for (const [name, values] of Object.entries(arrays)) {
      extra[name] = toNullable(values.subarray(offset, offset + bars.dates.length));
    }
  }
  return {
    symbol,
    dates: Array.from(bars.dates, isoFromDay),
    open: toNullable(bars.open),
    high: toNullable(bars.high),
    low: toNullable(bars.low),
    close: toNullable(bars.close),
    adjClose: toNullable(bars.adjClose),
    volume: toNullable(bars.volume),
    ...extra,
    dividends: dividends.map((d) => ({ date: isoFromDay(d.date), amount: d.amount })),
    splits: splits.map((s) => ({ date: isoFromDay(s.date), numerator: s.numerator, denominator: s.denominator })),
  };
}

/**
 * A fingerprint of a ticker's whole series: its length, first and last day and the sums of each price column.
 * Any write that adds, removes or changes a bar (a split re-adjusts every earlier price) changes it; it costs
 * a pass over the arrays, against the indicators and the JSON text of an answer built from them.
 */
export function seriesFingerprint(s: BarSeries): string {
  const n = s.dates.length;
  const sums = [s.open, s.high, s.low, s.close, s.adjClose, s.volume].map((col) => {
    let sum = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(col[i])) sum += col[i] * (1 + (i % 7));
    return sum;
  });
  return `${n}:${n > 0 ? `${s.dates[0]}-${s.dates[n - 1]}` : ''}:${sums.join(',')}`;
}

function toNullable(values: Float64Array): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}
