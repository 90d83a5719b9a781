import { BREADTH_FIELDS, type BreadthSeries } from '../domain/breadth-series.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal } from '../domain/signal.js';
import type { FetchState } from '../store/store.js';
import type { DataSetDescription } from '../universe/describe-data-set.js';
import { isoDay } from './iso-day.js';
import { roundForDisplay } from './round-for-display.js';

export interface OverviewMover {
  symbol: string;
  name: string | null;
  sector: string | null;
  close: number | null;
  change1d: number | null;
  ret1d: number | null;
  volume: number | null;
}

export interface OverviewPayload {
  generatedAt: string;
  /** What the data is: tickers, date range, and whether it is the bundled sample. */
  dataSet: DataSetDescription | null;
  /** Date of the newest bar in the store; movers are taken among tickers that traded that day. */
  asOf: string | null;
  breadth: { scope: string; date: string; values: Record<string, number | null> } | null;
  topGainers: OverviewMover[];
  topLosers: OverviewMover[];
  mostActive: OverviewMover[];
  signals: {
    latestDate: string | null;
    /** Signals dated `latestDate`, by kind. */
    latest: Record<string, number>;
    /** Signals of the last 7 calendar days up to `latestDate`, by kind. */
    week: Record<string, number>;
  };
  freshness: {
    latestBarDate: string | null;
    tickers: number;
    /** Tickers whose newest bar is older than `latestBarDate` (delisted, or a fetch that failed). */
    behindLatest: number;
    lastFetchAt: string | null;
    /** Tickers whose last fetch attempt failed. */
    fetchErrors: number;
  };
}

export interface OverviewInputs {
  rows: readonly ScreenerRow[];
  /** The whole market's breadth ('all' scope of the default universe), when analysed. */
  breadth: BreadthSeries | null;
  /** Signals dated within the week before the latest bar date (at least). */
  signals: readonly Signal[];
  fetchStates: readonly FetchState[];
  dataSet?: DataSetDescription;
  now: Date;
  topN?: number;
}

const WEEK_DAYS = 7;

/** The landing page: the market today in one payload, small enough to read from the cache in well under 1 ms. */
export function buildOverview(inputs: OverviewInputs): OverviewPayload {
  const topN = inputs.topN ?? 10;
  const latest = latestDate(inputs.rows);
  const today = latest === null ? [] : inputs.rows.filter((r) => r.date === latest);
  const byReturn = today.filter((r) => r.ret1d !== null && Number.isFinite(r.ret1d));
  byReturn.sort((a, b) => (b.ret1d as number) - (a.ret1d as number));
  const gainers = byReturn.slice(0, topN).filter((r) => (r.ret1d as number) > 0);
  const losers = byReturn
    .slice(-topN)
    .reverse()
    .filter((r) => (r.ret1d as number) < 0);
  const active = today.filter((r) => Number.isFinite(r.volume)).sort((a, b) => b.volume - a.volume);

  const signalsLatestDate = inputs.signals.reduce<number | null>(
    (m, s) => (m === null || s.date > m ? s.date : m),
    null,
  );
  const latestCounts: Record<string, number> = {};
  const weekCounts: Record<string, number> = {};
  if (signalsLatestDate !== null) {
    for (const s of inputs.signals) {
      if (s.date === signalsLatestDate) latestCounts[s.kind] = (latestCounts[s.kind] ?? 0) + 1;
      if (s.date > signalsLatestDate - WEEK_DAYS) weekCounts[s.kind] = (weekCounts[s.kind] ?? 0) + 1;
    }
  }

  let lastFetch = Number.NEGATIVE_INFINITY;
  const failedSymbols = new Set<string>();
  for (const f of inputs.fetchStates) {
    if (f.lastSuccessAt) lastFetch = Math.max(lastFetch, f.lastSuccessAt.getTime());
    if (f.lastError) failedSymbols.add(f.symbol);
  }

  return {
    generatedAt: inputs.now.toISOString(),
    dataSet: inputs.dataSet ?? null,
    asOf: latest === null ? null : isoDay(latest),
    breadth: latestBreadth(inputs.breadth),
    topGainers: gainers.map(mover),
    topLosers: losers.map(mover),
    mostActive: active.slice(0, topN).map(mover),
    signals: {
      latestDate: signalsLatestDate === null ? null : isoDay(signalsLatestDate),
      latest: latestCounts,
      week: weekCounts,
    },
    freshness: {
      latestBarDate: latest === null ? null : isoDay(latest),
      tickers: inputs.rows.length,
      behindLatest: inputs.rows.length - today.length,
      lastFetchAt: Number.isFinite(lastFetch) ? new Date(lastFetch).toISOString() : null,
      fetchErrors: failedSymbols.size,
    },
  };
}

function latestDate(rows: readonly ScreenerRow[]): number | null {
  let latest: number | null = null;
  for (const r of rows) if (latest === null || r.date > latest) latest = r.date;
  return latest;
}

function latestBreadth(series: BreadthSeries | null): OverviewPayload['breadth'] {
  if (!series || series.dates.length === 0) return null;
  const i = series.dates.length - 1;
  const values: Record<string, number | null> = {};
  for (const field of BREADTH_FIELDS) values[field] = roundForDisplay(series[field][i]);
  return { scope: series.scope, date: isoDay(series.dates[i]), values };
}

function mover(r: ScreenerRow): OverviewMover {
  return {
    symbol: r.symbol,
    name: r.name,
    sector: r.sector,
    close: roundForDisplay(r.close),
    change1d: roundForDisplay(r.change1d),
    ret1d: roundForDisplay(r.ret1d),
    volume: roundForDisplay(r.volume),
  };
}
