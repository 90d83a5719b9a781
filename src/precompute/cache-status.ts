import type { Config } from '../config/index.js';
import { COMPLETED_JOB_STATUSES } from '../domain/job-run.js';
import type { Store } from '../store/store.js';
import { DashboardCache } from './dashboard-cache.js';

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
  const cache = new DashboardCache(store.cache, { ttlMinutes: config.cacheExpirationMinutes, now: () => now });
  const [stats, precomputes, updates] = await Promise.all([
    cache.stats(),
    store.jobRuns.list({ kind: 'precompute', status: COMPLETED_JOB_STATUSES, limit: 1 }),
    store.jobRuns.list({ kind: 'update', status: COMPLETED_JOB_STATUSES, limit: 1 }),
  ]);
  let last: Date | null = null;
  for (const run of [...precomputes, ...updates]) {
    if (run.finishedAt && (!last || run.finishedAt > last)) last = run.finishedAt;
  }
  return {
    total: stats.total,
    fresh: stats.fresh,
    expired: stats.expired,
    ttlMinutes: config.cacheExpirationMinutes,
    lastPrecompute: last?.toISOString() ?? null,
  };
}
