import { normalizeSymbol, toYahooSymbol } from '../../domain/symbol.js';
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
import type { Quote, QuoteSource } from '../source.js';
import { DEFAULT_YAHOO_BASE_URL } from './yahoo-chart-source.js';
import { type YahooCredentials, YahooCrumbSession } from './yahoo-crumb-session.js';
import { describeYahooError, kindOfYahooErrorCode, yahooErrorDetail } from './yahoo-error-detail.js';
import { type QuoteItem, quoteResponseSchema } from './yahoo-quote-schema.js';

/** Yahoo accepts about 100 symbols per v7 quote request. */
export const YAHOO_QUOTE_BATCH_SIZE = 100;

export interface YahooQuoteSourceOptions {
  httpGet: HttpGet;
  /** Default https://query2.finance.yahoo.com; the crumb is fetched from the same base. */
  baseUrl?: string;
  /** The cookie-setting page; default https://fc.yahoo.com for Yahoo's hosts, else `{baseUrl}/cookie`. */
  cookieUrl?: string;
  headers?: Record<string, string>;
  /** Symbols per request, 1-100 (default 100). */
  batchSize?: number;
}

/**
 * Latest quotes (market cap, P/E, EPS, dividend yield, 52-week range) from Yahoo's v7 quote endpoint.
 *
 * A small client of our own rather than the yahoo-finance2 package: that package (3.x, the last line running on
 * Node 20) fetches its cookie from finance.yahoo.com and the crumb from a hard-coded
 * https://query1.finance.yahoo.com/v1/test/getcrumb, keeps the crumb in module-level state and brings a cookie
 * jar dependency, so it cannot be pointed at a configurable base URL (the local test server) and would share one
 * session across every instance. The handshake itself is three GETs, done in YahooCrumbSession.
 *
 * Unknown symbols are dropped by Yahoo without an error and are simply absent from the result. A 401/403
 * ("Invalid Crumb") refreshes the cookie and crumb once and repeats the request; a second refusal is 'auth'.
 */
export class YahooQuoteSource implements QuoteSource {
  readonly name = 'yahoo';
  readonly batchSize: number;
  private readonly httpGet: HttpGet;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly session: YahooCrumbSession;

  constructor(options: YahooQuoteSourceOptions) {
    this.httpGet = options.httpGet;
    this.baseUrl = (options.baseUrl ?? DEFAULT_YAHOO_BASE_URL).replace(/\/+$/, '');
    this.headers = { ...options.headers };
    const size = options.batchSize ?? YAHOO_QUOTE_BATCH_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > YAHOO_QUOTE_BATCH_SIZE) {
      throw new RangeError(`batchSize ${size} is not allowed; expected an integer 1-${YAHOO_QUOTE_BATCH_SIZE}`);
    }
    this.batchSize = size;
    this.session = new YahooCrumbSession({
      httpGet: this.httpGet,
      baseUrl: this.baseUrl,
      cookieUrl: options.cookieUrl ?? defaultCookieUrl(this.baseUrl),
      headers: this.headers,
    });
  }

  /** Quotes for the symbols, one request per batch of `batchSize`, in order; unknown symbols are absent. */
  async fetchQuotes(symbols: readonly string[], signal?: AbortSignal): Promise<Quote[]> {
    // Stored form -> Yahoo form; a symbol no exchange could list is as absent as an unknown one.
    const wanted = new Map<string, string>();
    for (const raw of symbols) {
      try {
        const stored = normalizeSymbol(raw);
        wanted.set(toYahooSymbol(stored), stored);
      } catch {
        /* not a symbol: nothing to ask for */
      }
    }
    const yahooSymbols = [...wanted.keys()];
    const out: Quote[] = [];
    for (let i = 0; i < yahooSymbols.length; i += this.batchSize) {
      const batch = yahooSymbols.slice(i, i + this.batchSize);
      for (const item of await this.fetchBatch(batch, signal)) out.push(toQuote(item, wanted));
    }
    return out;
  }

  private async fetchBatch(batch: readonly string[], signal: AbortSignal | undefined): Promise<QuoteItem[]> {
    const what = `Yahoo quote for ${batch.length === 1 ? batch[0] : `${batch.length} symbols (${batch[0]}…)`}`;
    let credentials = await this.session.credentials(signal);
    let r = await this.request(batch, credentials, what, signal);
    if (r.status === 401 || r.status === 403) {
      this.session.invalidate(credentials);
      credentials = await this.session.credentials(signal);
      r = await this.request(batch, credentials, what, signal);
    }
    if (r.status < 200 || r.status >= 300) {
      const detail = yahooErrorDetail(r.body);
      throw (
        statusError(r, what, detail ? describeYahooError(detail) : undefined) ??
        sourceError('server-error', `${what}: unexpected HTTP ${r.status}`, r)
      );
    }
    if (looksLikeHtml(r)) {
      throw sourceError('html', `${what}: got an HTML page (status ${r.status}) where quote JSON was expected`, r);
    }
    const data = parseJsonBody(r, what, 'quote JSON {"quoteResponse":{"result":[...]}}');
    const { result, error } = validateBody(quoteResponseSchema, data, r, what).quoteResponse;
    if (error) {
      throw sourceError(
        kindOfYahooErrorCode(error.code),
        `${what}: Yahoo answered with an error: ${describeYahooError({ code: error.code, description: error.description ?? '' })}`,
        r,
      );
    }
    return result;
  }

  private request(
    batch: readonly string[],
    c: YahooCredentials,
    what: string,
    signal?: AbortSignal,
  ): Promise<FetchedBody> {
    const url = `${this.baseUrl}/v7/finance/quote?symbols=${encodeURIComponent(batch.join(','))}&crumb=${encodeURIComponent(c.crumb)}`;
    return fetchBody(this.httpGet, url, {
      what,
      signal,
      headers: { accept: 'application/json', ...this.headers, cookie: c.cookie },
    });
  }
}

/** Yahoo sets its session cookie from fc.yahoo.com; any other base (the test server) serves `/cookie` itself. */
export function defaultCookieUrl(baseUrl: string): string {
  let host = '';
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    /* an unparsable base fails at the first request, naming it */
  }
  return host === 'yahoo.com' || host.endsWith('.yahoo.com') ? 'https://fc.yahoo.com' : `${baseUrl}/cookie`;
}

function toQuote(item: QuoteItem, wanted: ReadonlyMap<string, string>): Quote {
  let symbol = wanted.get(item.symbol.toUpperCase());
  if (symbol === undefined) {
    try {
      symbol = normalizeSymbol(item.symbol);
    } catch {
      symbol = item.symbol;
    }
  }
  const yieldPercent = item.dividendYield;
  return {
    symbol,
    name: item.longName ?? item.shortName ?? item.displayName ?? null,
    exchange: item.exchange ?? null,
    currency: item.currency ?? null,
    quoteType: item.quoteType ?? null,
    price: item.regularMarketPrice ?? null,
    marketCap: item.marketCap ?? null,
    trailingPE: item.trailingPE ?? null,
    forwardPE: item.forwardPE ?? null,
    eps: item.epsTrailingTwelveMonths ?? null,
    // toPrecision(15) drops the binary noise of the division (0.41 / 100 = 0.0040999999999999995).
    dividendYield:
      typeof yieldPercent === 'number'
        ? Number((yieldPercent / 100).toPrecision(15))
        : (item.trailingAnnualDividendYield ?? null),
    fiftyTwoWeekHigh: item.fiftyTwoWeekHigh ?? null,
    fiftyTwoWeekLow: item.fiftyTwoWeekLow ?? null,
    averageVolume: item.averageDailyVolume3Month ?? null,
    sharesOutstanding: item.sharesOutstanding ?? null,
  };
}
