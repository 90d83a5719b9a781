import type { TickerReport, Verdict } from '../domain/analyst-report.js';
import { fromJson } from './store-values.js';

/** A report's columns, as every adapter keeps them. */
export interface ReportRow {
  run_id: string;
  symbol: string;
  analyst: string;
  verdict: Verdict;
  reasons: string;
  summary: string;
  facts: string;
  created_at: number;
}

export function reportFromRow(r: ReportRow): TickerReport {
  return {
    symbol: r.symbol,
    runId: r.run_id,
    analyst: r.analyst,
    verdict: r.verdict,
    reasons: fromJson<string[]>(r.reasons, []),
    summary: r.summary,
    facts: fromJson<Record<string, unknown>>(r.facts, {}),
    createdAt: new Date(r.created_at),
  };
}
