import type Database from 'better-sqlite3';
import { checkMigrationOrder, checkNotNewer } from '../../schema-version.js';
import type { Migration } from './migration.js';

/**
 * Brings the file up to the newest schema. The version lives in PRAGMA user_version (in the file header,
 * so it commits with the migration's own changes); each pending step runs in its own transaction.
 * Returns the schema version the file is at afterwards.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], location: string): number {
  checkMigrationOrder(migrations);
  const latest = migrations.length;
  let current = db.pragma('user_version', { simple: true }) as number;
  checkNotNewer(current, latest, location);
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      // Another process may have migrated while this one waited for the write lock.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      m.up(db);
      // user_version takes no bound parameter; the value is an integer we control.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    current = m.version;
  }
  return current;
}
