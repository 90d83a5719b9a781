/**
 * One ticker's inputs and per-bar indicator values over a span of bars, aligned by index. A full run
 * fills it over the whole history with the kernels; a resumed run fills only the bars after the last
 * analysed one (from the stored recurrences) and keeps the bars before it as context for rolling windows.
 * The signal detector, the breadth contribution and the screener row read nothing else, which is what
 * makes both runs give the same answers.
 */
export interface IndicatorFrame {
  length: number;
  dates: Int32Array;
  close: Float64Array;
  /** High and low with a missing value replaced by the close (see fillMissingRange). */
  high: Float64Array;
  low: Float64Array;
  volume: Float64Array;
  sma20: Float64Array;
  sma50: Float64Array;
  sma200: Float64Array;
  volumeSma50: Float64Array;
  rsi14: Float64Array;
  macd: Float64Array;
  macdSignal: Float64Array;
  macdHist: Float64Array;
  bbUpper: Float64Array;
  bbMiddle: Float64Array;
  bbLower: Float64Array;
  /** Bollinger bandwidth, percent of the middle band. */
  bandwidth: Float64Array;
  /** Lowest bandwidth of the 126 bars ending at each bar (the squeeze reference). */
  bandwidthMin126: Float64Array;
  /** Highest high and lowest low of the 251 bars ending at each bar: bar t+1 makes a new 52-week high when its high beats high251[t]. */
  high251: Float64Array;
  low251: Float64Array;
}

export const FRAME_FLOAT_FIELDS = [
  'close',
  'high',
  'low',
  'volume',
  'sma20',
  'sma50',
  'sma200',
  'volumeSma50',
  'rsi14',
  'macd',
  'macdSignal',
  'macdHist',
  'bbUpper',
  'bbMiddle',
  'bbLower',
  'bandwidth',
  'bandwidthMin126',
  'high251',
  'low251',
] as const;

type FloatField = (typeof FRAME_FLOAT_FIELDS)[number];

/**
 * Reusable frame storage: one set of arrays grown to the longest ticker seen, so a whole-market run
 * allocates a handful of arrays per worker instead of a set per ticker.
 */
export class FrameBuffers {
  private capacity = 0;
  private dates = new Int32Array(0);
  private floats = new Map<FloatField, Float64Array>();
  /** Frames already cut from the current buffers, by length (tickers mostly share a few lengths). */
  private frames = new Map<number, IndicatorFrame>();

  /**
   * A frame of `length` bars; its arrays are views valid until the next call. Callers point dates, close
   * and volume at their series' own arrays (the frame object is reused for the same length).
   */
  frame(length: number): IndicatorFrame {
    if (length > this.capacity) {
      this.capacity = Math.max(length, Math.ceil(this.capacity * 1.5), 512);
      this.dates = new Int32Array(this.capacity);
      for (const f of FRAME_FLOAT_FIELDS) this.floats.set(f, new Float64Array(this.capacity));
      this.frames.clear();
    }
    let frame = this.frames.get(length);
    if (!frame) {
      frame = { length, dates: this.dates.subarray(0, length) } as IndicatorFrame;
      for (const f of FRAME_FLOAT_FIELDS) frame[f] = this.floats.get(f)!.subarray(0, length);
      if (this.frames.size > 64) this.frames.clear();
      this.frames.set(length, frame);
    }
    return frame;
  }
}

/**
 * Bars without a high or low (some rows of real files have only a close) count the close as their
 * range, so one hole does not leave the ATR and the 52-week range missing for the rest of the history.
 */
export function fillMissingRange(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  outHigh: Float64Array,
  outLow: Float64Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) {
    const c = close[i];
    const h = high[i];
    const l = low[i];
    outHigh[i] = !Number.isNaN(h) ? h : c;
    outLow[i] = !Number.isNaN(l) ? l : c;
  }
}

/** Bandwidth (percent of the middle band) from the bands, NaN when the middle is not positive. */
export function fillBandwidth(frame: IndicatorFrame, from: number, to: number): void {
  const { bbUpper, bbMiddle, bbLower, bandwidth } = frame;
  for (let i = from; i < to; i++) {
    const mid = bbMiddle[i];
    bandwidth[i] = mid > 0 ? ((bbUpper[i] - bbLower[i]) / mid) * 100 : Number.NaN;
  }
}
