import type { AnalysisState } from './store.js';

/** A ticker's analysis state columns, as every adapter keeps them. */
export interface AnalysisStateRow {
  symbol: string;
  bar_version: number;
  last_date: number;
  state: Buffer | null;
}

export function analysisStateFromRow(r: AnalysisStateRow): AnalysisState {
  return {
    symbol: r.symbol,
    barVersion: r.bar_version,
    lastDate: r.last_date,
    state: r.state === null ? null : new Uint8Array(r.state),
  };
}
