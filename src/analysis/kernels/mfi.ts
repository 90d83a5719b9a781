import { checkPeriod, checkSameLength, outputFor } from './kernel-guards.js';

/** Money-flow ring buffers (positive, negative), reused across calls; kernels are synchronous. */
let positiveRing = new Float64Array(64);
let negativeRing = new Float64Array(64);

/**
 * Money Flow Index: a volume-weighted RSI, 0..100; the share of the last `period` days' money flow
 * (typical price x volume) that came on days the typical price rose.
 *
 * TA-Lib MFI: typical price TP = (H + L + C) / 3; a bar's flow TP * V counts as positive if TP rose
 * from the previous bar, negative if it fell, and nowhere if unchanged. MFI = 100 * pos / (pos + neg) over
 * the flows of the last `period` bars (first output at bar `period`), and 0 when pos + neg < 1 (TA-Lib's
 * threshold; flat or volume-less series give 0). Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN typical price neither rises nor falls, so that bar and the next contribute no
 * flow and MFI continues after the hole; a NaN volume on a moving day makes MFI NaN from there on.
 * Both as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_MFI.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be an input column.
 */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
  out?: Float64Array,
): Float64Array {
  checkPeriod('mfi: period', period, 2);
  const n = high.length;
  checkSameLength('mfi', 'low', low, n);
  checkSameLength('mfi', 'close', close, n);
  checkSameLength('mfi', 'volume', volume, n);
  const o = outputFor('mfi', 'out', out, n);
  if (period >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, period);
  if (positiveRing.length < period) {
    const size = Math.max(period, positiveRing.length * 2);
    positiveRing = new Float64Array(size);
    negativeRing = new Float64Array(size);
  }
  const pos = positiveRing;
  const neg = negativeRing;
  let slot = 0;
  let posSum = 0;
  let negSum = 0;
  let prevTP = (high[0] + low[0] + close[0]) / 3;
  for (let i = 1; i <= period; i++) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    const change = tp - prevTP;
    prevTP = tp;
    const flow = tp * volume[i];
    if (change < 0) {
      neg[slot] = flow;
      negSum += flow;
      pos[slot] = 0;
    } else if (change > 0) {
      pos[slot] = flow;
      posSum += flow;
      neg[slot] = 0;
    } else {
      pos[slot] = 0;
      neg[slot] = 0;
    }
    if (++slot === period) slot = 0;
  }
  let total = posSum + negSum;
  o[period] = total < 1 ? 0 : 100 * (posSum / total);
  for (let i = period + 1; i < n; i++) {
    posSum -= pos[slot];
    negSum -= neg[slot];
    const tp = (high[i] + low[i] + close[i]) / 3;
    const change = tp - prevTP;
    prevTP = tp;
    const flow = tp * volume[i];
    if (change < 0) {
      neg[slot] = flow;
      negSum += flow;
      pos[slot] = 0;
    } else if (change > 0) {
      pos[slot] = flow;
      posSum += flow;
      neg[slot] = 0;
    } else {
      pos[slot] = 0;
      neg[slot] = 0;
    }
    total = posSum + negSum;
    o[i] = total < 1 ? 0 : 100 * (posSum / total);
    if (++slot === period) slot = 0;
  }
  return o;
}
