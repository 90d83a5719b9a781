import { atr } from '../analysis/kernels/atr.js';
import { macd } from '../analysis/kernels/macd.js';
import { rsi } from '../analysis/kernels/rsi.js';
import { sma } from '../analysis/kernels/sma.js';
import type { BarSeries } from '../domain/bar-series.js';
import { isoFromDay } from '../domain/epoch-day.js';
import type { StoredQuote } from '../domain/quote.js';

/** A figure, or null where the history is too short or the source sent none. */
type Fig = number | null;

/** Everything an analyst is told about a ticker, computed from stored bars and the stored quote. */
export interface TickerFacts {
  symbol: string;
  asOf: string;
  bars: number;
  close: number;
  trend: {
    sma50: Fig;
    sma200: Fig;
    aboveSma50: boolean | null;
    aboveSma200: boolean | null;
    sma50AboveSma200: boolean | null;
  };
  momentum: { rsi14: Fig; macdHist: Fig; return1m: Fig; return3m: Fig; return6m: Fig; return1y: Fig };
  /** Annualised standard deviation of daily returns; ATR(14) as a fraction of the close. */
  volatility: { annualised20d: Fig; annualised60d: Fig; atr14Pct: Fig };
  valuation: {
    marketCap: Fig;
    trailingPE: Fig;
    forwardPE: Fig;
    eps: Fig;
    dividendYield: Fig;
    /** Where the close sits in the 52-week range: 0 at the low, 1 at the high. */
    rangePosition52w: Fig;
  };
  risks: { drawdownFrom52wHigh: Fig; maxDrawdown1y: Fig; shortHistory: boolean };
  /** Against the benchmark over 3 months (63 trading days), when its bars are stored. */
  relative: { benchmark: string; return3m: Fig; excess3m: Fig } | null;
}

const fig = (x: number): Fig => (Number.isFinite(x) ? x : null);

function periodReturn(close: Float64Array, days: number): Fig {
  const n = close.length;
  return n > days ? fig(close[n - 1] / close[n - 1 - days] - 1) : null;
}

function annualisedVol(close: Float64Array, days: number): Fig {
  const n = close.length;
  if (n <= days) return null;
  const r: number[] = [];
  for (let i = n - days; i < n; i++) r.push(Math.log(close[i] / close[i - 1]));
  const m = r.reduce((s, x) => s + x, 0) / r.length;
  const v = r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1);
  return fig(Math.sqrt(v * 252));
}

/**
 * The facts of one ticker on its last stored bar: trend, momentum, volatility, valuation from the stored
 * quote, risks, and the return against a benchmark. Pure and deterministic: the same bars give the same facts.
 */
export function computeTickerFacts(
  bars: BarSeries,
  quote: StoredQuote | null,
  benchmark: BarSeries | null = null,
  benchmarkSymbol = 'SPY',
): TickerFacts {
  const { close } = bars;
  const n = close.length;
  if (n === 0) throw new RangeError(`${bars.symbol} has no stored bars to analyse`);
  const last = close[n - 1];
  const s50 = fig(sma(close, 50)[n - 1]);
  const s200 = fig(sma(close, 200)[n - 1]);
  const from = Math.max(0, n - 252);
  let high = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  let peak = Number.NEGATIVE_INFINITY;
  let mdd = 0;
  for (let i = from; i < n; i++) {
    const c = close[i];
    if (!Number.isFinite(c)) continue;
    high = Math.max(high, c);
    low = Math.min(low, c);
    peak = Math.max(peak, c);
    mdd = Math.max(mdd, 1 - c / peak);
  }
  const ret3m = periodReturn(close, 63);
  let relative: TickerFacts['relative'] = null;
  if (benchmark && benchmark.close.length > 63) {
    const b = periodReturn(benchmark.close, 63);
    relative = { benchmark: benchmarkSymbol, return3m: b, excess3m: b !== null && ret3m !== null ? ret3m - b : null };
  }
  return {
    symbol: bars.symbol,
    asOf: isoFromDay(bars.dates[n - 1]),
    bars: n,
    close: last,
    trend: {
      sma50: s50,
      sma200: s200,
      aboveSma50: s50 === null ? null : last > s50,
      aboveSma200: s200 === null ? null : last > s200,
      sma50AboveSma200: s50 === null || s200 === null ? null : s50 > s200,
    },
    momentum: {
      rsi14: fig(rsi(close, 14)[n - 1]),
      macdHist: n > 40 ? fig(macd(close).hist[n - 1]) : null,
      return1m: periodReturn(close, 21),
      return3m: ret3m,
      return6m: periodReturn(close, 126),
      return1y: periodReturn(close, 252),
    },
    volatility: {
      annualised20d: annualisedVol(close, 20),
      annualised60d: annualisedVol(close, 60),
      atr14Pct: n > 15 ? fig(atr(bars.high, bars.low, close, 14)[n - 1] / last) : null,
    },
    valuation: {
      marketCap: quote?.marketCap ?? null,
      trailingPE: quote?.trailingPE ?? null,
      forwardPE: quote?.forwardPE ?? null,
      eps: quote?.eps ?? null,
      dividendYield: quote?.dividendYield ?? null,
      rangePosition52w: high > low ? fig((last - low) / (high - low)) : null,
    },
    risks: { drawdownFrom52wHigh: fig(1 - last / high), maxDrawdown1y: fig(mdd), shortHistory: n < 200 },
    relative,
  };
}
