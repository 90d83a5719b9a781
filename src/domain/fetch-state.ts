import type { QualityFlag } from './quality-flag.js';

/**
 * What the last fetches of one ticker from one source left behind: when they succeeded or failed, what they
 * stored and what the source looked like then, so the next fetch plans only what changed.
 */
export interface FetchState {
  symbol: string;
  source: string;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  /** Bars stored from this source in the last successful fetch. */
  bars: number;
  flags: QualityFlag[];
  /** Free-form per-source memory (for example the last adjusted close seen, to detect re-adjustment). */
  meta: Record<string, unknown>;
}
