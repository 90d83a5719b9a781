import type Database from 'better-sqlite3';

/**
 * One step of the SQLite schema. Versions are consecutive from 1; `up` runs inside the transaction that
 * also records the new version, so a failing step leaves the file at the previous version.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
