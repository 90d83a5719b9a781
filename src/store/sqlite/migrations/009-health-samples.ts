import type { Migration } from './migration.js';

/**
 * System and database health, sampled by the scheduler once a minute and kept for a week: one row per
 * sample, its figures as JSON so a new figure needs no schema step.
 */
export const migration009HealthSamples: Migration = {
  version: 9,
  name: 'health-samples',
  up(db) {
    db.exec(`
      CREATE TABLE health_samples (
        at     INTEGER PRIMARY KEY,
        values_json TEXT NOT NULL
      );
    `);
  },
};
