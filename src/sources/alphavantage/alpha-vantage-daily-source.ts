import { type BarSeries, emptyBarSeries } from '../../domain/bar-series.js';
import { dayFromIso, type EpochDay, todayUtc } from '../../domain/epoch-day.js';
import { normalizeSymbol } from '../../domain/symbol.js';
import type { Dividend, Split } from '../../domain/ticker.js';
import {
  type FetchedBody,
  fetchBody,
  looksLikeHtml,
  parseJsonBody,
  sourceError,
  statusError,
  validateBody,
} from '../fetch-body.js';
import type { HttpGet } from '../http-get.js';
import {
  type HistoryRequest,
  type HistorySource,
  SourceError,
  type SourceErrorKind,
  type SourceHistory,
} from '../source.js';
import { alphaVantageMessageSchema, dailyAdjustedResponseSchema, dailyResponseSchema } from './alpha-vantage-schema.js';

export const DEFAULT_ALPHA_VANTAGE_BASE_URL = 'https://www.alphavantage.co';

/** `outputsize=compact` returns the latest 100 trading days; a range starting within 100 calendar days fits. */
const COMPACT_CALENDAR_DAYS = 100;

export interface AlphaVantageDailySourceOptions {
  httpGet: HttpGet;
  /** Never logged: request URLs in errors show `apikey=***`. */
  apiKey: string;
  /** Default https://www.alphavantage.co (config ALPHA_VANTAGE_BASE_URL). */
  baseUrl?: string;
  /**
   * TIME_SERIES_DAILY_ADJUSTED (a premium function): adds adjusted close, dividends and splits, and lets the
   * prices be split-adjusted. Default false: TIME_SERIES_DAILY, prices as traded.
   */
  adjusted?: boolean;
  headers?: Record<string, string>;
  /** Clock in ms, to choose compact or full output. */
  now?: () => number;
}

interface Row {
  date: EpochDay;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
  dividend: number;
  splitCoefficient: number;
}

/**
 * Daily history from Alpha Vantage, the optional secondary source. Dates are already US/Eastern exchange
 * dates. Throttling comes back as HTTP 200 with an "Information" or "Note" body, a bad symbol as
 * "Error Message": each is turned into the SourceError kind the fetch engine acts on ('quota' stops the
 * source for the day, 'rate-limited' waits and retries, 'not-found' is final).
 */
export class AlphaVantageDailySource implements HistorySource {
  readonly name = 'alphavantage';
  private readonly httpGet: HttpGet;
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly adjusted: boolean;
  private readonly headers: Record<string, string>;
  private readonly now: () => number;

  constructor(options: AlphaVantageDailySourceOptions) {
    this.httpGet = options.httpGet;
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_ALPHA_VANTAGE_BASE_URL).replace(/\/+$/, '');
    this.adjusted = options.adjusted ?? false;
    this.headers = { accept: 'application/json', ...options.headers };
    this.now = options.now ?? Date.now;
  }

  async fetchHistory(request: HistoryRequest): Promise<SourceHistory> {
    try {
      return await this.fetchOnce(request);
    } catch (error) {
      throw error instanceof SourceError ? this.redact(error) : error;
    }
  }

  /** Alpha Vantage's daily-limit message quotes the key ("We have detected your API key as ..."): never pass it on. */
  private redact(error: SourceError): SourceError {
    const key = this.apiKey;
    if (key.length === 0) return error;
    const hide = (text: string | undefined) => (text === undefined ? undefined : text.split(key).join('***'));
    const evidence = { ...error.evidence, url: hide(error.evidence.url), bodyStart: hide(error.evidence.bodyStart) };
    if (evidence.url === undefined) delete evidence.url;
    if (evidence.bodyStart === undefined) delete evidence.bodyStart;
    return new SourceError(error.kind, hide(error.message) ?? '', evidence);
  }

  private async fetchOnce(request: HistoryRequest): Promise<SourceHistory> {
    let symbol: string;
    try {
      symbol = normalizeSymbol(request.symbol);
    } catch (error) {
      throw new SourceError('bad-request', (error as Error).message, {});
    }
    const fn = this.adjusted ? 'TIME_SERIES_DAILY_ADJUSTED' : 'TIME_SERIES_DAILY';
    const what = `Alpha Vantage ${fn} for ${symbol}`;
    const today = todayUtc(new Date(this.now()));
    const compact = request.from !== undefined && today - request.from <= COMPACT_CALENDAR_DAYS;
    const url =
      `${this.baseUrl}/query?function=${fn}&symbol=${encodeURIComponent(symbol)}` +
      `&outputsize=${compact ? 'compact' : 'full'}&datatype=json&apikey=${encodeURIComponent(this.apiKey)}`;
    // No early onAnswered: Alpha Vantage says "quota spent" in an HTTP 200 body, so its slot is kept until the
    // body is read and the run can stop before another request goes out (its rate limit paces it anyway).
    const r = await fetchBody(this.httpGet, url, { what, signal: request.signal, headers: this.headers });

    const failed = statusError(r, what);
    if (failed) throw failed;
    if (looksLikeHtml(r))
      throw sourceError('html', `${what}: got an HTML page (status ${r.status}) where JSON was expected`, r);
    const data = parseJsonBody(r, what, 'JSON with "Meta Data" and "Time Series (Daily)"');
    throwIfMessage(data, r, what);
    const rows = this.adjusted ? readAdjustedRows(data, r, what) : readRows(data, r, what);
    return this.adjusted ? adjustedHistory(symbol, rows, request) : rawHistory(symbol, rows, request);
  }
}

/** The HTTP-200 bodies that carry a throttle or an error instead of data. */
function throwIfMessage(data: unknown, r: FetchedBody, what: string): void {
  if (data === null || typeof data !== 'object' || 'Time Series (Daily)' in data) return;
  const parsed = alphaVantageMessageSchema.safeParse(data);
  if (!parsed.success) return;
  const m = parsed.data;
  if (m['Error Message'] !== undefined) {
    const text = m['Error Message'];
    const kind: SourceErrorKind = /apikey|api key/i.test(text) ? 'auth' : 'not-found';
    throw sourceError(kind, `${what}: Alpha Vantage answered "Error Message": ${text}`, r);
  }
  if (m.Note !== undefined) {
    throw sourceError('rate-limited', `${what}: Alpha Vantage answered "Note" (throttled): ${m.Note}`, r);
  }
  if (m.Information !== undefined) {
    const text = m.Information;
    throw sourceError(kindOfInformation(text), `${what}: Alpha Vantage answered "Information": ${text}`, r);
  }
}

/**
 * "Information" carries three different things: the daily allowance used up ("25 requests per day") ->
 * 'quota'; a per-minute or burst throttle -> 'rate-limited'; a premium-only function or parameter -> 'auth'.
 */
export function kindOfInformation(text: string): SourceErrorKind {
  if (/premium (endpoint|feature|function)|is a premium/i.test(text) && !/rate limit/i.test(text)) return 'auth';
  if (/per minute|per second|burst|spread out|more sparingly/i.test(text)) return 'rate-limited';
  if (/per day|daily/i.test(text)) return 'quota';
  return 'rate-limited';
}

function toNumber(text: string, date: string, field: string, r: FetchedBody, what: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw sourceError(
      'malformed',
      `${what}: "Time Series (Daily)".${date}."${field}" is "${text}"; expected a number`,
      r,
    );
  }
  return value;
}

function toDay(date: string, r: FetchedBody, what: string): EpochDay {
  try {
    return dayFromIso(date);
  } catch (error) {
    throw sourceError('malformed', `${what}: "Time Series (Daily)" key: ${(error as Error).message}`, r);
  }
}

function readRows(data: unknown, r: FetchedBody, what: string): Row[] {
  const series = validateBody(dailyResponseSchema, data, r, what)['Time Series (Daily)'];
  const rows: Row[] = [];
  for (const [date, v] of Object.entries(series)) {
    rows.push({
      date: toDay(date, r, what),
      open: toNumber(v['1. open'], date, '1. open', r, what),
      high: toNumber(v['2. high'], date, '2. high', r, what),
      low: toNumber(v['3. low'], date, '3. low', r, what),
      close: toNumber(v['4. close'], date, '4. close', r, what),
      adjClose: Number.NaN,
      volume: toNumber(v['5. volume'], date, '5. volume', r, what),
      dividend: 0,
      splitCoefficient: 1,
    });
  }
  return rows.sort((a, b) => a.date - b.date);
}

function readAdjustedRows(data: unknown, r: FetchedBody, what: string): Row[] {
  const series = validateBody(dailyAdjustedResponseSchema, data, r, what)['Time Series (Daily)'];
  const rows: Row[] = [];
  for (const [date, v] of Object.entries(series)) {
    const coefficient = toNumber(v['8. split coefficient'], date, '8. split coefficient', r, what);
    if (!(coefficient > 0)) {
      throw sourceError(
        'malformed',
        `${what}: "Time Series (Daily)".${date}."8. split coefficient" is ${coefficient}; expected > 0`,
        r,
      );
    }
    rows.push({
      date: toDay(date, r, what),
      open: toNumber(v['1. open'], date, '1. open', r, what),
      high: toNumber(v['2. high'], date, '2. high', r, what),
      low: toNumber(v['3. low'], date, '3. low', r, what),
      close: toNumber(v['4. close'], date, '4. close', r, what),
      adjClose: toNumber(v['5. adjusted close'], date, '5. adjusted close', r, what),
      volume: toNumber(v['6. volume'], date, '6. volume', r, what),
      dividend: toNumber(v['7. dividend amount'], date, '7. dividend amount', r, what),
      splitCoefficient: coefficient,
    });
  }
  return rows.sort((a, b) => a.date - b.date);
}

function inRange(day: number, request: HistoryRequest): boolean {
  return (request.from === undefined || day >= request.from) && (request.to === undefined || day <= request.to);
}

function seriesOf(symbol: string, rows: readonly Row[], scale: (i: number) => number): BarSeries {
  const s = emptyBarSeries(symbol, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const f = scale(i);
    s.dates[i] = row.date;
    s.open[i] = row.open / f;
    s.high[i] = row.high / f;
    s.low[i] = row.low / f;
    s.close[i] = row.close / f;
    s.adjClose[i] = row.adjClose;
    s.volume[i] = row.volume * f;
  }
  return s;
}

const INFO = { name: null, exchange: null, currency: null, type: null };

/** TIME_SERIES_DAILY: prices as traded, no adjusted close, no events. */
function rawHistory(symbol: string, all: readonly Row[], request: HistoryRequest): SourceHistory {
  const rows = all.filter((row) => inRange(row.date, request));
  return {
    symbol,
    bars: seriesOf(symbol, rows, () => 1),
    dividends: [],
    splits: [],
    info: { ...INFO },
    timezone: 'America/New_York',
    notes: ['TIME_SERIES_DAILY prices are as traded (not split-adjusted) and carry no adjusted close or events'],
  };
}

/**
 * TIME_SERIES_DAILY_ADJUSTED: OHLC as traded are divided (volume multiplied) by the product of the split
 * coefficients after each date, so the bars are split-adjusted like Yahoo's; dividends are scaled the same
 * way. The factors are taken over the whole answer before cutting it to [from, to], since a split after `to`
 * still changes earlier prices.
 */
function adjustedHistory(symbol: string, all: readonly Row[], request: HistoryRequest): SourceHistory {
  const after = new Float64Array(all.length);
  let factor = 1;
  for (let i = all.length - 1; i >= 0; i--) {
    after[i] = factor;
    factor *= all[i].splitCoefficient;
  }
  const keep: number[] = [];
  const dividends: Dividend[] = [];
  const splits: Split[] = [];
  for (let i = 0; i < all.length; i++) {
    const row = all[i];
    if (!inRange(row.date, request)) continue;
    keep.push(i);
    if (row.dividend > 0) dividends.push({ date: row.date, amount: row.dividend / after[i] });
    if (row.splitCoefficient !== 1) splits.push({ date: row.date, ...splitRatio(row.splitCoefficient) });
  }
  const rows = keep.map((i) => all[i]);
  return {
    symbol,
    bars: seriesOf(symbol, rows, (k) => after[keep[k]]),
    dividends,
    splits,
    info: { ...INFO },
    timezone: 'America/New_York',
  };
}

/** 4 -> 4:1; 0.5 -> 1:2 (a reverse split); other fractions as they are over 1. */
function splitRatio(coefficient: number): { numerator: number; denominator: number } {
  if (coefficient >= 1) return { numerator: coefficient, denominator: 1 };
  const inverse = 1 / coefficient;
  return Math.abs(inverse - Math.round(inverse)) < 1e-9
    ? { numerator: 1, denominator: Math.round(inverse) }
    : { numerator: coefficient, denominator: 1 };
}
