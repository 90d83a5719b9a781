import { type EpochDay, firstDayOfYear, yearOfDay } from '../domain/epoch-day.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { IndicatorFrame } from './indicator-frame.js';
import { R_ATR, R_EMA10, R_EMA20, R_EMA50, R_EMA100, R_EMA200 } from './indicator-recurrences.js';
import { stddev } from './kernels/stddev.js';
import { macdStage } from './macd-stage.js';

/** Trading days per year, for annualising daily volatility and the 52-week window. */
const YEAR_BARS = 252;
/**
 * The furthest back a screener value looks (the year-to-date base can be up to a calendar year of
 * weekdays back). A resumed run keeps this many bars of context, so both runs see the same bars.
 */
export const SCREENER_LOOKBACK = 299;

const RETURN_BARS = { ret1d: 1, ret1w: 5, ret1m: 21, ret3m: 63, ret6m: 126, ret1y: 252 } as const;

/**
 * The screener row of the frame's bar t: the latest values of every indicator, returns, volatility,
 * the 52-week range and the volume ratio. Fields that need the universe (relative strength), the
 * ticker's metadata (name, sector) or its fetch state (flags) are left empty for the runner to fill, and
 * the quote's (P/E, EPS, dividend yield, shares) for precompute.
 * Per-bar indicators come from the frame; the EMAs and the ATR, needed only at the last bar, from
 * `recurrences`, the indicator state at bar t.
 */
export function buildScreenerRow(
  symbol: string,
  f: IndicatorFrame,
  t: number,
  bars: number,
  recurrences: Float64Array,
): ScreenerRow {
  const close = f.close[t];
  const volume = f.volume[t];
  const back = (k: number) => (t - k >= 0 ? f.close[t - k] : Number.NaN);
  const ret = (k: number) => pct(close, back(k));
  const atr = recurrences[R_ATR];
  const upper = f.bbUpper[t];
  const lower = f.bbLower[t];
  const middle = f.bbMiddle[t];
  const avgVolume = f.volumeSma50[t];
  const oldest = Math.max(0, t - (YEAR_BARS - 1));
  let high52 = Number.NaN;
  let low52 = Number.NaN;
  for (let i = oldest; i <= t; i++) {
    const h = f.high[i];
    const l = f.low[i];
    if (!Number.isNaN(h) && !(h <= high52)) high52 = h;
    if (!Number.isNaN(l) && !(l >= low52)) low52 = l;
  }
  return {
    symbol,
    name: null,
    sector: null,
    industry: null,
    marketCap: null,
    trailingPE: null,
    forwardPE: null,
    eps: null,
    dividendYield: null,
    sharesOutstanding: null,
    date: f.dates[t] as EpochDay,
    bars,
    close,
    volume,
    change1d: num(close - back(1)),
    ret1d: ret(RETURN_BARS.ret1d),
    ret1w: ret(RETURN_BARS.ret1w),
    ret1m: ret(RETURN_BARS.ret1m),
    ret3m: ret(RETURN_BARS.ret3m),
    ret6m: ret(RETURN_BARS.ret6m),
    retYtd: pct(close, yearToDateBase(f, t)),
    ret1y: ret(RETURN_BARS.ret1y),
    ema10: num(recurrences[R_EMA10]),
    ema20: num(recurrences[R_EMA20]),
    ema50: num(recurrences[R_EMA50]),
    ema100: num(recurrences[R_EMA100]),
    ema200: num(recurrences[R_EMA200]),
    sma20: num(f.sma20[t]),
    sma50: num(f.sma50[t]),
    sma200: num(f.sma200[t]),
    rsi14: num(f.rsi14[t]),
    macd: num(f.macd[t]),
    macdSignal: num(f.macdSignal[t]),
    macdHist: num(f.macdHist[t]),
    macdStage: macdStage(f.macd[t], f.macdHist[t], t > 0 ? f.macdHist[t - 1] : Number.NaN),
    bbPercentB: num(upper > lower ? (close - lower) / (upper - lower) : Number.NaN),
    bbBandwidth: num(middle > 0 ? ((upper - lower) / middle) * 100 : Number.NaN),
    atr14: num(atr),
    atrPct: num(close > 0 ? (100 * atr) / close : Number.NaN),
    vol20: annualisedVolatility(f.close, t, 20),
    vol60: annualisedVolatility(f.close, t, 60),
    high52w: num(high52),
    low52w: num(low52),
    distHigh52w: pct(close, high52),
    distLow52w: pct(close, low52),
    avgVolume50: num(avgVolume),
    volumeRatio: num(avgVolume > 0 ? volume / avgVolume : Number.NaN),
    relStrength: null,
    flags: [],
  };
}

/** The last close of the previous calendar year (within the lookback), or NaN for a ticker listed this year. */
function yearToDateBase(f: IndicatorFrame, t: number): number {
  const yearStart = firstDayOfYear(yearOfDay(f.dates[t]));
  for (let i = t - 1; i >= Math.max(0, t - SCREENER_LOOKBACK); i--) {
    if (f.dates[i] < yearStart) return f.close[i];
  }
  return Number.NaN;
}

/**
 * Annualised volatility in percent: the standard deviation of the last `bars` daily log returns (the
 * population deviation of TA-Lib's STDDEV kernel) times sqrt(252); null without bars + 1 closes.
 */
function annualisedVolatility(close: Float64Array, t: number, bars: number): number | null {
  if (t - bars < 0) return null;
  const logReturns = scratchReturns.subarray(0, bars);
  for (let i = 0; i < bars; i++) logReturns[i] = Math.log(close[t - bars + 1 + i] / close[t - bars + i]);
  const sd = stddev(logReturns, bars, scratchDeviation.subarray(0, bars))[bars - 1];
  return num(sd * Math.sqrt(YEAR_BARS) * 100);
}

/** Reused by annualisedVolatility (single-threaded per isolate): no garbage per ticker. */
const scratchReturns = new Float64Array(64);
const scratchDeviation = new Float64Array(64);

function pct(now: number, base: number): number | null {
  return num(base > 0 ? (now / base - 1) * 100 : Number.NaN);
}

function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
