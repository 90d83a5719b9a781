import type Database from 'better-sqlite3';
import { type RejectDbRow, rejectFromRow } from '../reject-row.js';
import type { RejectRepo, RejectRow } from '../store.js';
import { immediateTransaction } from './immediate-transaction.js';

/** Input lines and responses that could not be used, kept so the user can see why and fix them. */
export class SqliteRejectRepo implements RejectRepo {
  private readonly addTx: (rows: readonly RejectRow[]) => void;
  private readonly countStmt: Database.Statement<[], number>;
  private readonly listStmt: Database.Statement<[number], RejectDbRow>;

  constructor(private readonly db: Database.Database) {
    const put = db.prepare<[string, string, string | null, string, string, number]>(
      // Re-importing a file reports its bad rows again; the table keeps each (file:line, reason) once.
      'INSERT OR IGNORE INTO rejects (source, location, symbol, reason, raw, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.addTx = immediateTransaction(db, (rows: readonly RejectRow[]) => {
      const now = Date.now();
      for (const r of rows) put.run(r.source, r.location, r.symbol ?? null, r.reason, r.raw, now);
    });
    this.countStmt = db.prepare<[], number>('SELECT count(*) FROM rejects').pluck();
    this.listStmt = db.prepare('SELECT * FROM rejects ORDER BY id DESC LIMIT ?');
  }

  async add(rows: readonly RejectRow[]): Promise<void> {
    this.addTx(rows);
  }

  async count(): Promise<number> {
    return this.countStmt.get() ?? 0;
  }

  /** Newest first. */
  async list(
    limit = 100,
    filter: { files?: readonly string[] } = {},
  ): Promise<(RejectRow & { id: number; createdAt: Date })[]> {
    const files = filter.files ?? [];
    // An import's location is file:line, so a file's rows are those whose location starts with "file:".
    const rows =
      files.length === 0
        ? this.listStmt.all(limit)
        : (this.db
            .prepare(
              `SELECT * FROM rejects WHERE ${files.map(() => 'substr(location, 1, ?) = ?').join(' OR ')} ORDER BY id DESC LIMIT ?`,
            )
            .all(...files.flatMap((f) => [f.length + 1, `${f}:`]), limit) as RejectDbRow[]);
    return rows.map(rejectFromRow);
  }
}
