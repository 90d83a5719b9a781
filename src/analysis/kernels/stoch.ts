import { checkPeriod, checkSameLength, outputFor } from './kernel-guards.js';
import { rollingExtremeInto } from './rolling-extreme.js';
import { smaInto } from './sma.js';

/** The slow stochastic lines, each as long as the input. */
export interface StochResult {
  /** Slow %K: the SMA of the raw %K. */
  k: Float64Array;
  /** Slow %D: the SMA of slow %K. */
  d: Float64Array;
}

/**
 * Slow stochastic oscillator: where the close sits in the recent high-low range, 0 (at the low) to 100
 * (at the high), smoothed twice; %K crossing %D is the usual signal.
 *
 * TA-Lib STOCH with SMA smoothing (matype 0 for both): raw %K_t = (C_t - LL) / ((HH - LL) / 100) with
 * HH/LL the highest high / lowest low of the last fastK bars, and 0 when HH = LL; slow %K = SMA(slowK) of
 * raw %K; slow %D = SMA(slowD) of slow %K. Both lines start at bar fastK + slowK + slowD - 3, where
 * TA-Lib's output starts (bar 17 for 14/3/3). Periods 1..100000 each, as TA-Lib accepts.
 *
 * Missing values: a NaN close makes raw %K NaN, and the SMAs keep every later value NaN, as TA-Lib answers
 * for a missing bar. A NaN high or low alone is skipped by the highest-high / lowest-low window
 * (marketdeck's rollingMax/rollingMin rule); TA-Lib skips it too, except on the bar where its rescan
 * happens to start on the NaN, which then poisons its SMAs; that accident is not reproduced.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_STOCH.c
 *
 * @param out optional buffers of the input's length, reused; the same object is returned.
 */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastK = 14,
  slowK = 3,
  slowD = 3,
  out?: StochResult,
): StochResult {
  checkPeriod('stoch: fastK period', fastK, 1);
  checkPeriod('stoch: slowK period', slowK, 1);
  checkPeriod('stoch: slowD period', slowD, 1);
  const n = high.length;
  checkSameLength('stoch', 'low', low, n);
  checkSameLength('stoch', 'close', close, n);
  const k = outputFor('stoch', 'out.k', out?.k, n);
  const d = outputFor('stoch', 'out.d', out?.d, n);
  const result = out ?? { k, d };
  const rawStart = fastK - 1;
  const first = rawStart + slowK - 1 + slowD - 1;
  if (first >= n) {
    k.fill(Number.NaN);
    d.fill(Number.NaN);
    return result;
  }
  // The two output buffers double as scratch: highest high in k, lowest low then raw %K in d,
  // slow %K (SMA of d) in k, slow %D (SMA of k) back in d. No allocation.
  rollingExtremeInto(high, fastK, k, true);
  rollingExtremeInto(low, fastK, d, false);
  for (let i = rawStart; i < n; i++) {
    const lowest = d[i];
    const range = (k[i] - lowest) / 100;
    d[i] = range !== 0 ? (close[i] - lowest) / range : 0;
  }
  smaInto(d, rawStart, n, slowK, k);
  smaInto(k, rawStart + slowK - 1, n, slowD, d);
  k.fill(Number.NaN, 0, first);
  d.fill(Number.NaN, 0, first);
  return result;
}
