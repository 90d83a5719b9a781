import type { KeptHistory } from './keep-stored-history.js';

/** One ticker that could not be fetched, and why. */
export interface FailedTicker {
  symbol: string;
  /** SourceErrorKind, or 'error' for an unexpected failure (a store error, a bug). */
  kind: string;
  reason: string;
}

/**
 * The summary of one fetch run, saved in job_runs.metrics and as <dataDir>/runs/<id>.json. Fixed size
 * whatever the universe, except the list of failed tickers.
 */
export interface FetchRunMetrics {
  runId: string;
  source: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  /** True when the run was cancelled before every ticker was handled. */
  cancelled: boolean;
  tickers: {
    requested: number;
    /** Fetched and stored. */
    fetched: number;
    skippedFresh: number;
    failed: number;
    /** Not reached before a cancel. */
    notRun: number;
    /** Of the fetched: first fetches, incremental updates, whole-history refetches (split, re-adjustment, gaps). */
    new: number;
    incremental: number;
    fullRefetch: number;
  };
  /** Bars added (a new date) plus bars changed (a stored date with different values). */
  barsWritten: number;
  barsAdded: number;
  barsChanged: number;
  /** HTTP requests sent (every attempt, crumb requests included when a source makes them). */
  requests: number;
  /** Attempts after the first of a request. */
  retries: number;
  /** Requests the source throttled (HTTP 429 or a quota message). */
  rateLimited: number;
  bytes: number;
  latencyMs: { count: number; p50: number; p95: number; max: number; mean: number };
  /** Tickers per second over the whole run. */
  tickersPerSecond: number;
  concurrency: {
    max: number;
    final: number;
    lowest: number;
    decreases: number;
    increases: number;
    cooldowns: number;
    /** Time every request was held back by cool-downs (429s with Retry-After, bursts of 429s). */
    cooldownMs: number;
    /** 429s that set the pace (requests per second) under the rate the source accepted; 0 = never paced. */
    paceCuts?: number;
    /** The lowest pace and the pace at the end, requests per second (null = never paced). */
    lowestRatePerSecond?: number | null;
    finalRatePerSecond?: number | null;
  };
  /** Bars a source sent that cannot be prices (close not positive, a negative open/high/low or volume): in the rejects table, not stored. */
  quarantinedBars?: number;
  /** Failed attempts by SourceErrorKind (retried ones included). */
  errorsByKind: Record<string, number>;
  failed: FailedTicker[];
  /** Why a whole-history refetch happened, by reason's first words (new split, restated adjusted close...). */
  refetchReasons: Record<string, number>;
  /** Stored history a whole-history refetch did not cover and kept, per ticker, with why. */
  kept: KeptHistory[];
  /** Set when the run stopped because the source could not be reached: what to tell the user. */
  unreachable?: string;
  /**
   * Set when the run gave the source up after FETCH_GIVE_UP_AFTER without a real answer (only 429s, or only
   * retryable failures): what to tell the user. The remaining tickers are failed with that push-back's kind.
   */
  gaveUp?: string;
  http?: Record<string, unknown>;
  /** The quote phase that followed the history (absent when the run fetched no quotes: --no-quotes, not Yahoo). */
  quotes?: QuoteRunMetrics;
}

/** A quote batch (one request of up to 100 symbols) that failed after its retries. */
export interface FailedQuoteBatch {
  /** First and last symbol of the batch, and how many it held. */
  first: string;
  last: string;
  size: number;
  /** SourceErrorKind, or 'error' for an unexpected failure (a store error, a bug). */
  kind: string;
  reason: string;
}

/** The summary of one quote phase: fixed size, except the failed batches and at most 100 missing symbols. */
export interface QuoteRunMetrics {
  source: string;
  seconds: number;
  /** True when the run was cancelled before every batch was handled. */
  cancelled: boolean;
  symbols: {
    requested: number;
    /** Had a stored quote fetched within max-age: not asked. */
    skippedFresh: number;
    /** Asked of the source. */
    asked: number;
    /** Quotes stored. */
    stored: number;
    /** Asked in a batch that succeeded, but the source had no quote for them (unknown, delisted). */
    missing: number;
    /** In a batch that failed. */
    failed: number;
    /** In a batch not reached before a cancel. */
    notRun: number;
  };
  batches: { total: number; succeeded: number; failed: number; notRun: number };
  /** Quote requests sent (every attempt; the crumb handshake is counted in `http` when given). */
  requests: number;
  retries: number;
  rateLimited: number;
  /** Bars a source sent that cannot be prices (close not positive, a negative open/high/low or volume): in the rejects table, not stored. */
  quarantinedBars?: number;
  /** Failed attempts by SourceErrorKind (retried ones included). */
  errorsByKind: Record<string, number>;
  /** The first 100 missing symbols. */
  missing: string[];
  failedBatches: FailedQuoteBatch[];
  http?: Record<string, unknown>;
}

/** What the quote phase reports after every batch. */
export interface QuoteProgress {
  batches: number;
  done: number;
  stored: number;
  missing: number;
  failed: number;
}

/** What the progress reporter and job progress see, after every ticker. */
export interface FetchProgress {
  total: number;
  done: number;
  fetched: number;
  skipped: number;
  failed: number;
  inFlight: number;
  concurrency: number;
  barsWritten: number;
  /** The ticker just finished. */
  symbol: string;
}
