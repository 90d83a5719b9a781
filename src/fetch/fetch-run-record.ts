import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import type { FetchRunMetrics } from './fetch-metrics.js';

/** A run id in the job queue's form: fetch-20260310T220000Z-3fa9c1. */
export function newFetchRunId(at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `fetch-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * 0 when every ticker was fetched or fresh, 3 when some failed and others did not, 1 when all failed. A quote
 * batch that failed makes an otherwise clean run partial: the bars are there, some screener fields are not.
 */
export function fetchOutcome(m: FetchRunMetrics): 'ok' | 'partial' | 'failed' {
  const quotesFailed = (m.quotes?.batches.failed ?? 0) > 0 || m.quotes?.cancelled === true;
  if (m.tickers.failed === 0 && !m.cancelled && !quotesFailed) return 'ok';
  if (m.tickers.fetched === 0 && m.tickers.skippedFresh === 0 && m.tickers.failed > 0) return 'failed';
  return 'partial';
}

/** Every ticker and quote batch a run could not fetch, with its error kind and reason. */
export function fetchFailures(m: FetchRunMetrics): { item: string; kind: string; reason: string }[] {
  return [
    ...m.failed.map((f) => ({ item: f.symbol, kind: f.kind, reason: f.reason })),
    ...(m.quotes?.failedBatches ?? []).map((b) => ({
      item: `quotes ${b.first}..${b.last} (${b.size})`,
      kind: b.kind,
      reason: b.reason,
    })),
  ];
}

/** A one-line description of why a run failed, for job_runs.error. */
export function fetchErrorText(m: FetchRunMetrics): string | null {
  if (m.unreachable) return m.unreachable;
  if (m.tickers.failed === 0) return quoteErrorText(m);
  const kinds = Object.entries(
    m.failed.reduce<Record<string, number>>((acc, f) => {
      acc[f.kind] = (acc[f.kind] ?? 0) + 1;
      return acc;
    }, {}),
  )
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const first = m.failed[0];
  const why = m.gaveUp ? `; ${m.gaveUp}` : '';
  return `${m.tickers.failed} of ${m.tickers.requested} tickers failed (${kinds})${why}; first: ${first.symbol}: ${first.reason}`;
}

function quoteErrorText(m: FetchRunMetrics): string | null {
  const q = m.quotes;
  if (!q || q.failedBatches.length === 0) return null;
  const first = q.failedBatches[0];
  return `${q.batches.failed} of ${q.batches.total} quote batches failed; first (${first.first}..${first.last}): ${first.kind}: ${first.reason}`;
}

/** Writes the metrics as <dataDir>/runs/<runId>.json; returns the path. */
export async function writeRunMetricsFile(dataDir: string, metrics: FetchRunMetrics): Promise<string> {
  const dir = join(dataDir, 'runs');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${metrics.runId}.json`);
  await writeFile(
    path,
    `${JSON.stringify(metrics, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  return path;
}

/**
 * How many requests this source used in the last 24 hours according to the recorded fetch runs, each at
 * its end time: a restarted process primes its daily window with them, so a free Alpha Vantage key's 25
 * requests are not spent twice in one day.
 */
export async function recentRequestTimes(store: Store, source: string, now: Date = new Date()): Promise<number[]> {
  const since = new Date(now.getTime() - 86_400_000);
  const runs = await store.jobRuns.list({ kind: 'fetch', since, limit: 1000 });
  const times: number[] = [];
  for (const run of runs) {
    const m = run.metrics as Partial<FetchRunMetrics> | null;
    if (!m || m.source !== source || typeof m.requests !== 'number') continue;
    const at = (run.finishedAt ?? run.startedAt ?? run.createdAt).getTime();
    if (at < since.getTime()) continue;
    // The quote phase asked the same host through the same limiter.
    const quoteRequests = m.quotes?.source === source ? (m.quotes.requests ?? 0) : 0;
    for (let i = 0; i < m.requests + quoteRequests; i++) times.push(at);
  }
  return times;
}
