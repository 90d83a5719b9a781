import { pgMigration001Foundation } from './001-foundation.js';
import type { PgMigration } from './pg-migration.js';

export type { PgMigration } from './pg-migration.js';
export { runPgMigrations } from './run-pg-migrations.js';

/** Every schema step of the PostgreSQL store, in order. */
export const PG_MIGRATIONS: readonly PgMigration[] = [pgMigration001Foundation];
