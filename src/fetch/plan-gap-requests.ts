import { dayFromIso, type EpochDay } from '../domain/epoch-day.js';
import type { CoverageReport } from './coverage-report.js';

/** One request of a backfill: a ticker's bars from `from` to `to` (inclusive exchange dates). */
export interface GapRequest {
  from: EpochDay | undefined;
  to: EpochDay | undefined;
  /** Trading days missing inside it (0 when re-downloading a whole range). */
  missingDays: number;
}

export interface GapPlanOptions {
  /** Only days on or after this one (--days, --from); default the whole stored range. */
  from?: EpochDay;
  /**
   * Two gaps of a ticker at most this many calendar days apart are asked in one request, the stored days
   * between them asked again (and merged unchanged): one round trip is cheaper than two, and a week holds
   * five trading days.
   */
  mergeWithinDays?: number;
  /**
   * --no-gaps: the whole range again, one request per ticker, whatever is stored: from the window's start (or
   * the first bar) to the calendar's latest day, or up to the source's latest when the window starts later.
   */
  wholeRange?: boolean;
}

export interface GapPlan {
  /** Per ticker, its requests oldest first; tickers with nothing to fetch are absent. */
  requests: Map<string, GapRequest[]>;
  /** Tickers with no gap in the window. */
  complete: string[];
  /** How many requests in all. */
  total: number;
}

const DEFAULT_MERGE_WITHIN_DAYS = 7;

/**
 * The requests that fill exactly the missing ranges a coverage report lists (clipped to the window), close
 * gaps merged; a ticker with no bars at all is asked for its whole history (from the window's start).
 */
export function planGapRequests(report: CoverageReport, options: GapPlanOptions = {}): GapPlan {
  const mergeWithin = options.mergeWithinDays ?? DEFAULT_MERGE_WITHIN_DAYS;
  const windowFrom = options.from ?? Number.NEGATIVE_INFINITY;
  const requests = new Map<string, GapRequest[]>();
  const complete: string[] = [];
  let total = 0;
  const asOf = new Map(report.calendars.map((c) => [c.name, c.asOf]));
  for (const t of report.tickers) {
    const list: GapRequest[] = [];
    if (t.bars === 0) {
      list.push({ from: options.from, to: undefined, missingDays: 0 });
    } else if (options.wholeRange) {
      const first = Math.max(dayFromIso(t.firstDate as string), windowFrom) as EpochDay;
      const end = dayFromIso((asOf.get(t.calendar) ?? t.lastDate) as string);
      // A window that starts after the stored range ends (--days 30 on history that stops years ago) is the
      // range the user asked to download again: from its start up to the source's latest day.
      list.push({ from: first, to: first <= end ? end : undefined, missingDays: t.missingDays });
    } else {
      for (const r of t.missing) {
        if (r.toDay < windowFrom) continue;
        const from = Math.max(r.fromDay, windowFrom) as EpochDay;
        const to = r.toDay as EpochDay;
        const prev = list[list.length - 1];
        // Clipped by the window, a range's count of missing days is an upper bound: good enough for a progress figure.
        if (prev && prev.to !== undefined && from - prev.to <= mergeWithin) {
          prev.to = to;
          prev.missingDays += r.days;
        } else {
          list.push({ from, to, missingDays: r.days });
        }
      }
    }
    if (list.length === 0) complete.push(t.symbol);
    else {
      requests.set(t.symbol, list);
      total += list.length;
    }
  }
  return { requests, complete, total };
}
