/**
 * The shapes of the server's JSON answers. Payloads precomputed into the dashboard cache are the server's own
 * types (type-only imports: nothing of the server is bundled); answers holding Dates on the server (job runs)
 * are restated here with the ISO strings JSON carries.
 */

export type { JobProgress } from '../../../src/domain/job-run.js';
export type {
  BreadthIndexPayload,
  BreadthPayload as BreadthSeriesPayload,
} from '../../../src/precompute/build-breadth-payload.js';
export type { HeatmapChange, HeatmapPayload, HeatmapTicker } from '../../../src/precompute/build-heatmap.js';
export type { OverviewMover as Mover, OverviewPayload } from '../../../src/precompute/build-overview.js';
export type {
  ErrorsByKindPayload,
  FetchThroughputPayload,
  JobOutcomesPayload,
  TimelinePayload,
} from '../../../src/precompute/build-pipeline-charts.js';
export type { ScreenerCell, ScreenerPayload } from '../../../src/precompute/build-screener.js';
export type { TickerBarsPayload as TickerBars } from '../../../src/precompute/build-ticker-bars.js';
export type { TickerSummary } from '../../../src/precompute/build-ticker-summary.js';
export type { DashboardCacheStats as CacheStats } from '../../../src/precompute/dashboard-cache.js';

import type { JobProgress, JobStatus } from '../../../src/domain/job-run.js';
import type { ScreenerPayload } from '../../../src/precompute/build-screener.js';
import type { TickerBarsPayload as TickerBars } from '../../../src/precompute/build-ticker-bars.js';

export interface PayloadMeta {
  key: string;
  createdAt: string;
  expiresAt: string;
  stale: boolean;
  revalidating: boolean;
}

export interface Payload<T> {
  data: T;
  meta: PayloadMeta;
}

export interface TickerBarsAnswer {
  data: TickerBars;
  meta: { symbol: string; sample: boolean; lastDate: string | null };
}

export interface JobRun {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  status: JobStatus;
  progress: JobProgress | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
}

export type JobEvent =
  | { type: 'queued' | 'started' | 'finished'; run: JobRun }
  | { type: 'progress'; id: string; kind: string; progress: JobProgress };

export interface StatusAnswer {
  /** Where the server's store is (a file path, or a server URL with its password masked). */
  database?: { kind: string; location: string };
  tickers: number;
  bars: number;
  dateRange: { from: string | null; to: string | null } | null;
  sampleData: {
    tickers: number;
    description: string;
    allSample: boolean;
    from: string | null;
    to: string | null;
  } | null;
  dataNotice: string | null;
  freshness: {
    maxAge: string;
    sources: Record<string, { fresh: number; stale: number; failed: number; never: number }>;
  };
  cache: { total: number; fresh: number; expired: number; ttlMinutes: number; lastPrecompute: string | null };
  recentJobs: {
    id: string;
    kind: string;
    status: string;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  }[];
  dashboardRefreshSeconds?: number;
}

/** GET /api/screener: the cached table after the query's filters, with how many rows matched. */
export type ScreenerAnswer = ScreenerPayload & { total: number; matched: number };
