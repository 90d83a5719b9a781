import type { FetchState } from '../domain/fetch-state.js';
import type { QualityFlag } from './store.js';
import { fromJson, fromMs } from './store-values.js';

/** A fetch state's columns, as every adapter keeps them. */
export interface FetchStateRow {
  symbol: string;
  source: string;
  last_success_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  bars: number;
  flags: string;
  meta: string;
}

export function fetchStateFromRow(r: FetchStateRow): FetchState {
  return {
    symbol: r.symbol,
    source: r.source,
    lastSuccessAt: fromMs(r.last_success_at),
    lastAttemptAt: fromMs(r.last_attempt_at),
    lastError: r.last_error,
    bars: r.bars,
    flags: fromJson<QualityFlag[]>(r.flags, []),
    meta: fromJson<Record<string, unknown>>(r.meta, {}),
  };
}
