/**
 * Admission control for requests to one source. The engine asks before every HTTP request; an in-process
 * token bucket is the default, and a limiter shared by many machines (for example one kept in Redis) can
 * implement the same interface without the engine noticing.
 */
export interface RateLimiter {
  /**
   * Resolves when one request may be sent. Callers are served first come, first served, so a ticker that
   * has waited longest goes next. Rejects with the signal's reason when the signal aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<SendBy> | Promise<void>;
  /** Callers waiting right now (for progress and diagnostics). */
  readonly waiting: number;
}

/**
 * What an admission may return: the performance.now() time after which the request must not leave any more
 * (a limiter that keeps a schedule, see HttpGetInit.sendBy), or nothing when it may leave any time.
 */
export type SendBy = number | undefined;

/** The limits of one source; 0 or absent = no limit for that window. */
export interface RateLimits {
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
}

/** A limiter that never waits: Yahoo's default, where only concurrency and backoff pace the requests. */
export const UNLIMITED_RATE: RateLimiter = {
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return Promise.resolve();
  },
  waiting: 0,
};
