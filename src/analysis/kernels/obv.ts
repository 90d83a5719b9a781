import { checkSameLength, outputFor } from './kernel-guards.js';

/**
 * On-Balance Volume: a running total that adds a day's volume when the close rises and subtracts it when
 * it falls; its trend is read as accumulation or distribution.
 *
 * TA-Lib OBV: the first value is volume[0] (not 0), then +volume_t if C_t > C_{t-1}, -volume_t if
 * C_t < C_{t-1}, unchanged otherwise. Defined from bar 0, so there is no warm-up.
 *
 * Missing values: a NaN close neither rises nor falls, so OBV stays flat on the hole and on the first bar
 * after it (whose change is unknown), then continues; a NaN volume on a moving day makes OBV NaN from there
 * on. Both as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_OBV.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be an input column.
 */
export function obv(close: Float64Array, volume: Float64Array, out?: Float64Array): Float64Array {
  const n = close.length;
  checkSameLength('obv', 'volume', volume, n);
  const o = outputFor('obv', 'out', out, n);
  if (n === 0) return o;
  let total = volume[0];
  let prev = close[0];
  o[0] = total;
  for (let i = 1; i < n; i++) {
    const x = close[i];
    if (x > prev) total += volume[i];
    else if (x < prev) total -= volume[i];
    o[i] = total;
    prev = x;
  }
  return o;
}
