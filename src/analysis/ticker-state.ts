import type { BarSeries } from '../domain/bar-series.js';
import { SQUEEZE_BARS } from './detect-signals.js';
import { RECURRENCE_SLOTS, SEED_BARS } from './indicator-recurrences.js';

/**
 * Bars of context a resumed run reloads before the new ones: enough for the SMA200's trailing value, the
 * 251-bar high/low and the screener's longest look back (one calendar year of weekdays).
 */
export const WINDOW_BARS = SEED_BARS;

/**
 * What the analysis remembers about a ticker between runs (stored as opaque bytes in analysis_state):
 * where it stopped, a fingerprint of the last WINDOW_BARS bars so a changed history is noticed, and the
 * indicator recurrences to continue from.
 */
export interface TickerState {
  /** Bars analysed. */
  bars: number;
  firstDate: number;
  lastDate: number;
  /** Date of the first of the last `windowLength` analysed bars, and their fingerprint. */
  windowStart: number;
  windowLength: number;
  hash: number;
  hash2: number;
  /** False when the ticker must be recomputed from its first bar next time (short history, kernel drift). */
  resumable: boolean;
  /**
   * Counts the times the ticker's history was found rewritten (not just appended to). Breadth counters
   * remember the epoch they counted a ticker at; a different one means its old contribution is stale.
   */
  epoch: number;
  /** MACD histogram of the bar before the last (the last bar's MACD stage compares the two). */
  prevMacdHist: number;
  recurrences: Float64Array;
  /** Bandwidth of the last SQUEEZE_BARS bars, oldest first, NaN where there were none. */
  bandwidths: Float64Array;
}

const FORMAT = 2;
const HEADER = 11;
const LENGTH = HEADER + RECURRENCE_SLOTS + SQUEEZE_BARS;

export function encodeTickerState(s: TickerState): Uint8Array {
  const v = new Float64Array(LENGTH);
  v[0] = FORMAT;
  v[1] = s.bars;
  v[2] = s.firstDate;
  v[3] = s.lastDate;
  v[4] = s.windowStart;
  v[5] = s.windowLength;
  v[6] = s.hash;
  v[7] = s.hash2;
  v[8] = s.resumable ? 1 : 0;
  v[9] = s.epoch;
  v[10] = s.prevMacdHist;
  v.set(s.recurrences, HEADER);
  v.set(s.bandwidths, HEADER + RECURRENCE_SLOTS);
  return new Uint8Array(v.buffer);
}

/** Null for bytes of another format (an older marketdeck), which simply means a full recompute. */
export function decodeTickerState(bytes: Uint8Array | null | undefined): TickerState | null {
  if (!bytes || bytes.byteLength !== LENGTH * 8) return null;
  // A view when the bytes are aligned (the state then shares them; resuming copies what it changes).
  let v: Float64Array;
  if (bytes.byteOffset % 8 === 0) v = new Float64Array(bytes.buffer, bytes.byteOffset, LENGTH);
  else {
    v = new Float64Array(LENGTH);
    new Uint8Array(v.buffer).set(bytes);
  }
  if (v[0] !== FORMAT) return null;
  return {
    bars: v[1],
    firstDate: v[2],
    lastDate: v[3],
    windowStart: v[4],
    windowLength: v[5],
    hash: v[6],
    hash2: v[7],
    resumable: v[8] === 1,
    epoch: v[9],
    prevMacdHist: v[10],
    recurrences: v.subarray(HEADER, HEADER + RECURRENCE_SLOTS),
    bandwidths: v.subarray(HEADER + RECURRENCE_SLOTS),
  };
}

/**
 * Two 32-bit fingerprints of bars [from, to) over the fields analysis reads (dates, high, low, close,
 * volume), so a corrected price, volume or date changes them; open and adjusted close do not matter here.
 */
export function windowHash(s: BarSeries, from: number, to: number): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9 ^ (to - from);
  const fields = [s.dates, s.high, s.low, s.close, s.volume];
  for (const a of fields) {
    const width = a.BYTES_PER_ELEMENT >>> 2;
    const words = new Uint32Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, (to - from) * width);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 + w, 0x85ebca6b);
    }
  }
  return [h1 >>> 0, h2 >>> 0];
}
