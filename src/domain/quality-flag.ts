import type { EpochDay } from './epoch-day.js';

/** What can be wrong with a ticker's data; found on import or fetch, flagged, never silently altered. */
export type QualityFlagKind =
  | 'suspicious-jump'
  | 'missing-days'
  | 'zero-volume'
  | 'inconsistent-high-low'
  | 'stale-prices'
  | 'negative-or-zero-price'
  /** Stored bars a whole-history refetch did not cover, kept (and re-adjusted for a new split). */
  | 'kept-history';

export interface QualityFlag {
  kind: QualityFlagKind;
  date?: EpochDay | null;
  detail: string;
}
