import type { Migration } from './migration.js';

/**
 * A rejected row is one fact (this line of this file is bad for this reason): importing the same file again
 * must not list it twice. Existing duplicates are folded into their oldest row first.
 */
export const migration007RejectsUnique: Migration = {
  version: 7,
  name: 'rejects-unique',
  up(db) {
    db.exec(`
      DELETE FROM rejects WHERE id NOT IN (SELECT min(id) FROM rejects GROUP BY source, location, reason);
      CREATE UNIQUE INDEX rejects_once ON rejects (source, location, reason);
    `);
  },
};
