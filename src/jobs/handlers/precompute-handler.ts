import type { DashboardCache } from '../../precompute/dashboard-cache.js';
import { fullRefresh } from '../../precompute/full-refresh.js';
import { type PrecomputeOptions, precompute } from '../../precompute/precompute.js';
import type { JobHandler, JobMetrics } from '../job-handler.js';

/**
 * precompute: every dashboard payload into dashboard_cache. With params `{ full: true }` it is the full
 * refresh (clear, then rebuild), run as the same kind so it never overlaps a scheduled precompute.
 */
export function createPrecomputeHandler(deps: {
  store: PrecomputeOptions['store'];
  cache: DashboardCache;
}): JobHandler {
  return async (ctx) => {
    const opts: PrecomputeOptions = { ...deps, onProgress: (p) => ctx.progress(p), signal: ctx.signal };
    const summary = ctx.params.full === true ? await fullRefresh(opts) : await precompute(opts);
    return summary as unknown as JobMetrics;
  };
}
