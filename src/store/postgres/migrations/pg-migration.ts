import type { Sql } from '../pg-db.js';

/** One step of the PostgreSQL schema; versions run 1, 2, 3 ... and each step runs in its own transaction. */
export interface PgMigration {
  version: number;
  name: string;
  up(sql: Sql): Promise<void>;
}
