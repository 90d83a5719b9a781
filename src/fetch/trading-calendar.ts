import { yearOfDay } from '../domain/epoch-day.js';
import { toYahooSymbol } from '../domain/symbol.js';
import { usEarlyCloses } from '../sources/quality/us-early-closes.js';
import { isUsTradingDay } from '../sources/quality/us-market-holidays.js';

/**
 * The days an exchange traded over a span of days, for telling a gap in a ticker's bars from a closed market.
 * A bitmap and a running count, so "trading days between a and b" is two array reads however long the span.
 */
export class TradingCalendar {
  private readonly open: Uint8Array;
  /** prefix[i] = trading days in [first, first + i). */
  private readonly prefix: Int32Array;

  private constructor(
    /** 'NYSE/Nasdaq', or how the days were found for another exchange. */
    readonly name: string,
    readonly first: number,
    readonly last: number,
    open: Uint8Array,
    private readonly earlyCloses: ReadonlySet<number>,
  ) {
    this.open = open;
    this.prefix = new Int32Array(open.length + 1);
    for (let i = 0; i < open.length; i++) this.prefix[i + 1] = this.prefix[i] + open[i];
  }

  /** The NYSE and Nasdaq calendar (weekdays, exchange holidays, unscheduled closures; half days open). */
  static us(first: number, last: number): TradingCalendar {
    const n = Math.max(0, last - first + 1);
    const open = new Uint8Array(n);
    const early = new Set<number>();
    for (let i = 0; i < n; i++) open[i] = isUsTradingDay(first + i) ? 1 : 0;
    for (let y = yearOfDay(first); n > 0 && y <= yearOfDay(last); y++) {
      for (const d of usEarlyCloses(y)) if (d >= first && d <= last) early.add(d);
    }
    return new TradingCalendar('NYSE/Nasdaq', first, last, open, early);
  }

  /**
   * An exchange whose holidays marketdeck does not know, approximated by the days any of its tickers has a
   * bar: a day none of them traded is taken for a closed market.
   */
  static union(name: string, dates: Iterable<ArrayLike<number>>, first: number, last: number): TradingCalendar {
    const n = Math.max(0, last - first + 1);
    const open = new Uint8Array(n);
    for (const list of dates) {
      for (let i = 0; i < list.length; i++) {
        const k = list[i] - first;
        if (k >= 0 && k < n) open[k] = 1;
      }
    }
    return new TradingCalendar(name, first, last, open, new Set());
  }

  isTradingDay(d: number): boolean {
    const k = d - this.first;
    return k >= 0 && k < this.open.length && this.open[k] === 1;
  }

  isEarlyClose(d: number): boolean {
    return this.earlyCloses.has(d);
  }

  /** Trading days in [a, b] (clipped to the calendar's span). */
  countBetween(a: number, b: number): number {
    const lo = Math.max(a, this.first) - this.first;
    const hi = Math.min(b, this.last) - this.first;
    return hi < lo ? 0 : this.prefix[hi + 1] - this.prefix[lo];
  }

  /** Early closes in [a, b]. */
  earlyClosesBetween(a: number, b: number): number {
    let n = 0;
    for (const d of this.earlyCloses) if (d >= a && d <= b) n++;
    return n;
  }

  /** The last trading day on or before d, or null when there is none in the span. */
  lastTradingDayOnOrBefore(d: number): number | null {
    for (let k = Math.min(d, this.last) - this.first; k >= 0; k--) if (this.open[k] === 1) return this.first + k;
    return null;
  }

  /** The first trading day after d, or null when there is none in the span. */
  nextTradingDay(d: number): number | null {
    for (let k = Math.max(d + 1, this.first) - this.first; k < this.open.length; k++) {
      if (this.open[k] === 1) return this.first + k;
    }
    return null;
  }
}

/**
 * Which calendar a ticker trades on: US listings (and US indices) on the NYSE/Nasdaq one; a foreign listing on
 * its exchange, named by Yahoo's suffix (.DE, .L, .T ...); currencies and futures on their own.
 */
export function calendarGroupOf(symbol: string): string {
  if (symbol.endsWith('=X')) return 'currencies';
  if (symbol.endsWith('=F')) return 'futures';
  if (symbol.startsWith('^')) return US_CALENDAR;
  let yahoo: string;
  try {
    yahoo = toYahooSymbol(symbol);
  } catch {
    return US_CALENDAR;
  }
  const dot = yahoo.lastIndexOf('.');
  return dot > 0 ? yahoo.slice(dot) : US_CALENDAR;
}

export const US_CALENDAR = 'NYSE/Nasdaq';
