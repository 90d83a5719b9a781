import { type BarSeries, lowerBound } from '../domain/bar-series.js';
import type { FetchStateRepo, TickerWrite } from './store.js';
import { validateBarSeries } from './validate-bar-series.js';

/** Bar fields analysis reads besides the dates; adjusted close is not one (a dividend changes only it). */
const ANALYSED_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
/** Every stored field besides the date. */
export const ALL_FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export function sameBar(
  a: BarSeries,
  i: number,
  b: BarSeries,
  j: number,
  fields: readonly (typeof ALL_FIELDS)[number][] = ANALYSED_FIELDS,
): boolean {
  for (const f of fields) if (!sameValue(a[f][i], b[f][j])) return false;
  return true;
}

/**
 * A ticker's first and last stored dates after a write of `dates` (ascending) that changed something: a
 * replace holds exactly those dates, a merge widens the stored span.
 */
export function dateSpanAfterWrite(
  first: number | null,
  last: number | null,
  dates: Int32Array,
  mode: 'merge' | 'replace',
): [number | null, number | null] {
  const n = dates.length;
  if (mode === 'replace') return n > 0 ? [dates[0], dates[n - 1]] : [null, null];
  return [
    first === null ? dates[0] : Math.min(first, dates[0]),
    last === null ? dates[n - 1] : Math.max(last, dates[n - 1]),
  ];
}

/**
 * True when merging `bars` into `span` (the stored bars of the incoming date span) changes an analysed
 * field of a stored bar, or adds a date on or before `lastDate` (a bar inserted into the history).
 */
export function mergeChangesHistory(span: BarSeries, bars: BarSeries, lastDate: number): boolean {
  for (let i = 0; i < bars.dates.length && bars.dates[i] <= lastDate; i++) {
    const j = lowerBound(span.dates, bars.dates[i]);
    if (j >= span.dates.length || span.dates[j] !== bars.dates[i] || !sameBar(span, j, bars, i)) return true;
  }
  return false;
}

/** True when the first `count` bars of `bars` are all in `stored` with exactly the same values, every field. */
export function storesUnchanged(stored: BarSeries, bars: BarSeries, count: number): boolean {
  for (let i = 0; i < count; i++) {
    const j = lowerBound(stored.dates, bars.dates[i]);
    if (j >= stored.dates.length || stored.dates[j] !== bars.dates[i] || !sameBar(stored, j, bars, i, ALL_FIELDS)) {
      return false;
    }
  }
  return true;
}

/** True when `next` starts with every bar of `old` unchanged in the analysed fields (it may add later ones). */
export function extendsHistory(next: BarSeries, old: BarSeries): boolean {
  if (next.dates.length < old.dates.length) return false;
  for (let i = 0; i < old.dates.length; i++) {
    if (next.dates[i] !== old.dates[i] || !sameBar(old, i, next, i)) return false;
  }
  return true;
}

export function validateWrite(w: TickerWrite): void {
  if (typeof w.symbol !== 'string' || w.symbol === '') {
    throw new TypeError(`ticker write symbol ${JSON.stringify(w.symbol)} is not valid; expected a non-empty string`);
  }
  if (w.mode !== undefined && w.mode !== 'merge' && w.mode !== 'replace') {
    throw new RangeError(`write mode "${w.mode}" of ${w.symbol} is not valid; expected merge or replace`);
  }
  if (w.bars) validateBarSeries(w.symbol, w.bars);
  for (const d of [...(w.dividends ?? []), ...(w.splits ?? [])]) {
    if (!Number.isInteger(d.date)) {
      throw new RangeError(`event date ${d.date} of ${w.symbol} is not valid; expected an integer EpochDay`);
    }
  }
}

/** The fetch-state record a ticker write carries (a successful fetch), or null when it carries none. */
export function successfulFetchOf(w: TickerWrite): Parameters<FetchStateRepo['record']>[0] | null {
  if (!w.fetch) return null;
  return {
    symbol: w.symbol,
    source: w.fetch.source,
    at: w.fetch.attemptedAt ?? new Date(),
    error: null,
    bars: w.bars?.dates.length,
    flags: w.fetch.flags,
    meta: w.fetch.meta,
  };
}
