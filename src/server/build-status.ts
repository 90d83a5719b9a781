import { type Config, parseDuration } from '../config/index.js';
import { fetchFreshness } from '../fetch/fetch-freshness.js';
import { cacheStatus } from '../precompute/cache-status.js';
import type { Store } from '../store/store.js';
import { describeDataSet } from '../universe/describe-data-set.js';

/** What `marketdeck status --json` prints and GET /api/status answers. */
export async function buildStatus(store: Store, config: Config) {
  const maxAgeMs = parseDuration(config.fetchMaxAge) ?? 86_400_000;
  const [info, dataSet, freshness, cache, jobs, rejects] = await Promise.all([
    store.info(),
    describeDataSet(store),
    fetchFreshness(store, maxAgeMs),
    cacheStatus(store, config),
    store.jobRuns.list({ limit: 5 }),
    store.rejects.count(),
  ]);
  return {
    database: {
      kind: info.kind,
      location: info.location,
      sizeBytes: info.sizeBytes,
      schemaVersion: info.schemaVersion,
    },
    tickers: dataSet.tickers,
    bars: dataSet.bars,
    dateRange: { from: dataSet.from, to: dataSet.to },
    sampleData: dataSet.sample,
    dataNotice: dataSet.notice,
    rejectedRows: rejects,
    freshness: { maxAge: config.fetchMaxAge, sources: freshness },
    cache,
    /** How often an open dashboard page reloads what it shows (DASHBOARD_REFRESH_INTERVAL). */
    dashboardRefreshSeconds: config.dashboardRefreshInterval,
    recentJobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      status: j.status,
      startedAt: j.startedAt?.toISOString() ?? null,
      finishedAt: j.finishedAt?.toISOString() ?? null,
      error: j.error,
    })),
  };
}
