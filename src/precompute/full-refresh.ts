import { type PrecomputeOptions, type PrecomputeSummary, precompute } from './precompute.js';

export interface FullRefreshSummary extends PrecomputeSummary {
  /** Entries deleted before the rebuild. */
  cleared_entries: number;
}

/**
 * The dashboard's "refresh" button and `marketdeck refresh`: forget every cached payload (the table and this
 * process's running recomputes), then rebuild them all before answering, so the next page shows new data.
 */
export async function fullRefresh(opts: PrecomputeOptions): Promise<FullRefreshSummary> {
  opts.onProgress?.({ done: 0, total: 3, stage: 'clear', message: 'clearing the dashboard cache' });
  const cleared = await opts.cache.clearAll();
  const summary = await precompute(opts);
  return { ...summary, summary: `cleared ${cleared} entries; ${summary.summary}`, cleared_entries: cleared };
}
