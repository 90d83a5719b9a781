import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { RateLimits } from './rate-limiter.js';

/**
 * How long a limiter's recorded limits stay without being used: a worker stopped (or restarted with other
 * limits) drops out of `status` after this, while one still sending keeps its record.
 */
export const RECORDED_LIMITS_TTL_S = 600;
/** How often a limiter in use refreshes its record, ms: one small write per source per half minute. */
export const RECORD_EVERY_MS = 30_000;

const WINDOW_NAMES = ['perSecond', 'perMinute', 'perDay'] as const;

/** The limits one limiter (one worker's, for one source) enforces, as it recorded them in Redis. */
export interface RecordedRateLimits {
  limits: RateLimits;
  /** The worker that recorded them last: host and process id. */
  by: string;
  /** When it last used them (Redis server time). */
  seenAt: string;
}

/**
 * KEYS[1]: the source's hash of recorded limits, one field per distinct set of limits ("perSecond=5,perDay=0"
 * style), its value "<seconds> <worker>". ARGV: the field, the worker, the lifetime in seconds. Fields not
 * refreshed within the lifetime are dropped, and the whole hash expires when no limiter uses it any more.
 */
const RECORD = `
local now = tonumber(redis.call('TIME')[1])
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], now .. ' ' .. ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local seen = tonumber(string.match(all[i + 1], '^%d+'))
  if seen == nil or seen < now - ttl then redis.call('HDEL', KEYS[1], all[i]) end
end
redis.call('EXPIRE', KEYS[1], ttl)
return 1
`;

/** KEYS[1]: the source's hash of recorded limits. ARGV: the field, the worker; the field goes if that worker set it last. */
const FORGET = `
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value and string.match(value, '^%d+ (.*)$') == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
`;

/** The Redis hash under the queue prefix where the limiters of one source record what they enforce. */
export function recordedLimitsKey(prefix: string, source: string): string {
  return `${prefix}:rate:${source}:limits`;
}

/** Records (or refreshes) the limits this process enforces for a source, so `status` can show the workers' own. */
export async function recordRateLimits(redis: Redis, prefix: string, source: string, limits: RateLimits) {
  await redis.eval(
    RECORD,
    1,
    recordedLimitsKey(prefix, source),
    limitsField(limits),
    recorder(),
    RECORDED_LIMITS_TTL_S,
  );
}

/** This process as a record names it: host and process id. */
function recorder(): string {
  return `${hostname()} pid ${process.pid}`;
}

/**
 * Every set of limits recorded for a source within the lifetime before `nowSeconds` (the Redis server's
 * clock, as the records are), oldest use first.
 */
export async function readRecordedRateLimits(
  redis: Redis,
  prefix: string,
  source: string,
  nowSeconds: number,
): Promise<RecordedRateLimits[]> {
  const fields = await redis.hgetall(recordedLimitsKey(prefix, source));
  const out: (RecordedRateLimits & { field: string })[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const m = /^(\d+) (.*)$/.exec(value);
    if (!m || Number(m[1]) < nowSeconds - RECORDED_LIMITS_TTL_S) continue;
    out.push({ field, limits: limitsOfField(field), by: m[2], seenAt: new Date(Number(m[1]) * 1000).toISOString() });
  }
  // The same order at every reading: by last use, then by the limits.
  out.sort((a, b) => a.seenAt.localeCompare(b.seenAt) || a.field.localeCompare(b.field));
  return out.map(({ field: _, ...r }) => r);
}

/** A window some limiter limits, at the loosest limit among those that set one. */
export interface LimitedWindow {
  window: (typeof WINDOW_NAMES)[number];
  limit: number;
  /** False when some limiter sets no limit on the window: its requests are neither counted nor held there. */
  everyLimiter: boolean;
}

/**
 * Every window at least one limiter limits, at the loosest of their limits: what `status` shows with the
 * window's use, so that limiters that disagree (even so far that no window holds them all) still show what is
 * counted. A window only some limiters hold counts only their requests.
 */
export function limitedWindows(recorded: readonly RateLimits[]): LimitedWindow[] {
  const out: LimitedWindow[] = [];
  for (const name of WINDOW_NAMES) {
    const limits = recorded.map((r) => r[name] ?? 0);
    const set = limits.filter((l) => l > 0);
    if (set.length > 0) out.push({ window: name, limit: Math.max(...set), everyLimiter: set.length === limits.length });
  }
  return out;
}

/**
 * The limits the source is actually held to when limiters enforce different ones. The windows in Redis are
 * shared, but each request is checked against its own limiter's limits: a request of the loosest limiter is
 * still admitted when the others' would not be, so the source may get up to the highest limit of each window,
 * and a window some limiter does not limit at all is not enforced (its requests are neither counted nor held).
 */
export function enforcedRateLimits(windows: readonly LimitedWindow[]): RateLimits {
  const out: RateLimits = {};
  for (const { window, limit, everyLimiter } of windows) if (everyLimiter) out[window] = limit;
  return out;
}

/**
 * Drops the record of `limits` for a source when this process made it last: a limiter closing (its worker
 * stopping) leaves `status` at once instead of after RECORDED_LIMITS_TTL_S. A record another process refreshed
 * since stays: that one still enforces the same limits.
 */
export async function forgetRateLimits(redis: Redis, prefix: string, source: string, limits: RateLimits) {
  await redis.eval(FORGET, 1, recordedLimitsKey(prefix, source), limitsField(limits), recorder());
}

/** One set of limits as text, "perSecond=5, perMinute=100" ("no limit" for none), the same for equal sets. */
export function formatRateLimits(limits: RateLimits): string {
  const set = WINDOW_NAMES.filter((name) => (limits[name] ?? 0) > 0).map((name) => `${name}=${limits[name]}`);
  return set.length > 0 ? set.join(', ') : 'no limit';
}

function limitsField(limits: RateLimits): string {
  return WINDOW_NAMES.map((name) => `${name}=${limits[name] ?? 0}`).join(',');
}

function limitsOfField(field: string): RateLimits {
  const out: RateLimits = {};
  for (const part of field.split(',')) {
    const [name, value] = part.split('=');
    const n = Number(value);
    if ((WINDOW_NAMES as readonly string[]).includes(name) && n > 0) out[name as keyof RateLimits] = n;
  }
  return out;
}
