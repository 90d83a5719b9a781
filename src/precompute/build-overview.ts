import { BREADTH_FIELDS, type BreadthSeries } from '../domain/breadth-series.js';
import type { FetchState } from '../domain/fetch-state.js';
import { marketDate } from '../domain/market-date.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal } from '../domain/signal.js';
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
  /**
   * The market's date (marketDate: the latest date at least half the recently traded tickers reached);
   * movers are taken among tickers that traded that day, and a stray ticker ahead of it is left out.
   */
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
  const latest = marketDate(inputs.rows.map((r) => r.date));
  const today = latest === null ? [] : inputs.rows.filter((r) => r.date === latest);
  const byReturn = today.filter((r) => r.ret1d !== null && Number.isFinite(r.ret1d));
  byReturn.sort((a, b) => (b.ret1d as number) - (a.ret1d as number));
  const gainers = byReturn.slice(0, topN).filter((r) => (r.ret1d as number) > 0);
  const losers = byReturn
    .slice(-topN)
    .reverse()
    .filter((r) => (r.ret1d as number) < 0);
  const active = today.filter((r) => Number.isFinite(r.volume)).sort((a, b) => b.volume - a.volume);

  // Signals of a stray ticker dated after the market's day are not the market's latest.
  const signalsLatestDate = inputs.signals.reduce<number | null>(
    (m, s) => ((m === null || s.date > m) && (latest === null || s.date <= latest) ? s.date : m),
    null,
  );
  const latestCounts: Record<string, number> = {};
  const weekCounts: Record<string, number> = {};
  if (signalsLatestDate !== null) {
    for (const s of inputs.signals) {
      if (s.date > signalsLatestDate) continue;
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
    breadth: latestBreadth(inputs.breadth, latest),
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
      behindLatest: inputs.rows.filter((r) => latest !== null && r.date < latest).length,
      lastFetchAt: Number.isFinite(lastFetch) ? new Date(lastFetch).toISOString() : null,
      fetchErrors: failedSymbols.size,
    },
  };
}

/** The breadth of the market's day (the series may hold a stray ticker's later day, counted alone). */
function latestBreadth(series: BreadthSeries | null, asOf: number | null): OverviewPayload['breadth'] {
  if (!series || series.dates.length === 0) return null;
  let i = series.dates.length - 1;
  while (i > 0 && asOf !== null && series.dates[i] > asOf) i--;
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
