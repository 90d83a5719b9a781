import type { FetchState } from '../domain/fetch-state.js';
import type { Store } from '../store/store.js';

/** How current one source's data is, in tickers. */
export interface SourceFreshness {
  /** Fetched successfully within maxAge. */
  fresh: number;
  /** Fetched successfully once, longer ago than maxAge, and the last attempt did not fail. */
  stale: number;
  /** Not fresh, and the last attempt failed (the reason is in fetch_state.lastError). */
  failed: number;
  /** Tickers this source holds a record of but never served nor failed (an attempt still open). */
  never: number;
}

/**
 * Per source, how many of the tickers it has data or attempts for are fresh, stale, failing or never
 * fetched: the data-age part of `marketdeck status`. A ticker of another source (a CSV import beside the
 * sample, an S&P 500 ticker whose fetch failed) is no ticker of this one, so it is never counted here. A
 * ticker whose data is fresh counts as fresh even when a later retry failed, matching what the fetch
 * planner would skip.
 */
export async function fetchFreshness(
  store: Store,
  maxAgeMs: number,
  now: Date = new Date(),
): Promise<Record<string, SourceFreshness>> {
  const states = await store.fetchState.list();
  const bySource = new Map<string, FetchState[]>();
  for (const s of states) {
    const list = bySource.get(s.source);
    if (list) list.push(s);
    else bySource.set(s.source, [s]);
  }
  const out: Record<string, SourceFreshness> = {};
  for (const [source, list] of [...bySource].sort((a, b) => a[0].localeCompare(b[0]))) {
    const counts: SourceFreshness = { fresh: 0, stale: 0, failed: 0, never: 0 };
    for (const s of list) counts[classifyFreshness(s, maxAgeMs, now)]++;
    out[source] = counts;
  }
  return out;
}

export function classifyFreshness(
  state: FetchState,
  maxAgeMs: number,
  now: Date,
): 'fresh' | 'stale' | 'failed' | 'never' {
  const success = state.lastSuccessAt?.getTime();
  if (success !== undefined && now.getTime() - success < maxAgeMs) return 'fresh';
  const attempt = state.lastAttemptAt?.getTime();
  if (state.lastError && (success === undefined || (attempt !== undefined && attempt > success))) return 'failed';
  return success !== undefined ? 'stale' : 'never';
}
