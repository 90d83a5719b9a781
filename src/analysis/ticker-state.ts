import type { BarSeries } from '../domain/bar-series.js';
import { bytesToFloat64 } from '../store/bar-codec.js';
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
  /**
   * What the squeeze needs of the last SQUEEZE_BARS bandwidths, oldest first: every value that can still be
   * the lowest of a window ending at a later bar, NaN where there was none, and +Infinity for the values a
   * later lower one hides. Windows ending at or after the last bar see the same lowest value as with the
   * real numbers, so only those few are stored.
   */
  bandwidths: Float64Array;
}

const FORMAT = 3;
const HEADER = 11;
const FIXED = HEADER + RECURRENCE_SLOTS + 1;

/** The last SQUEEZE_BARS values of `bandwidth` up to `end` as TickerState.bandwidths keeps them. */
export function squeezeBandwidths(bandwidth: Float64Array, end: number): Float64Array {
  const out = new Float64Array(SQUEEZE_BARS).fill(Number.NaN);
  let lowestAfter = Number.POSITIVE_INFINITY;
  for (let k = SQUEEZE_BARS - 1; k >= 0; k--) {
    const i = end - SQUEEZE_BARS + k;
    if (i < 0) break;
    const v = bandwidth[i];
    if (Number.isNaN(v)) continue;
    // Ties keep the newest, as the rolling kernels do.
    if (v < lowestAfter) {
      out[k] = v;
      lowestAfter = v;
    } else out[k] = Number.POSITIVE_INFINITY;
  }
  return out;
}

export function encodeTickerState(s: TickerState): Uint8Array {
  let kept = 0;
  for (const b of s.bandwidths) if (b !== Number.POSITIVE_INFINITY) kept++;
  const v = new Float64Array(FIXED + 2 * kept);
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
  v[FIXED - 1] = kept;
  let at = FIXED;
  s.bandwidths.forEach((b, k) => {
    if (b === Number.POSITIVE_INFINITY) return;
    v[at++] = k;
    v[at++] = b;
  });
  return new Uint8Array(v.buffer);
}

/** Null for bytes of another format (an older marketdeck), which simply means a full recompute. */
export function decodeTickerState(bytes: Uint8Array | null | undefined): TickerState | null {
  if (!bytes || bytes.byteLength < FIXED * 8 || bytes.byteLength % 8 !== 0) return null;
  const length = bytes.byteLength / 8;
  // A view when the bytes are aligned (the state then shares them; resuming copies what it changes).
  const v = bytesToFloat64(bytes, 0, length);
  const kept = v[FIXED - 1];
  if (v[0] !== FORMAT || length !== FIXED + 2 * kept) return null;
  const bandwidths = new Float64Array(SQUEEZE_BARS).fill(Number.POSITIVE_INFINITY);
  for (let at = FIXED; at < length; at += 2) bandwidths[v[at]] = v[at + 1];
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
    bandwidths,
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
