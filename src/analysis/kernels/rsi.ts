import { checkPeriod, outputFor } from './kernel-guards.js';

/**
 * Relative Strength Index (Wilder): the share of recent movement that was upward, 0..100; above 70 is
 * read as overbought, below 30 as oversold.
 *
 * TA-Lib RSI (classic, not the Metastock variant): d_i = x_i - x_{i-1}; the seed average gain G and loss L
 * are sums of the positive / negative d over i = 1..period divided by period; the first output is at bar
 * `period`. Then L = (L * (period-1) - d) / period for a falling bar, G = (G * (period-1) + d) / period
 * otherwise (the untouched side is still multiplied and divided). RSI = 100 * G / (G + L), and 0 when
 * |G + L| < 1e-14, i.e. flat prices give RSI 0, not 50.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN difference lands in the gain average (TA-Lib's "else" branch), so that output
 * and every later one are NaN, exactly as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_RSI.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function rsi(values: Float64Array, period = 14, out?: Float64Array): Float64Array {
  checkPeriod('rsi: period', period, 2);
  const n = values.length;
  const o = outputFor('rsi', 'out', out, n);
  if (period >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, period);
  const keep = period - 1;
  let gain = 0;
  let loss = 0;
  let prev = values[0];
  for (let i = 1; i <= period; i++) {
    const x = values[i];
    const d = x - prev;
    prev = x;
    if (d < 0) loss -= d;
    else gain += d;
  }
  loss /= period;
  gain /= period;
  let total = gain + loss;
  o[period] = total > -1e-14 && total < 1e-14 ? 0 : 100 * (gain / total);
  for (let i = period + 1; i < n; i++) {
    const x = values[i];
    const d = x - prev;
    prev = x;
    loss *= keep;
    gain *= keep;
    if (d < 0) loss -= d;
    else gain += d;
    loss /= period;
    gain /= period;
    total = gain + loss;
    o[i] = total > -1e-14 && total < 1e-14 ? 0 : 100 * (gain / total);
  }
  return o;
}
