import type { BarSeries } from '../domain/bar-series.js';
import { fillMissingRange } from './indicator-frame.js';
import { atr } from './kernels/atr.js';
import { bbands } from './kernels/bbands.js';
import { ema } from './kernels/ema.js';
import { macd } from './kernels/macd.js';
import { rsi } from './kernels/rsi.js';
import { sma } from './kernels/sma.js';

/** Indicator arrays `marketdeck show --indicators` can add, by name ('all' selects every one). */
export const INDICATOR_NAMES = [
  'ema10',
  'ema20',
  'ema50',
  'ema100',
  'ema200',
  'sma20',
  'sma50',
  'sma200',
  'rsi14',
  'macd',
  'macdSignal',
  'macdHist',
  'bbUpper',
  'bbMiddle',
  'bbLower',
  'atr14',
] as const;

export type IndicatorName = (typeof INDICATOR_NAMES)[number];

/**
 * The named indicators over a ticker's whole series, aligned with its bars (NaN during warm-up), computed
 * by the same kernels and from the same inputs as `marketdeck analyze`: the close, and for ATR a bar
 * without high or low counting its close as its range. Throws a RangeError naming an unknown name and
 * listing the allowed ones.
 */
export function indicatorArrays(series: BarSeries, names: readonly string[]): Record<string, Float64Array> {
  const wanted = new Set<IndicatorName>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (name === 'all') for (const n of INDICATOR_NAMES) wanted.add(n);
    else if ((INDICATOR_NAMES as readonly string[]).includes(name)) wanted.add(name as IndicatorName);
    else {
      throw new RangeError(`unknown indicator "${name}"; expected one of ${INDICATOR_NAMES.join(', ')} or all`);
    }
  }
  const { close } = series;
  const out: Record<string, Float64Array> = {};
  const has = (...list: IndicatorName[]) => list.some((n) => wanted.has(n));
  for (const p of [10, 20, 50, 100, 200] as const) if (wanted.has(`ema${p}`)) out[`ema${p}`] = ema(close, p);
  for (const p of [20, 50, 200] as const) if (wanted.has(`sma${p}`)) out[`sma${p}`] = sma(close, p);
  if (wanted.has('rsi14')) out.rsi14 = rsi(close, 14);
  if (has('macd', 'macdSignal', 'macdHist')) {
    const m = macd(close, 12, 26, 9);
    if (wanted.has('macd')) out.macd = m.macd;
    if (wanted.has('macdSignal')) out.macdSignal = m.signal;
    if (wanted.has('macdHist')) out.macdHist = m.hist;
  }
  if (has('bbUpper', 'bbMiddle', 'bbLower')) {
    const b = bbands(close, 20, 2);
    if (wanted.has('bbUpper')) out.bbUpper = b.upper;
    if (wanted.has('bbMiddle')) out.bbMiddle = b.middle;
    if (wanted.has('bbLower')) out.bbLower = b.lower;
  }
  if (wanted.has('atr14')) {
    const n = close.length;
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    fillMissingRange(close, series.high, series.low, high, low, 0, n);
    out.atr14 = atr(high, low, close, 14);
  }
  // Keep the order of INDICATOR_NAMES whatever order the caller asked in.
  return Object.fromEntries(INDICATOR_NAMES.filter((n) => n in out).map((n) => [n, out[n]]));
}
