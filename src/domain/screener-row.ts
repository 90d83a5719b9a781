import type { EpochDay } from './epoch-day.js';

/** MACD stage from the sign of MACD and the slope of its histogram. */
export type MacdStage = 'bullish-rising' | 'bullish-fading' | 'bearish-falling' | 'bearish-recovering' | 'none';

/**
 * One ticker's latest analysed values: the row the screener, the heatmap and the overview read. Numbers are
 * null when the history is too short for them (e.g. sma200 with fewer than 200 bars).
 */
export interface ScreenerRow {
  symbol: string;
  name: string | null;
  sector: string | null;
  industry: string | null;
  marketCap: number | null;
  /**
   * From the latest stored quote, not from the bars: analysis leaves them null and precompute fills them in
   * (src/precompute/merge-quote-fields.ts), so a new quote shows without analysing anything again.
   */
  trailingPE: number | null;
  forwardPE: number | null;
  /** Earnings per share over the trailing twelve months. */
  eps: number | null;
  /** A fraction (0.0041 = 0.41 %). */
  dividendYield: number | null;
  sharesOutstanding: number | null;
  /** Date of the latest bar. */
  date: EpochDay;
  bars: number;
  close: number;
  volume: number;
  change1d: number | null;
  /** Simple returns in percent over 1d, 1w (5 bars), 1m (21), 3m (63), 6m (126), year to date, 1y (252). */
  ret1d: number | null;
  ret1w: number | null;
  ret1m: number | null;
  ret3m: number | null;
  ret6m: number | null;
  retYtd: number | null;
  ret1y: number | null;
  ema10: number | null;
  ema20: number | null;
  ema50: number | null;
  ema100: number | null;
  ema200: number | null;
  sma20: number | null;
  sma50: number | null;
  sma200: number | null;
  rsi14: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHist: number | null;
  macdStage: MacdStage;
  bbPercentB: number | null;
  bbBandwidth: number | null;
  atr14: number | null;
  atrPct: number | null;
  /** Annualised volatility of daily log returns over 20 and 60 days, percent. */
  vol20: number | null;
  vol60: number | null;
  high52w: number | null;
  low52w: number | null;
  /** Percent below the 52-week high (<= 0) and above the 52-week low (>= 0). */
  distHigh52w: number | null;
  distLow52w: number | null;
  avgVolume50: number | null;
  /** Today's volume / its 50-day average. */
  volumeRatio: number | null;
  /** 3-month return minus the benchmark's, in percentage points (SPY when present, else equal-weight index). */
  relStrength: number | null;
  /** Data-quality flags (kinds) recorded for the ticker. */
  flags: string[];
}
