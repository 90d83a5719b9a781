import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal } from '../domain/signal.js';
import { isoDay } from './iso-day.js';
import { roundForDisplay } from './round-for-display.js';

/**
 * One ticker at a glance (its page header, hover cards): kept to a few hundred bytes because 10,000 of them
 * are written by every precompute.
 */
export interface TickerSummary {
  symbol: string;
  name: string | null;
  sector: string | null;
  industry: string | null;
  marketCap: number | null;
  date: string;
  close: number | null;
  change1d: number | null;
  returns: {
    d1: number | null;
    w1: number | null;
    m1: number | null;
    m3: number | null;
    ytd: number | null;
    y1: number | null;
  };
  trend: { sma50: number | null; sma200: number | null; rsi14: number | null; macdStage: string };
  range52w: { high: number | null; low: number | null; distHigh: number | null; distLow: number | null };
  volumeRatio: number | null;
  relStrength: number | null;
  flags: string[];
  /** The newest signals first. */
  recentSignals: { date: string; kind: string; value: number | null }[];
}

export function buildTickerSummary(row: ScreenerRow, recentSignals: readonly Signal[]): TickerSummary {
  const r = roundForDisplay;
  return {
    symbol: row.symbol,
    name: row.name,
    sector: row.sector,
    industry: row.industry,
    marketCap: row.marketCap,
    date: isoDay(row.date),
    close: r(row.close),
    change1d: r(row.change1d),
    returns: {
      d1: r(row.ret1d),
      w1: r(row.ret1w),
      m1: r(row.ret1m),
      m3: r(row.ret3m),
      ytd: r(row.retYtd),
      y1: r(row.ret1y),
    },
    trend: { sma50: r(row.sma50), sma200: r(row.sma200), rsi14: r(row.rsi14), macdStage: row.macdStage },
    range52w: { high: r(row.high52w), low: r(row.low52w), distHigh: r(row.distHigh52w), distLow: r(row.distLow52w) },
    volumeRatio: r(row.volumeRatio),
    relStrength: r(row.relStrength),
    flags: row.flags,
    recentSignals: recentSignals.map((s) => ({ date: isoDay(s.date), kind: s.kind, value: r(s.value) })),
  };
}
