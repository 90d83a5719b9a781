import { checkFinite, checkPeriod, outputFor } from './kernel-guards.js';

/** The three Bollinger bands, each as long as the input. */
export interface BbandsResult {
  upper: Float64Array;
  /** The SMA the bands are centred on. */
  middle: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger Bands: an SMA with bands `k` population standard deviations above and below; price outside
 * the bands is an unusually large move for the recent volatility.
 *
 * TA-Lib BBANDS with MA type SMA and nbDevUp = nbDevDn = k: middle = running-sum SMA; a running sum of
 * squares Q gets x_t^2, var = Q / period - middle^2, then Q -= x_{t-period+1}^2; sd = 0 when
 * var < 1e-14 (flat prices), else sqrt(var); upper/lower = middle +/- sd * k. The running sums (not a
 * two-pass deviation) are what make long series agree with TA-Lib to 1e-9.
 * Periods 2..100000, as TA-Lib accepts; k any finite number.
 *
 * Missing values: a NaN enters both running sums, so every band from the hole on is NaN, as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_BBANDS.c
 *
 * @param out optional buffers of the input's length, reused; the same object is returned.
 */
export function bbands(values: Float64Array, period = 20, k = 2, out?: BbandsResult): BbandsResult {
  checkPeriod('bbands: period', period, 2);
  checkFinite('bbands: k', k);
  const n = values.length;
  const upper = outputFor('bbands', 'out.upper', out?.upper, n);
  const middle = outputFor('bbands', 'out.middle', out?.middle, n);
  const lower = outputFor('bbands', 'out.lower', out?.lower, n);
  const result = out ?? { upper, middle, lower };
  const first = period - 1;
  if (first >= n) {
    upper.fill(Number.NaN);
    middle.fill(Number.NaN);
    lower.fill(Number.NaN);
    return result;
  }
  upper.fill(Number.NaN, 0, first);
  middle.fill(Number.NaN, 0, first);
  lower.fill(Number.NaN, 0, first);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < first; i++) {
    const x = values[i];
    sum += x;
    sumSq += x * x;
  }
  let trailing = 0;
  for (let i = first; i < n; i++) {
    const x = values[i];
    sum += x;
    sumSq += x * x;
    const mid = sum / period;
    const meanSq = sumSq / period;
    const old = values[trailing++];
    sum -= old;
    sumSq -= old * old;
    const variance = meanSq - mid * mid;
    // NaN must reach the bands, so only a real number below the threshold counts as flat.
    const band = (variance < 1e-14 ? 0 : Math.sqrt(variance)) * k;
    middle[i] = mid;
    upper[i] = mid + band;
    lower[i] = mid - band;
  }
  return result;
}
