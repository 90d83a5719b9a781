import type { Migration } from './migration.js';

/**
 * What the analysis engine leaves for the pages. Large series are columnar blobs, like the bars:
 * - screener_rows: one JSON row per ticker (the screener reads them all at once);
 * - signals: one row per ticker and calendar year holding that year's signals as columns (dates Int32 LE,
 *   kind codes Uint8, values Float64 LE). A whole-market history has millions of signals: one SQLite row
 *   each would cost seconds to write, while an incremental run only rewrites the current year's row;
 * - breadth: one row per universe and scope, every field a Float64 LE column, names listed in `fields`;
 * - breadth_state: the per-day counters an incremental run adds to (opaque to SQL);
 * - analysis_state: per ticker, the bar version analysed and the resumable indicator state.
 */
export const migration002Analysis: Migration = {
  version: 2,
  name: 'analysis',
  up(db) {
    db.exec(`
      CREATE TABLE screener_rows (
        symbol TEXT PRIMARY KEY,
        date   INTEGER NOT NULL,
        row    TEXT NOT NULL
      );

      CREATE TABLE signals (
        symbol     TEXT NOT NULL,
        year       INTEGER NOT NULL,
        n          INTEGER NOT NULL,
        first_date INTEGER NOT NULL,
        last_date  INTEGER NOT NULL,
        dates      BLOB NOT NULL,
        kinds      BLOB NOT NULL,
        vals       BLOB NOT NULL,
        PRIMARY KEY (symbol, year)
      );
      CREATE INDEX signals_year ON signals(year, last_date);

      CREATE TABLE breadth (
        universe   TEXT NOT NULL,
        scope      TEXT NOT NULL,
        n          INTEGER NOT NULL,
        first_date INTEGER,
        last_date  INTEGER,
        dates      BLOB NOT NULL,
        fields     TEXT NOT NULL,
        data       BLOB NOT NULL,
        PRIMARY KEY (universe, scope)
      );

      CREATE TABLE breadth_state (
        universe   TEXT PRIMARY KEY,
        state      BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE analysis_state (
        symbol      TEXT PRIMARY KEY,
        bar_version INTEGER NOT NULL,
        last_date   INTEGER NOT NULL,
        state       BLOB
      );
    `);
  },
};
