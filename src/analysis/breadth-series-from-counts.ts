import type { BreadthSeries } from '../domain/breadth-series.js';
import { C, COUNT_FIELDS } from './breadth-counts.js';
import { ema } from './kernels/ema.js';
import { sma } from './kernels/sma.js';

/** McClellan oscillator periods (StockCharts): EMA19 - EMA39 of the ratio-adjusted net advances. */
const MCCLELLAN_FAST = 19;
const MCCLELLAN_SLOW = 39;
/** The High-Low index smooths the record high percent over ten days. */
const HIGH_LOW_INDEX_DAYS = 10;

/**
 * One scope's breadth series from its per-day counters (see docs/indicators.md for the definitions).
 * Dates are the days on which at least one of the scope's tickers has a bar. Undefined values are NaN:
 * A/D ratio and TRIN without decliners (TRIN also without declining volume), percentages with nobody
 * eligible. Running series (AD line, McClellan, summation) start at the scope's first date:
 * - RANA = 1000 (A - D) / (A + D), 0 on a day with no advancer or decliner; it starts on the first day any
 *   ticker has a previous bar, and the McClellan EMAs are the TA-Lib EMA kernel from there;
 * - record high percent = 100 NH / (NH + NL); a day without new highs or lows keeps the previous value
 *   (so a quiet sector does not break the ten-day average); the High-Low index is its SMA10.
 */
export function breadthSeriesFromCounts(
  scope: string,
  counts: Float64Array,
  baseDay: number,
  days: number,
): BreadthSeries {
  const W = COUNT_FIELDS;
  let n = 0;
  for (let d = 0; d < days; d++) if (counts[d * W + C.present] > 0) n++;
  const at = new Int32Array(n);
  const dates = new Int32Array(n);
  for (let d = 0, i = 0; d < days; d++) {
    if (counts[d * W + C.present] > 0) {
      at[i] = d * W;
      dates[i++] = baseDay + d;
    }
  }
  const field = (f: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = counts[at[i] + f];
    return out;
  };
  const advancers = field(C.advancers);
  const decliners = field(C.decliners);
  const unchanged = field(C.unchanged);
  const upVolume = field(C.upVolume);
  const downVolume = field(C.downVolume);
  const newHighs = field(C.newHighs);
  const newLows = field(C.newLows);
  const percent = (part: number, whole: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const w = counts[at[i] + whole];
      out[i] = w > 0 ? (100 * counts[at[i] + part]) / w : Number.NaN;
    }
    return out;
  };

  const adLine = new Float64Array(n);
  const adRatio = new Float64Array(n);
  const adPercent = new Float64Array(n);
  const netNewHighs = new Float64Array(n);
  const trin = new Float64Array(n);
  const rana = new Float64Array(n);
  const recordHighPercent = new Float64Array(n);
  let line = 0;
  let firstCompared = -1;
  let lastRecord = Number.NaN;
  for (let i = 0; i < n; i++) {
    const a = advancers[i];
    const d = decliners[i];
    const u = unchanged[i];
    line += a - d;
    adLine[i] = line;
    adRatio[i] = d > 0 ? a / d : Number.NaN;
    adPercent[i] = a + d + u > 0 ? (a - d) / (a + d + u) : Number.NaN;
    netNewHighs[i] = newHighs[i] - newLows[i];
    const av = upVolume[i];
    const dv = downVolume[i];
    trin[i] = d > 0 && dv > 0 && av > 0 ? a / d / (av / dv) : Number.NaN;
    if (firstCompared < 0 && a + d + u > 0) firstCompared = i;
    rana[i] = firstCompared < 0 ? Number.NaN : a + d > 0 ? (1000 * (a - d)) / (a + d) : 0;
    const records = newHighs[i] + newLows[i];
    if (records > 0) lastRecord = (100 * newHighs[i]) / records;
    recordHighPercent[i] = lastRecord;
  }

  const mcClellanOscillator = new Float64Array(n).fill(Number.NaN);
  const mcClellanSummation = new Float64Array(n).fill(Number.NaN);
  if (firstCompared >= 0) {
    const span = rana.subarray(firstCompared);
    const fast = ema(span, MCCLELLAN_FAST);
    const slow = ema(span, MCCLELLAN_SLOW);
    let summation = 0;
    for (let i = 0; i < span.length; i++) {
      const mo = fast[i] - slow[i];
      mcClellanOscillator[firstCompared + i] = mo;
      if (!Number.isNaN(mo)) {
        summation += mo;
        mcClellanSummation[firstCompared + i] = summation;
      }
    }
  }

  const highLowIndex = new Float64Array(n).fill(Number.NaN);
  let firstRecord = 0;
  while (firstRecord < n && Number.isNaN(recordHighPercent[firstRecord])) firstRecord++;
  if (firstRecord < n) {
    highLowIndex.set(sma(recordHighPercent.subarray(firstRecord), HIGH_LOW_INDEX_DAYS), firstRecord);
  }

  return {
    scope,
    dates,
    advancers,
    decliners,
    unchanged,
    adLine,
    adRatio,
    adPercent,
    pctAboveSma20: percent(C.aboveSma20, C.withSma20),
    pctAboveSma50: percent(C.aboveSma50, C.withSma50),
    pctAboveSma200: percent(C.aboveSma200, C.withSma200),
    newHighs,
    newLows,
    netNewHighs,
    highLowIndex,
    mcClellanOscillator,
    mcClellanSummation,
    trin,
    upVolume,
    downVolume,
    pctRsiAbove70: percent(C.rsiAbove70, C.withRsi),
    pctRsiBelow30: percent(C.rsiBelow30, C.withRsi),
  };
}
