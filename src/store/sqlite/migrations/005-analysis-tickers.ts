import type { Migration } from './migration.js';

/**
 * Cheaper incremental writes, which rewrite every ticker's row each day: a ticker's screener row and its
 * analysis state share one row (analysis_tickers), so a run does one upsert per ticker instead of two;
 * signals appended by incremental runs go to plain rows (signals_recent) instead of rewriting the year
 * blob; and the signals year index drops last_date, which appends changed. Existing rows and states are
 * carried over, so the next run stays incremental.
 */
export const migration005AnalysisTickers: Migration = {
  version: 5,
  name: 'analysis-tickers',
  up(db) {
    db.exec(`
      CREATE TABLE analysis_tickers (
        symbol      TEXT PRIMARY KEY,
        row_date    INTEGER,
        row         TEXT,
        bar_version INTEGER,
        last_date   INTEGER,
        state       BLOB
      );
      INSERT INTO analysis_tickers (symbol, row_date, row) SELECT symbol, date, row FROM screener_rows;
      INSERT INTO analysis_tickers (symbol, bar_version, last_date, state)
        SELECT symbol, bar_version, last_date, state FROM analysis_state WHERE true
        ON CONFLICT (symbol) DO UPDATE SET
          bar_version = excluded.bar_version, last_date = excluded.last_date, state = excluded.state;
      DROP TABLE screener_rows;
      DROP TABLE analysis_state;

      DROP INDEX signals_year;
      CREATE INDEX signals_year ON signals(year);

      -- Signals appended by incremental runs after a ticker's yearly blobs: a row each, so a daily run
      -- inserts a few thousand small rows instead of rewriting a year blob per ticker. A full run of the
      -- ticker folds them back into the blobs.
      CREATE TABLE signals_recent (
        symbol TEXT NOT NULL,
        date   INTEGER NOT NULL,
        kind   INTEGER NOT NULL,
        value  REAL NOT NULL
      );
      CREATE INDEX signals_recent_symbol ON signals_recent(symbol, date);
      CREATE INDEX signals_recent_date ON signals_recent(date);
    `);
  },
};
