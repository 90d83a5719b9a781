import { SourceError } from '../sources/source.js';
import { sleep } from './sleep.js';

export interface RetryPolicyOptions {
  /** Retries after the first attempt (FETCH_RETRIES). */
  maxRetries: number;
  /** The backoff cap of the first retry; doubles with every further retry. */
  baseDelayMs?: number;
  /** No backoff is longer than this. */
  maxDelayMs?: number;
  /**
   * The longest Retry-After the engine will honour. A server asking for a longer pause than this (an hour
   * of throttling) makes the error final for this run rather than stalling the ticker's worker.
   */
  maxRetryAfterMs?: number;
  /** [0, 1) source of jitter; injectable for tests. */
  random?: () => number;
}

/**
 * When to try a failed request again and how long to wait first. Only transient failures are retried
 * (SourceError.retryable: 429, 5xx, timeouts, resets, truncated bodies); a 404, a 400 or a body that is not
 * the expected schema will not get better by asking again. The wait is exponential backoff with full
 * jitter (a random delay between 0 and the cap), so many tickers throttled together do not come back in
 * one burst; a server's Retry-After wins over the backoff.
 */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions) {
    if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
      throw new RangeError(`maxRetries=${options.maxRetries} is not allowed; expected an integer >= 0`);
    }
    this.maxRetries = options.maxRetries;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.random = options.random ?? Math.random;
  }

  /** Whether `error`, the outcome of attempt number `retriesSoFar + 1`, deserves another attempt. */
  shouldRetry(error: unknown, retriesSoFar: number): boolean {
    if (retriesSoFar >= this.maxRetries || !isRetryable(error)) return false;
    const after = retryAfterOf(error);
    return after === undefined || after <= this.maxRetryAfterMs;
  }

  /** Milliseconds to wait before retry number `retriesSoFar + 1`. */
  delayMs(error: unknown, retriesSoFar: number): number {
    const after = retryAfterOf(error);
    if (after !== undefined) return Math.min(after, this.maxRetryAfterMs);
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retriesSoFar);
    return Math.floor(this.random() * cap);
  }
}

/** A SourceError of a transient kind; anything else (a bug, an abort) is final. */
export function isRetryable(error: unknown): boolean {
  return error instanceof SourceError && error.retryable;
}

function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof SourceError)) return undefined;
  const ms = error.evidence.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export interface RetryHooks {
  signal?: AbortSignal;
  /** Called before each wait: the error that caused it, the wait, and the retry number (1 = first retry). */
  onRetry?: (error: unknown, delayMs: number, retry: number) => void;
}

/** Runs `attempt` until it succeeds or the policy gives up; the last error is thrown. */
export async function withRetry<T>(
  attempt: (retry: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (hooks.signal?.aborted || !policy.shouldRetry(error, retry)) throw error;
      const delay = policy.delayMs(error, retry);
      hooks.onRetry?.(error, delay, retry + 1);
      await sleep(delay, hooks.signal);
    }
  }
}
