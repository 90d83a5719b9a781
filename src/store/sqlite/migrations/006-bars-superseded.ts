import type { Migration } from './migration.js';

/**
 * A ticker's bars as they were before a write rewrote its history (a split re-adjusting every price, a data
 * correction): the breadth counters of an incremental analysis still hold that history's contribution and
 * need it to take it out again. One row per ticker, the oldest history not yet analysed; the analysis run
 * that accounts for it deletes the row when it commits.
 */
export const migration006BarsSuperseded: Migration = {
  version: 6,
  name: 'bars-superseded',
  up(db) {
    db.exec(`
      CREATE TABLE bars_superseded (
        symbol        TEXT PRIMARY KEY,
        -- bar_version of the ticker when this history was stored (before the write that replaced it)
        bar_version   INTEGER NOT NULL,
        n             INTEGER NOT NULL,
        data          BLOB NOT NULL,
        superseded_at TEXT NOT NULL
      );
    `);
  },
};
