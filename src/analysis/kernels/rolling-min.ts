import { checkPeriod, outputFor } from './kernel-guards.js';
import { rollingExtremeInto } from './rolling-extreme.js';

/**
 * Rolling minimum: the lowest value of the last `period` bars (the 52-week low is rollingMin(low, 252)).
 *
 * Same values as TA-Lib MIN (first output at bar period-1), computed in O(n) with a monotonic deque of
 * indices held in a preallocated Int32Array instead of TA-Lib's rescan.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values (marketdeck's rule): NaN values are skipped, so the output is the minimum of the values
 * present in the window, and NaN only when the whole window is missing. TA-Lib also skips a NaN, except
 * when its rescan happens to start on the NaN bar, which then outputs NaN; that accident is not reproduced
 * (the tests check every other bar against TA-Lib, and those bars against a brute-force minimum).
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_MIN.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function rollingMin(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('rollingMin: period', period, 2);
  const o = outputFor('rollingMin', 'out', out, values.length);
  rollingExtremeInto(values, period, o, false);
  return o;
}
