import type { OverviewPayload } from '../../precompute/build-overview.js';
import { CACHE_KEYS } from '../../precompute/cache-keys.js';
import type { DashboardCache } from '../../precompute/dashboard-cache.js';
import { loadDashboardInputs, overviewOf, type PrecomputeOptions } from '../../precompute/precompute.js';
import type { JobHandler } from '../job-handler.js';

/**
 * report: the market today (breadth, movers, signal counts, freshness) kept in the job's metrics, so the job
 * log holds one dated summary per run. Taken from the cached overview when fresh, else built from the store.
 */
export function createReportHandler(deps: {
  store: PrecomputeOptions['store'];
  cache: DashboardCache;
  now?: () => Date;
}): JobHandler {
  return async (ctx) => {
    ctx.progress({ done: 0, total: 1, stage: 'report', message: 'summarising the market' });
    const cached = await deps.cache.getFresh<OverviewPayload>(CACHE_KEYS.overview);
    const now = deps.now?.() ?? new Date();
    const overview = cached?.value ?? overviewOf(await loadDashboardInputs(deps.store, now), now);
    ctx.progress({ done: 1, total: 1, stage: 'report', message: `market as of ${overview.asOf ?? 'no data'}` });
    return { fromCache: cached !== null, ...overview };
  };
}
