import type { MacdStage } from '../domain/screener-row.js';

/**
 * Names where MACD momentum stands, from the sign of the MACD line and the slope of its histogram:
 * above zero and widening is `bullish-rising`, above zero and narrowing `bullish-fading`, below zero and
 * falling `bearish-falling`, below zero and turning up `bearish-recovering`. 'none' while MACD or either
 * histogram value is missing, when MACD is exactly 0, or when the histogram is flat.
 */
export function macdStage(macd: number, hist: number, prevHist: number): MacdStage {
  if (!(Number.isFinite(macd) && Number.isFinite(hist) && Number.isFinite(prevHist))) return 'none';
  const rising = hist > prevHist;
  const falling = hist < prevHist;
  if (macd > 0) return rising ? 'bullish-rising' : falling ? 'bullish-fading' : 'none';
  if (macd < 0) return falling ? 'bearish-falling' : rising ? 'bearish-recovering' : 'none';
  return 'none';
}
