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
  /** Accepted answers looked back on when a 429 says the pace was too fast: the rate the source accepted. */
  rateWindowMs?: number;
  /** After a 429 the pace is this share of the accepted rate (just under it, so the next 429 is far off). */
  rateMargin?: number;
  /** Growth of the pace per second of successes, probing whether the source accepts more again. */
  rateGrowthPerSecond?: number;
  /** The pace never drops below this many requests per second. */
  minRatePerSecond?: number;
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
 *
 * A cool-down is one event however many requests it catches: a 429 to a request sent before the latest
 * cool-down began belongs to it (it may extend the pause to its own Retry-After, it never starts or doubles
 * another). A fresh 429 also sets the pace, requests per second, just under the rate the source accepted over
 * the last few seconds, and successes raise it slowly again: the run settles at the rate the source accepts
 * instead of stopping and starting.
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
  /** Requests per second at most (Infinity until a 429 says otherwise), and when the next one may leave. */
  private rate = Number.POSITIVE_INFINITY;
  private nextSendAt = 0;
  /** When the latest cool-down (or pace cut) began: 429s to requests sent before it belong to it. */
  private cooldownStartedAt = Number.NEGATIVE_INFINITY;
  /** Times of recent answers the source accepted (anything but a 429), and of recent requests sent, oldest first. */
  private readonly acceptedAt: number[] = [];
  private readonly sentAt: number[] = [];
  private readonly startedAt: number;
  /** The end of the cool-down whose first answer after it is still awaited (null = none awaited). */
  private verdictAfter: number | null = null;
  private unhelpfulCooldowns = 0;
  private readonly queue: Waiter[] = [];
  private readonly o: Required<Omit<AdaptiveConcurrencyOptions, 'now' | 'max' | 'min'>>;
  private readonly now: () => number;
  /**
   * Counters for the run's metrics: `cooldownMs` is the time every request was held back by cool-downs,
   * `paceCuts` the 429s that set the pace, `lowestRate` its lowest value (requests per second, or null).
   * `perRequest429`: whether the source's 429s have shown to be about single requests rather than the whole
   * client (twice in a row the first answer after a cool-down was a 429 again, so pausing everything did not
   * help); from then on a 429 only delays its own retry, and only a retry answered 429 again sets the pace.
   */
  readonly stats = {
    decreases: 0,
    increases: 0,
    lowest: 0,
    cooldowns: 0,
    cooldownMs: 0,
    paceCuts: 0,
    lowestRate: null as number | null,
    perRequest429: false,
  };

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
      rateWindowMs: options.rateWindowMs ?? 5_000,
      rateMargin: options.rateMargin ?? 0.95,
      rateGrowthPerSecond: options.rateGrowthPerSecond ?? 0.03,
      minRatePerSecond: options.minRatePerSecond ?? 0.5,
    };
    this.nextCooldownMs = this.o.cooldownMs;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
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

  /** Requests per second the pace allows (Infinity = no pace). */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** This controller's clock: what `record` expects as a request's `sentAt`. */
  stamp(): number {
    return this.now();
  }

  /**
   * Waits for a slot (FIFO) and returns the function that gives it back; call it exactly once, after
   * recording the outcome.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // The common case on a healthy source: a free slot and nobody ahead, so nothing to wait or listen for.
    if (this.queue.length === 0 && this.active < this.current && this.readyAt() <= this.now()) {
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

  /**
   * Feeds one request's outcome; `retryAfterMs` is the server's own pause request on a 429, `sentAt` (see stamp)
   * when the request left, which tells a 429 of a cool-down already running from a fresh one.
   */
  record(
    outcome: RequestOutcome,
    detail: { status429?: boolean; retryAfterMs?: number; sentAt?: number; retryOf429?: boolean } = {},
  ): void {
    if (!detail.status429) this.noteAccepted();
    this.judgeCooldown(detail.status429 === true, detail.sentAt);
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
      if (detail.status429) this.note429(detail.retryAfterMs, detail.sentAt, detail.retryOf429 === true);
    } else {
      // Probing upwards: `rate` successes (about a second's worth) raise the pace by rateGrowthPerSecond.
      if (Number.isFinite(this.rate)) this.rate *= 1 + this.o.rateGrowthPerSecond / Math.max(1, this.rate);
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

  private noteAccepted(): void {
    this.remember(this.acceptedAt, this.now());
  }

  private remember(times: number[], now: number): void {
    times.push(now);
    // Trimmed in one splice once the old part is as long as the window's, not one shift per request.
    if (times[0] > now - 2 * this.o.rateWindowMs) return;
    let old = 0;
    while (old < times.length && times[old] <= now - this.o.rateWindowMs) old++;
    times.splice(0, old);
  }

  /** When the next request may leave: after the cool-down and the pace's spacing. */
  private readyAt(): number {
    return Math.max(this.pausedUntil, this.nextSendAt);
  }

  /** The first answer to a request sent after a cool-down ended says whether pausing helped. */
  private judgeCooldown(was429: boolean, sentAt: number | undefined): void {
    if (this.verdictAfter === null || sentAt === undefined || sentAt < this.verdictAfter) return;
    this.verdictAfter = null;
    this.unhelpfulCooldowns = was429 ? this.unhelpfulCooldowns + 1 : 0;
    if (this.unhelpfulCooldowns >= 2 && !this.stats.perRequest429) {
      this.stats.perRequest429 = true;
      // The pace was cut on 429s that were not about the rate; the retries' own 429s will set it again if needed.
      this.rate = Number.POSITIVE_INFINITY;
      this.nextSendAt = 0;
    }
  }

  private note429(retryAfterMs: number | undefined, sentAt: number | undefined, retryOf429: boolean): void {
    const now = this.now();
    let pause = 0;
    if (retryAfterMs !== undefined && retryAfterMs > 0) pause = Math.min(retryAfterMs, this.o.maxCooldownMs);
    if (this.stats.perRequest429) {
      // Only a request the source refused twice says the pace is too fast; once per round trip, never a pause.
      if (!retryOf429 || (sentAt !== undefined && sentAt <= this.cooldownStartedAt)) return;
      this.cooldownStartedAt = now;
      this.cutPace(now);
      return;
    }
    if (sentAt !== undefined && sentAt <= this.cooldownStartedAt) {
      // Sent before the latest cool-down began, so it says nothing new: it only holds that cool-down open until
      // its own Retry-After has passed.
      if (pause > 0) this.pauseUntil(now + pause);
      return;
    }
    this.cooldownStartedAt = now;
    this.cutPace(now);
    this.recent429.push(now);
    while (this.recent429.length > 0 && this.recent429[0] <= now - this.o.burstWindowMs) this.recent429.shift();
    if (this.recent429.length >= this.o.burstCount) {
      pause = Math.max(pause, this.nextCooldownMs);
      this.nextCooldownMs = Math.min(this.o.maxCooldownMs, this.nextCooldownMs * 2);
      this.recent429.length = 0;
    }
    if (pause > 0 && now + pause > this.pausedUntil) {
      this.stats.cooldowns++;
      this.pauseUntil(now + pause);
    }
  }

  private pauseUntil(until: number): void {
    const now = this.now();
    if (until <= this.pausedUntil) return;
    this.stats.cooldownMs += until - Math.max(now, this.pausedUntil);
    this.pausedUntil = until;
    this.verdictAfter = until;
  }

  /** The pace after a fresh 429: just under the rate the source accepted over the last rateWindowMs. */
  private cutPace(now: number): void {
    const span = Math.max(1_000, Math.min(this.o.rateWindowMs, now - this.startedAt));
    const perSecond = (times: number[]) => (times.filter((t) => t > now - this.o.rateWindowMs).length * 1000) / span;
    // Just under what the source accepted. When its 429s are about single requests, those took their share of
    // its rate too, so what was sent (a retry refused again says: a little too much) is the measure.
    const basis = this.stats.perRequest429 ? perSecond(this.sentAt) : perSecond(this.acceptedAt);
    // Nothing accepted yet says nothing of the source's rate: the cool-downs alone answer that.
    if (basis === 0) return;
    const target = basis * this.o.rateMargin;
    const rate = Math.max(this.o.minRatePerSecond, Math.min(this.rate, target));
    this.rate = rate;
    this.stats.paceCuts++;
    this.stats.lowestRate = Math.min(this.stats.lowestRate ?? rate, rate);
  }

  private release(): void {
    this.active--;
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.active < this.current) {
      const wait = this.readyAt() - this.now();
      if (wait > 0) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, wait);
        }
        return;
      }
      const waiter = this.queue.shift()!;
      waiter.stopWaiting?.();
      waiter.resolve(this.grant());
    }
  }

  /** Takes a slot; returns the function that gives it back (only the first call counts). */
  private grant(): () => void {
    this.active++;
    this.remember(this.sentAt, this.now());
    if (Number.isFinite(this.rate)) this.nextSendAt = Math.max(this.now(), this.nextSendAt) + 1000 / this.rate;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }
}
