import type { Migration } from './migration.js';

/**
 * Which process runs a job (host:pid). Without it a one-shot command starting up could not tell a job
 * left behind by a crashed process from one that a live scheduler or server is running right now.
 */
export const migration003JobOwner: Migration = {
  version: 3,
  name: 'job-owner',
  up(db) {
    db.exec('ALTER TABLE job_runs ADD COLUMN owner TEXT');
  },
};
