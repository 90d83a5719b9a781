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

export function buildBreadthPayload(universe: string, series: BreadthSeries): BreadthPayload {
  const out = {} as BreadthPayload['series'];
  for (const field of BREADTH_FIELDS) out[field] = Array.from(series[field], roundForDisplay);
  return { universe, scope: series.scope, dates: Array.from(series.dates, isoDay), series: out };
}

/** What the breadth page offers: each universe's scopes and the cache key of each. */
export interface BreadthIndexPayload {
  universes: { name: string; scopes: { scope: string; key: string }[] }[];
}
