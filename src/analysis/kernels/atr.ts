import { checkPeriod, checkSameLength, outputFor } from './kernel-guards.js';

/**
 * Two-slot scratch for picking the true range without a branch. Which of H-L, |C-H|, |C-L| is largest is
 * a coin flip on real data, and a mispredicted branch per bar costs more than the whole Wilder step; a
 * comparison turned into 0/1 and used as an index compiles to a flag read instead. Kernels are
 * synchronous, so one per module is safe.
 */
const pick = new Float64Array(2);

/**
 * Average True Range (Wilder): the typical daily range including overnight gaps, in price units; used
 * to size stops and positions by volatility.
 *
 * TA-Lib ATR: TR_t = max(H_t - L_t, |C_{t-1} - H_t|, |C_{t-1} - L_t|) for t >= 1 (bar 0 has no previous
 * close, so no TR). The first ATR, at bar `period`, is mean(TR_1..TR_period); then
 * ATR = (ATR * (period-1) + TR) / period. With period 1 the output is TR itself from bar 1 (TA-Lib's TRANGE).
 * Periods 1..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN high/low/close makes TR NaN, and the average stays NaN from the hole on, as
 * TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_ATR.c (TR in ta_TRANGE.c)
 *
 * @param out optional buffer of the input's length, reused and returned; must not be an input column.
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out?: Float64Array,
): Float64Array {
  checkPeriod('atr: period', period, 1);
  const n = high.length;
  checkSameLength('atr', 'low', low, n);
  checkSameLength('atr', 'close', close, n);
  const o = outputFor('atr', 'out', out, n);
  if (period >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, period);
  let prevClose = close[0];
  let sum = 0;
  // TR_1..TR_period. The comparisons are TA-Lib's, in its order: a NaN gap never wins, a NaN range stays NaN.
  for (let i = 1; i <= period; i++) {
    const h = high[i];
    const l = low[i];
    const range = h - l;
    const up = Math.abs(prevClose - h);
    const down = Math.abs(prevClose - l);
    pick[0] = range;
    pick[1] = up;
    let tr = pick[+(up > range)];
    pick[0] = tr;
    pick[1] = down;
    tr = pick[+(down > tr)];
    if (period === 1) o[i] = tr;
    sum += tr;
    prevClose = close[i];
  }
  if (period === 1) {
    for (let i = 2; i < n; i++) {
      const h = high[i];
      const l = low[i];
      const range = h - l;
      const up = Math.abs(prevClose - h);
      const down = Math.abs(prevClose - l);
      pick[0] = range;
      pick[1] = up;
      let tr = pick[+(up > range)];
      pick[0] = tr;
      pick[1] = down;
      tr = pick[+(down > tr)];
      o[i] = tr;
      prevClose = close[i];
    }
    return o;
  }
  const keep = period - 1;
  let value = sum / period;
  o[period] = value;
  for (let i = period + 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const range = h - l;
    const up = Math.abs(prevClose - h);
    const down = Math.abs(prevClose - l);
    pick[0] = range;
    pick[1] = up;
    let tr = pick[+(up > range)];
    pick[0] = tr;
    pick[1] = down;
    tr = pick[+(down > tr)];
    value = (value * keep + tr) / period;
    o[i] = value;
    prevClose = close[i];
  }
  return o;
}
