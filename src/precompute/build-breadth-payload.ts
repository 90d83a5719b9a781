import { BREADTH_FIELDS, type BreadthSeries } from '../domain/breadth-series.js';
import { isoDay } from './iso-day.js';
import { roundForDisplay } from './round-for-display.js';

/** One breadth scope ready for the charts: ISO dates and one array per measure, aligned, null where undefined. */
export interface BreadthPayload {
  universe: string;
  scope: string;
  dates: string[];
  series: Record<(typeof BREADTH_FIELDS)[number], (number | null)[]>;
}

/** Measures that are a share of the tickers counted that day: a day only a few tickers traded gives 0 % or 100 %. */
const SHARE_FIELDS: ReadonlySet<string> = new Set([
  'adRatio',
  'adPercent',
  'pctAboveSma20',
  'pctAboveSma50',
  'pctAboveSma200',
  'highLowIndex',
  'trin',
  'pctRsiAbove70',
  'pctRsiBelow30',
]);
/** Days either side whose median count of tickers is a day's usual count. */
const USUAL_WINDOW = 10;
/** A day counting fewer than this share of its usual tickers is thin: one ticker's bar on a holiday, say. */
const THIN_SHARE = 0.5;

/**
 * The chart payload of one scope. On a thin day (see THIN_SHARE) the share measures are null: drawn, they are a
 * jump to 0 % or 100 % that says nothing of the market. The counts themselves stay as they are.
 */
export function buildBreadthPayload(universe: string, series: BreadthSeries): BreadthPayload {
  const thin = thinDays(series);
  const out = {} as BreadthPayload['series'];
  for (const field of BREADTH_FIELDS) {
    const values = Array.from(series[field], roundForDisplay);
    if (SHARE_FIELDS.has(field)) for (const i of thin) values[i] = null;
    out[field] = values;
  }
  return { universe, scope: series.scope, dates: Array.from(series.dates, isoDay), series: out };
}

/** Indexes of the days that counted fewer than THIN_SHARE of the median count of the days around them. */
function thinDays(series: BreadthSeries): number[] {
  const n = series.dates.length;
  const counts = Array.from({ length: n }, (_, i) => series.advancers[i] + series.decliners[i] + series.unchanged[i]);
  const thin: number[] = [];
  for (let i = 0; i < n; i++) {
    const around = counts.slice(Math.max(0, i - USUAL_WINDOW), i + USUAL_WINDOW + 1).sort((a, b) => a - b);
    if (counts[i] < THIN_SHARE * around[around.length >> 1]) thin.push(i);
  }
  return thin;
}

/** What the breadth page offers: each universe's scopes and the cache key of each. */
export interface BreadthIndexPayload {
  universes: { name: string; scopes: { scope: string; key: string }[] }[];
}
