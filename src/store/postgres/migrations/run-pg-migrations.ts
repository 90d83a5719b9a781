import { checkMigrationOrder, checkNotNewer } from '../../schema-version.js';
import type { PgDb } from '../pg-db.js';
import type { PgMigration } from './pg-migration.js';

/** Any fixed number: the advisory lock that makes two processes starting at once migrate one after the other. */
const MIGRATION_LOCK = 7_301_914;

/**
 * Brings the database up to the newest schema; returns the version it is at afterwards. The version lives
 * in marketdeck_schema, written in the same transaction as each step, under an advisory lock held for the
 * whole run so a second process waits and then finds nothing left to do.
 */
export async function runPgMigrations(db: PgDb, migrations: readonly PgMigration[], location: string): Promise<number> {
  checkMigrationOrder(migrations);
  const latest = migrations.length;
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS marketdeck_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT max(version) AS version FROM marketdeck_schema');
    let current = rows[0]?.version ?? 0;
    checkNotNewer(current, latest, location);
    for (const m of migrations.slice(current)) {
      await client.query('BEGIN');
      try {
        await m.up(client);
        await client.query('INSERT INTO marketdeck_schema (version) VALUES ($1)', [m.version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) of ${location} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      current = m.version;
    }
    return current;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
