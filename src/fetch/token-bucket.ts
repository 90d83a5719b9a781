import { whenAborted } from '../sources/when-aborted.js';
import type { RateLimiter, RateLimits } from './rate-limiter.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Above this many requests per window the exact per-token bookkeeping would cost too much memory, and a
 * burst over the provider's count is harmless at such rates; the window then refills continuously.
 */
const MAX_EXACT_LIMIT = 100_000;

/** One window of a limit: `limit` requests per `windowMs`. */
interface Window {
  /** Milliseconds from `now` until one more request fits in this window (0 = now). */
  waitMs(now: number): number;
  take(now: number): void;
}

/**
 * Exact rolling window: a bucket of `limit` tokens where each token comes back exactly one window after it
 * was spent. Providers count requests in a rolling window ("5 per minute", "25 per day"), and a classic
 * bucket that refills continuously would let up to twice the limit through in one window, which gets a
 * free Alpha Vantage key blocked. Memory is one number per token.
 */
class RollingWindow implements Window {
  private readonly spentAt: Float64Array;
  /** Index of the oldest spent token in the ring. */
  private head = 0;
  private spent = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.spentAt = new Float64Array(limit);
  }

  private expire(now: number): void {
    while (this.spent > 0 && this.spentAt[this.head] + this.windowMs <= now) {
      this.head = (this.head + 1) % this.limit;
      this.spent--;
    }
  }

  waitMs(now: number): number {
    this.expire(now);
    if (this.spent < this.limit) return 0;
    return this.spentAt[this.head] + this.windowMs - now;
  }

  take(now: number): void {
    this.expire(now);
    if (this.spent === this.limit) {
      // Only when recording past requests beyond the limit: the newest `limit` of them are what counts.
      this.head = (this.head + 1) % this.limit;
      this.spent--;
    }
    this.spentAt[(this.head + this.spent) % this.limit] = now;
    this.spent++;
  }
}

/** Continuous refill at limit/window with a burst of `limit`: for very large limits only. */
class RefillingWindow implements Window {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.tokens = limit;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.limit, this.tokens + ((now - this.updatedAt) * this.limit) / this.windowMs);
      this.updatedAt = now;
    }
  }

  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * this.windowMs) / this.limit);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }
}

interface Waiter {
  resolve(): void;
  /** Stops listening for the caller's abort once the token is granted. */
  stopWaiting?: () => void;
}

export interface TokenBucketOptions extends RateLimits {
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

/**
 * The in-process rate limiter: per-second, per-minute and per-day windows at once (0 = unlimited), and a
 * request goes when every window has room. Waiters queue FIFO, so no ticker starves behind later ones.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly windows: Window[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions = {}) {
    this.now = options.now ?? Date.now;
    const start = this.now();
    const add = (limit: number | undefined, windowMs: number, name: string) => {
      if (limit === undefined || limit === 0) return;
      if (!(limit > 0) || !Number.isFinite(limit)) {
        throw new RangeError(`rate limit ${name}=${limit} is not allowed; expected a number > 0, or 0 for no limit`);
      }
      // A fractional limit (0.5 per second) is the same rate over a longer window with whole tokens.
      const whole = Math.max(1, Math.floor(limit));
      const ms = (windowMs * whole) / limit;
      this.windows.push(
        whole <= MAX_EXACT_LIMIT ? new RollingWindow(whole, ms) : new RefillingWindow(whole, ms, start),
      );
    };
    add(options.perSecond, SECOND_MS, 'perSecond');
    add(options.perMinute, MINUTE_MS, 'perMinute');
    add(options.perDay, DAY_MS, 'perDay');
  }

  /** true when no window is configured: acquire never waits. */
  get unlimited(): boolean {
    return this.windows.length === 0;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Counts a request sent earlier (at `atMs`, not before any request already counted) against the
   * windows, so that a restarted process still respects a daily quota it partly used before.
   */
  recordPast(atMs: number): void {
    for (const w of this.windows) w.take(atMs);
  }

  /** recordPast for many requests, in time order as the windows expect. */
  recordPastMany(times: readonly number[]): void {
    for (const at of [...times].sort((a, b) => a - b)) this.recordPast(at);
  }

  /** Milliseconds until a request would be admitted, ignoring the queue. */
  waitMs(now = this.now()): number {
    let wait = 0;
    for (const w of this.windows) wait = Math.max(wait, w.waitMs(now));
    return wait;
  }

  /** Takes a token now if every window has one and nobody is queued; true when taken. */
  tryAcquire(now = this.now()): boolean {
    if (this.queue.length > 0 || this.waitMs(now) > 0) return false;
    for (const w of this.windows) w.take(now);
    return true;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve };
      if (signal) {
        waiter.stopWaiting = whenAborted(signal, () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          if (i === 0) this.schedule();
          reject(signal.reason);
        });
      }
      this.queue.push(waiter);
      if (this.queue.length === 1) this.schedule();
    });
  }

  /** Admits queued waiters while tokens last, then sleeps until the head's token comes back. */
  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length > 0) {
      const now = this.now();
      const wait = this.waitMs(now);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.schedule();
        }, wait);
        return;
      }
      for (const w of this.windows) w.take(now);
      const waiter = this.queue.shift()!;
      waiter.stopWaiting?.();
      waiter.resolve();
    }
  }
}
