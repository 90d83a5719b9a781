import { SourceError } from '../sources/source.js';
import { whenAborted } from '../sources/when-aborted.js';

/**
 * What one request said about the source's health: 'overload' when the source is pushing back or
 * failing under load (429, 5xx, timeouts, resets, cut-off bodies), 'success' when it answered, even with a
 * final "no such symbol".
 */
export type RequestOutcome = 'success' | 'overload';

/** The failures worth a retry are the ones a struggling source gives: they are what counts as overload. */
export function classifyOutcome(error: unknown): RequestOutcome {
  return error instanceof SourceError && error.retryable ? 'overload' : 'success';
}

export interface AdaptiveConcurrencyOptions {
  /** The ceiling: --max-concurrent / FETCH_MAX_CONCURRENT. */
  max: number;
  /** Never below this many requests in flight. */
  min?: number;
  /** Requests looked back on when judging the source's health. */
  windowSize?: number;
  /** Halve when more than this share of the window was overload. */
  overloadRatio?: number;
  /** No judgement on fewer outcomes than this since the last change. */
  minSamples?: number;
  /** This many 429s within burstWindowMs is a burst: every request pauses for the cool-down. */
  burstCount?: number;
  burstWindowMs?: number;
  /** First cool-down; doubles on each burst that follows without a healthy stretch between, up to maxCooldownMs. */
  cooldownMs?: number;
  maxCooldownMs?: number;
  now?: () => number;
}

interface Waiter {
  resolve(release: () => void): void;
  /** Stops listening for the caller's abort once the slot is granted. */
  stopWaiting?: () => void;
}

/**
 * How many requests to one source may be in flight, adjusted to how the source copes (AIMD, as TCP does
 * with its window): when most recent requests were throttled or failed, the limit halves (never below
 * `min`); each run of `limit` successes raises it by one, back up to `max`. A burst of 429s, or a 429 that
 * says Retry-After, also pauses every request for a cool-down, because Yahoo throttles the whole IP and
 * a request sent during the ban only extends it.
 */
export class AdaptiveConcurrency {
  readonly max: number;
  readonly min: number;
  private current: number;
  private active = 0;
  private readonly window: Uint8Array;
  private windowNext = 0;
  private windowFilled = 0;
  private windowOverloads = 0;
  private successStreak = 0;
  private readonly recent429: number[] = [];
  private pausedUntil = 0;
  private nextCooldownMs: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly queue: Waiter[] = [];
  private readonly o: Required<Omit<AdaptiveConcurrencyOptions, 'now' | 'max' | 'min'>>;
  private readonly now: () => number;
  /** Counters for the run's metrics. */
  readonly stats = { decreases: 0, increases: 0, lowest: 0, cooldowns: 0, cooldownMs: 0 };

  constructor(options: AdaptiveConcurrencyOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new RangeError(`max concurrency ${options.max} is not allowed; expected an integer >= 1`);
    }
    this.max = options.max;
    this.min = Math.min(this.max, Math.max(1, options.min ?? 1));
    this.current = this.max;
    this.stats.lowest = this.max;
    this.o = {
      windowSize: options.windowSize ?? 20,
      overloadRatio: options.overloadRatio ?? 0.5,
      minSamples: options.minSamples ?? 10,
      burstCount: options.burstCount ?? 3,
      burstWindowMs: options.burstWindowMs ?? 1_000,
      cooldownMs: options.cooldownMs ?? 1_000,
      maxCooldownMs: options.maxCooldownMs ?? 60_000,
    };
    this.nextCooldownMs = this.o.cooldownMs;
    this.now = options.now ?? Date.now;
    this.window = new Uint8Array(this.o.windowSize);
  }

  /** Requests currently allowed in flight. */
  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Epoch ms until which requests are held back (0 or past = not paused). */
  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  /**
   * Waits for a slot (FIFO) and returns the function that gives it back; call it exactly once, after
   * recording the outcome.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // The common case on a healthy source: a free slot and nobody ahead, so nothing to wait or listen for.
    if (this.queue.length === 0 && this.active < this.current && this.pausedUntil <= this.now()) {
      return Promise.resolve(this.grant());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve };
      if (signal) {
        waiter.stopWaiting = whenAborted(signal, () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Feeds one request's outcome; `retryAfterMs` is the server's own pause request on a 429. */
  record(outcome: RequestOutcome, detail: { status429?: boolean; retryAfterMs?: number } = {}): void {
    const overload = outcome === 'overload' ? 1 : 0;
    if (this.windowFilled === this.o.windowSize) this.windowOverloads -= this.window[this.windowNext];
    else this.windowFilled++;
    this.window[this.windowNext] = overload;
    this.windowOverloads += overload;
    this.windowNext = (this.windowNext + 1) % this.o.windowSize;

    if (overload) {
      this.successStreak = 0;
      if (
        this.windowFilled >= this.o.minSamples &&
        this.windowOverloads / this.windowFilled > this.o.overloadRatio &&
        this.current > this.min
      ) {
        this.current = Math.max(this.min, Math.floor(this.current / 2));
        this.stats.decreases++;
        this.stats.lowest = Math.min(this.stats.lowest, this.current);
        // Judge the new limit on fresh evidence, not on the failures that caused the cut.
        this.resetWindow();
      }
      if (detail.status429) this.note429(detail.retryAfterMs);
    } else {
      this.successStreak++;
      if (this.successStreak >= this.current) {
        this.successStreak = 0;
        this.nextCooldownMs = this.o.cooldownMs;
        if (this.current < this.max) {
          this.current++;
          this.stats.increases++;
        }
      }
    }
    this.pump();
  }

  private resetWindow(): void {
    this.window.fill(0);
    this.windowFilled = 0;
    this.windowNext = 0;
    this.windowOverloads = 0;
  }

  private note429(retryAfterMs: number | undefined): void {
    const now = this.now();
    let pause = 0;
    if (retryAfterMs !== undefined && retryAfterMs > 0) pause = Math.min(retryAfterMs, this.o.maxCooldownMs);
    this.recent429.push(now);
    while (this.recent429.length > 0 && this.recent429[0] <= now - this.o.burstWindowMs) this.recent429.shift();
    if (this.recent429.length >= this.o.burstCount) {
      pause = Math.max(pause, this.nextCooldownMs);
      this.nextCooldownMs = Math.min(this.o.maxCooldownMs, this.nextCooldownMs * 2);
      this.recent429.length = 0;
    }
    if (pause > 0 && now + pause > this.pausedUntil) {
      this.stats.cooldowns++;
      this.stats.cooldownMs += now + pause - Math.max(now, this.pausedUntil);
      this.pausedUntil = now + pause;
    }
  }

  private release(): void {
    this.active--;
    this.pump();
  }

  private pump(): void {
    const wait = this.pausedUntil - this.now();
    if (wait > 0) {
      if (this.queue.length > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
      }
      return;
    }
    while (this.queue.length > 0 && this.active < this.current) {
      const waiter = this.queue.shift()!;
      waiter.stopWaiting?.();
      waiter.resolve(this.grant());
    }
  }

  /** Takes a slot; returns the function that gives it back (only the first call counts). */
  private grant(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }
}
