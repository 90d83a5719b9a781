import type { FetchState } from '../domain/fetch-state.js';
import { COMPLETED_JOB_STATUSES, type JobRun, type JobStatus } from '../domain/job-run.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface PipelineInputs {
  /** Job runs created in the last 30 days at least. */
  runs: readonly JobRun[];
  fetchStates: readonly FetchState[];
  now: Date;
}

export interface TimelinePayload {
  from: string;
  to: string;
  jobs: {
    id: string;
    kind: string;
    status: JobStatus;
    start: string | null;
    end: string | null;
    durationMs: number | null;
    error: string | null;
  }[];
}

export interface FetchThroughputPayload {
  /** Tickers whose last successful fetch fell in each of the last 24 hours (oldest first). */
  perHour: { hour: string; tickers: number }[];
  /** Fetch and update runs of the last 30 days with what their metrics say they fetched. */
  runs: {
    id: string;
    kind: string;
    at: string;
    durationMs: number | null;
    tickers: number | null;
    bars: number | null;
    tickersPerSecond: number | null;
  }[];
}

export interface ErrorsByKindPayload {
  days: string[];
  kinds: string[];
  /** counts[kind][i] = errors of that kind on days[i]. */
  counts: Record<string, number[]>;
  totals: Record<string, number>;
}

export interface JobOutcomesPayload {
  days: string[];
  succeeded: number[];
  /** Runs that did their work but some tickers or files failed. */
  partial: number[];
  failed: number[];
  cancelled: number[];
  interrupted: number[];
}

export interface PipelineCharts {
  timeline24h: TimelinePayload;
  fetchThroughput: FetchThroughputPayload;
  errors30d: ErrorsByKindPayload;
  jobs7d: JobOutcomesPayload;
}

/** The pipeline page: what ran in the last day, how fast fetching went, what failed and how often. */
export function buildPipelineCharts(inputs: PipelineInputs): PipelineCharts {
  return {
    timeline24h: buildTimeline(inputs),
    fetchThroughput: buildFetchThroughput(inputs),
    errors30d: buildErrorsByKind(inputs, 30),
    jobs7d: buildJobOutcomes(inputs, 7),
  };
}

function buildTimeline({ runs, now }: PipelineInputs): TimelinePayload {
  const from = now.getTime() - DAY_MS;
  const jobs = runs
    .filter((r) => (r.finishedAt?.getTime() ?? now.getTime()) >= from && r.createdAt.getTime() <= now.getTime())
    .sort((a, b) => startOf(a) - startOf(b))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      start: r.startedAt?.toISOString() ?? null,
      end: r.finishedAt?.toISOString() ?? null,
      durationMs: r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
      error: r.error,
    }));
  return { from: new Date(from).toISOString(), to: now.toISOString(), jobs };
}

function buildFetchThroughput({ runs, fetchStates, now }: PipelineInputs): FetchThroughputPayload {
  const lastHour = Math.floor(now.getTime() / HOUR_MS);
  const counts = new Array<number>(24).fill(0);
  for (const f of fetchStates) {
    if (!f.lastSuccessAt) continue;
    const i = 23 - (lastHour - Math.floor(f.lastSuccessAt.getTime() / HOUR_MS));
    if (i >= 0 && i < 24) counts[i]++;
  }
  const perHour = counts.map((tickers, i) => ({
    hour: new Date((lastHour - 23 + i) * HOUR_MS).toISOString(),
    tickers,
  }));
  const since = now.getTime() - 30 * DAY_MS;
  const fetchRuns = runs
    .filter(
      (r) =>
        (r.kind === 'fetch' || r.kind === 'update') && COMPLETED_JOB_STATUSES.includes(r.status) && startOf(r) >= since,
    )
    .sort((a, b) => startOf(a) - startOf(b))
    .map((r) => {
      const m = fetchMetricsOf(r);
      const durationMs = r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null;
      const tickers = numberAt(m, ['tickers.fetched', 'tickers']);
      return {
        id: r.id,
        kind: r.kind,
        at: new Date(startOf(r)).toISOString(),
        durationMs,
        tickers,
        bars: numberAt(m, ['barsWritten', 'bars']),
        tickersPerSecond:
          numberAt(m, ['tickersPerSecond']) ??
          (tickers !== null && durationMs ? Math.round((tickers / durationMs) * 1e4) / 10 : null),
      };
    });
  return { perHour, runs: fetchRuns };
}

function buildErrorsByKind({ runs, fetchStates, now }: PipelineInputs, dayCount: number): ErrorsByKindPayload {
  const days = dayKeys(now, dayCount);
  const first = Date.parse(`${days[0]}T00:00:00Z`);
  const counts: Record<string, number[]> = {};
  const add = (kind: string, at: number) => {
    const i = Math.floor((at - first) / DAY_MS);
    if (i < 0 || i >= dayCount) return;
    counts[kind] ??= new Array<number>(dayCount).fill(0);
    counts[kind][i]++;
  };
  for (const f of fetchStates) {
    if (f.lastError && f.lastAttemptAt) add(classifyFetchError(f.lastError), f.lastAttemptAt.getTime());
  }
  for (const r of runs) if (r.status === 'failed') add(`job-${r.kind}`, (r.finishedAt ?? r.createdAt).getTime());
  const kinds = Object.keys(counts).sort();
  const totals = Object.fromEntries(kinds.map((k) => [k, counts[k].reduce((a, b) => a + b, 0)]));
  return { days, kinds, counts, totals };
}

function buildJobOutcomes({ runs, now }: PipelineInputs, dayCount: number): JobOutcomesPayload {
  const days = dayKeys(now, dayCount);
  const first = Date.parse(`${days[0]}T00:00:00Z`);
  const out: JobOutcomesPayload = {
    days,
    succeeded: new Array(dayCount).fill(0),
    partial: new Array(dayCount).fill(0),
    failed: new Array(dayCount).fill(0),
    cancelled: new Array(dayCount).fill(0),
    interrupted: new Array(dayCount).fill(0),
  };
  for (const r of runs) {
    if (r.status === 'queued' || r.status === 'running') continue;
    const i = Math.floor(((r.finishedAt ?? r.createdAt).getTime() - first) / DAY_MS);
    if (i >= 0 && i < dayCount) out[r.status][i]++;
  }
  return out;
}

const ERROR_KIND_PREFIX = /^([a-z][a-z-]*): /;

/**
 * The fetch engine records a failure as `<SourceErrorKind>: <reason>` (rate-limited, timeout, not-found ...);
 * older or foreign messages are sorted into the same families by their words, else 'other'.
 */
export function classifyFetchError(message: string): string {
  const prefix = ERROR_KIND_PREFIX.exec(message);
  if (prefix) return prefix[1];
  const m = message.toLowerCase();
  if (/\b429\b|rate.?limit|too many requests/.test(m)) return 'rate-limited';
  if (/timed? ?out|timeout/.test(m)) return 'timeout';
  if (/\b404\b|not found/.test(m)) return 'not-found';
  if (/\b5\d\d\b|server error|bad gateway|unavailable/.test(m)) return 'server-error';
  if (/econnreset|econnrefused|enotfound|eai_again|socket|network|fetch failed/.test(m)) return 'network';
  return 'other';
}

/** ISO dates of the last `count` UTC days, the last being today. */
function dayKeys(now: Date, count: number): string[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  return Array.from({ length: count }, (_, i) => new Date((today - count + 1 + i) * DAY_MS).toISOString().slice(0, 10));
}

function startOf(r: JobRun): number {
  return (r.startedAt ?? r.createdAt).getTime();
}

/** An update's fetch figures sit under metrics.fetch; a fetch job's at the top. */
function fetchMetricsOf(r: JobRun): Record<string, unknown> {
  const m = r.metrics ?? {};
  const nested = m.fetch;
  return r.kind === 'update' && nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : m;
}

/** The first of the dotted paths that holds a finite number (`tickers.fetched` in a fetch run's metrics). */
function numberAt(m: Record<string, unknown>, paths: readonly string[]): number | null {
  for (const path of paths) {
    let v: unknown = m;
    for (const part of path.split('.'))
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
