import type { EpochDay } from '../domain/epoch-day.js';
import type { FetchState } from '../domain/fetch-state.js';
import type { TickerInfo } from '../domain/ticker.js';
import type { SourceHistory } from '../sources/source.js';
import type { Store } from '../store/store.js';

export interface PlanOptions {
  now: Date;
  /** A ticker fetched successfully within this long is fresh (--max-age, FETCH_MAX_AGE). */
  maxAgeMs: number;
  /** Fetch even fresh tickers (--force-refresh). */
  forceRefresh?: boolean;
  /** First date wanted for a whole history (--from); undefined = as far back as the source goes. */
  from?: EpochDay;
  /** Fetch the whole history again of a ticker flagged with missing days (once per flagging). */
  refetchGaps?: boolean;
}

/** The last stored bar of a ticker, which an incremental request asks for again to detect restatements. */
export interface StoredTail {
  date: EpochDay;
  close: number;
  adjClose: number;
}

/** What remembering a ticker's fetches needs, kept in fetch_state.meta. */
export interface FetchMeta {
  /** The `from` of the last whole-history request (null = the whole history the source has). */
  historyFrom?: number | null;
  /** Set when a whole refetch was done because of missing days, so a source that lacks them is not asked again every run. */
  gapsRefetched?: boolean;
}

export type FetchPlan = SkipPlan | RequestPlan;

export interface SkipPlan {
  symbol: string;
  action: 'skip';
  reason: string;
}

export interface RequestPlan {
  symbol: string;
  action: 'fetch';
  /**
   * 'new': nothing stored yet; 'incremental': from the last stored day on; 'full': the whole history of a
   * stored ticker again (restatement, missing days, an earlier --from).
   */
  kind: 'new' | 'incremental' | 'full';
  /** First date requested; undefined = the whole history. */
  from?: EpochDay;
  mode: 'merge' | 'replace';
  reason: string;
  /** The stored last bar, for incremental plans. */
  tail: StoredTail | null;
  /** The stored ticker row (name, exchange, ...), when there is one. */
  storedInfo?: TickerInfo | null;
  /** The fetch state before this run. */
  state: FetchState | null;
}

/** The reason of a whole refetch planned because of missing days. */
export const MISSING_DAYS_REASON = 'missing days inside the stored range';

/** Reads a fetch state's meta as FetchMeta, ignoring fields of the wrong type. */
export function fetchMetaOf(state: FetchState | null): FetchMeta {
  const m = state?.meta ?? {};
  const out: FetchMeta = {};
  if (typeof m.historyFrom === 'number' || m.historyFrom === null) out.historyFrom = m.historyFrom as number | null;
  if (m.gapsRefetched === true) out.gapsRefetched = true;
  return out;
}

/**
 * Decides what to ask the source for one ticker: nothing when it is fresh, the days since the last stored
 * one when it is stored, its whole history when it is new. The last stored day is requested again on
 * purpose: comparing it with the answer reveals a new split or dividend re-adjustment
 * (see `findRestatement`), after which appending would mix two adjustment bases.
 */
export async function planTickerFetch(
  store: Store,
  source: string,
  symbol: string,
  options: PlanOptions,
): Promise<FetchPlan> {
  const state = await store.fetchState.get(symbol, source);
  const meta = fetchMetaOf(state);
  if (!options.forceRefresh && state?.lastSuccessAt) {
    const age = options.now.getTime() - state.lastSuccessAt.getTime();
    if (age < options.maxAgeMs) {
      return { symbol, action: 'skip', reason: `fresh: fetched ${formatAge(age)} ago` };
    }
  }
  const { tail, info: storedInfo } = await readStored(store, symbol);
  if (!tail) {
    return {
      symbol,
      action: 'fetch',
      kind: 'new',
      from: options.from,
      mode: 'merge',
      reason: 'not stored',
      tail,
      state,
      storedInfo,
    };
  }
  const full = (reason: string, mode: 'merge' | 'replace'): RequestPlan => ({
    symbol,
    action: 'fetch',
    kind: 'full',
    from: options.from ?? ((meta.historyFrom ?? undefined) as EpochDay | undefined),
    mode,
    reason,
    tail,
    state,
    storedInfo,
  });
  if (options.from !== undefined && typeof meta.historyFrom === 'number' && options.from < meta.historyFrom) {
    return full('history requested from an earlier date', 'merge');
  }
  if (options.refetchGaps && !meta.gapsRefetched && state?.flags.some((f) => f.kind === 'missing-days')) {
    return full(MISSING_DAYS_REASON, 'merge');
  }
  return {
    symbol,
    action: 'fetch',
    kind: 'incremental',
    from: tail.date,
    mode: 'merge',
    reason: 'update from the last stored day',
    tail,
    state,
    storedInfo,
  };
}

/**
 * The plan for refetching a ticker's whole history after an incremental answer showed a restatement; it
 * replaces what is stored, because every earlier adjusted price changed.
 */
export function fullReplacePlan(plan: RequestPlan, reason: string, from?: EpochDay): RequestPlan {
  const historyFrom = fetchMetaOf(plan.state).historyFrom;
  return {
    ...plan,
    kind: 'full',
    from: from ?? ((historyFrom ?? undefined) as EpochDay | undefined),
    mode: 'replace',
    reason,
  };
}

/** Relative difference above which two prices of the same day are different prices, not float noise. */
const RESTATEMENT_TOLERANCE = 1e-6;

/**
 * Why an incremental answer cannot simply be appended, or null when it can:
 * - a split in the answer that is not stored: every earlier split-adjusted price changed;
 * - the adjusted/unadjusted ratio of the last stored day changed: a dividend went ex and the source
 *   re-adjusted the whole history. The ratio (not the close itself) is compared, so a last bar stored
 *   while the day was still trading, whose close moves until the bell, is an update and not a restatement;
 * - the answer has bars but not the last stored day: the overlap cannot be checked.
 */
export function findRestatement(
  tail: StoredTail,
  answer: Pick<SourceHistory, 'bars' | 'splits'>,
  storedSplitDays: ReadonlySet<number>,
): string | null {
  for (const s of answer.splits) {
    if (!storedSplitDays.has(s.date)) return `new split ${s.numerator}:${s.denominator} on day ${s.date}`;
  }
  const dates = answer.bars.dates;
  if (dates.length === 0) return null;
  let i = -1;
  for (let k = 0; k < dates.length && dates[k] <= tail.date; k++) if (dates[k] === tail.date) i = k;
  if (i === -1) return `the answer lacks the last stored day ${tail.date}`;
  const before = tail.adjClose / tail.close;
  const after = answer.bars.adjClose[i] / answer.bars.close[i];
  if (!sameNumber(before, after)) {
    return `adjusted close of the last stored day was restated (adjClose/close ${fmt(before)} -> ${fmt(after)})`;
  }
  return null;
}

function sameNumber(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 || Math.abs(a - b) / scale <= RESTATEMENT_TOLERANCE;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(8) : String(x);
}

/**
 * The stored ticker row and its last stored bar. The row's last date finds the bar with a one-day read; a
 * row whose last date is null has no bars yet; a store that does not keep the date (undefined) has the
 * series read once. No row means nothing stored.
 */
async function readStored(store: Store, symbol: string): Promise<{ tail: StoredTail | null; info: TickerInfo | null }> {
  const info = await store.tickers.get(symbol);
  if (!info) return { tail: null, info: null };
  // A row added from a universe list before any bars were written: nothing stored to read.
  if (info.lastDate === null) return { tail: null, info };
  const series =
    info.lastDate === undefined
      ? await store.bars.read(symbol)
      : await store.bars.read(symbol, { from: info.lastDate });
  if (!series || series.dates.length === 0) return { tail: null, info };
  const i = series.dates.length - 1;
  return { tail: { date: series.dates[i] as EpochDay, close: series.close[i], adjClose: series.adjClose[i] }, info };
}

/**
 * The fields of a source's ticker info that would change the stored row, or undefined when none would: a
 * daily update brings the same name, exchange, currency and type every day, and skipping the unchanged
 * upsert is one statement less per ticker in the write that holds up the event loop.
 */
export function changedInfo(
  stored: TickerInfo | null | undefined,
  fetched: Omit<TickerInfo, 'symbol'>,
): Omit<TickerInfo, 'symbol'> | undefined {
  if (!stored) return fetched;
  for (const key of Object.keys(fetched) as (keyof typeof fetched)[]) {
    const value = fetched[key];
    // The store keeps a stored value where the source sends none (null), so null never changes it.
    if (value !== null && value !== undefined && value !== stored[key]) return fetched;
  }
  return undefined;
}

function formatAge(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}
