import { type BarSeries, emptyBarSeries, lowerBound, mergeBarSeries } from '../domain/bar-series.js';
import { isoFromDay } from '../domain/epoch-day.js';
import type { Split } from '../domain/ticker.js';

/** What a whole-history refetch kept of the stored history because the answer did not cover it. */
export interface KeptHistory {
  symbol: string;
  /** Stored bars outside the answer's date range, kept. */
  bars: number;
  /** First and last kept day, ISO. */
  from: string;
  to: string;
  /** The split factor the kept prices before the new splits were divided by (1 = none). */
  splitFactor: number;
  reason: string;
}

/**
 * A whole-history answer that replaces a restated history (a new split, a dividend re-adjustment) may
 * cover less than what is stored: a shorter range, a source that keeps only recent years, a partial
 * answer. The stored bars outside the answer's range stay, brought onto the answer's basis: prices before
 * a new split divided by its factor (volumes multiplied by it), and the adjusted close scaled by the change
 * of the adjusted/unadjusted ratio on the first day both have (a dividend re-adjustment of every earlier
 * day). Returns the series to store and what was kept, or null kept when the answer covers everything.
 */
export function keepStoredHistory(
  stored: BarSeries | null,
  answer: BarSeries,
  newSplits: readonly Split[],
): { bars: BarSeries; kept: KeptHistory | null } {
  if (!stored || stored.dates.length === 0) return { bars: answer, kept: null };
  const n = answer.dates.length;
  const first = n > 0 ? answer.dates[0] : Number.POSITIVE_INFINITY;
  const last = n > 0 ? answer.dates[n - 1] : Number.NEGATIVE_INFINITY;
  const before = lowerBound(stored.dates, first);
  const after = n > 0 ? lowerBound(stored.dates, last + 1) : stored.dates.length;
  const count = before + (stored.dates.length - after);
  if (count === 0) return { bars: answer, kept: null };

  const ratioFactor = adjustedRatioChange(stored, answer);
  const kept = emptyBarSeries(stored.symbol, count);
  let k = 0;
  let maxFactor = 1;
  for (let i = 0; i < stored.dates.length; i++) {
    if (i >= before && i < after) continue;
    const day = stored.dates[i];
    let factor = 1;
    for (const s of newSplits) if (s.date > day && s.denominator > 0) factor *= s.numerator / s.denominator;
    maxFactor = Math.max(maxFactor, factor);
    kept.dates[k] = day;
    kept.open[k] = stored.open[i] / factor;
    kept.high[k] = stored.high[i] / factor;
    kept.low[k] = stored.low[i] / factor;
    kept.close[k] = stored.close[i] / factor;
    kept.adjClose[k] = (stored.adjClose[i] / factor) * (day < first ? ratioFactor : 1);
    kept.volume[k] = stored.volume[i] * factor;
    k++;
  }
  const range = n > 0 ? `${isoFromDay(first)}..${isoFromDay(last)}` : 'no bars';
  const adjusted = maxFactor !== 1 ? `; kept prices divided by the split factor ${maxFactor}` : '';
  return {
    bars: mergeBarSeries(kept, answer),
    kept: {
      symbol: stored.symbol,
      bars: count,
      from: isoFromDay(kept.dates[0]),
      to: isoFromDay(kept.dates[count - 1]),
      splitFactor: maxFactor,
      reason: `the source answered only ${range}${adjusted}`,
    },
  };
}

/**
 * How much the adjusted close's share of the close changed on the answer's first day, when the stored
 * history has that day: the dividend re-adjustment every earlier day needs. 1 when it cannot be told.
 */
function adjustedRatioChange(stored: BarSeries, answer: BarSeries): number {
  if (answer.dates.length === 0) return 1;
  const i = lowerBound(stored.dates, answer.dates[0]);
  if (i >= stored.dates.length || stored.dates[i] !== answer.dates[0]) return 1;
  const change = answer.adjClose[0] / answer.close[0] / (stored.adjClose[i] / stored.close[i]);
  return Number.isFinite(change) && change > 0 ? change : 1;
}

/** Tickers whose kept history a terminal summary lists; the run metrics hold all of them. */
const KEPT_LINES = 20;

/** The lines a terminal summary shows of what a run kept, and why. */
export function keptHistoryLines(kept: readonly KeptHistory[], whereTheRest: string): string[] {
  const lines = kept
    .slice(0, KEPT_LINES)
    .map((k) => `kept ${k.symbol}: ${k.bars} stored bar(s) ${k.from}..${k.to}: ${k.reason}`);
  if (kept.length > KEPT_LINES)
    lines.push(`... and ${kept.length - KEPT_LINES} more tickers kept stored bars (see ${whereTheRest})`);
  return lines;
}
