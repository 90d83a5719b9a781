import type { IndicatorFrame } from './indicator-frame.js';
import { SIGNAL_CODE } from './signal-kinds.js';

/** Signals in columns, grown as needed: a whole-market history has millions, too many for objects. */
export class SignalBuffer {
  length = 0;
  dates = new Int32Array(1024);
  kinds = new Uint8Array(1024);
  values = new Float64Array(1024);

  push(date: number, kind: number, value: number): void {
    if (this.length === this.dates.length) this.grow();
    const i = this.length++;
    this.dates[i] = date;
    this.kinds[i] = kind;
    this.values[i] = value;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const cap = this.dates.length * 2;
    const dates = new Int32Array(cap);
    dates.set(this.dates);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    const values = new Float64Array(cap);
    values.set(this.values);
    this.dates = dates;
    this.kinds = kinds;
    this.values = values;
  }
}

const GOLDEN = SIGNAL_CODE['golden-cross'];
const DEATH = SIGNAL_CODE['death-cross'];
const ABOVE50 = SIGNAL_CODE['close-above-sma50'];
const BELOW50 = SIGNAL_CODE['close-below-sma50'];
const ABOVE200 = SIGNAL_CODE['close-above-sma200'];
const BELOW200 = SIGNAL_CODE['close-below-sma200'];
const RSI70 = SIGNAL_CODE['rsi-above-70'];
const RSI30 = SIGNAL_CODE['rsi-below-30'];
const MACD_UP = SIGNAL_CODE['macd-bullish-cross'];
const MACD_DOWN = SIGNAL_CODE['macd-bearish-cross'];
const HIGH52 = SIGNAL_CODE['new-52w-high'];
const LOW52 = SIGNAL_CODE['new-52w-low'];
const SQUEEZE = SIGNAL_CODE['bb-squeeze'];
const BREAK_UP = SIGNAL_CODE['bb-breakout-up'];
const BREAK_DOWN = SIGNAL_CODE['bb-breakout-down'];
const SPIKE = SIGNAL_CODE['volume-spike'];

/** Bars in the squeeze window: about six months of bandwidth. */
export const SQUEEZE_BARS = 126;
/** A volume this many times its 50-day average is a spike. */
export const VOLUME_SPIKE_RATIO = 2;

/**
 * Appends the signals of bars [from, to) of the frame, in date order (per bar in SIGNAL_KINDS order).
 * Crossings fire on the bar where the relation flips, comparing with the previous bar, so a warm-up bar
 * (NaN) never fires one:
 * - golden / death cross: SMA50 crosses above / below SMA200 (value: SMA50);
 * - close crossing SMA50 / SMA200 (value: close); RSI14 crossing above 70 / below 30 (value: RSI);
 * - MACD crossing its signal line, i.e. the histogram changing sign (value: MACD);
 * - new 52-week high / low: the high beats the highest high of the previous 251 bars (value: the high);
 * - Bollinger squeeze: the bandwidth falls to the lowest of the last 126 bars, on the bar that begins it
 *   (value: bandwidth); breakout: the close leaves the bands (value: close);
 * - volume spike: volume above twice its 50-day average, every such bar (value: the ratio).
 */
export function detectSignals(f: IndicatorFrame, from: number, to: number, out: SignalBuffer): void {
  const { dates, close, high, low, volume, sma50, sma200, rsi14, macd, macdHist } = f;
  const { bbUpper, bbLower, bandwidth, bandwidthMin126, high251, low251, volumeSma50 } = f;
  const first = Math.max(from, 1);
  if (first >= to) return;
  // The previous bar's values ride along in locals: each bar is read once.
  let pc = close[first - 1];
  let p50 = sma50[first - 1];
  let p200 = sma200[first - 1];
  let pr = rsi14[first - 1];
  let ph = macdHist[first - 1];
  let pUp = bbUpper[first - 1];
  let pLo = bbLower[first - 1];
  let pHigh251 = high251[first - 1];
  let pLow251 = low251[first - 1];
  let wasSqueezed = inSqueeze(bandwidth, bandwidthMin126, first - 1);
  for (let t = first; t < to; t++) {
    const day = dates[t];
    const c = close[t];
    const s50 = sma50[t];
    const s200 = sma200[t];
    if (s50 > s200 && p50 <= p200) out.push(day, GOLDEN, s50);
    else if (s50 < s200 && p50 >= p200) out.push(day, DEATH, s50);
    if (c > s50 && pc <= p50) out.push(day, ABOVE50, c);
    else if (c < s50 && pc >= p50) out.push(day, BELOW50, c);
    if (c > s200 && pc <= p200) out.push(day, ABOVE200, c);
    else if (c < s200 && pc >= p200) out.push(day, BELOW200, c);
    const r = rsi14[t];
    if (r > 70 && pr <= 70) out.push(day, RSI70, r);
    else if (r < 30 && pr >= 30) out.push(day, RSI30, r);
    const h = macdHist[t];
    if (h > 0 && ph <= 0) out.push(day, MACD_UP, macd[t]);
    else if (h < 0 && ph >= 0) out.push(day, MACD_DOWN, macd[t]);
    const hi = high[t];
    if (hi > pHigh251) out.push(day, HIGH52, hi);
    const lo = low[t];
    if (lo < pLow251) out.push(day, LOW52, lo);
    const squeezed = inSqueeze(bandwidth, bandwidthMin126, t);
    if (squeezed && !wasSqueezed) out.push(day, SQUEEZE, bandwidth[t]);
    const up = bbUpper[t];
    const down = bbLower[t];
    if (c > up && pc <= pUp) out.push(day, BREAK_UP, c);
    else if (c < down && pc >= pLo) out.push(day, BREAK_DOWN, c);
    const avg = volumeSma50[t];
    const v = volume[t];
    if (avg > 0 && v > VOLUME_SPIKE_RATIO * avg) out.push(day, SPIKE, v / avg);
    pc = c;
    p50 = s50;
    p200 = s200;
    pr = r;
    ph = h;
    pUp = up;
    pLo = down;
    pHigh251 = high251[t];
    pLow251 = low251[t];
    wasSqueezed = squeezed;
  }
}

/** The bandwidth is the lowest of a full window of 126 valid bandwidths ending at bar t. */
function inSqueeze(bandwidth: Float64Array, min126: Float64Array, t: number): boolean {
  const first = t - (SQUEEZE_BARS - 1);
  if (first < 0) return false;
  const oldest = bandwidth[first];
  const bw = bandwidth[t];
  return !Number.isNaN(oldest) && bw <= min126[t];
}
