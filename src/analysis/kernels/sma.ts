import { checkPeriod, outputFor } from './kernel-guards.js';

/**
 * Simple moving average: the plain mean of the last `period` values, the baseline trend line
 * (price above its SMA200 = long-term uptrend).
 *
 * TA-Lib SMA, same operations in the same order: a running total S; at each bar S += x_t,
 * out_t = S / period (first output at bar period-1), then S -= x_{t-period+1}.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN enters the running total, so it and every later output are NaN, exactly as
 * TA-Lib answers (checked against the talib binding in the tests).
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_SMA.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function sma(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('sma: period', period, 2);
  const n = values.length;
  const o = outputFor('sma', 'out', out, n);
  smaInto(values, 0, n, period, o);
  return o;
}

/**
 * SMA of src[from..to) written to dst[from+period-1..to), NaN in dst[from..from+period-1); TA-Lib's
 * TA_MA with period 1 copies its input, and so does this. Used by kernels that smooth an intermediate
 * series (STOCH), without validating the period.
 */
export function smaInto(src: Float64Array, from: number, to: number, period: number, dst: Float64Array): void {
  const first = from + period - 1;
  if (first >= to) {
    dst.fill(Number.NaN, from, to);
    return;
  }
  dst.fill(Number.NaN, from, first);
  if (period === 1) {
    for (let i = from; i < to; i++) dst[i] = src[i];
    return;
  }
  let total = 0;
  for (let i = from; i < first; i++) total += src[i];
  let trailing = from;
  for (let i = first; i < to; i++) {
    total += src[i];
    const sum = total;
    total -= src[trailing++];
    dst[i] = sum / period;
  }
}
