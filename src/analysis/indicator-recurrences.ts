import type { IndicatorFrame } from './indicator-frame.js';

/**
 * The running state of every recursive indicator at one bar: what an incremental run needs to extend a
 * ticker's analysis by the bars appended since, without reloading its whole history.
 *
 * TA-Lib's moving averages are recurrences over the whole history (an EMA never forgets its seed, an
 * SMA's running total carries the rounding of every add and subtract since bar 0), so the values at a new
 * bar are only bit-identical to a full run when the same floating-point operations continue from the same
 * state. The kernels are pure functions that do not expose that state, so it is carried here: the seed
 * (the first SEED_BARS bars) mirrors each kernel's warm-up, and `advanceRecurrences` repeats each kernel's
 * loop body, operation for operation, one bar at a time. A full run checks the last bar against the
 * kernels' own output before it trusts the state (see `recurrencesMatchFrame`), and the tests check the
 * two bar by bar on real series.
 */

/** Bars replayed with per-indicator warm-up loops; from here on every indicator has its first output. */
export const SEED_BARS = 300;

// Slots of the state vector. Totals are the kernels' running sums after the trailing value left them.
export const R_BARS = 0;
export const R_EMA10 = 1;
export const R_EMA20 = 2;
export const R_EMA50 = 3;
export const R_EMA100 = 4;
export const R_EMA200 = 5;
export const R_SMA_TOTAL20 = 6;
export const R_SMA_TOTAL50 = 7;
export const R_SMA_TOTAL200 = 8;
export const R_VOLUME_TOTAL50 = 9;
export const R_RSI_GAIN = 10;
export const R_RSI_LOSS = 11;
export const R_MACD_FAST = 12;
export const R_MACD_SLOW = 13;
export const R_BB_SUM = 14;
export const R_BB_SUM_SQ = 15;
export const R_ATR = 16;
// Outputs at the last bar consumed, so a resumed run sees the previous bar's values for crossings.
export const R_SMA20 = 17;
export const R_SMA50 = 18;
export const R_SMA200 = 19;
export const R_VOLUME_SMA50 = 20;
export const R_RSI14 = 21;
export const R_MACD = 22;
export const R_MACD_SIGNAL = 23;
export const R_MACD_HIST = 24;
export const R_BB_UPPER = 25;
export const R_BB_MIDDLE = 26;
export const R_BB_LOWER = 27;
export const RECURRENCE_SLOTS = 28;

const EMA_PERIODS = [10, 20, 50, 100, 200] as const;
const EMA_SLOTS = [R_EMA10, R_EMA20, R_EMA50, R_EMA100, R_EMA200] as const;
const RSI_PERIOD = 14;
const MACD_FAST = 12;
const MACD_SLOW = 26;
const MACD_SIGNAL = 9;
const BB_PERIOD = 20;
const BB_DEVIATIONS = 2;
const ATR_PERIOD = 14;

/** The inputs the recurrences read, aligned by bar; high and low already have their holes filled. */
export interface RecurrenceInputs {
  close: Float64Array;
  high: Float64Array;
  low: Float64Array;
  volume: Float64Array;
}

/**
 * State after the first `count` bars (count <= SEED_BARS uses only warm-up loops; then the bars after
 * SEED_BARS are advanced one at a time). Indicators whose warm-up is longer than `count` are NaN.
 */
export function replayRecurrences(inputs: RecurrenceInputs, count: number): Float64Array {
  const seedCount = Math.min(count, SEED_BARS);
  const r = seedRecurrences(inputs, seedCount);
  if (count > seedCount) advanceRecurrences(r, inputs, seedCount, count, null);
  return r;
}

function seedRecurrences(inputs: RecurrenceInputs, count: number): Float64Array {
  const { close, high, low, volume } = inputs;
  const r = new Float64Array(RECURRENCE_SLOTS).fill(Number.NaN);
  r[R_BARS] = count;
  for (let e = 0; e < EMA_PERIODS.length; e++) r[EMA_SLOTS[e]] = seedEma(close, count, EMA_PERIODS[e]);
  seedSma(close, count, 20, r, R_SMA_TOTAL20, R_SMA20);
  seedSma(close, count, 50, r, R_SMA_TOTAL50, R_SMA50);
  seedSma(close, count, 200, r, R_SMA_TOTAL200, R_SMA200);
  seedSma(volume, count, 50, r, R_VOLUME_TOTAL50, R_VOLUME_SMA50);
  seedRsi(close, count, r);
  seedMacd(close, count, r);
  seedBbands(close, count, r);
  seedAtr(high, low, close, count, r);
  return r;
}

/** EMA kernel warm-up: mean of the first `period` values, then the recurrence. */
function seedEma(x: Float64Array, count: number, period: number): number {
  if (period > count) return Number.NaN;
  const k = 2 / (period + 1);
  let seed = 0;
  for (let i = 0; i < period; i++) seed += x[i];
  let e = seed / period;
  for (let i = period; i < count; i++) e = (x[i] - e) * k + e;
  return e;
}

/** SMA kernel (smaInto) loop; keeps the running total after the trailing value left it. */
function seedSma(x: Float64Array, count: number, period: number, r: Float64Array, total: number, out: number): void {
  const first = period - 1;
  if (first >= count) return;
  let t = 0;
  for (let i = 0; i < first; i++) t += x[i];
  let trailing = 0;
  let sum = 0;
  for (let i = first; i < count; i++) {
    t += x[i];
    sum = t;
    t -= x[trailing++];
  }
  r[total] = t;
  r[out] = sum / period;
}

/** RSI kernel: seed averages over d_1..d_period, then Wilder smoothing. */
function seedRsi(x: Float64Array, count: number, r: Float64Array): void {
  const period = RSI_PERIOD;
  if (period >= count) return;
  const keep = period - 1;
  let gain = 0;
  let loss = 0;
  let prev = x[0];
  for (let i = 1; i <= period; i++) {
    const v = x[i];
    const d = v - prev;
    prev = v;
    if (d < 0) loss -= d;
    else gain += d;
  }
  loss /= period;
  gain /= period;
  let total = gain + loss;
  let out = total > -1e-14 && total < 1e-14 ? 0 : 100 * (gain / total);
  for (let i = period + 1; i < count; i++) {
    const v = x[i];
    const d = v - prev;
    prev = v;
    loss *= keep;
    gain *= keep;
    if (d < 0) loss -= d;
    else gain += d;
    loss /= period;
    gain /= period;
    total = gain + loss;
    out = total > -1e-14 && total < 1e-14 ? 0 : 100 * (gain / total);
  }
  r[R_RSI_GAIN] = gain;
  r[R_RSI_LOSS] = loss;
  r[R_RSI14] = out;
}

/** MACD kernel with TA-Lib's seeding: both EMAs first seeded at bar slow-1, signal at slow+signal-2. */
function seedMacd(x: Float64Array, count: number, r: Float64Array): void {
  const slow = MACD_SLOW;
  const fast = MACD_FAST;
  const first = slow - 1 + MACD_SIGNAL - 1;
  if (first >= count) return;
  const kSlow = 2 / (slow + 1);
  const kFast = 2 / (fast + 1);
  const kSignal = 2 / (MACD_SIGNAL + 1);
  let slowSum = 0;
  for (let i = 0; i < slow; i++) slowSum += x[i];
  let fastSum = 0;
  for (let i = slow - fast; i < slow; i++) fastSum += x[i];
  let slowEma = slowSum / slow;
  let fastEma = fastSum / fast;
  let m = fastEma - slowEma;
  let signalSum = m;
  for (let i = slow; i <= first; i++) {
    const v = x[i];
    slowEma = (v - slowEma) * kSlow + slowEma;
    fastEma = (v - fastEma) * kFast + fastEma;
    m = fastEma - slowEma;
    signalSum += m;
  }
  let s = signalSum / MACD_SIGNAL;
  for (let i = first + 1; i < count; i++) {
    const v = x[i];
    slowEma = (v - slowEma) * kSlow + slowEma;
    fastEma = (v - fastEma) * kFast + fastEma;
    m = fastEma - slowEma;
    s = (m - s) * kSignal + s;
  }
  r[R_MACD_FAST] = fastEma;
  r[R_MACD_SLOW] = slowEma;
  r[R_MACD] = m;
  r[R_MACD_SIGNAL] = s;
  r[R_MACD_HIST] = m - s;
}

/** BBANDS kernel: running sum and sum of squares, population variance, flat below 1e-14. */
function seedBbands(x: Float64Array, count: number, r: Float64Array): void {
  const period = BB_PERIOD;
  const first = period - 1;
  if (first >= count) return;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < first; i++) {
    const v = x[i];
    sum += v;
    sumSq += v * v;
  }
  let trailing = 0;
  let mid = 0;
  let band = 0;
  for (let i = first; i < count; i++) {
    const v = x[i];
    sum += v;
    sumSq += v * v;
    mid = sum / period;
    const meanSq = sumSq / period;
    const old = x[trailing++];
    sum -= old;
    sumSq -= old * old;
    const variance = meanSq - mid * mid;
    band = (variance < 1e-14 ? 0 : Math.sqrt(variance)) * BB_DEVIATIONS;
  }
  r[R_BB_SUM] = sum;
  r[R_BB_SUM_SQ] = sumSq;
  r[R_BB_MIDDLE] = mid;
  r[R_BB_UPPER] = mid + band;
  r[R_BB_LOWER] = mid - band;
}

/** ATR kernel: mean of TR_1..TR_period, then Wilder smoothing. */
function seedAtr(high: Float64Array, low: Float64Array, close: Float64Array, count: number, r: Float64Array): void {
  const period = ATR_PERIOD;
  if (period >= count) return;
  let prevClose = close[0];
  let sum = 0;
  for (let i = 1; i <= period; i++) {
    const h = high[i];
    const l = low[i];
    let tr = h - l;
    const up = Math.abs(prevClose - h);
    if (up > tr) tr = up;
    const down = Math.abs(prevClose - l);
    if (down > tr) tr = down;
    sum += tr;
    prevClose = close[i];
  }
  const keep = period - 1;
  let value = sum / period;
  for (let i = period + 1; i < count; i++) {
    const h = high[i];
    const l = low[i];
    let tr = h - l;
    const up = Math.abs(prevClose - h);
    if (up > tr) tr = up;
    const down = Math.abs(prevClose - l);
    if (down > tr) tr = down;
    value = (value * keep + tr) / period;
    prevClose = close[i];
  }
  r[R_ATR] = value;
}

/**
 * Advances the state over bars [from, to) of `inputs` (bar `from` must follow the last bar the state
 * consumed, and at least 200 earlier bars must be present for the trailing values of the SMAs). When
 * `out` is given, each bar's outputs are written to it at the same index.
 * Only valid once every indicator is past its warm-up (state bars >= SEED_BARS).
 */
export function advanceRecurrences(
  r: Float64Array,
  inputs: RecurrenceInputs,
  from: number,
  to: number,
  out: IndicatorFrame | null,
): void {
  if (r[R_BARS] < SEED_BARS) throw new RangeError(`recurrences have ${r[R_BARS]} bars, expected >= ${SEED_BARS}`);
  const { close, high, low, volume } = inputs;
  const k10 = 2 / (10 + 1);
  const k20 = 2 / (20 + 1);
  const k50 = 2 / (50 + 1);
  const k100 = 2 / (100 + 1);
  const k200 = 2 / (200 + 1);
  const kSlow = 2 / (MACD_SLOW + 1);
  const kFast = 2 / (MACD_FAST + 1);
  const kSignal = 2 / (MACD_SIGNAL + 1);
  const rsiKeep = RSI_PERIOD - 1;
  const atrKeep = ATR_PERIOD - 1;
  let e10 = r[R_EMA10];
  let e20 = r[R_EMA20];
  let e50 = r[R_EMA50];
  let e100 = r[R_EMA100];
  let e200 = r[R_EMA200];
  let t20 = r[R_SMA_TOTAL20];
  let t50 = r[R_SMA_TOTAL50];
  let t200 = r[R_SMA_TOTAL200];
  let tv50 = r[R_VOLUME_TOTAL50];
  let gain = r[R_RSI_GAIN];
  let loss = r[R_RSI_LOSS];
  let fastEma = r[R_MACD_FAST];
  let slowEma = r[R_MACD_SLOW];
  let s = r[R_MACD_SIGNAL];
  let bbSum = r[R_BB_SUM];
  let bbSumSq = r[R_BB_SUM_SQ];
  let atrValue = r[R_ATR];
  let sma20 = r[R_SMA20];
  let sma50 = r[R_SMA50];
  let sma200 = r[R_SMA200];
  let vsma50 = r[R_VOLUME_SMA50];
  let rsiOut = r[R_RSI14];
  let m = r[R_MACD];
  let mid = r[R_BB_MIDDLE];
  let upper = r[R_BB_UPPER];
  let lower = r[R_BB_LOWER];
  for (let i = from; i < to; i++) {
    const x = close[i];
    const prevClose = close[i - 1];
    e10 = (x - e10) * k10 + e10;
    e20 = (x - e20) * k20 + e20;
    e50 = (x - e50) * k50 + e50;
    e100 = (x - e100) * k100 + e100;
    e200 = (x - e200) * k200 + e200;

    t20 += x;
    let sum = t20;
    t20 -= close[i - 19];
    sma20 = sum / 20;
    t50 += x;
    sum = t50;
    t50 -= close[i - 49];
    sma50 = sum / 50;
    t200 += x;
    sum = t200;
    t200 -= close[i - 199];
    sma200 = sum / 200;
    tv50 += volume[i];
    sum = tv50;
    tv50 -= volume[i - 49];
    vsma50 = sum / 50;

    const d = x - prevClose;
    loss *= rsiKeep;
    gain *= rsiKeep;
    if (d < 0) loss -= d;
    else gain += d;
    loss /= RSI_PERIOD;
    gain /= RSI_PERIOD;
    const total = gain + loss;
    rsiOut = total > -1e-14 && total < 1e-14 ? 0 : 100 * (gain / total);

    slowEma = (x - slowEma) * kSlow + slowEma;
    fastEma = (x - fastEma) * kFast + fastEma;
    m = fastEma - slowEma;
    s = (m - s) * kSignal + s;

    bbSum += x;
    bbSumSq += x * x;
    mid = bbSum / BB_PERIOD;
    const meanSq = bbSumSq / BB_PERIOD;
    const old = close[i - 19];
    bbSum -= old;
    bbSumSq -= old * old;
    const variance = meanSq - mid * mid;
    const band = (variance < 1e-14 ? 0 : Math.sqrt(variance)) * BB_DEVIATIONS;
    upper = mid + band;
    lower = mid - band;

    const h = high[i];
    const l = low[i];
    let tr = h - l;
    const up = Math.abs(prevClose - h);
    if (up > tr) tr = up;
    const down = Math.abs(prevClose - l);
    if (down > tr) tr = down;
    atrValue = (atrValue * atrKeep + tr) / ATR_PERIOD;

    if (out !== null) {
      out.sma20[i] = sma20;
      out.sma50[i] = sma50;
      out.sma200[i] = sma200;
      out.volumeSma50[i] = vsma50;
      out.rsi14[i] = rsiOut;
      out.macd[i] = m;
      out.macdSignal[i] = s;
      out.macdHist[i] = m - s;
      out.bbUpper[i] = upper;
      out.bbMiddle[i] = mid;
      out.bbLower[i] = lower;
    }
  }
  r[R_BARS] += to - from;
  r[R_EMA10] = e10;
  r[R_EMA20] = e20;
  r[R_EMA50] = e50;
  r[R_EMA100] = e100;
  r[R_EMA200] = e200;
  r[R_SMA_TOTAL20] = t20;
  r[R_SMA_TOTAL50] = t50;
  r[R_SMA_TOTAL200] = t200;
  r[R_VOLUME_TOTAL50] = tv50;
  r[R_RSI_GAIN] = gain;
  r[R_RSI_LOSS] = loss;
  r[R_MACD_FAST] = fastEma;
  r[R_MACD_SLOW] = slowEma;
  r[R_MACD_SIGNAL] = s;
  r[R_BB_SUM] = bbSum;
  r[R_BB_SUM_SQ] = bbSumSq;
  r[R_ATR] = atrValue;
  r[R_SMA20] = sma20;
  r[R_SMA50] = sma50;
  r[R_SMA200] = sma200;
  r[R_VOLUME_SMA50] = vsma50;
  r[R_RSI14] = rsiOut;
  r[R_MACD] = m;
  r[R_MACD_HIST] = m - s;
  r[R_BB_UPPER] = upper;
  r[R_BB_MIDDLE] = mid;
  r[R_BB_LOWER] = lower;
}

/** Writes the state's last-bar outputs into `frame` at index i (the bar before a resumed span). */
export function writeLastOutputs(r: Float64Array, frame: IndicatorFrame, i: number): void {
  frame.sma20[i] = r[R_SMA20];
  frame.sma50[i] = r[R_SMA50];
  frame.sma200[i] = r[R_SMA200];
  frame.volumeSma50[i] = r[R_VOLUME_SMA50];
  frame.rsi14[i] = r[R_RSI14];
  frame.macd[i] = r[R_MACD];
  frame.macdSignal[i] = r[R_MACD_SIGNAL];
  frame.macdHist[i] = r[R_MACD_HIST];
  frame.bbUpper[i] = r[R_BB_UPPER];
  frame.bbMiddle[i] = r[R_BB_MIDDLE];
  frame.bbLower[i] = r[R_BB_LOWER];
}

/**
 * True when the state's last-bar outputs are bit-identical to the kernels' values at the frame's last bar
 * (NaN equal to NaN). A full run only stores a resumable state when this holds, so a kernel whose
 * operations drift from the recurrences costs speed (full recomputes), never wrong numbers.
 */
export function recurrencesMatchFrame(r: Float64Array, frame: IndicatorFrame): boolean {
  const i = frame.length - 1;
  return (
    same(r[R_SMA20], frame.sma20[i]) &&
    same(r[R_SMA50], frame.sma50[i]) &&
    same(r[R_SMA200], frame.sma200[i]) &&
    same(r[R_VOLUME_SMA50], frame.volumeSma50[i]) &&
    same(r[R_RSI14], frame.rsi14[i]) &&
    same(r[R_MACD], frame.macd[i]) &&
    same(r[R_MACD_SIGNAL], frame.macdSignal[i]) &&
    same(r[R_MACD_HIST], frame.macdHist[i]) &&
    same(r[R_BB_UPPER], frame.bbUpper[i]) &&
    same(r[R_BB_MIDDLE], frame.bbMiddle[i]) &&
    same(r[R_BB_LOWER], frame.bbLower[i])
  );
}

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
