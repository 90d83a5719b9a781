import { checkPeriod, outputFor } from './kernel-guards.js';

/**
 * Rolling standard deviation (population, divide by `period`): the volatility of the last `period`
 * values, in price units.
 *
 * TA-Lib STDDEV with nbDev 1: running sums S and Q of x and x^2; var = Q/period - (S/period)^2, then the
 * trailing value leaves both sums; sd = 0 when var < 1e-14 (flat prices), else sqrt(var).
 * First output at bar period-1. Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN enters both running sums, so every output from the hole on is NaN, as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_STDDEV.c (variance in ta_VAR.c)
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function stddev(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('stddev: period', period, 2);
  const n = values.length;
  const o = outputFor('stddev', 'out', out, n);
  const first = period - 1;
  if (first >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, first);
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
    const mean = sum / period;
    const meanSq = sumSq / period;
    const old = values[trailing++];
    sum -= old;
    sumSq -= old * old;
    const variance = meanSq - mean * mean;
    o[i] = variance < 1e-14 ? 0 : Math.sqrt(variance);
  }
  return o;
}
