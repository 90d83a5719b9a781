import { type BarSeries, lowerBound } from '../domain/bar-series.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import { addBreadthContribution, type BreadthCounts } from './breadth-counts.js';
import { buildScreenerRow } from './build-screener-row.js';
import { detectSignals, type SignalBuffer, SQUEEZE_BARS } from './detect-signals.js';
import { FrameBuffers, fillBandwidth, fillMissingRange, type IndicatorFrame } from './indicator-frame.js';
import {
  advanceRecurrences,
  recurrencesMatchFrame,
  replayRecurrences,
  writeLastOutputs,
} from './indicator-recurrences.js';
import { bbands } from './kernels/bbands.js';
import { macd } from './kernels/macd.js';
import { rollingMax } from './kernels/rolling-max.js';
import { rollingMin } from './kernels/rolling-min.js';
import { rsi } from './kernels/rsi.js';
import { sma } from './kernels/sma.js';
import { squeezeBandwidths, type TickerState, WINDOW_BARS, windowHash } from './ticker-state.js';

/** Bars before a new 52-week high or low: it must beat the previous 251 bars. */
const RECORD_LOOKBACK = 251;

/** What to do with one ticker. */
export interface TickerJob {
  symbol: string;
  /** Index of the ticker's breadth bucket (its sector) in the counters. */
  bucket: number;
  /** The state the last analysis stored, or null. */
  state: TickerState | null;
  /** Count breadth only for bars dated after this day; null counts every bar. */
  breadthAfter: number | null;
  /** The store reports the history rewritten since `state` (a change its fingerprint may not cover). */
  rewritten?: boolean;
}

export interface TickerResult {
  symbol: string;
  mode: 'full' | 'resume';
  row: ScreenerRow;
  /** The ticker's signals in the shared buffer are [signalsStart, signalsEnd). */
  signalsStart: number;
  signalsEnd: number;
  /** They replace the stored signals dated on or after this day; null replaces them all. */
  signalsFrom: number | null;
  state: TickerState;
  /** The stored history no longer matches the state's fingerprint: not only new bars were added. */
  historyChanged: boolean;
  /** Bars computed (all of them in a full run, the new ones when resumed). */
  barsComputed: number;
}

/** Milliseconds per phase, summed over tickers. */
export interface PhaseTimes {
  load: number;
  indicators: number;
  signals: number;
  breadth: number;
}

export function emptyPhaseTimes(): PhaseTimes {
  return { load: 0, indicators: 0, signals: 0, breadth: 0 };
}

/**
 * Analyses tickers one at a time into shared outputs (signal columns, breadth counters), reusing one set
 * of frame buffers. A full analysis runs the kernels over the whole history; a resumed one continues the
 * stored recurrences over the bars appended since, with the last WINDOW_BARS bars reloaded as context.
 * Both feed the same signal detector, breadth contribution and screener row over an IndicatorFrame, so
 * they agree to the bit (test/analysis/incremental.test.ts).
 */
export class TickerAnalyzer {
  private readonly buffers = new FrameBuffers();
  readonly times = emptyPhaseTimes();

  constructor(
    private readonly counts: BreadthCounts,
    private readonly signals: SignalBuffer,
  ) {}

  /** Full analysis of a ticker's whole history (at least one bar). */
  analyzeFull(series: BarSeries, job: TickerJob): TickerResult {
    const t0 = performance.now();
    const n = series.dates.length;
    const f = this.buffers.frame(n);
    f.dates = series.dates;
    f.close = series.close;
    f.volume = series.volume;
    computeKernelFrame(series, f);
    const recurrences = replayRecurrences(f, n);
    const resumable = n >= WINDOW_BARS && recurrencesMatchFrame(recurrences, f);
    const row = buildScreenerRow(job.symbol, f, n - 1, n, recurrences);
    let historyChanged = false;
    let epoch = 0;
    if (job.state) {
      historyChanged = job.rewritten === true || !extendsState(series, job.state);
      epoch = historyChanged ? job.state.epoch + 1 : job.state.epoch;
    }
    const t1 = performance.now();
    const signalsStart = this.signals.length;
    detectSignals(f, 1, n, this.signals);
    const t2 = performance.now();
    const from = job.breadthAfter === null ? 0 : lowerBound(series.dates, job.breadthAfter + 1);
    addBreadthContribution(f, from, n, this.counts.data[job.bucket], this.counts.baseDay);
    const t3 = performance.now();
    this.times.indicators += t1 - t0;
    this.times.signals += t2 - t1;
    this.times.breadth += t3 - t2;
    return {
      symbol: job.symbol,
      mode: 'full',
      row,
      signalsStart,
      signalsEnd: this.signals.length,
      signalsFrom: null,
      state: stateAt(series, f, n, n, recurrences, resumable, epoch, series.dates[0]),
      historyChanged,
      barsComputed: n,
    };
  }

  /**
   * Continues a resumable state over `recent`, the stored bars from the state's window start on. Returns
   * null when those bars do not start with the window the state fingerprinted (the history was rewritten):
   * the caller then loads the whole history and runs analyzeFull.
   */
  analyzeResume(recent: BarSeries, job: TickerJob): TickerResult | null {
    const st = job.state;
    if (!st?.resumable) throw new Error(`${job.symbol} has no resumable analysis state`);
    const t0 = performance.now();
    const j = lowerBound(recent.dates, st.lastDate + 1);
    if (j !== st.windowLength || recent.dates[0] !== st.windowStart) return null;
    const [h1, h2] = windowHash(recent, 0, j);
    if (h1 !== st.hash || h2 !== st.hash2) return null;
    const total = recent.dates.length;
    const f = this.buffers.frame(total);
    f.dates = recent.dates;
    f.close = recent.close;
    f.volume = recent.volume;
    fillMissingRange(recent.close, recent.high, recent.low, f.high, f.low, 0, total);
    // Indicator values before the last analysed bar are not known here and are never read: signals and
    // breadth compare each new bar with the one before, and the windows below start no earlier.
    const recurrences = st.recurrences.slice();
    writeLastOutputs(recurrences, f, j - 1);
    f.macdHist[j - 2] = st.prevMacdHist;
    f.bandwidth.set(st.bandwidths, j - SQUEEZE_BARS);
    advanceRecurrences(recurrences, f, j, total, f);
    fillBandwidth(f, j, total);
    // Only the last analysed bar and the new ones are read: their windows are scanned directly (the kernels'
    // rule, the extreme of the values present, so the result is the same as over the whole history).
    windowExtremes(f.bandwidth, SQUEEZE_BARS, j - 1, total, f.bandwidthMin126, false);
    windowExtremes(f.high, RECORD_LOOKBACK, j - 1, total, f.high251, true);
    windowExtremes(f.low, RECORD_LOOKBACK, j - 1, total, f.low251, false);
    const bars = st.bars + (total - j);
    const row = buildScreenerRow(job.symbol, f, total - 1, bars, recurrences);
    const t1 = performance.now();
    const signalsStart = this.signals.length;
    detectSignals(f, j, total, this.signals);
    const t2 = performance.now();
    const from = Math.max(j, job.breadthAfter === null ? 0 : lowerBound(recent.dates, job.breadthAfter + 1));
    addBreadthContribution(f, from, total, this.counts.data[job.bucket], this.counts.baseDay);
    const t3 = performance.now();
    this.times.indicators += t1 - t0;
    this.times.signals += t2 - t1;
    this.times.breadth += t3 - t2;
    return {
      symbol: job.symbol,
      mode: 'resume',
      row,
      signalsStart,
      signalsEnd: this.signals.length,
      signalsFrom: st.lastDate + 1,
      state: stateAt(recent, f, total, bars, recurrences, true, st.epoch, st.firstDate),
      historyChanged: false,
      barsComputed: total - j,
    };
  }
}

/** Fills a frame over a whole history with the kernels. */
export function computeKernelFrame(series: BarSeries, f: IndicatorFrame): void {
  const n = series.dates.length;
  const { close, volume } = series;
  fillMissingRange(close, series.high, series.low, f.high, f.low, 0, n);
  sma(close, 20, f.sma20);
  sma(close, 50, f.sma50);
  sma(close, 200, f.sma200);
  sma(volume, 50, f.volumeSma50);
  rsi(close, 14, f.rsi14);
  macd(close, 12, 26, 9, { macd: f.macd, signal: f.macdSignal, hist: f.macdHist });
  bbands(close, 20, 2, { upper: f.bbUpper, middle: f.bbMiddle, lower: f.bbLower });
  fillBandwidth(f, 0, n);
  rollingMin(f.bandwidth, SQUEEZE_BARS, f.bandwidthMin126);
  rollingMax(f.high, RECORD_LOOKBACK, f.high251);
  rollingMin(f.low, RECORD_LOOKBACK, f.low251);
}

/**
 * out[t] = the maximum (or minimum) of the non-missing values[t-period+1..t] for t in [from, to), NaN when
 * all are missing: rollingMax / rollingMin at just those bars (each needs period-1 bars before it).
 */
function windowExtremes(
  values: Float64Array,
  period: number,
  from: number,
  to: number,
  out: Float64Array,
  max: boolean,
): void {
  for (let t = from; t < to; t++) {
    let best = Number.NaN;
    for (let i = t - period + 1; i <= t; i++) {
      const v = values[i];
      if (!Number.isNaN(v) && (Number.isNaN(best) || (max ? v > best : v < best))) best = v;
    }
    out[t] = best;
  }
}

/** True when `series` still holds the state's analysed bars unchanged (new bars may follow them). */
export function extendsState(series: BarSeries, st: TickerState): boolean {
  const start = st.bars - st.windowLength;
  if (start < 0 || st.bars > series.dates.length) return false;
  if (series.dates[0] !== st.firstDate || series.dates[start] !== st.windowStart) return false;
  if (series.dates[st.bars - 1] !== st.lastDate) return false;
  const [h1, h2] = windowHash(series, start, st.bars);
  return h1 === st.hash && h2 === st.hash2;
}

function stateAt(
  s: BarSeries,
  f: IndicatorFrame,
  length: number,
  bars: number,
  recurrences: Float64Array,
  resumable: boolean,
  epoch: number,
  firstDate: number,
): TickerState {
  const window = Math.min(length, WINDOW_BARS);
  const start = length - window;
  const [hash, hash2] = windowHash(s, start, length);
  const bandwidths = squeezeBandwidths(f.bandwidth, length);
  return {
    bars,
    firstDate,
    lastDate: s.dates[length - 1],
    windowStart: s.dates[start],
    windowLength: window,
    hash,
    hash2,
    resumable,
    epoch,
    prevMacdHist: length >= 2 ? f.macdHist[length - 2] : Number.NaN,
    recurrences,
    bandwidths,
  };
}
