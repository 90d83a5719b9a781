/** Deque of window indices, reused across calls (kernels are synchronous, so one per module is safe). */
let deque = new Int32Array(256);

/**
 * The rolling maximum (`highest` true) or minimum of the last `period` bars, in O(n) with a monotonic deque
 * of indices held in a preallocated Int32Array instead of TA-Lib's rescan. No argument checks, any period
 * >= 1 (STOCH's fastK may be 1). NaN values are skipped; the output is NaN before bar period-1 and where the
 * whole window is missing.
 */
export function rollingExtremeInto(values: Float64Array, period: number, o: Float64Array, highest: boolean): void {
  const n = values.length;
  const first = period - 1;
  if (first >= n) {
    o.fill(Number.NaN);
    return;
  }
  if (deque.length < period) deque = new Int32Array(Math.max(period, deque.length * 2));
  const q = deque;
  const cap = period;
  let head = 0; // slot of the oldest index (the window's extreme)
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
      // Drop indices whose value can never be the extreme again; ties keep the newest.
      while (size > 0) {
        let tail = head + size - 1;
        if (tail >= cap) tail -= cap;
        const kept = values[q[tail]];
        if (highest ? kept > x : kept < x) break;
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
