import type { BarSeries } from '../domain/bar-series.js';
import type { EpochDay } from '../domain/epoch-day.js';
import type { Quote } from '../domain/quote.js';
import type { Dividend, Split, TickerInfo } from '../domain/ticker.js';

/**
 * A market-data source of daily history (Yahoo chart, Alpha Vantage). The network lives only behind this
 * interface; the fetch engine plans, rate-limits, retries and stores around it.
 */
export interface HistorySource {
  /** 'yahoo', 'alphavantage': the key of fetch_state rows and of the per-source rate limit. */
  readonly name: string;
  /**
   * Daily bars, dividends and splits for [from, to] (inclusive exchange dates; from undefined = the whole history).
   * Throws a SourceError for anything that is not a valid answer: nothing of a failed response is returned.
   */
  fetchHistory(request: HistoryRequest): Promise<SourceHistory>;
}

export interface HistoryRequest {
  symbol: string;
  from?: EpochDay;
  to?: EpochDay;
  signal?: AbortSignal;
  /** See HttpGetInit.onAnswered: the answer is all in, its parsing not begun (a source may not call it). */
  onAnswered?: (status: number) => void;
  /** See HttpGetInit.sendBy: the request's rate-limit slot is over after this performance.now() time. */
  sendBy?: number;
}

export interface SourceHistory {
  symbol: string;
  bars: BarSeries;
  dividends: Dividend[];
  splits: Split[];
  /** What the response said about the instrument (name, exchange, currency, type). */
  info: Omit<TickerInfo, 'symbol'>;
  /** IANA zone the bar dates were read in (meta.exchangeTimezoneName). */
  timezone?: string;
  /** What the source repaired or dropped on the way (null rows, unsorted or duplicate dates), for the run log. */
  notes?: string[];
}

/** The quote type lives in the domain (the store keeps quotes); sources keep exporting it under its old home. */
export type { Quote };

export interface QuoteSource {
  readonly name: string;
  /** Symbols one request asks for at most (Yahoo: 100); callers batching themselves use it as the batch size. */
  readonly batchSize?: number;
  /** Up to the source's batch size per request; unknown symbols are absent from the result, not errors. */
  fetchQuotes(symbols: readonly string[], signal?: AbortSignal): Promise<Quote[]>;
}

export type SourceErrorKind =
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'html'
  | 'truncated'
  | 'auth'
  | 'quota'
  /** An answer past the body size limit (received or decoded): asking again brings the same flood. */
  | 'too-large'
  /** A redirect from https to plain http, which would expose the request and its credentials on the way. */
  | 'insecure-redirect';

/**
 * Kinds worth another attempt after a backoff. An HTML page where JSON was expected is an edge's or a proxy's
 * error page far more often than the source's answer. 404/400, an answer of the wrong shape, oversized answers
 * and insecure redirects are final.
 */
export const RETRYABLE_KINDS: ReadonlySet<SourceErrorKind> = new Set([
  'rate-limited',
  'server-error',
  'timeout',
  'network',
  'truncated',
  'html',
]);

/** A failed request, with the evidence kept: HTTP status and the first bytes of the body. */
export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly evidence: {
      url?: string;
      status?: number;
      bodyStart?: string;
      retryAfterMs?: number;
      /**
       * A garbled answer (a 200 whose body is not JSON at all): its kind stays 'malformed' in the run's
       * counts, yet it says nothing about the ticker, so it is worth another attempt like a 5xx.
       */
      garbled?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }

  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind) || this.evidence.garbled === true;
  }
}
