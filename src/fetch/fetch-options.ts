import type { EpochDay } from '../domain/epoch-day.js';
import type { AdaptiveConcurrencyOptions } from './adaptive-concurrency.js';
import type { RateLimiter } from './rate-limiter.js';

/** How a fetch run behaves; the `fetch` command and the fetch job build it from flags and config. */
export interface FetchEngineOptions {
  /** Requests in flight at most (--max-concurrent, FETCH_MAX_CONCURRENT); adaptive concurrency may go lower. */
  maxConcurrent: number;
  /** A ticker fetched successfully within this long is skipped (--max-age, FETCH_MAX_AGE). */
  maxAgeMs: number;
  /** Fetch fresh tickers too (--force-refresh). */
  forceRefresh?: boolean;
  /** First date of a whole-history request (--from); undefined = the source's whole history. */
  from?: EpochDay;
  /** Fetch the whole history again of tickers flagged with missing days. */
  refetchGaps?: boolean;
  /** Retries per request after transient failures (FETCH_RETRIES). */
  retries: number;
  /** Backoff cap of the first retry (doubles per retry); default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest backoff; default 30 s. */
  retryMaxDelayMs?: number;
  /**
   * How long the source may answer nothing but push-back (429s, 5xx, timeouts) before the run gives it up and
   * fails the remaining tickers (FETCH_GIVE_UP_AFTER); default DEFAULT_NO_PROGRESS_LIMIT_MS.
   */
  noProgressLimitMs?: number;
  /** The source's request rate limit; default none. */
  rateLimiter?: RateLimiter;
  /** Tuning of the concurrency controller (window, ratios, cool-down); `max` comes from maxConcurrent. */
  adaptive?: Omit<AdaptiveConcurrencyOptions, 'max'>;
  /** Identifies the run in job_runs, metrics files and logs. */
  runId?: string;
  /** Clock for freshness decisions and fetch_state times; injectable for tests. */
  now?: () => Date;
}
