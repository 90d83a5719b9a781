import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';

export interface CacheStatus {
  total: number;
  fresh: number;
  expired: number;
  ttlMinutes: number;
  /** When the last successful precompute (or update, which ends with one) finished; null when none did. */
  lastPrecompute: string | null;
}

/** The cache line of `marketdeck status`. */
export async function cacheStatus(
  store: Pick<Store, 'cache' | 'jobRuns'>,
  config: Pick<Config, 'cacheExpirationMinutes'>,
  now: Date = new Date(),
): Promise<CacheStatus> {
  const [entries, precomputes, updates] = await Promise.all([
    store.cache.list(),
    store.jobRuns.list({ kind: 'precompute', status: 'succeeded', limit: 1 }),
    store.jobRuns.list({ kind: 'update', status: 'succeeded', limit: 1 }),
  ]);
  const fresh = entries.filter((e) => e.expiresAt.getTime() > now.getTime()).length;
  let last: Date | null = null;
  for (const run of [...precomputes, ...updates]) {
    if (run.finishedAt && (!last || run.finishedAt > last)) last = run.finishedAt;
  }
  return {
    total: entries.length,
    fresh,
    expired: entries.length - fresh,
    ttlMinutes: config.cacheExpirationMinutes,
    lastPrecompute: last?.toISOString() ?? null,
  };
}
