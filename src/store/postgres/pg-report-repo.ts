import type { TickerReport } from '../../domain/analyst-report.js';
import { type ReportRow, reportFromRow } from '../report-row.js';
import type { ReportRepo } from '../store.js';
import { toJson, toMs } from '../store-values.js';
import type { PgDb } from './pg-db.js';

export class PgReportRepo implements ReportRepo {
  constructor(private readonly db: PgDb) {}

  async add(reports: readonly TickerReport[]): Promise<void> {
    if (reports.length === 0) return;
    await this.db.query(
      `INSERT INTO reports (run_id, symbol, analyst, verdict, reasons, summary, facts, created_at)
       SELECT r, s, a, v, re, su, f, c
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[])
         WITH ORDINALITY AS x(r, s, a, v, re, su, f, c, o)
       ORDER BY o`,
      [
        reports.map((r) => r.runId),
        reports.map((r) => r.symbol),
        reports.map((r) => r.analyst),
        reports.map((r) => r.verdict),
        reports.map((r) => toJson(r.reasons, 'report reasons')),
        reports.map((r) => r.summary),
        reports.map((r) => toJson(r.facts, 'report facts')),
        reports.map((r) => toMs(r.createdAt)),
      ],
    );
  }

  /** The newest per symbol; the larger id breaks a tie of two reports written in one millisecond. */
  async latest(symbols?: readonly string[]): Promise<TickerReport[]> {
    const { rows } = await this.db.query<ReportRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (symbol) * FROM reports
         WHERE $1::text[] IS NULL OR symbol = ANY($1::text[])
         ORDER BY symbol, created_at DESC, id DESC) r
       ORDER BY symbol COLLATE "C"`,
      [symbols ? [...symbols] : null],
    );
    return rows.map(reportFromRow);
  }

  async forSymbol(symbol: string, limit = 20): Promise<TickerReport[]> {
    const { rows } = await this.db.query<ReportRow>(
      'SELECT * FROM reports WHERE symbol = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [symbol, limit],
    );
    return rows.map(reportFromRow);
  }
}
