import type { CachedValue, DashboardCache } from '../precompute/dashboard-cache.js';
import type { JobQueue } from './job-queue.js';

/** Reads one dashboard payload by cache key; null when it is absent and no precompute is running to build it. */
export type DashboardReader = <T>(key: string) => Promise<CachedValue<T> | null>;

/**
 * How the server reads a payload: fresh from the cache; expired -> served stale (meta.stale) while a
 * precompute job rebuilds everything; absent -> waits for a precompute already running (a full refresh that
 * cleared the cache and is rebuilding it), else null: an absent payload means no precompute has run yet,
 * which the operator is told to start. The recompute is a queued precompute, so it is logged in job_runs and
 * joins a running one instead of overlapping it.
 */
export function createDashboardReader(cache: DashboardCache, queue: JobQueue): DashboardReader {
  const runningPrecompute = async () => (await queue.active()).find((r) => r.kind === 'precompute');
  const refresh = async (): Promise<void> => {
    // A running precompute (a full refresh has cleared the cache and is rebuilding it) is joined, not followed.
    const running = await runningPrecompute();
    const run = await (await queue.enqueue('precompute', running?.params ?? {})).done;
    if (run.status !== 'succeeded') {
      throw new Error(`precompute job ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`);
    }
  };
  const rebuildAbsent = async () => (await runningPrecompute()) !== undefined;
  return <T>(key: string) => cache.getOrRefresh<T>(key, refresh, { rebuildAbsent });
}
