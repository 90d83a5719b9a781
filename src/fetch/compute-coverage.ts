import { dayFromIso, firstDayOfYear, isoFromDay, yearOfDay } from '../domain/epoch-day.js';
import type { FetchState } from '../domain/fetch-state.js';
import type { Store } from '../store/store.js';
import type { CoverageReport, MissingRange, MonthCoverage, TickerCoverage } from './coverage-report.js';
import { calendarGroupOf, TradingCalendar, US_CALENDAR } from './trading-calendar.js';

export interface CoverageOptions {
  /** The tickers to check (a universe's symbols); default every ticker with bars. */
  symbols?: readonly string[];
  /** The universe's name, for the report. */
  universe?: string;
  now?: Date;
}

interface Stored {
  symbol: string;
  first: number;
  last: number;
  years: Map<number, number>;
}

/**
 * Which tickers have which days: for each, its bars against the trading days of its exchange from its first
 * bar to the latest day its calendar has (US listings on the NYSE/Nasdaq calendar with its holidays; other
 * exchanges on the union of their tickers' dates), its missing days as ranges, and the universe's share of
 * complete tickers and coverage by month.
 *
 * Fast on a whole market because bars are counted, not read: a ticker-year whose bar count equals its trading
 * days is complete, and only the years that differ have their dates read. (A year with a bar on a closed day
 * and a gap of exactly as many days would pass; a bar on a closed day is rare and flagged on fetch.)
 */
export async function computeCoverage(store: Store, options: CoverageOptions = {}): Promise<CoverageReport> {
  const t0 = performance.now();
  const now = options.now ?? new Date();
  const counts = await barCountsByYear(store);
  const infos = new Map((await store.tickers.list()).map((t) => [t.symbol, t]));
  const symbols = options.symbols ? [...new Set(options.symbols)] : [...counts.keys()].sort();
  const states = groupStates(await store.fetchState.list());

  const stored: Stored[] = [];
  const groups = new Map<string, Stored[]>();
  for (const symbol of symbols) {
    const years = counts.get(symbol);
    if (!years || years.size === 0) continue;
    const info = infos.get(symbol);
    let first: number | null = info?.firstDate ?? null;
    let last: number | null = info?.lastDate ?? null;
    // A store that does not keep a ticker's first and last dates on its row: its bars say.
    if (first === null || last === null) {
      const s = await store.bars.read(symbol);
      if (!s || s.dates.length === 0) continue;
      first = s.dates[0];
      last = s.dates[s.dates.length - 1];
    }
    const row: Stored = { symbol, first, last, years };
    stored.push(row);
    const group = calendarGroupOf(symbol);
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push(row);
  }

  const calendars = new Map<string, { calendar: TradingCalendar; asOf: number | null }>();
  for (const [group, list] of groups) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const s of list) {
      if (s.first < first) first = s.first;
      if (s.last > last) last = s.last;
    }
    let calendar: TradingCalendar;
    if (group === US_CALENDAR) {
      calendar = TradingCalendar.us(first, last);
    } else {
      const dates: ArrayLike<number>[] = [];
      for (const s of list) {
        const series = await store.bars.read(s.symbol);
        if (series) dates.push(series.dates);
      }
      calendar = TradingCalendar.union(`${group} (days any of its tickers traded)`, dates, first, last);
    }
    calendars.set(group, { calendar, asOf: calendar.lastTradingDayOnOrBefore(last) });
  }

  const months = new MonthTally();
  const out: TickerCoverage[] = [];
  const bySymbol = new Map(stored.map((s) => [s.symbol, s]));
  for (const symbol of symbols) {
    const s = bySymbol.get(symbol);
    const state = states.get(symbol);
    if (!s) {
      out.push(noBars(symbol, state));
      continue;
    }
    const group = calendarGroupOf(symbol);
    const { calendar, asOf } = calendars.get(group) as { calendar: TradingCalendar; asOf: number | null };
    out.push(await tickerCoverage(store, s, calendar, asOf ?? s.last, months, state));
  }

  const summary = {
    tickers: out.length,
    complete: out.filter((t) => t.complete).length,
    completeShare: 1,
    // A gap inside the stored range, not only the days a stale ticker has not fetched yet.
    withGaps: out.filter(
      (t) => t.lastDate !== null && t.missing.some((r) => r.toDay < dayFromIso(t.lastDate as string)),
    ).length,
    stale: out.filter((t) => t.staleSince !== null).length,
    noBars: out.filter((t) => t.bars === 0).length,
    missingDays: out.reduce((n, t) => n + t.missingDays, 0),
    missingRanges: out.reduce((n, t) => n + t.missing.length, 0),
  };
  summary.completeShare = summary.tickers === 0 ? 1 : round4(summary.complete / summary.tickers);
  return {
    universe: options.universe ?? 'cached',
    generatedAt: now.toISOString(),
    tickers: out,
    summary,
    calendars: [...calendars.entries()].map(([group, c]) => ({
      name: c.calendar.name,
      tickers: groups.get(group)?.length ?? 0,
      asOf: c.asOf === null ? null : isoFromDay(c.asOf),
    })),
    months: months.toList(),
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

async function tickerCoverage(
  store: Store,
  s: Stored,
  calendar: TradingCalendar,
  asOf: number,
  months: MonthTally,
  state: StateSummary | undefined,
): Promise<TickerCoverage> {
  const end = Math.max(asOf, s.last);
  const missing: MissingRange[] = [];
  let open: { from: number; to: number; days: number } | null = null;
  const closeRange = () => {
    if (open) missing.push(range(open.from, open.to, open.days));
    open = null;
  };
  let bars = 0;
  let extra = 0;
  for (let year = yearOfDay(s.first); year <= yearOfDay(end); year++) {
    const a = Math.max(s.first, firstDayOfYear(year));
    const b = Math.min(end, firstDayOfYear(year + 1) - 1);
    const expected = calendar.countBetween(a, b);
    const have = s.years.get(year) ?? 0;
    bars += have;
    if (have === expected) {
      // Every trading day of the year is there: a gap open at the end of last year ends with it.
      if (expected > 0) closeRange();
      months.addSpan(calendar, a, b);
      continue;
    }
    const dates = have > 0 ? ((await store.bars.read(s.symbol, { from: a, to: b }))?.dates ?? []) : [];
    let k = 0;
    for (let d = a; d <= b; d++) {
      let present = false;
      while (k < dates.length && dates[k] < d) k++;
      if (k < dates.length && dates[k] === d) present = true;
      if (!calendar.isTradingDay(d)) {
        if (present) extra++;
        continue;
      }
      months.addDay(d, present);
      if (present) {
        closeRange();
      } else if (open) {
        (open as { to: number; days: number }).to = d;
        (open as { days: number }).days++;
      } else {
        open = { from: d, to: d, days: 1 };
      }
    }
  }
  closeRange();
  const missingDays = missing.reduce((n, r) => n + r.days, 0);
  const stale = s.last < asOf;
  return {
    symbol: s.symbol,
    calendar: calendar.name,
    firstDate: isoFromDay(s.first),
    lastDate: isoFromDay(s.last),
    bars,
    expectedDays: calendar.countBetween(s.first, end),
    halfDays: calendar.earlyClosesBetween(s.first, end),
    missingDays,
    missing,
    extraDays: extra,
    staleSince: stale ? isoFromDay(s.last) : null,
    lastError: state?.lastError ?? null,
    flags: state?.flags ?? [],
    complete: missingDays === 0,
  };
}

function range(from: number, to: number, days: number): MissingRange {
  return { from: isoFromDay(from), to: isoFromDay(to), fromDay: from, toDay: to, days };
}

function noBars(symbol: string, state: StateSummary | undefined): TickerCoverage {
  return {
    symbol,
    calendar: calendarGroupOf(symbol),
    firstDate: null,
    lastDate: null,
    bars: 0,
    expectedDays: 0,
    halfDays: 0,
    missingDays: 0,
    missing: [],
    extraDays: 0,
    staleSince: null,
    lastError: state?.lastError ?? null,
    flags: state?.flags ?? [],
    complete: false,
  };
}

interface StateSummary {
  lastError: string | null;
  flags: TickerCoverage['flags'];
}

/** Per symbol, its sources' quality flags together and the error of a last attempt that failed. */
function groupStates(states: readonly FetchState[]): Map<string, StateSummary> {
  const out = new Map<string, StateSummary & { at: number }>();
  for (const st of states) {
    let s = out.get(st.symbol);
    if (!s) out.set(st.symbol, (s = { lastError: null, flags: [], at: Number.NEGATIVE_INFINITY }));
    for (const f of st.flags) {
      s.flags.push({
        kind: f.kind,
        date: f.date === null || f.date === undefined ? null : isoFromDay(f.date),
        detail: f.detail,
      });
    }
    const attempt = st.lastAttemptAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const success = st.lastSuccessAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (attempt >= s.at) {
      s.at = attempt;
      // An error followed by a success is history, not the ticker's state.
      s.lastError = st.lastError !== null && attempt > success ? st.lastError : null;
    }
  }
  return out;
}

/** Bars per ticker and calendar year: from the store's counts when it keeps them, else from every date. */
async function barCountsByYear(store: Store): Promise<Map<string, Map<number, number>>> {
  if (store.diagnostics) return store.diagnostics.barCountsByYear();
  const out = new Map<string, Map<number, number>>();
  for await (const s of store.bars.readAll()) {
    const m = new Map<number, number>();
    for (const d of s.dates) {
      const y = yearOfDay(d);
      m.set(y, (m.get(y) ?? 0) + 1);
    }
    out.set(s.symbol, m);
  }
  return out;
}

/** Ticker-days expected and present per month, summed over tickers. */
class MonthTally {
  private readonly expected = new Map<number, number>();
  private readonly present = new Map<number, number>();

  addDay(d: number, present: boolean): void {
    const m = monthIndex(d);
    this.expected.set(m, (this.expected.get(m) ?? 0) + 1);
    if (present) this.present.set(m, (this.present.get(m) ?? 0) + 1);
  }

  /** A span [a, b] inside one year whose trading days are all present. */
  addSpan(calendar: TradingCalendar, a: number, b: number): void {
    let start = a;
    while (start <= b) {
      const m = monthIndex(start);
      const next = dayOfMonthIndex(m + 1);
      const stop = Math.min(b, next - 1);
      const n = calendar.countBetween(start, stop);
      this.expected.set(m, (this.expected.get(m) ?? 0) + n);
      this.present.set(m, (this.present.get(m) ?? 0) + n);
      start = next;
    }
  }

  toList(): MonthCoverage[] {
    return [...this.expected.keys()]
      .sort((a, b) => a - b)
      .map((m) => {
        const expected = this.expected.get(m) ?? 0;
        const present = this.present.get(m) ?? 0;
        const date = new Date(Date.UTC(Math.floor(m / 12), m % 12, 1));
        return {
          month: date.toISOString().slice(0, 7),
          expected,
          present,
          share: expected === 0 ? 1 : round4(present / expected),
        };
      });
  }
}

function monthIndex(d: number): number {
  const date = new Date(d * 86_400_000);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

function dayOfMonthIndex(m: number): number {
  return Date.UTC(Math.floor(m / 12), m % 12, 1) / 86_400_000;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
