import type { Migration } from './migration.js';

/**
 * The latest quote per symbol (Yahoo's v7 quote): what the screener shows besides the bars' indicators.
 * Keyed by symbol, not ticker id, like fetch_state: a quote may arrive for a symbol whose history is not
 * stored (yet). fetched_at is epoch ms; it decides whether the next fetch run asks again.
 */
export const migration004Quotes: Migration = {
  version: 4,
  name: 'quotes',
  up(db) {
    db.exec(`
      CREATE TABLE quotes (
        symbol             TEXT PRIMARY KEY,
        name               TEXT,
        exchange           TEXT,
        currency           TEXT,
        quote_type         TEXT,
        price              REAL,
        market_cap         REAL,
        trailing_pe        REAL,
        forward_pe         REAL,
        eps                REAL,
        -- a fraction: 0.0041 = 0.41 %
        dividend_yield     REAL,
        fifty_two_week_high REAL,
        fifty_two_week_low REAL,
        average_volume     REAL,
        shares_outstanding REAL,
        fetched_at         INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
