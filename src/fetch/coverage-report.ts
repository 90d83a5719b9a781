/** A run of consecutive trading days with no bar (dates inclusive). */
export interface MissingRange {
  from: string;
  to: string;
  /** Day numbers of from and to, for planning requests. */
  fromDay: number;
  toDay: number;
  /** Trading days in the range. */
  days: number;
}

/** One ticker's coverage: what it has against the trading days of its exchange from its first bar on. */
export interface TickerCoverage {
  symbol: string;
  /** The calendar its days are counted on ('NYSE/Nasdaq', or the union of an exchange's tickers' dates). */
  calendar: string;
  firstDate: string | null;
  lastDate: string | null;
  bars: number;
  /** Trading days from the first bar to the calendar's latest day (asOf). */
  expectedDays: number;
  /** Early-close sessions among them (trading days, counted like any other). */
  halfDays: number;
  missingDays: number;
  /** The missing trading days as ranges, oldest first; the last one runs to asOf when the ticker is stale. */
  missing: MissingRange[];
  /** Bars dated on a day the calendar has closed (a data error, never counted as coverage). */
  extraDays: number;
  /** The ticker's last date, when the calendar has later trading days (some other ticker has them). */
  staleSince: string | null;
  /** The last fetch's error when it failed after (or without) a success. */
  lastError: string | null;
  /** Data-quality flags of its fetches and imports. */
  flags: { kind: string; date: string | null; detail: string }[];
  complete: boolean;
}

export interface CalendarCoverage {
  name: string;
  tickers: number;
  /** The latest trading day any of its tickers has: what "complete" and "stale" are measured to. */
  asOf: string | null;
}

export interface MonthCoverage {
  /** YYYY-MM. */
  month: string;
  /** Ticker-days expected and present in the month, and present / expected. */
  expected: number;
  present: number;
  share: number;
}

export interface CoverageReport {
  universe: string;
  generatedAt: string;
  tickers: TickerCoverage[];
  summary: {
    tickers: number;
    complete: number;
    /** complete / tickers (1 for no tickers). */
    completeShare: number;
    withGaps: number;
    stale: number;
    noBars: number;
    missingDays: number;
    missingRanges: number;
  };
  calendars: CalendarCoverage[];
  /** Coverage by month over every ticker: the heat strip. */
  months: MonthCoverage[];
  seconds: number;
}
