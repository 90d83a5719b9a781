import { type BarSeries, barAt, barSeriesFromBars, emptyBarSeries } from '../../domain/bar-series.js';
import { type EpochDay, isoFromDay } from '../../domain/epoch-day.js';
import { normalizeSymbol, toYahooSymbol } from '../../domain/symbol.js';
import type { Dividend, Split } from '../../domain/ticker.js';
import { type ExchangeDayReader, exchangeDays } from '../exchange-day.js';
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
import { type HistoryRequest, type HistorySource, SourceError, type SourceHistory } from '../source.js';
import { isPlainChartResponse } from './is-plain-chart-response.js';
import { type ChartResult, chartResponseSchema } from './yahoo-chart-schema.js';
import { describeYahooError, kindOfYahooErrorCode, yahooErrorDetail } from './yahoo-error-detail.js';

export const DEFAULT_YAHOO_BASE_URL = 'https://query2.finance.yahoo.com';

export interface YahooChartSourceOptions {
  httpGet: HttpGet;
  /** Default https://query2.finance.yahoo.com (config YAHOO_BASE_URL); tests point it at the local test server. */
  baseUrl?: string;
  /** Extra request headers (the default HttpGet already sends a user agent). */
  headers?: Record<string, string>;
  /** Clock in ms, for period2 when the request has no end date. */
  now?: () => number;
  /** Shared by default; injectable for tests. */
  dayReader?: ExchangeDayReader;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Daily history from Yahoo's v8 chart endpoint: bars, dividends and splits in one request, no crumb needed.
 * Pipeline: build the URL -> one GET -> classify status/body -> parse JSON -> validate by schema -> coerce
 * into exchange-dated columnar bars. Anything that is not a complete, valid answer throws a SourceError
 * and nothing of it is returned.
 */
export class YahooChartSource implements HistorySource {
  readonly name = 'yahoo';
  private readonly httpGet: HttpGet;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly now: () => number;
  private readonly days: ExchangeDayReader;

  constructor(options: YahooChartSourceOptions) {
    this.httpGet = options.httpGet;
    this.baseUrl = (options.baseUrl ?? DEFAULT_YAHOO_BASE_URL).replace(/\/+$/, '');
    this.headers = { accept: 'application/json', ...options.headers };
    this.now = options.now ?? Date.now;
    this.days = options.dayReader ?? exchangeDays;
    // Loaded with the source (once per process), not when the first answers of a run arrive together and
    // each waits ~15 ms more for the first one's dates.
    this.days.warmUp();
  }

  async fetchHistory(request: HistoryRequest): Promise<SourceHistory> {
    const symbol = normalizeForRequest(request.symbol);
    const what = `Yahoo chart for ${symbol}`;
    const url = yahooChartUrl(this.baseUrl, symbol, request.from, request.to, this.now());
    const r = await fetchBody(this.httpGet, url, {
      what,
      signal: request.signal,
      headers: this.headers,
      onAnswered: request.onAnswered,
      sendBy: request.sendBy,
    });
    const result = readChartResult(r, what);
    return coerceChartResult(result, symbol, request, r, what, this.days);
  }
}

function normalizeForRequest(raw: string): string {
  try {
    return normalizeSymbol(raw);
  } catch (error) {
    throw new SourceError('bad-request', (error as Error).message, {});
  }
}

/**
 * The chart URL for [from, to]. The window is widened by a day on each side and the bars are then cut to
 * [from, to] by exchange date: a Tokyo or Sydney session starts on the previous UTC day, so a window of UTC
 * midnights alone would miss the first bar. No `from` asks for the whole history (period1=0); no `to` asks
 * up to now.
 */
export function yahooChartUrl(
  baseUrl: string,
  symbol: string,
  from: number | undefined,
  to: number | undefined,
  nowMs: number,
): string {
  const period1 = from === undefined ? 0 : Math.max(0, (from - 1) * SECONDS_PER_DAY);
  const period2 = to === undefined ? Math.floor(nowMs / 1000) : (to + 2) * SECONDS_PER_DAY;
  const yahooSymbol = encodeURIComponent(toYahooSymbol(symbol));
  return `${baseUrl}/v8/finance/chart/${yahooSymbol}?period1=${period1}&period2=${period2}&interval=1d&events=div%7Csplit&includeAdjustedClose=true`;
}

/** Steps classify -> parse -> validate: the one chart result, or the SourceError that describes the answer. */
function readChartResult(r: FetchedBody, what: string): ChartResult {
  if (r.status < 200 || r.status >= 300) {
    const detail = yahooErrorDetail(r.body);
    throw (
      statusError(r, what, detail ? describeYahooError(detail) : undefined) ??
      sourceError('server-error', `${what}: unexpected HTTP ${r.status}`, r)
    );
  }
  if (looksLikeHtml(r)) {
    throw sourceError('html', `${what}: got an HTML page (status ${r.status}) where chart JSON was expected`, r);
  }
  if (isYahooDownloadCsv(r.body)) {
    throw sourceError(
      'malformed',
      `${what}: got the retired v7 CSV download format (Date,Open,High,Low,Close,Adj Close,Volume) where v8 chart JSON was expected`,
      r,
    );
  }
  const data = parseJsonBody(r, what, 'chart JSON {"chart":{"result":[...]}}');
  // The common, well-formed answer is recognised by a hand-written check; anything else goes through the
  // schema, which decides and names what is wrong.
  const response = isPlainChartResponse(data) ? data : validateBody(chartResponseSchema, data, r, what);
  const { result, error } = response.chart;
  if (error) {
    throw sourceError(
      kindOfYahooErrorCode(error.code),
      `${what}: Yahoo answered with an error: ${describeYahooError({ code: error.code, description: error.description ?? '' })}`,
      r,
    );
  }
  if (!result || result.length === 0) {
    throw sourceError('malformed', `${what}: chart.result is empty and chart.error is null; expected one result`, r);
  }
  return result[0];
}

/** The header of Yahoo's retired v7 download CSV, which some proxies and caches still serve. */
export function isYahooDownloadCsv(body: string): boolean {
  return /^\uFEFF?Date,Open,High,Low,Close,Adj Close,Volume\r?\n?/.test(body);
}

const QUOTE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Step "coerce": exchange dates, null rows dropped, NaN for missing fields, ascending unique dates. */
function coerceChartResult(
  result: ChartResult,
  symbol: string,
  request: HistoryRequest,
  r: FetchedBody,
  what: string,
  days: ExchangeDayReader,
): SourceHistory {
  const zone = result.meta.exchangeTimezoneName;
  const dayOf = (epochSeconds: number, path: string): EpochDay => {
    if (!Number.isFinite(epochSeconds)) {
      throw sourceError('malformed', `${what}: ${path} is ${epochSeconds}; expected epoch seconds`, r);
    }
    try {
      return days.dayOf(epochSeconds, zone);
    } catch (error) {
      throw sourceError('malformed', `${what}: meta.exchangeTimezoneName: ${(error as Error).message}`, r);
    }
  };
  const inRange = (day: number) =>
    (request.from === undefined || day >= request.from) && (request.to === undefined || day <= request.to);

  const timestamps = result.timestamp ?? [];
  const n = timestamps.length;
  const quote = result.indicators.quote[0];
  for (const field of QUOTE_FIELDS) {
    const values = quote[field];
    if (values !== undefined && values.length !== n) {
      throw sourceError(
        'malformed',
        `${what}: indicators.quote[0].${field} has ${values.length} values for ${n} timestamps; expected one per timestamp`,
        r,
      );
    }
  }
  if (n > 0 && quote.close === undefined) {
    throw sourceError('malformed', `${what}: indicators.quote[0].close is missing for ${n} timestamps`, r);
  }
  const adj = result.indicators.adjclose?.[0]?.adjclose;
  if (adj !== undefined && adj.length !== n) {
    throw sourceError(
      'malformed',
      `${what}: indicators.adjclose[0].adjclose has ${adj.length} values for ${n} timestamps; expected one per timestamp`,
      r,
    );
  }

  const notes: string[] = [];
  const droppedNull: number[] = [];
  // Written straight into columns (a five-year answer has ~1,260 bars); sorted afterwards only if the answer
  // was not ascending, which Yahoo's answers are.
  const columns = emptyBarSeries(symbol, n);
  let kept = 0;
  let ascending = true;
  let previous = Number.NEGATIVE_INFINITY;
  const { open, high, low, close: closes, volume } = quote;
  for (let i = 0; i < n; i++) {
    const day = dayOf(timestamps[i], `timestamp[${i}]`);
    const close = closes?.[i] ?? null;
    // A bar without a close is incomplete (holiday, halt, the still-open day), never a zero price.
    if (close === null) {
      droppedNull.push(day);
      continue;
    }
    if (!inRange(day)) continue;
    if (day <= previous) ascending = false;
    previous = day;
    columns.dates[kept] = day;
    columns.open[kept] = open?.[i] ?? Number.NaN;
    columns.high[kept] = high?.[i] ?? Number.NaN;
    columns.low[kept] = low?.[i] ?? Number.NaN;
    columns.close[kept] = close;
    columns.adjClose[kept] = adj?.[i] ?? Number.NaN;
    columns.volume[kept] = volume?.[i] ?? Number.NaN;
    kept++;
  }
  if (droppedNull.length > 0) {
    notes.push(
      `dropped ${droppedNull.length} bar(s) without a close (holiday, halt or the still-open day): ${droppedNull
        .slice(0, 5)
        .map(isoFromDay)
        .join(', ')}${droppedNull.length > 5 ? ', …' : ''}`,
    );
  }
  let series = kept === n ? columns : firstRows(columns, kept);
  if (!ascending) {
    series = barSeriesFromBars(
      symbol,
      Array.from({ length: series.dates.length }, (_, i) => barAt(series, i)),
    );
    notes.push(
      `timestamps were not strictly ascending by exchange date (${kept} bars, ${kept - series.dates.length} duplicate date(s)); sorted, the later bar of a date kept`,
    );
  }

  const dividends: Dividend[] = [];
  for (const [key, d] of Object.entries(result.events?.dividends ?? {})) {
    if (!(Number.isFinite(d.amount) && d.amount > 0)) {
      throw sourceError(
        'malformed',
        `${what}: events.dividends.${key}.amount is ${d.amount}; expected a positive amount`,
        r,
      );
    }
    const date = dayOf(d.date, `events.dividends.${key}.date`);
    if (inRange(date)) dividends.push({ date, amount: d.amount });
  }
  const splits: Split[] = [];
  for (const [key, s] of Object.entries(result.events?.splits ?? {})) {
    if (!(s.numerator > 0 && s.denominator > 0)) {
      throw sourceError(
        'malformed',
        `${what}: events.splits.${key} is ${s.numerator}:${s.denominator}; expected a positive numerator and denominator`,
        r,
      );
    }
    const date = dayOf(s.date, `events.splits.${key}.date`);
    if (inRange(date)) splits.push({ date, numerator: s.numerator, denominator: s.denominator });
  }
  dividends.sort((a, b) => a.date - b.date);
  splits.sort((a, b) => a.date - b.date);

  const meta = result.meta;
  const history: SourceHistory = {
    symbol,
    bars: series,
    dividends,
    splits,
    info: {
      name: meta.longName ?? meta.shortName ?? null,
      exchange: meta.exchangeName ?? null,
      currency: meta.currency ?? null,
      type: meta.instrumentType ?? null,
    },
    timezone: zone,
  };
  if (notes.length > 0) history.notes = notes;
  return history;
}

/** The first `n` rows, copied so that the unused tail of the columns is not kept alive. */
function firstRows(s: BarSeries, n: number): BarSeries {
  return {
    symbol: s.symbol,
    dates: s.dates.slice(0, n),
    open: s.open.slice(0, n),
    high: s.high.slice(0, n),
    low: s.low.slice(0, n),
    close: s.close.slice(0, n),
    adjClose: s.adjClose.slice(0, n),
    volume: s.volume.slice(0, n),
  };
}
