import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bar, BarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import type { Dividend, Split } from '../../src/domain/ticker.js';
import { DeadlineQueue } from './market-test-server/deadline-queue.js';
import {
  type DividendEvent,
  type ExchangeSpec,
  hashString,
  MarketModel,
  nextTradingDay,
  type SplitEvent,
  seededRandom,
} from './market-test-server/market-model.js';
import {
  AV_BAD_KEY_TEXT,
  AV_BURST_TEXT,
  AV_DAILY_LIMIT_TEXT,
  AV_INVALID_CALL_TEXT,
  AV_NOTE_TEXT,
  AV_PREMIUM_ENDPOINT_TEXT,
  AV_PREMIUM_FULL_TEXT,
  alphaVantageDailyBody,
  CHART_NOT_FOUND_BODY,
  chartBadRequestBody,
  chartBody,
  HTML_PAGE_BODY,
  INVALID_COOKIE_BODY,
  INVALID_CRUMB_BODY,
  quoteItem,
} from './market-test-server/response-bodies.js';

export type { ExchangeSpec } from './market-test-server/market-model.js';

/**
 * A local stand-in for Yahoo Finance (v8 chart, v7 quote with cookie + crumb) and Alpha Vantage
 * (TIME_SERIES_DAILY[_ADJUSTED]) that answers in the recorded wire formats, with knobs for every way the real
 * services fail: latency, throttling, 5xx, stalls, cut bodies, bad JSON, HTML pages, resets, and Alpha Vantage's
 * HTTP-200 "Information"/"Note"/"Error Message" bodies. Tests and benches start one on 127.0.0.1 port 0.
 *
 * Every symbol that is not unknown (see `unknownSymbols`) has a deterministic generated history (seeded per
 * symbol: S0000..S9999 all exist); `setSeries` serves given data instead.
 */

/** A path family, as counted in stats and selected by `faultPaths`. */
export type EndpointName = 'chart' | 'quote' | 'crumb' | 'cookie' | 'alphavantage' | 'other';

/** Ways a response can fail, each with a rate in `faults` or chosen by `scriptedFaults`. */
export interface FaultRates {
  /** HTTP 500/502/503 with a short text body. */
  status5xx?: number;
  /** HTTP 429 `Too Many Requests` regardless of the rate limit. */
  rateLimited?: number;
  /** Hold the request without answering for `stallMs` (then answer normally), or until close(). */
  stall?: number;
  /** Headers (with the full Content-Length) and half the body, then the socket is destroyed. */
  truncated?: number;
  /** A complete HTTP response whose JSON body stops half-way (a proxy that cut it). */
  cutBody?: number;
  /** Status 200 with a body that is not JSON (a stray comma). */
  malformedJson?: number;
  /** Status 200 with JSON of the wrong shape (timestamp is a string). */
  wrongShape?: number;
  /** Status 200 with an HTML page. */
  html?: number;
  /** The connection is reset (TCP RST) before any response. */
  reset?: number;
}
export type FaultKind = keyof FaultRates;

/** Exact faults for retry tests: the first `failAttempts` requests for each selected symbol fail with `kind`. */
export interface ScriptedFaults {
  kind: FaultKind;
  /**
   * Every Nth symbol: symbols ending in digits are picked by that number (S0000, S0010, S0020... for N=10),
   * others by a stable hash of the name.
   */
  everyNth?: number;
  /** Or exactly these symbols (stored form, e.g. BRK.B). A quote request is selected by its batch's first symbol. */
  symbols?: string[];
  /** Failed attempts per selected symbol before it is served normally (default 1). */
  failAttempts?: number;
}

export interface RateLimitKnob {
  /** Sustained requests per second (token bucket refill). */
  perSecond: number;
  /** Bucket size: requests allowed in a burst (default perSecond, at least 1). */
  burst?: number;
  /** Send Retry-After with this many seconds. */
  retryAfterSeconds?: number;
  /** Plain-text body of the 429 (default `Too Many Requests`; Yahoo's edge also says `Edge: Too Many Requests`). */
  body?: string;
}

export interface AlphaVantageKnobs {
  /** Requests per API key per day before the "25 requests per day" Information body ('quota'). */
  perDay?: number;
  /** Requests per minute (token bucket) before the burst Information body ('rate-limited'). */
  perMinute?: number;
  /** Fraction of requests answered with the burst "Information" body. */
  informationRate?: number;
  /** Fraction of requests answered with the old "Note" body. */
  noteRate?: number;
  /** false: TIME_SERIES_DAILY_ADJUSTED and outputsize=full answer the premium "Information" body (default true). */
  premium?: boolean;
  /** Accepted keys; default any non-empty key. */
  apiKeys?: string[];
}

export interface MarketTestServerKnobs {
  /** Added before every answer: fixed ms, or uniform in [min, max]. */
  latencyMs: number | [number, number];
  /** Yahoo's per-IP throttle over chart, quote and crumb requests; null = none. */
  rateLimit: RateLimitKnob | null;
  /** Per-request fault probabilities (0..1) on the endpoints in `faultPaths`; setKnobs replaces the whole object. */
  faults: FaultRates;
  /** How long a stalled request is held before it is answered normally; null = until close(). */
  stallMs: number | null;
  scriptedFaults: ScriptedFaults | null;
  /** Endpoints faults apply to (default chart and alphavantage). */
  faultPaths: EndpointName[];
  /** Symbols that answer 404 (chart) / are dropped (quote) / "Invalid API call" (Alpha Vantage). */
  unknownSymbols: string[];
  /** Append the still-open next session as a bar of nulls to chart answers that reach it. */
  nullCurrentDay: boolean;
  /** Repeat the last bar of a chart answer under a later timestamp of the same day. */
  duplicateLastBar: boolean;
  /** v7 quote demands the cookie + crumb handshake (default true). */
  requireCrumb: boolean;
  alphaVantage: AlphaVantageKnobs;
  /** Seed of the fault and latency dice. */
  faultSeed: number;
}

export interface MarketTestServerOptions {
  /** Seed of the generated prices (default 1). */
  seed?: number;
  /** First day of generated histories, ISO date or EpochDay (default 2020-01-02). */
  firstDay?: string | number;
  /** Last trading day of generated histories (default 2024-12-31); addDay() moves it on. */
  lastDay?: string | number;
  knobs?: Partial<MarketTestServerKnobs>;
  /** Exchange per symbol pattern ('.DE', '=F', '^' prefix...), merged over the defaults. */
  exchanges?: Record<string, Partial<ExchangeSpec>>;
  /** Memory for cached chart/Alpha Vantage bodies (default 64 MB). */
  cacheBytes?: number;
}

export interface MarketTestServerStats {
  requests: number;
  /** endpoint -> status ('200', '429', ... or 'reset', 'truncated', 'stalled' for answers without one) -> count. */
  byPath: Record<string, Record<string, number>>;
  bytesSent: number;
  maxConcurrent: number;
  inFlight: number;
  /** Faults injected, by kind (random and scripted). */
  faults: Record<string, number>;
  /** 429s sent by the rate limit. */
  rateLimited: number;
  /** Distinct symbols asked of the chart endpoint. */
  chartSymbols: number;
  cacheHits: number;
  /** Answers held for the latency knob, and their total hold (arrival to answer), for the realised mean. */
  latencyHeld: number;
  latencyHeldMs: number;
}

/** What the server serves for a symbol, in domain types. The arrays are the server's own: read, never write. */
export interface ServedHistory {
  bars: BarSeries;
  dividends: Dividend[];
  splits: Split[];
  /** The exchange zone the timestamps are stamped in. */
  timezone: string;
  /** Session start of each bar, epoch seconds (what Yahoo's `timestamp` array holds). */
  timestamps: Float64Array;
}

export interface MarketTestServer {
  /** Base URL, e.g. http://127.0.0.1:43121: use it as YAHOO_BASE_URL and ALPHA_VANTAGE_BASE_URL. */
  readonly url: string;
  /** The cookie page for the quote handshake (`{url}/cookie`, the default the quote source derives). */
  readonly cookieUrl: string;
  close(): Promise<void>;
  setKnobs(partial: Partial<MarketTestServerKnobs>): void;
  knobs(): MarketTestServerKnobs;
  stats(): MarketTestServerStats;
  /** Arrival times (performance.now() of this process, ms) of the chart and quote requests since start or reset(). */
  arrivals(): number[];
  /** Requests seen for a symbol on an endpoint (default chart) since start or reset(). */
  requestsFor(symbol: string, endpoint?: EndpointName): number;
  /** The [period1, period2) windows (epoch seconds) of the chart requests for a symbol since start or reset(). */
  chartWindows(symbol: string): { period1: number; period2: number }[];
  /** Zeroes stats, attempt counters, rate-limit buckets and Alpha Vantage counters; keeps data and knobs. */
  reset(): void;
  /** Appends one trading day to every series; returns the new last day (EpochDay). */
  addDay(): number;
  /** The last trading day of generated series (EpochDay). */
  lastDay(): number;
  /** A split that appeared since the last run: every earlier price and dividend is divided by num/den. */
  addSplit(symbol: string, date: string | number, numerator: number, denominator: number): void;
  /** Serves exactly these bars (Yahoo's basis: split-adjusted; NaN close = a null row) and events for a symbol. */
  setSeries(
    symbol: string,
    bars: readonly Bar[] | BarSeries,
    dividends?: DividendEvent[],
    splits?: SplitEvent[],
    options?: { name?: string },
  ): void;
  setExchange(symbol: string, spec: Partial<ExchangeSpec>): void;
  /** Serves this v7 quote object for a symbol (e.g. a recorded one) instead of a generated one. */
  setQuote(symbol: string, fields: Record<string, unknown>): void;
  /** Invalidates every issued crumb: the next quote request gets 401 "Invalid Crumb". */
  expireCrumbs(): void;
  /** The series the server serves for a symbol (Yahoo's basis), for comparing with what a client stored. */
  series(symbol: string): ServedHistory | undefined;
}

const DEFAULT_KNOBS: MarketTestServerKnobs = {
  latencyMs: 0,
  rateLimit: null,
  faults: {},
  stallMs: null,
  scriptedFaults: null,
  faultPaths: ['chart', 'alphavantage'],
  unknownSymbols: ['SI', 'NONEXIST'],
  nullCurrentDay: false,
  duplicateLastBar: false,
  requireCrumb: true,
  alphaVantage: {},
  faultSeed: 7,
};

/** Names no generated history exists for, besides `unknownSymbols`. */
const UNKNOWN_PREFIX = /^(NONEXIST|UNKNOWN|DELISTED|INVALID)/;

const FAULT_ORDER: FaultKind[] = [
  'reset',
  'stall',
  'truncated',
  'cutBody',
  'status5xx',
  'rateLimited',
  'malformedJson',
  'wrongShape',
  'html',
];

class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

type Answer =
  | { type: 'body'; status: number; contentType: string; body: string | Buffer; headers?: Record<string, string> }
  | { type: 'fault'; kind: FaultKind };

function toDay(value: string | number): number {
  return typeof value === 'number' ? value : dayFromIso(value);
}

export async function startMarketTestServer(options: MarketTestServerOptions = {}): Promise<MarketTestServer> {
  const seed = options.seed ?? 1;
  const model = new MarketModel({
    seed,
    firstDay: toDay(options.firstDay ?? '2020-01-02'),
    lastDay: toDay(options.lastDay ?? '2024-12-31'),
    exchanges: options.exchanges,
  });
  let knobs: MarketTestServerKnobs = { ...DEFAULT_KNOBS, ...options.knobs };
  let unknown = new Set(knobs.unknownSymbols);
  let dice = seededRandom(knobs.faultSeed);
  let yahooBucket: TokenBucket | null = null;
  let avMinuteBucket: TokenBucket | null = null;
  const configureBuckets = () => {
    const rl = knobs.rateLimit;
    yahooBucket = rl ? new TokenBucket(rl.perSecond, Math.max(1, rl.burst ?? rl.perSecond)) : null;
    const perMinute = knobs.alphaVantage.perMinute;
    avMinuteBucket = perMinute ? new TokenBucket(perMinute / 60, Math.max(1, perMinute)) : null;
  };
  configureBuckets();

  // Response cache: chart and Alpha Vantage bodies per symbol and bar window.
  const cacheBudget = options.cacheBytes ?? 64 * 1024 * 1024;
  const cache = new Map<string, Buffer>();
  let cacheBytes = 0;
  const cacheGet = (key: string) => {
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      stats.cacheHits++;
    }
    return hit;
  };
  const cachePut = (key: string, body: Buffer) => {
    cache.set(key, body);
    cacheBytes += body.length;
    while (cacheBytes > cacheBudget && cache.size > 0) {
      const [oldest, buf] = cache.entries().next().value as [string, Buffer];
      cache.delete(oldest);
      cacheBytes -= buf.length;
    }
  };
  const forget = (key: string | null) => {
    if (key === null) {
      cache.clear();
      cacheBytes = 0;
      return;
    }
    const prefix = `${key}\u0000`;
    for (const [k, buf] of cache) {
      if (k.startsWith(prefix)) {
        cache.delete(k);
        cacheBytes -= buf.length;
      }
    }
  };

  const quoteOverrides = new Map<string, Record<string, unknown>>();
  const sessions = new Map<string, string>(); // cookie value -> crumb
  let sessionCounter = 0;

  const newStats = (): MarketTestServerStats => ({
    requests: 0,
    byPath: {},
    bytesSent: 0,
    maxConcurrent: 0,
    inFlight: 0,
    faults: {},
    rateLimited: 0,
    chartSymbols: 0,
    cacheHits: 0,
    latencyHeld: 0,
    latencyHeldMs: 0,
  });
  let stats = newStats();
  /** Arrival times (performance.now()) of chart and quote requests, for rate checks counted at the server. */
  let arrivals: number[] = [];
  let perSymbol = new Map<string, number>();
  let chartWindows = new Map<string, { period1: number; period2: number }[]>();
  let attempts = new Map<string, number>();
  let avDayCount = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const latencyHolds = new DeadlineQueue();
  const held = new Set<ServerResponse>();

  const count = (endpoint: EndpointName, outcome: string) => {
    const row = stats.byPath[endpoint] ?? {};
    row[outcome] = (row[outcome] ?? 0) + 1;
    stats.byPath[endpoint] = row;
  };

  const exists = (key: string | null): key is string =>
    key !== null && (model.hasExplicit(key) || (!unknown.has(key) && !UNKNOWN_PREFIX.test(key)));

  const scriptedSelects = (key: string, s: ScriptedFaults): boolean => {
    if (s.symbols) return s.symbols.includes(key);
    const n = s.everyNth ?? 0;
    if (n <= 0) return false;
    const digits = /(\d+)$/.exec(key);
    const ordinal = digits ? Number(digits[1]) : hashString(key);
    return ordinal % n === 0;
  };

  /** Decides whether this request fails, and how: scripted first (exact), then the random rates. */
  const pickFault = (endpoint: EndpointName, key: string | null): FaultKind | null => {
    if (!knobs.faultPaths.includes(endpoint)) return null;
    const s = knobs.scriptedFaults;
    if (s && key !== null && scriptedSelects(key, s)) {
      const id = `${endpoint}\u0000${key}`;
      const seen = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, seen);
      if (seen <= (s.failAttempts ?? 1)) return s.kind;
    }
    for (const kind of FAULT_ORDER) {
      const rate = knobs.faults[kind] ?? 0;
      if (rate > 0 && dice() < rate) return kind;
    }
    return null;
  };

  const json = (status: number, body: string | Buffer, headers?: Record<string, string>): Answer => ({
    type: 'body',
    status,
    contentType: 'application/json;charset=utf-8',
    body,
    headers,
  });
  const text = (
    status: number,
    body: string,
    contentType = 'text/plain;charset=utf-8',
    headers?: Record<string, string>,
  ): Answer => ({
    type: 'body',
    status,
    contentType,
    body,
    headers,
  });

  const tooManyRequests = (): Answer => {
    const rl = knobs.rateLimit;
    const headers: Record<string, string> = {};
    if (rl?.retryAfterSeconds !== undefined) headers['retry-after'] = String(rl.retryAfterSeconds);
    return text(429, rl?.body ?? 'Too Many Requests', 'text/plain;charset=utf-8', headers);
  };

  const chartAnswer = (rawSymbol: string, q: URLSearchParams): Answer => {
    const key = MarketModel.key(rawSymbol);
    if (!exists(key)) return json(404, CHART_NOT_FOUND_BODY);
    if ((q.get('interval') ?? '1d') !== '1d') {
      return json(
        400,
        chartBadRequestBody(`Invalid input - interval=${q.get('interval')} is not supported by the test server`),
      );
    }
    const s = model.get(key);
    const n = s.dates.length;
    const lastStamp = n > 0 ? s.timestamps[n - 1] : 0;
    const p1 = Number(q.get('period1') ?? 0);
    const p2 = Number(q.get('period2') ?? lastStamp + 86_400);
    if (!Number.isFinite(p1) || !Number.isFinite(p2)) {
      return json(400, chartBadRequestBody(`Invalid input - period1=${q.get('period1')} period2=${q.get('period2')}`));
    }
    if (p1 > p2) {
      return json(
        400,
        chartBadRequestBody(`Invalid input - start date cannot be after end date. startDate = ${p1}, endDate = ${p2}`),
      );
    }
    let windows = chartWindows.get(key);
    if (!windows) chartWindows.set(key, (windows = []));
    windows.push({ period1: p1, period2: p2 });
    // Bars whose session starts in [period1, period2).
    let start = 0;
    while (start < n && s.timestamps[start] < p1) start++;
    let end = start;
    while (end < n && s.timestamps[end] < p2) end++;
    const events = q.get('events') ?? '';
    const dividends = /div/.test(events);
    const splits = /split/.test(events);
    const adjClose = q.get('includeAdjustedClose') !== 'false';
    let openDayTimestamp: number | undefined;
    if (knobs.nullCurrentDay && n > 0 && end === n) {
      const ts = model.sessionStart(key, nextTradingDay(s.dates[n - 1]));
      if (ts < p2) openDayTimestamp = ts;
    }
    const duplicateLast = knobs.duplicateLastBar && end === n;
    const cacheKey = `${key}\u0000chart\u0000${start}\u0000${end}\u0000${dividends}${splits}${adjClose}${openDayTimestamp ?? ''}${duplicateLast}`;
    let body = cacheGet(cacheKey);
    if (body === undefined) {
      body = chartBody(s, { start, end, dividends, splits, adjClose, openDayTimestamp, duplicateLast });
      cachePut(cacheKey, body);
    }
    return json(200, body);
  };

  const cookieValue = (req: IncomingMessage): string | undefined => {
    const header = req.headers.cookie ?? '';
    const m = /(?:^|;\s*)A3=([^;]+)/.exec(header);
    return m?.[1];
  };

  const quoteAnswer = (req: IncomingMessage, q: URLSearchParams): Answer => {
    if (knobs.requireCrumb) {
      const cookie = cookieValue(req);
      const crumb = q.get('crumb');
      if (cookie === undefined || crumb === null || sessions.get(cookie) !== crumb)
        return json(401, INVALID_CRUMB_BODY);
    }
    const result: Record<string, unknown>[] = [];
    for (const raw of (q.get('symbols') ?? '').split(',')) {
      if (raw === '') continue;
      const key = MarketModel.key(raw);
      if (!exists(key)) continue;
      const override = quoteOverrides.get(key);
      if (override) {
        result.push(override);
        continue;
      }
      const h = hashString(key);
      const shares = 50_000_000 + (h % 5_000) * 1_000_000;
      const eps = Math.round(((h >>> 8) % 2_000) - 300) / 100;
      result.push(quoteItem(model.get(key), shares, eps));
    }
    return json(200, JSON.stringify({ quoteResponse: { result, error: null } }));
  };

  const alphaVantageAnswer = (q: URLSearchParams): Answer => {
    const av = knobs.alphaVantage;
    const fn = q.get('function') ?? '';
    const apiKey = q.get('apikey') ?? '';
    const message = (key: string, value: string) => json(200, JSON.stringify({ [key]: value }, null, 4));
    if (apiKey === '' || (av.apiKeys !== undefined && !av.apiKeys.includes(apiKey)))
      return message('Error Message', AV_BAD_KEY_TEXT);
    if (fn !== 'TIME_SERIES_DAILY' && fn !== 'TIME_SERIES_DAILY_ADJUSTED') {
      return message('Error Message', `This API function (${fn}) does not exist.`);
    }
    const used = (avDayCount.get(apiKey) ?? 0) + 1;
    avDayCount.set(apiKey, used);
    if (av.perDay !== undefined && used > av.perDay)
      return message('Information', AV_DAILY_LIMIT_TEXT(apiKey, av.perDay));
    if (avMinuteBucket && !avMinuteBucket.take()) return message('Information', AV_BURST_TEXT);
    if ((av.informationRate ?? 0) > 0 && dice() < (av.informationRate ?? 0))
      return message('Information', AV_BURST_TEXT);
    if ((av.noteRate ?? 0) > 0 && dice() < (av.noteRate ?? 0)) return message('Note', AV_NOTE_TEXT);
    const adjusted = fn === 'TIME_SERIES_DAILY_ADJUSTED';
    const compact = (q.get('outputsize') ?? 'compact') !== 'full';
    if (av.premium === false && adjusted) return message('Information', AV_PREMIUM_ENDPOINT_TEXT);
    if (av.premium === false && !compact) return message('Information', AV_PREMIUM_FULL_TEXT(fn));
    const key = MarketModel.key(q.get('symbol') ?? '');
    if (!exists(key)) return message('Error Message', AV_INVALID_CALL_TEXT(fn));
    const cacheKey = `${key}\u0000av\u0000${adjusted}\u0000${compact}`;
    let body = cacheGet(cacheKey);
    if (body === undefined) {
      body = Buffer.from(alphaVantageDailyBody(model.get(key), adjusted, compact));
      cachePut(cacheKey, body);
    }
    return json(200, body);
  };

  const route = (
    req: IncomingMessage,
    url: URL,
  ): { endpoint: EndpointName; key: string | null; answer: () => Answer } => {
    const path = url.pathname;
    const q = url.searchParams;
    if (path.startsWith('/v8/finance/chart/')) {
      const raw = decodeURIComponent(path.slice('/v8/finance/chart/'.length));
      return { endpoint: 'chart', key: MarketModel.key(raw), answer: () => chartAnswer(raw, q) };
    }
    if (path === '/v7/finance/quote') {
      // A batch is picked by scripted faults through its first symbol.
      const first = (q.get('symbols') ?? '').split(',')[0];
      return { endpoint: 'quote', key: MarketModel.key(first), answer: () => quoteAnswer(req, q) };
    }
    if (path === '/v1/test/getcrumb') {
      return {
        endpoint: 'crumb',
        key: null,
        answer: () => {
          const cookie = cookieValue(req);
          const crumb = cookie === undefined ? undefined : sessions.get(cookie);
          return crumb === undefined ? json(401, INVALID_COOKIE_BODY) : text(200, crumb);
        },
      };
    }
    if (path === '/cookie') {
      return {
        endpoint: 'cookie',
        key: null,
        answer: () => {
          // Like fc.yahoo.com: a 404 page that still sets the session cookie.
          sessionCounter++;
          const value = `d=AQAB${hashString(`cookie${sessionCounter}${seed}`).toString(36)}&S=AQAAA${sessionCounter}`;
          const crumb = `c${hashString(value).toString(36).padStart(7, '0').slice(0, 7)}${sessionCounter % 1000}`;
          sessions.set(value, crumb);
          return text(404, '<html><body>Not Found</body></html>', 'text/html;charset=utf-8', {
            'set-cookie': `A3=${value}; Max-Age=31557600; Path=/; SameSite=None; HttpOnly`,
          });
        },
      };
    }
    if (path === '/query') {
      return {
        endpoint: 'alphavantage',
        key: MarketModel.key(q.get('symbol') ?? ''),
        answer: () => alphaVantageAnswer(q),
      };
    }
    return { endpoint: 'other', key: null, answer: () => text(404, 'Not Found') };
  };

  const latency = (): number => {
    const l = knobs.latencyMs;
    if (typeof l === 'number') return l;
    return l[0] + dice() * (l[1] - l[0]);
  };

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (res: ServerResponse, endpoint: EndpointName, a: Extract<Answer, { type: 'body' }>) => {
    if (res.destroyed) return;
    const body = typeof a.body === 'string' ? Buffer.from(a.body) : a.body;
    res.writeHead(a.status, {
      'content-type': a.contentType,
      'content-length': body.length,
      'cache-control': 'max-age=0, private',
      ...a.headers,
    });
    res.end(body);
    stats.bytesSent += body.length;
    count(endpoint, String(a.status));
  };

  const injectFault = (
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: EndpointName,
    kind: FaultKind,
    normal: () => Answer,
  ) => {
    stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
    switch (kind) {
      case 'reset':
        count(endpoint, 'reset');
        req.socket.resetAndDestroy();
        return;
      case 'stall':
        count(endpoint, 'stalled');
        held.add(res);
        if (knobs.stallMs !== null) {
          later(knobs.stallMs, () => {
            held.delete(res);
            const a = normal();
            if (a.type === 'body') send(res, endpoint, a);
          });
        }
        return;
      case 'truncated': {
        const a = normal();
        const body =
          a.type === 'body' ? (typeof a.body === 'string' ? Buffer.from(a.body) : a.body) : Buffer.from('{}');
        count(endpoint, 'truncated');
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        stats.bytesSent += Math.floor(body.length / 2);
        // Let the headers and the first half reach the client before the connection dies.
        later(15, () => req.socket.destroy());
        return;
      }
      case 'cutBody': {
        const a = normal();
        const body =
          a.type === 'body' ? (typeof a.body === 'string' ? Buffer.from(a.body) : a.body) : Buffer.from('{}');
        send(res, endpoint, {
          type: 'body',
          status: 200,
          contentType: 'application/json;charset=utf-8',
          body: body.subarray(0, Math.floor(body.length / 2)),
        });
        return;
      }
      case 'status5xx': {
        const status = [500, 502, 503][Math.floor(dice() * 3)];
        send(res, endpoint, {
          type: 'body',
          status,
          contentType: 'text/plain;charset=utf-8',
          body: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
        });
        return;
      }
      case 'rateLimited': {
        const a = tooManyRequests();
        if (a.type === 'body') send(res, endpoint, a);
        return;
      }
      case 'malformedJson':
        send(res, endpoint, {
          type: 'body',
          status: 200,
          contentType: 'application/json;charset=utf-8',
          body: '{"chart":{"result":[{"meta":{"currency":"USD",,"symbol":"X"}}],"error":null}}',
        });
        return;
      case 'wrongShape':
        send(res, endpoint, {
          type: 'body',
          status: 200,
          contentType: 'application/json;charset=utf-8',
          body:
            endpoint === 'alphavantage'
              ? '{"Meta Data":{"2. Symbol":"X"},"Time Series (Daily)":{"2024-01-02":{"1. open":1}}}'
              : '{"chart":{"result":[{"meta":{"currency":"USD","exchangeTimezoneName":"America/New_York"},"timestamp":"1704205800","indicators":{"quote":[{}]}}],"error":null}}',
        });
        return;
      case 'html':
        send(res, endpoint, {
          type: 'body',
          status: 200,
          contentType: 'text/html;charset=utf-8',
          body: HTML_PAGE_BODY,
        });
        return;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const arrived = performance.now();
    stats.requests++;
    stats.inFlight++;
    if (stats.inFlight > stats.maxConcurrent) stats.maxConcurrent = stats.inFlight;
    res.on('close', () => {
      stats.inFlight--;
      held.delete(res);
    });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { endpoint, key, answer } = route(req, url);
    if (endpoint === 'chart' || endpoint === 'quote') arrivals.push(arrived);
    if (key !== null && (endpoint === 'chart' || endpoint === 'alphavantage')) {
      const id = `${endpoint}\u0000${key}`;
      const seen = perSymbol.get(id) ?? 0;
      if (seen === 0 && endpoint === 'chart') stats.chartSymbols++;
      perSymbol.set(id, seen + 1);
    }
    // Decided on arrival (as a throttle counts arrivals), answered after the latency.
    const throttled =
      (endpoint === 'chart' || endpoint === 'quote' || endpoint === 'crumb') &&
      yahooBucket !== null &&
      !yahooBucket.take();
    const fault = throttled ? null : pickFault(endpoint, key);
    // A normal answer is built on arrival, so that the latency knob covers the server's own work as a remote
    // server's latency does: the answer leaves `hold` ms after the request came in, not `hold` ms plus the
    // time it took to build.
    const prepared = throttled || fault !== null ? null : answer();
    const answerNow = () => {
      if (res.destroyed) return;
      if (throttled) {
        stats.rateLimited++;
        const a = tooManyRequests();
        if (a.type === 'body') send(res, endpoint, a);
        return;
      }
      if (fault !== null) {
        injectFault(req, res, endpoint, fault, answer);
        return;
      }
      if (prepared?.type === 'body') send(res, endpoint, prepared);
    };
    const hold = latency();
    if (hold > 0) {
      latencyHolds.at(arrived + hold, () => {
        stats.latencyHeld++;
        stats.latencyHeldMs += performance.now() - arrived;
        answerNow();
      });
    } else answerNow();
  };

  const server = createServer(handle);
  // Long enough that a starved test process never sees the server close an idle connection under the client.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    cookieUrl: `${base}/cookie`,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      latencyHolds.clear();
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setKnobs(partial) {
      knobs = { ...knobs, ...partial };
      unknown = new Set(knobs.unknownSymbols);
      if (partial.faultSeed !== undefined) dice = seededRandom(knobs.faultSeed);
      if (partial.rateLimit !== undefined || partial.alphaVantage !== undefined) configureBuckets();
      if (partial.unknownSymbols !== undefined) forget(null);
    },
    knobs: () => ({ ...knobs }),
    stats: () => ({ ...stats, byPath: structuredClone(stats.byPath), faults: { ...stats.faults } }),
    arrivals: () => [...arrivals],
    requestsFor(symbol, endpoint = 'chart') {
      const key = MarketModel.key(symbol);
      return key === null ? 0 : (perSymbol.get(`${endpoint}\u0000${key}`) ?? 0);
    },
    chartWindows(symbol) {
      const key = MarketModel.key(symbol);
      return key === null ? [] : [...(chartWindows.get(key) ?? [])];
    },
    reset() {
      arrivals = [];
      const inFlight = stats.inFlight;
      stats = newStats();
      stats.inFlight = inFlight;
      perSymbol = new Map();
      chartWindows = new Map();
      attempts = new Map();
      avDayCount = new Map();
      dice = seededRandom(knobs.faultSeed);
      configureBuckets();
    },
    addDay() {
      const day = model.addDay();
      forget(null);
      return day;
    },
    lastDay: () => model.lastDay,
    addSplit(symbol, date, numerator, denominator) {
      const key = requireKey(symbol);
      model.addSplit(key, toDay(date), numerator, denominator);
      forget(key);
    },
    setSeries(symbol, bars, dividends = [], splits = [], opts = {}) {
      const key = requireKey(symbol);
      model.setSeries(key, bars, dividends, splits, opts.name);
      forget(key);
    },
    setExchange(symbol, spec) {
      const key = requireKey(symbol);
      model.setExchange(key, spec);
      forget(key);
    },
    setQuote(symbol, fields) {
      quoteOverrides.set(requireKey(symbol), fields);
    },
    expireCrumbs() {
      sessions.clear();
    },
    series(symbol) {
      const key = MarketModel.key(symbol);
      if (!exists(key)) return undefined;
      const s = model.get(key);
      return {
        bars: {
          symbol: key,
          dates: s.dates,
          open: s.open,
          high: s.high,
          low: s.low,
          close: s.close,
          adjClose: s.adjClose,
          volume: s.volume,
        },
        dividends: s.dividends.map((x) => ({ date: x.date as EpochDay, amount: x.amount })),
        splits: s.splits.map((x) => ({ date: x.date as EpochDay, numerator: x.numerator, denominator: x.denominator })),
        timezone: s.exchange.timezone,
        timestamps: s.timestamps,
      };
    },
  };
}

function requireKey(symbol: string): string {
  const key = MarketModel.key(symbol);
  if (key === null) throw new RangeError(`symbol "${symbol}" is not valid; expected e.g. AAPL, BRK.B, WSU.DE, ES=F`);
  return key;
}
