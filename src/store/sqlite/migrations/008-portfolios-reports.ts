import type { Migration } from './migration.js';

/**
 * Named portfolios (their transactions, position keeping a file's order within a day) and the deep
 * analysis reports per ticker and run, the newest of each ticker found through (symbol, created_at).
 */
export const migration008PortfoliosReports: Migration = {
  version: 8,
  name: 'portfolios-reports',
  up(db) {
    db.exec(`
      CREATE TABLE portfolios (
        name TEXT PRIMARY KEY,
        base_currency TEXT NOT NULL,
        source TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE portfolio_transactions (
        portfolio TEXT NOT NULL REFERENCES portfolios (name) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        date INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('buy', 'sell', 'dividend', 'split')),
        quantity REAL NOT NULL,
        price REAL NOT NULL,
        fees REAL NOT NULL,
        currency TEXT NOT NULL,
        PRIMARY KEY (portfolio, position)
      );
      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        analyst TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reasons TEXT NOT NULL,
        summary TEXT NOT NULL,
        facts TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX reports_by_symbol ON reports (symbol, created_at);
    `);
  },
};
