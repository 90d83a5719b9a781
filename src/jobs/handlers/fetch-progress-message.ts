import type { JobProgress } from '../../domain/job-run.js';
import type { FetchProgress, QuoteProgress } from '../../fetch/fetch-metrics.js';

/** The progress message of a fetch step's history phase, as job_runs and the event stream carry it. */
export function fetchProgressMessage(f: Pick<FetchProgress, 'fetched' | 'failed' | 'skipped'>): string {
  return `${f.fetched} fetched, ${f.failed} failed, ${f.skipped} fresh`;
}

/** The progress message of a fetch step's quote phase. */
export function quoteProgressMessage(q: Pick<QuoteProgress, 'stored' | 'missing' | 'failed'>): string {
  return `${q.stored} quotes stored, ${q.missing} missing, ${q.failed} batches failed`;
}

const FETCH_MESSAGE = /^(\d+) fetched, (\d+) failed, (\d+) fresh$/;
const QUOTE_MESSAGE = /^\d+ quotes stored, \d+ missing, (\d+) batches failed$/;

/**
 * A fetch step's progress read back from a job's progress (the history phase's tickers, a backfill's, or the
 * quote phase's batches), so a terminal draws the same bar as the fetch engine's own reporter; null for any other message.
 */
export function fetchProgressOf(p: JobProgress): FetchProgress | null {
  const base = { total: p.total, done: p.done, inFlight: 0, concurrency: 0, barsWritten: 0, symbol: '' };
  const phase = p.stage.split('/').at(-1);
  // A backfill's progress is told in the fetch step's words (its tickers saved or failed).
  const f = phase === 'fetch' || phase === 'backfill' ? FETCH_MESSAGE.exec(p.message) : null;
  if (f) return { ...base, fetched: Number(f[1]), failed: Number(f[2]), skipped: Number(f[3]) };
  const q = phase === 'quotes' ? QUOTE_MESSAGE.exec(p.message) : null;
  if (q) return { ...base, fetched: p.done - Number(q[1]), failed: Number(q[1]), skipped: 0 };
  return null;
}
