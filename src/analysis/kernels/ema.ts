import { checkPeriod, outputFor } from './kernel-guards.js';

/**
 * Exponential moving average: a trend line that weighs recent closes more, k = 2 / (period + 1).
 *
 * TA-Lib EMA (default compatibility): seeded at bar period-1 with the simple mean of the first `period`
 * values (summed left to right), then e = (x_t - e) * k + e. Other libraries seed with the first price
 * and differ for the first few hundred bars; this one matches TA-Lib from the first output.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN in the seed window or later makes that output and every later one NaN,
 * exactly as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_EMA.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function ema(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('ema: period', period, 2);
  const n = values.length;
  const o = outputFor('ema', 'out', out, n);
  const first = period - 1;
  if (first >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, first);
  const k = 2 / (period + 1);
  let seed = 0;
  for (let i = 0; i < period; i++) seed += values[i];
  let e = seed / period;
  o[first] = e;
  for (let i = period; i < n; i++) {
    e = (values[i] - e) * k + e;
    o[i] = e;
  }
  return o;
}
