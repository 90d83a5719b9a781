import type { CachedValue, DashboardCache } from '../precompute/dashboard-cache.js';
import type { JobQueue } from './job-queue.js';

/** Reads one dashboard payload by cache key; null when no precompute produces that key. */
export type DashboardReader = <T>(key: string) => Promise<CachedValue<T> | null>;

/**
 * How the server reads a payload: fresh from the cache; expired -> served stale (meta.stale) while a
 * precompute job rebuilds everything; absent -> waits for that job. The recompute is a queued precompute,
 * so it is logged in job_runs and joins a running one instead of overlapping it.
 */
export function createDashboardReader(cache: DashboardCache, queue: JobQueue): DashboardReader {
  const refresh = async (): Promise<void> => {
    // A running precompute (a full refresh has cleared the cache and is rebuilding it) is joined, not followed.
    const running = (await queue.active()).find((r) => r.kind === 'precompute');
    const run = await (await queue.enqueue('precompute', running?.params ?? {})).done;
    if (run.status !== 'succeeded') {
      throw new Error(`precompute job ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`);
    }
  };
  return <T>(key: string) => cache.getOrRefresh<T>(key, refresh);
}
