import type { Migration } from './migration.js';

/**
 * The foundation schema. Times are epoch milliseconds (INTEGER), exchange dates are EpochDay numbers,
 * JSON columns are TEXT. Bars are columnar: one row per ticker and calendar year holding the year's bars
 * as one little-endian blob, so loading the market reads ~10 rows per ticker instead of ~2,500, and a
 * daily update rewrites only the current year.
 */
export const migration001Foundation: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE tickers (
        id          INTEGER PRIMARY KEY,
        symbol      TEXT NOT NULL UNIQUE,
        name        TEXT,
        exchange    TEXT,
        currency    TEXT,
        type        TEXT,
        sector      TEXT,
        industry    TEXT,
        market_cap  REAL,
        first_date  INTEGER,
        last_date   INTEGER,
        -- kept in step with the bars rows by every bar write, so stats and totals need no blob reads
        bar_count   INTEGER NOT NULL DEFAULT 0,
        -- bumped by every write that changes bars; analysis compares it to find changed tickers
        bar_version INTEGER NOT NULL DEFAULT 0
      );

      -- One row per ticker and calendar year; data = the chunk blob of src/store/bar-codec.ts
      -- (dates Int32 LE padded to 8 bytes, then open/high/low/close/adj_close/volume Float64 LE, n each).
      CREATE TABLE bars (
        id        INTEGER PRIMARY KEY,
        ticker_id INTEGER NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        year      INTEGER NOT NULL,
        n         INTEGER NOT NULL,
        data      BLOB NOT NULL,
        UNIQUE (ticker_id, year)
      );

      -- The newest bars of a ticker (later than every bars row), kept apart so the daily update rewrites
      -- a few hundred bytes instead of the whole year; folded into the year rows after a few weeks.
      CREATE TABLE bar_tail (
        ticker_id INTEGER PRIMARY KEY REFERENCES tickers(id) ON DELETE CASCADE,
        n         INTEGER NOT NULL,
        data      BLOB NOT NULL
      );

      CREATE TABLE dividends (
        ticker_id INTEGER NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        date      INTEGER NOT NULL,
        amount    REAL NOT NULL,
        PRIMARY KEY (ticker_id, date)
      ) WITHOUT ROWID;

      CREATE TABLE splits (
        ticker_id   INTEGER NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        date        INTEGER NOT NULL,
        numerator   REAL NOT NULL,
        denominator REAL NOT NULL,
        PRIMARY KEY (ticker_id, date)
      ) WITHOUT ROWID;

      -- keyed by symbol, not ticker id: a symbol that never fetched successfully still has a state
      CREATE TABLE fetch_state (
        symbol          TEXT NOT NULL,
        source          TEXT NOT NULL,
        last_success_at INTEGER,
        last_attempt_at INTEGER,
        last_error      TEXT,
        bars            INTEGER NOT NULL DEFAULT 0,
        flags           TEXT NOT NULL DEFAULT '[]',
        meta            TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (symbol, source)
      ) WITHOUT ROWID;

      CREATE TABLE universes (
        name        TEXT PRIMARY KEY,
        description TEXT,
        updated_at  INTEGER NOT NULL
      );

      -- members may name tickers not fetched yet, so no foreign key to tickers
      CREATE TABLE universe_members (
        universe  TEXT NOT NULL REFERENCES universes(name) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        symbol    TEXT NOT NULL,
        from_date INTEGER,
        to_date   INTEGER,
        PRIMARY KEY (universe, position)
      ) WITHOUT ROWID;
      CREATE INDEX universe_members_symbol ON universe_members(symbol);

      CREATE TABLE rejects (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        source     TEXT NOT NULL,
        location   TEXT NOT NULL,
        symbol     TEXT,
        reason     TEXT NOT NULL,
        raw        TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE dashboard_cache (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        bytes      INTEGER NOT NULL
      );

      CREATE TABLE job_runs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        params      TEXT NOT NULL,
        status      TEXT NOT NULL,
        progress    TEXT,
        created_at  INTEGER NOT NULL,
        started_at  INTEGER,
        finished_at INTEGER,
        metrics     TEXT,
        error       TEXT
      );
      CREATE INDEX job_runs_created_at ON job_runs(created_at);
      CREATE INDEX job_runs_status ON job_runs(status);
    `);
  },
};
