import { checkPeriod, outputFor } from './kernel-guards.js';

/** Deque of window indices, reused across calls (kernels are synchronous, so one per module is safe). */
let deque = new Int32Array(256);

/**
 * Rolling maximum: the highest value of the last `period` bars (the 52-week high is rollingMax(high, 252)).
 *
 * Same values as TA-Lib MAX (first output at bar period-1), computed in O(n) with a monotonic deque of
 * indices held in a preallocated Int32Array instead of TA-Lib's rescan.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values (marketdeck's rule): NaN values are skipped, so the output is the maximum of the values
 * present in the window, and NaN only when the whole window is missing. TA-Lib also skips a NaN, except
 * when its rescan happens to start on the NaN bar, which then outputs NaN; that accident is not reproduced
 * (the tests check every other bar against TA-Lib, and those bars against a brute-force maximum).
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_MAX.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be `values` itself.
 */
export function rollingMax(values: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('rollingMax: period', period, 2);
  const o = outputFor('rollingMax', 'out', out, values.length);
  rollingMaxInto(values, period, o);
  return o;
}

/** rollingMax without argument checks, for any period >= 1 (STOCH's fastK may be 1). */
export function rollingMaxInto(values: Float64Array, period: number, o: Float64Array): void {
  const n = values.length;
  const first = period - 1;
  if (first >= n) {
    o.fill(Number.NaN);
    return;
  }
  if (deque.length < period) deque = new Int32Array(Math.max(period, deque.length * 2));
  const q = deque;
  const cap = period;
  let head = 0; // slot of the oldest index (the window's maximum)
  let size = 0;
  for (let i = 0; i < n; i++) {
    // Expire first: the deque then holds at most period-1 indices, so the new one always fits.
    if (size > 0 && q[head] <= i - period) {
      head++;
      if (head === cap) head = 0;
      size--;
    }
    const x = values[i];
    // A missing value never enters the deque, so it can never be reported.
    if (!Number.isNaN(x)) {
      // Drop indices whose value can never be the maximum again; ties keep the newest.
      while (size > 0) {
        let tail = head + size - 1;
        if (tail >= cap) tail -= cap;
        if (values[q[tail]] > x) break;
        size--;
      }
      let slot = head + size;
      if (slot >= cap) slot -= cap;
      q[slot] = i;
      size++;
    }
    if (i >= first) o[i] = size > 0 ? values[q[head]] : Number.NaN;
    else o[i] = Number.NaN;
  }
}
