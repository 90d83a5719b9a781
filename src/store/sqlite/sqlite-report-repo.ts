import type Database from 'better-sqlite3';
import type { TickerReport } from '../../domain/analyst-report.js';
import { reportFromRow as fromRow, type ReportRow } from '../report-row.js';
import type { ReportRepo } from '../store.js';
import { toJson, toMs } from '../store-values.js';
import { immediateTransaction } from './immediate-transaction.js';

/** The prepared statements behind SqliteReportRepo, made on first use. */
class ReportStatements implements ReportRepo {
  private readonly addTx: (reports: readonly TickerReport[]) => void;
  private readonly latestStmt: Database.Statement<[], ReportRow>;
  private readonly forSymbolStmt: Database.Statement<[string, number], ReportRow>;

  constructor(db: Database.Database) {
    const insert = db.prepare(`
      INSERT INTO reports (run_id, symbol, analyst, verdict, reasons, summary, facts, created_at)
      VALUES (@runId, @symbol, @analyst, @verdict, @reasons, @summary, @facts, @createdAt)`);
    this.addTx = immediateTransaction(db, (reports: readonly TickerReport[]) => {
      for (const r of reports) {
        insert.run({
          runId: r.runId,
          symbol: r.symbol,
          analyst: r.analyst,
          verdict: r.verdict,
          reasons: toJson(r.reasons, 'report reasons'),
          summary: r.summary,
          facts: toJson(r.facts, 'report facts'),
          createdAt: toMs(r.createdAt),
        });
      }
    });
    // The newest per symbol; the larger id breaks a tie of two reports written in one millisecond.
    this.latestStmt = db.prepare(`
      SELECT r.* FROM reports r
      WHERE r.id = (SELECT id FROM reports x WHERE x.symbol = r.symbol ORDER BY created_at DESC, id DESC LIMIT 1)
      ORDER BY r.symbol`);
    this.forSymbolStmt = db.prepare('SELECT * FROM reports WHERE symbol = ? ORDER BY created_at DESC, id DESC LIMIT ?');
  }

  async add(reports: readonly TickerReport[]): Promise<void> {
    this.addTx(reports);
  }

  async latest(symbols?: readonly string[]): Promise<TickerReport[]> {
    const rows = this.latestStmt.all().map(fromRow);
    if (!symbols) return rows;
    const wanted = new Set(symbols);
    return rows.filter((r) => wanted.has(r.symbol));
  }

  async forSymbol(symbol: string, limit = 20): Promise<TickerReport[]> {
    return this.forSymbolStmt.all(symbol, limit).map(fromRow);
  }
}

/**
 * Deep-analysis reports in the SQLite file. Its statements are prepared on first use: the tables arrive with
 * migration 8, and a store opened at an older schema (a migration test building an old file) never touches them.
 */
export class SqliteReportRepo implements ReportRepo {
  private statements?: ReportStatements;

  constructor(private readonly db: Database.Database) {}

  private get s(): ReportStatements {
    this.statements ??= new ReportStatements(this.db);
    return this.statements;
  }

  add(reports: readonly TickerReport[]): Promise<void> {
    return this.s.add(reports);
  }

  latest(symbols?: readonly string[]): Promise<TickerReport[]> {
    return this.s.latest(symbols);
  }

  forSymbol(symbol: string, limit?: number): Promise<TickerReport[]> {
    return this.s.forSymbol(symbol, limit);
  }
}
