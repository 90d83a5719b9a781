import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimits, SendBy } from './rate-limiter.js';
import {
  enforcedRateLimits,
  forgetRateLimits,
  formatRateLimits,
  limitedWindows,
  RECORD_EVERY_MS,
  type RecordedRateLimits,
  readRecordedRateLimits,
  recordRateLimits,
} from './recorded-rate-limits.js';
import { sleep } from './sleep.js';

const WINDOWS = [
  ['perSecond', 1_000],
  ['perMinute', 60_000],
  ['perDay', 86_400_000],
] as const;
const WINDOW_MS = Object.fromEntries(WINDOWS) as Record<(typeof WINDOWS)[number][0], number>;

/**
 * Admission in Redis, atomic for every worker, on the server's clock (so workers whose clocks differ agree).
 * The per-second limit is a schedule: each request reserves the next free slot, one emission interval after
 * the previous one, and its caller sleeps until then. Evenly spaced requests, unlike a burst of the whole
 * second's allowance at once, keep the source's count under the limit in every second even when some
 * requests leave their worker a few milliseconds late. The per-minute and per-day limits are exact rolling
 * windows (a sorted set of admitted times each): a request is reserved only when each holds fewer than its
 * limit, else the script answers how long until the oldest leaves the fullest.
 *
 * KEYS[1]: the schedule's next free time; KEYS[2]: the log of the last seconds' slots (for status); KEYS[3..]:
 * one sorted set per rolling window.
 * ARGV: emission interval ms (0: no per-second limit), then per window its length and limit, then a unique member.
 * Returns {1, ms to wait before sending} for a reserved slot, {0, ms to wait before asking again} otherwise.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local n = #KEYS - 2
local at = now
if interval > 0 then
  local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
  if nextFree > at then at = nextFree end
end
local wait = 0
for i = 1, n do
  local window = tonumber(ARGV[2 * i])
  local limit = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i + 2], '-inf', at - window)
  if redis.call('ZCARD', KEYS[i + 2]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i + 2], 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now + 1
    if w > wait then wait = w end
  end
end
if wait > 0 then return {0, math.ceil(wait)} end
if interval > 0 then
  redis.call('SET', KEYS[1], tostring(at + interval), 'PX', math.ceil(at + interval - now) + 60000)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 5000)
  redis.call('ZADD', KEYS[2], at, ARGV[2 * n + 2])
  redis.call('PEXPIRE', KEYS[2], 10000)
end
for i = 1, n do
  redis.call('ZADD', KEYS[i + 2], at, ARGV[2 * n + 2])
  redis.call('PEXPIRE', KEYS[i + 2], tonumber(ARGV[2 * i]) + 60000)
end
return {1, math.floor(at - now)}
`;

export interface SharedRateUsage {
  source: string;
  /**
   * Where the limits come from: 'workers' when limiters in use recorded the limits they enforce (see
   * RedisRateLimiter), 'settings' when none did and the reading process's own settings are shown instead.
   */
  limitsFrom: 'workers' | 'settings';
  /**
   * Each window some limiter limits, at the loosest limit, with its use; `someWorkers` when workers disagree and
   * some of them set no limit on it (their requests are not counted there).
   */
  windows: { window: 'perSecond' | 'perMinute' | 'perDay'; limit: number; used: number; someWorkers?: true }[];
  /** Each distinct set of limits the workers recorded, and which worker used it last. */
  recorded: RecordedRateLimits[];
  /** Set when workers enforce different limits for the source: what it is really held to. */
  warning?: string;
}

/**
 * A source's rate limit shared by every worker and process that reaches the same Redis: the global limit
 * of the "one limit per source", not one per machine. Each acquire is one round trip to Redis;
 * a refused one sleeps until the window frees a slot (as Redis computed it), with a little jitter so the
 * workers that were refused together do not all ask again in the same millisecond.
 *
 * `marginMs` lengthens each window a little: requests admitted exactly one window apart may reach the source
 * in a shorter span than that when the first one travelled slower, and the source counts arrivals.
 */
export class RedisRateLimiter implements RateLimiter {
  /** ms between two requests' slots (0: no per-second limit). */
  private readonly interval: number;
  private readonly windows: { key: string; ms: number; limit: number }[];
  private readonly scheduleKey: string;
  private inQueue = 0;
  private sequence = 0;
  /** How late after its slot a request may still go, ms. */
  private readonly lateMs: number;
  /** When this limiter last recorded its limits in Redis (performance.now()). */
  private recordedAt = Number.NEGATIVE_INFINITY;
  /** Slots given up because the request would have left too late (for diagnostics). */
  lateSlots = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    readonly source: string,
    private readonly limits: RateLimits,
    options: { marginMs?: number } = {},
  ) {
    // The margin is the spread of arrival times at the source the schedule absorbs. Measured with the source in
    // a process of its own on a quiet machine, requests left their workers within 3 ms of their slots and
    // travelled 0.2-2 ms, so 15 ms holds every second at or under the limit at 98.5% of it. Half the margin is
    // how late a request may still leave; the other half is left for the way to the source.
    const margin = options.marginMs ?? 15;
    if (!(margin >= 0) || !Number.isFinite(margin)) {
      throw new RangeError(`rate limit margin ${margin} ms is not allowed; expected a number of ms >= 0`);
    }
    this.lateMs = Math.min(margin / 2, 10);
    for (const [name] of WINDOWS) {
      const limit = limits[name];
      if (limit !== undefined && limit !== 0 && (!(limit > 0) || !Number.isFinite(limit))) {
        throw new RangeError(`rate limit ${name}=${limit} is not allowed; expected a number > 0, or 0 for no limit`);
      }
    }
    // The second's allowance spread over the second and a margin: requests reach the source a little later
    // than Redis admitted them, and not all equally late.
    this.interval = limits.perSecond ? (1000 + margin) / limits.perSecond : 0;
    this.scheduleKey = windowKey(keyPrefix, source, 'schedule');
    this.windows = WINDOWS.flatMap(([name, ms]) => {
      const limit = limits[name];
      if (name === 'perSecond' || !limit) return [];
      const whole = Math.max(1, Math.floor(limit));
      return [{ key: windowKey(keyPrefix, source, name), ms: Math.ceil((ms * whole) / limit) + margin, limit: whole }];
    });
  }

  get unlimited(): boolean {
    return this.interval === 0 && this.windows.length === 0;
  }

  get waiting(): number {
    return this.inQueue;
  }

  async acquire(signal?: AbortSignal): Promise<SendBy> {
    signal?.throwIfAborted();
    // Recorded even when unlimited: a worker without a limit lets its requests through past everyone else's.
    await this.recordLimits();
    if (this.unlimited) return;
    this.inQueue++;
    try {
      const member = `${process.pid}.${++this.sequence}.${Math.random().toString(36).slice(2, 8)}`;
      for (;;) {
        const askedAt = performance.now();
        const [reserved, wait] = (await this.redis.eval(
          ACQUIRE,
          2 + this.windows.length,
          this.scheduleKey,
          windowKey(this.keyPrefix, this.source, 'perSecond'),
          ...this.windows.map((w) => w.key),
          this.interval,
          ...this.windows.flatMap((w) => [w.ms, w.limit]),
          member,
        )) as [number, number];
        // A reserved slot is kept even if the caller is cancelled meanwhile: the source then sees one fewer.
        await sleep(Math.max(0, askedAt + wait - performance.now()), signal);
        if (reserved !== 1) continue;
        // A request leaving well after its slot (this process was busy meanwhile) could reach the source in the
        // same second as the next second's requests: it gives the slot up and reserves another.
        // The deadline goes with the request: a connection still opening must not carry it past its slot either.
        if (performance.now() - (askedAt + wait) <= this.lateMs) return askedAt + wait + this.lateMs;
        this.lateSlots++;
      }
    } finally {
      this.inQueue--;
    }
  }

  /**
   * Drops this limiter's record of its limits, when it recorded them: a worker stopping calls it on its way
   * out, so `status` stops counting it at once rather than after the record's lifetime.
   */
  async close(): Promise<void> {
    if (this.recordedAt === Number.NEGATIVE_INFINITY) return;
    this.recordedAt = Number.NEGATIVE_INFINITY;
    await forgetRateLimits(this.redis, this.keyPrefix, this.source, this.limits);
  }

  /**
   * Records the limits this limiter enforces, on its first use and then every RECORD_EVERY_MS while it is used,
   * so `status` shows what the workers enforce rather than the reading process's settings.
   */
  private async recordLimits(): Promise<void> {
    const now = performance.now();
    if (now - this.recordedAt < RECORD_EVERY_MS) return;
    this.recordedAt = now;
    try {
      await recordRateLimits(this.redis, this.keyPrefix, this.source, this.limits);
    } catch (error) {
      this.recordedAt = Number.NEGATIVE_INFINITY;
      throw error;
    }
  }
}

function windowKey(prefix: string, source: string, window: string): string {
  return `${prefix}:rate:${source}:${window}`;
}

/**
 * Every source's shared limits and how much of each window is in use right now, for `status`. The limits are
 * the ones the workers recorded while using them; `settings` (the reading process's own) stand in for a source
 * no worker used lately. Workers enforcing different limits for one source get a warning saying what the
 * source is really held to.
 */
export async function readSharedRateUsage(
  redis: Redis,
  keyPrefix: string,
  settings: Readonly<Record<string, RateLimits>>,
): Promise<SharedRateUsage[]> {
  // One reading of the server's clock serves every source and window: they are read within the same moment.
  const [seconds, micros] = await redis.time();
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const out: SharedRateUsage[] = [];
  for (const [source, own] of Object.entries(settings)) {
    const recorded = await readRecordedRateLimits(redis, keyPrefix, source, Number(seconds));
    // Workers that disagree still show every window one of them counts: "used now" stays visible even when no
    // window holds them all.
    const limited = limitedWindows(recorded.length > 0 ? recorded.map((r) => r.limits) : [own]);
    const windows: SharedRateUsage['windows'] = [];
    for (const { window: name, limit, everyLimiter } of limited) {
      const used = await redis.zcount(windowKey(keyPrefix, source, name), nowMs - WINDOW_MS[name], '+inf');
      windows.push(everyLimiter ? { window: name, limit, used } : { window: name, limit, used, someWorkers: true });
    }
    const usage: SharedRateUsage = {
      source,
      limitsFrom: recorded.length > 0 ? 'workers' : 'settings',
      windows,
      recorded,
    };
    if (recorded.length > 1) usage.warning = mismatchWarning(source, recorded, enforcedRateLimits(limited));
    out.push(usage);
  }
  return out;
}

/** What a source is held to when its workers disagree, and the way out. */
function mismatchWarning(source: string, recorded: RecordedRateLimits[], enforced: RateLimits): string {
  const sets = recorded.map((r) => `${formatRateLimits(r.limits)} (${r.by})`).join('; ');
  return (
    `workers enforce different limits for ${source}: ${sets}. Each request is held to its own worker's limits, ` +
    `so ${source} may get up to ${formatRateLimits(enforced)}; start every worker with the same limits`
  );
}
