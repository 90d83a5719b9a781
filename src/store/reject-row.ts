import type { RejectRow } from './store.js';

/** A reject's columns, as every adapter keeps them. */
export interface RejectDbRow {
  id: number;
  source: string;
  location: string;
  symbol: string | null;
  reason: string;
  raw: string;
  created_at: number;
}

export function rejectFromRow(r: RejectDbRow): RejectRow & { id: number; createdAt: Date } {
  return {
    id: r.id,
    source: r.source,
    location: r.location,
    symbol: r.symbol,
    reason: r.reason,
    raw: r.raw,
    createdAt: new Date(r.created_at),
  };
}
