import { checkPeriod, outputFor } from './kernel-guards.js';

/**
 * Rate of change: the percent move over the last `period` bars (ROC(252) is the one-year return).
 *
 * TA-Lib ROC: ((x_t / x_{t-period}) - 1) * 100, first output at bar `period`; 0 (not Infinity) when
 * x_{t-period} is 0. Periods 1..100000, as TA-Lib accepts.
 *
 * Missing values: no running state, so an output is NaN only when x_t or x_{t-period} is NaN, as
 * TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_ROC.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function roc(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('roc: period', period, 1);
  const n = values.length;
  const o = outputFor('roc', 'out', out, n);
  if (period >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, period);
  for (let i = period; i < n; i++) {
    const base = values[i - period];
    o[i] = base !== 0 ? (values[i] / base - 1) * 100 : 0;
  }
  return o;
}
