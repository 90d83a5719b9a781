import { checkPeriod, outputFor } from './kernel-guards.js';

/** The three MACD lines, each as long as the input. */
export interface MacdResult {
  /** fast EMA - slow EMA. */
  macd: Float64Array;
  /** EMA of the MACD line (the trigger). */
  signal: Float64Array;
  /** macd - signal; its sign change is the classic crossover signal. */
  hist: Float64Array;
}

/**
 * Moving Average Convergence/Divergence: the gap between a fast and a slow EMA of the close, with an
 * EMA of that gap as trigger line; momentum turning up or down.
 *
 * TA-Lib MACD, including its seeding quirk: if slow < fast the two are swapped. The slow EMA is seeded at
 * bar slow-1 with mean(x_0..x_{slow-1}); the fast EMA is ALSO first seeded at bar slow-1, with the mean of
 * the last `fast` values x_{slow-fast}..x_{slow-1} (so early MACD is not EMA12 - EMA26 of the whole
 * history). macd = fast - slow from bar slow-1; signal = EMA(signal) of macd seeded at bar
 * slow+signal-2 with the mean of the macd values since bar slow-1; hist = macd - signal.
 * All three lines are NaN before bar slow+signal-2 (bar 33 for 12/26/9), where TA-Lib's output starts.
 * Periods 2..100000. TA-Lib documents signal periods from 1, but its EMA lookback rejects 1 and MACD then
 * returns a line shifted by one bar with a garbage first value, so marketdeck refuses signal 1.
 *
 * Missing values: a NaN enters both EMAs, so every output from the hole on is NaN, as TA-Lib answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_MACD.c
 *
 * @param out optional buffers of the input's length, reused; the same object is returned.
 */
export function macd(values: Float64Array, fast = 12, slow = 26, signal = 9, out?: MacdResult): MacdResult {
  checkPeriod('macd: fast period', fast, 2);
  checkPeriod('macd: slow period', slow, 2);
  checkPeriod('macd: signal period', signal, 2);
  const n = values.length;
  const line = outputFor('macd', 'out.macd', out?.macd, n);
  const trigger = outputFor('macd', 'out.signal', out?.signal, n);
  const hist = outputFor('macd', 'out.hist', out?.hist, n);
  const result = out ?? { macd: line, signal: trigger, hist };
  if (slow < fast) {
    const swap = slow;
    slow = fast;
    fast = swap;
  }
  const lineStart = slow - 1;
  const first = lineStart + signal - 1;
  if (first >= n) {
    line.fill(Number.NaN);
    trigger.fill(Number.NaN);
    hist.fill(Number.NaN);
    return result;
  }
  line.fill(Number.NaN, 0, first);
  trigger.fill(Number.NaN, 0, first);
  hist.fill(Number.NaN, 0, first);

  const kSlow = 2 / (slow + 1);
  const kFast = 2 / (fast + 1);
  const kSignal = 2 / (signal + 1);
  let slowSum = 0;
  for (let i = 0; i < slow; i++) slowSum += values[i];
  let fastSum = 0;
  for (let i = slow - fast; i < slow; i++) fastSum += values[i];
  let slowEma = slowSum / slow;
  let fastEma = fastSum / fast;
  let m = fastEma - slowEma;
  // The signal seed is the mean of the macd values of bars slow-1 .. slow+signal-2.
  let signalSum = m;
  for (let i = slow; i <= first; i++) {
    const x = values[i];
    slowEma = (x - slowEma) * kSlow + slowEma;
    fastEma = (x - fastEma) * kFast + fastEma;
    m = fastEma - slowEma;
    signalSum += m;
  }
  let s = signalSum / signal;
  line[first] = m;
  trigger[first] = s;
  hist[first] = m - s;
  for (let i = first + 1; i < n; i++) {
    const x = values[i];
    slowEma = (x - slowEma) * kSlow + slowEma;
    fastEma = (x - fastEma) * kFast + fastEma;
    m = fastEma - slowEma;
    s = (m - s) * kSignal + s;
    line[i] = m;
    trigger[i] = s;
    hist[i] = m - s;
  }
  return result;
}
