import type { Bar, BarSeries } from '../../../src/domain/bar-series.js';
import { normalizeSymbol, toYahooSymbol } from '../../../src/domain/symbol.js';
import { zonedEpochSeconds } from './zoned-time.js';

/**
 * The test server's market: a deterministic price history for every symbol asked for (seeded per symbol), or
 * the exact series a test set, plus the exchange each symbol trades on. Prices are kept on Yahoo's basis
 * (split-adjusted to today's shares); as-traded prices for Alpha Vantage are derived from the splits.
 */

/** Where and how a symbol trades: the zone its session-start timestamps are read in, and meta fields. */
export interface ExchangeSpec {
  timezone: string;
  /** Session start, minutes after local midnight (US 570 = 09:30; futures 0 = local midnight). */
  sessionOpenMinutes: number;
  /** Stamp bars at sessionOpenMinutes after 00:00 UTC instead of local time (FX, crypto). */
  utcStamp?: boolean;
  exchangeName: string;
  fullExchangeName: string;
  currency: string;
  instrumentType: string;
  market: string;
}

const US_EQUITY: ExchangeSpec = {
  timezone: 'America/New_York',
  sessionOpenMinutes: 570,
  exchangeName: 'NMS',
  fullExchangeName: 'NasdaqGS',
  currency: 'USD',
  instrumentType: 'EQUITY',
  market: 'us_market',
};

/** Symbol patterns -> exchange, checked in order; the first that matches wins, else a US equity. */
export const DEFAULT_EXCHANGES: ReadonlyArray<[pattern: string, spec: ExchangeSpec]> = [
  [
    '=F',
    {
      ...US_EQUITY,
      timezone: 'America/Chicago',
      sessionOpenMinutes: 0,
      exchangeName: 'CME',
      fullExchangeName: 'CME',
      instrumentType: 'FUTURE',
      market: 'us24_market',
    },
  ],
  [
    '=X',
    {
      ...US_EQUITY,
      timezone: 'Europe/London',
      sessionOpenMinutes: 0,
      utcStamp: true,
      exchangeName: 'CCY',
      fullExchangeName: 'CCY',
      instrumentType: 'CURRENCY',
      market: 'ccy_market',
    },
  ],
  [
    '-USD',
    {
      ...US_EQUITY,
      timezone: 'UTC',
      sessionOpenMinutes: 0,
      utcStamp: true,
      exchangeName: 'CCC',
      fullExchangeName: 'CCC',
      instrumentType: 'CRYPTOCURRENCY',
      market: 'ccc_market',
    },
  ],
  ['^', { ...US_EQUITY, exchangeName: 'SNP', fullExchangeName: 'SNP', instrumentType: 'INDEX' }],
  [
    '.DE',
    {
      ...US_EQUITY,
      timezone: 'Europe/Berlin',
      sessionOpenMinutes: 540,
      exchangeName: 'GER',
      fullExchangeName: 'XETRA',
      currency: 'EUR',
      market: 'de_market',
    },
  ],
  [
    '.F',
    {
      ...US_EQUITY,
      timezone: 'Europe/Berlin',
      sessionOpenMinutes: 480,
      exchangeName: 'FRA',
      fullExchangeName: 'Frankfurt',
      currency: 'EUR',
      market: 'de_market',
    },
  ],
  [
    '.L',
    {
      ...US_EQUITY,
      timezone: 'Europe/London',
      sessionOpenMinutes: 480,
      exchangeName: 'LSE',
      fullExchangeName: 'LSE',
      currency: 'GBp',
      market: 'gb_market',
    },
  ],
  [
    '.PA',
    {
      ...US_EQUITY,
      timezone: 'Europe/Paris',
      sessionOpenMinutes: 540,
      exchangeName: 'PAR',
      fullExchangeName: 'Paris',
      currency: 'EUR',
      market: 'fr_market',
    },
  ],
  [
    '.AS',
    {
      ...US_EQUITY,
      timezone: 'Europe/Amsterdam',
      sessionOpenMinutes: 540,
      exchangeName: 'AMS',
      fullExchangeName: 'Amsterdam',
      currency: 'EUR',
      market: 'nl_market',
    },
  ],
  [
    '.T',
    {
      ...US_EQUITY,
      timezone: 'Asia/Tokyo',
      sessionOpenMinutes: 540,
      exchangeName: 'JPX',
      fullExchangeName: 'Tokyo',
      currency: 'JPY',
      market: 'jp_market',
    },
  ],
  [
    '.HK',
    {
      ...US_EQUITY,
      timezone: 'Asia/Hong_Kong',
      sessionOpenMinutes: 570,
      exchangeName: 'HKG',
      fullExchangeName: 'HKSE',
      currency: 'HKD',
      market: 'hk_market',
    },
  ],
  [
    '.AX',
    {
      ...US_EQUITY,
      timezone: 'Australia/Sydney',
      sessionOpenMinutes: 600,
      exchangeName: 'ASX',
      fullExchangeName: 'ASX',
      currency: 'AUD',
      market: 'au_market',
    },
  ],
  [
    '.TO',
    {
      ...US_EQUITY,
      timezone: 'America/Toronto',
      sessionOpenMinutes: 570,
      exchangeName: 'TOR',
      fullExchangeName: 'Toronto',
      currency: 'CAD',
      market: 'ca_market',
    },
  ],
];

function matchesPattern(symbol: string, pattern: string): boolean {
  return pattern.startsWith('^') ? symbol.startsWith(pattern) : symbol.endsWith(pattern);
}

export interface SplitEvent {
  date: number;
  numerator: number;
  denominator: number;
}

export interface DividendEvent {
  date: number;
  amount: number;
}

/** A symbol's history as stored by the model, on the basis it had when generated or set. */
interface BaseSeries {
  name: string;
  dates: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Given by setSeries; null = computed from the dividends. */
  adjClose: Float64Array | null;
  dividends: DividendEvent[];
  splits: SplitEvent[];
}

/** What the endpoints serve for a symbol: Yahoo's basis, with timestamps in its exchange's zone. */
export interface ServedSeries {
  symbol: string;
  yahooSymbol: string;
  name: string;
  exchange: ExchangeSpec;
  dates: Int32Array;
  /** Session start of each bar, epoch seconds. */
  timestamps: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  adjClose: Float64Array;
  volume: Float64Array;
  /** Product of the split ratios after each bar: as-traded price = price * tradedFactor. */
  tradedFactor: Float64Array;
  dividends: (DividendEvent & { timestamp: number })[];
  splits: (SplitEvent & { timestamp: number })[];
}

export interface MarketModelOptions {
  seed: number;
  firstDay: number;
  lastDay: number;
  exchanges?: Record<string, Partial<ExchangeSpec>>;
}

const MAX_SERVED = 4096;

export class MarketModel {
  /** Last trading day of the generated series; addDay() moves it on. */
  lastDay: number;
  private readonly explicit = new Map<string, BaseSeries>();
  private readonly addedSplits = new Map<string, SplitEvent[]>();
  private readonly symbolExchanges = new Map<string, Partial<ExchangeSpec>>();
  private readonly served = new Map<string, ServedSeries>();
  private readonly patternExchanges: Array<[string, ExchangeSpec]>;
  /** Trading days firstDay..lastDay, shared by every generated series. */
  private calendar: Int32Array;
  /** Session starts of the calendar's days per exchange zone/open time, shared by generated series. */
  private readonly calendarStamps = new Map<string, Float64Array>();

  constructor(private readonly options: MarketModelOptions) {
    this.lastDay = options.lastDay;
    const days: number[] = [];
    for (let d = firstTradingDayOnOrAfter(options.firstDay); d <= options.lastDay; d = nextTradingDay(d)) days.push(d);
    this.calendar = Int32Array.from(days);
    const custom = Object.entries(options.exchanges ?? {}).map(([pattern, spec]): [string, ExchangeSpec] => {
      const base = DEFAULT_EXCHANGES.find(([p]) => p === pattern)?.[1] ?? US_EQUITY;
      return [pattern, { ...base, ...spec }];
    });
    this.patternExchanges = [...custom, ...DEFAULT_EXCHANGES];
  }

  /** The stored form of a requested symbol (BRK-B -> BRK.B), or null when no exchange could list it. */
  static key(symbol: string): string | null {
    try {
      return normalizeSymbol(symbol);
    } catch {
      return null;
    }
  }

  hasExplicit(key: string): boolean {
    return this.explicit.has(key);
  }

  exchangeOf(key: string): ExchangeSpec {
    const own = this.symbolExchanges.get(key);
    const byPattern = this.patternExchanges.find(([p]) => matchesPattern(key, p))?.[1] ?? US_EQUITY;
    return own ? { ...byPattern, ...own } : byPattern;
  }

  /** The served view of a symbol (the caller decides first whether the symbol exists). */
  get(key: string): ServedSeries {
    const hit = this.served.get(key);
    if (hit !== undefined) {
      // Refresh its place in the least-recently-used order.
      this.served.delete(key);
      this.served.set(key, hit);
      return hit;
    }
    const base = this.explicit.get(key) ?? this.generate(key);
    const view = this.serve(key, base);
    this.served.set(key, view);
    if (this.served.size > MAX_SERVED) this.served.delete(this.served.keys().next().value as string);
    return view;
  }

  setSeries(
    key: string,
    bars: readonly Bar[] | BarSeries,
    dividends: DividendEvent[],
    splits: SplitEvent[],
    name?: string,
  ): void {
    const list: Bar[] = Array.isArray(bars) ? [...(bars as readonly Bar[])] : seriesToBars(bars as BarSeries);
    list.sort((a, b) => a.date - b.date);
    const n = list.length;
    const base: BaseSeries = {
      name: name ?? key,
      dates: new Int32Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      adjClose: list.every((b) => Number.isFinite(b.adjClose)) && n > 0 ? new Float64Array(n) : null,
      dividends: [...dividends].sort((a, b) => a.date - b.date),
      splits: [...splits].sort((a, b) => a.date - b.date),
    };
    list.forEach((b, i) => {
      base.dates[i] = b.date;
      base.open[i] = b.open;
      base.high[i] = b.high;
      base.low[i] = b.low;
      base.close[i] = b.close;
      base.volume[i] = b.volume;
      if (base.adjClose) base.adjClose[i] = b.adjClose;
    });
    this.explicit.set(key, base);
    this.addedSplits.delete(key);
    this.served.delete(key);
  }

  setExchange(key: string, spec: Partial<ExchangeSpec>): void {
    this.symbolExchanges.set(key, { ...this.symbolExchanges.get(key), ...spec });
    this.served.delete(key);
  }

  /** A split announced after the fact: every earlier price on Yahoo's basis is divided by the ratio. */
  addSplit(key: string, date: number, numerator: number, denominator: number): void {
    const list = this.addedSplits.get(key) ?? [];
    list.push({ date, numerator, denominator });
    this.addedSplits.set(key, list);
    this.served.delete(key);
  }

  /** One more trading day for every series: generated ones reach the new lastDay, set ones grow by a bar. */
  addDay(): number {
    this.lastDay = nextTradingDay(this.lastDay);
    const grown = new Int32Array(this.calendar.length + 1);
    grown.set(this.calendar);
    grown[this.calendar.length] = this.lastDay;
    this.calendar = grown;
    this.calendarStamps.clear();
    for (const [key, base] of this.explicit) this.explicit.set(key, appendDay(key, base, this.options.seed));
    this.served.clear();
    return this.lastDay;
  }

  /** The session start of `day` for a symbol, epoch seconds. */
  sessionStart(key: string, day: number): number {
    return sessionStartOn(this.exchangeOf(key), day);
  }

  private generate(key: string): BaseSeries {
    return generateSeries(key, this.options.seed, this.calendar);
  }

  private stampsFor(exchange: ExchangeSpec, dates: Int32Array): Float64Array {
    const shared = dates === this.calendar;
    const id = `${exchange.timezone}|${exchange.sessionOpenMinutes}|${exchange.utcStamp === true}`;
    if (shared) {
      const hit = this.calendarStamps.get(id);
      if (hit !== undefined) return hit;
    }
    const out = new Float64Array(dates.length);
    for (let i = 0; i < dates.length; i++) out[i] = sessionStartOn(exchange, dates[i]);
    if (shared) this.calendarStamps.set(id, out);
    return out;
  }

  private serve(key: string, base: BaseSeries): ServedSeries {
    const exchange = this.exchangeOf(key);
    const added = this.addedSplits.get(key) ?? [];
    let ratio = 1;
    for (const s of added) ratio *= s.numerator / s.denominator;
    const n = base.dates.length;
    const stamp = (day: number) => sessionStartOn(exchange, day);
    // Arrays are shared with the base (read-only) unless a later split changes the basis.
    const scaled = (a: Float64Array, by: number) => {
      if (by === 1) return a;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = a[i] * by;
      return out;
    };
    const v: ServedSeries = {
      symbol: key,
      yahooSymbol: toYahooSymbol(key),
      name: base.name,
      exchange,
      dates: base.dates,
      timestamps: this.stampsFor(exchange, base.dates),
      open: scaled(base.open, 1 / ratio),
      high: scaled(base.high, 1 / ratio),
      low: scaled(base.low, 1 / ratio),
      close: scaled(base.close, 1 / ratio),
      adjClose: base.close,
      volume: scaled(base.volume, ratio),
      tradedFactor: new Float64Array(n),
      dividends: base.dividends.map((d) => ({ date: d.date, amount: d.amount / ratio, timestamp: stamp(d.date) })),
      splits: [...base.splits, ...added]
        .sort((a, b) => a.date - b.date)
        .map((s) => ({ ...s, timestamp: stamp(s.date) })),
    };
    // Adjusted close: each dividend scales every earlier close by (1 - amount / close of the day before it).
    if (base.adjClose) {
      v.adjClose = scaled(base.adjClose, 1 / ratio);
    } else if (v.dividends.length === 0) {
      v.adjClose = v.close;
    } else {
      v.adjClose = new Float64Array(n);
      let factor = 1;
      let k = v.dividends.length - 1;
      for (let i = n - 1; i >= 0; i--) {
        while (k >= 0 && v.dividends[k].date > v.dates[i]) {
          const m = 1 - v.dividends[k].amount / v.close[i];
          if (Number.isFinite(m) && m > 0) factor *= m;
          k--;
        }
        v.adjClose[i] = v.close[i] * factor;
      }
    }
    let traded = 1;
    let k = v.splits.length - 1;
    for (let i = n - 1; i >= 0; i--) {
      while (k >= 0 && v.splits[k].date > v.dates[i]) {
        traded *= v.splits[k].numerator / v.splits[k].denominator;
        k--;
      }
      v.tradedFactor[i] = traded;
    }
    return v;
  }
}

function sessionStartOn(exchange: ExchangeSpec, day: number): number {
  return exchange.utcStamp
    ? day * 86_400 + exchange.sessionOpenMinutes * 60
    : zonedEpochSeconds(day, exchange.sessionOpenMinutes, exchange.timezone);
}

function seriesToBars(s: BarSeries): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < s.dates.length; i++) {
    out.push({
      date: s.dates[i] as Bar['date'],
      open: s.open[i],
      high: s.high[i],
      low: s.low[i],
      close: s.close[i],
      adjClose: s.adjClose[i],
      volume: s.volume[i],
    });
  }
  return out;
}

/** Weekdays, except 1 January and 25 December (enough calendar for gaps to exist). */
export function isTradingDay(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7;
  if (weekday === 0 || weekday === 6) return false;
  const d = new Date(day * 86_400_000);
  const m = d.getUTCMonth();
  const dom = d.getUTCDate();
  return !((m === 0 && dom === 1) || (m === 11 && dom === 25));
}

export function nextTradingDay(day: number): number {
  let d = day + 1;
  while (!isTradingDay(d)) d++;
  return d;
}

export function firstTradingDayOnOrAfter(day: number): number {
  return isTradingDay(day) ? day : nextTradingDay(day);
}

/** FNV-1a, for per-symbol seeds and deterministic choices. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for test prices and fault dice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * A random walk from firstDay to lastDay. Draws are sequential per symbol, so a longer series (after addDay)
 * starts with exactly the bars of the shorter one. One symbol in three pays a dividend every 63 trading days;
 * one in 29 had a 2:1 split at bar 500 (already in the prices, as Yahoo serves them).
 */
function generateSeries(key: string, seed: number, calendar: Int32Array): BaseSeries {
  const h = hashString(key);
  const rnd = seededRandom(h ^ seed);
  const n = calendar.length;
  const s: BaseSeries = {
    name: `${key} Test Corp.`,
    dates: calendar,
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    adjClose: null,
    dividends: [],
    splits: [],
  };
  const paysDividends = h % 3 === 0;
  let prev = 10 + rnd() * 290;
  for (let i = 0; i < n; i++) {
    const ret = (rnd() + rnd() + rnd() - 1.5) * 0.025 + 0.0002;
    const open = Math.max(50, Math.round(prev * (100 + (rnd() - 0.5))));
    const close = Math.max(50, Math.round(prev * 100 * (1 + ret)));
    s.open[i] = open / 100;
    s.close[i] = close / 100;
    s.high[i] = Math.round(Math.max(open, close) * (1 + rnd() * 0.01)) / 100;
    s.low[i] = Math.round(Math.min(open, close) * (1 - rnd() * 0.01)) / 100;
    s.volume[i] = Math.round(100_000 + rnd() * 5_000_000);
    if (paysDividends && i % 63 === 31)
      s.dividends.push({ date: calendar[i], amount: Math.max(0.01, cents(prev * 0.004)) });
    prev = close / 100;
  }
  if (h % 29 === 0 && n > 500) s.splits.push({ date: calendar[500], numerator: 2, denominator: 1 });
  return s;
}

function appendDay(key: string, base: BaseSeries, seed: number): BaseSeries {
  const n = base.dates.length;
  if (n === 0) return base;
  const day = nextTradingDay(base.dates[n - 1]);
  const rnd = seededRandom(hashString(key) ^ seed ^ day);
  let last = Number.NaN;
  for (let i = n - 1; i >= 0 && !Number.isFinite(last); i--) last = base.close[i];
  if (!Number.isFinite(last)) last = 100;
  const open = cents(last * (1 + (rnd() - 0.5) * 0.01));
  const close = cents(last * (1 + (rnd() - 0.5) * 0.03));
  const grow = (a: Float64Array, value: number) => {
    const out = new Float64Array(n + 1);
    out.set(a);
    out[n] = value;
    return out;
  };
  const dates = new Int32Array(n + 1);
  dates.set(base.dates);
  dates[n] = day;
  return {
    ...base,
    dates,
    open: grow(base.open, open),
    high: grow(base.high, cents(Math.max(open, close) * 1.004)),
    low: grow(base.low, cents(Math.min(open, close) * 0.996)),
    close: grow(base.close, close),
    volume: grow(base.volume, Math.round(100_000 + rnd() * 1_000_000)),
    adjClose: base.adjClose ? grow(base.adjClose, close) : null,
  };
}
