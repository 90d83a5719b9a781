import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { yearOfDay } from '../../domain/epoch-day.js';
import { bytesToInt32 } from '../bar-codec.js';
import type { DatabaseHealth, DiagnosticsRepo } from '../store.js';

/**
 * Facts about the SQLite file for coverage and health: bar counts per ticker and year from the year rows'
 * `n` (the tail's few dates decoded), sizes from the file system, and row counts per table.
 */
export class SqliteDiagnosticsRepo implements DiagnosticsRepo {
  private readonly yearRows: Database.Statement<[], [string, number, number]>;
  private readonly tailRows: Database.Statement<[], [string, number, Buffer]>;
  private readonly tables: Database.Statement<[], [string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly location: string,
  ) {
    this.yearRows = db
      .prepare<[], [string, number, number]>(
        'SELECT t.symbol, b.year, b.n FROM tickers t CROSS JOIN bars b ON b.ticker_id = t.id',
      )
      .raw();
    // A tail blob starts with its dates (see bar-codec): only those are read.
    this.tailRows = db
      .prepare<[], [string, number, Buffer]>(
        'SELECT t.symbol, x.n, substr(x.data, 1, x.n * 4) FROM tickers t CROSS JOIN bar_tail x ON x.ticker_id = t.id',
      )
      .raw();
    this.tables = db
      .prepare<[], [string]>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .raw();
  }

  async barCountsByYear(): Promise<Map<string, Map<number, number>>> {
    const out = new Map<string, Map<number, number>>();
    const of = (symbol: string) => {
      let m = out.get(symbol);
      if (!m) out.set(symbol, (m = new Map()));
      return m;
    };
    for (const [symbol, year, n] of this.yearRows.iterate()) {
      const m = of(symbol);
      m.set(year, (m.get(year) ?? 0) + n);
    }
    for (const [symbol, n, dates] of this.tailRows.iterate()) {
      const m = of(symbol);
      for (const d of bytesToInt32(dates, 0, n)) {
        const year = yearOfDay(d);
        m.set(year, (m.get(year) ?? 0) + 1);
      }
    }
    return out;
  }

  async databaseHealth(): Promise<DatabaseHealth> {
    const rowCounts: Record<string, number> = {};
    for (const [name] of this.tables.all()) {
      // Table names come from sqlite_master, quoted as identifiers; a count cannot take them as parameters.
      const row = this.db
        .prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)
        .raw()
        .get() as [number];
      rowCounts[name] = row[0];
    }
    if (this.location === ':memory:') {
      const pages = this.db.pragma('page_count', { simple: true }) as number;
      return { sizeBytes: pages * (this.db.pragma('page_size', { simple: true }) as number), walBytes: 0, rowCounts };
    }
    return { sizeBytes: fileSize(this.location), walBytes: fileSize(`${this.location}-wal`), rowCounts };
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // No WAL file between checkpoints (or in rollback-journal mode).
    return 0;
  }
}
