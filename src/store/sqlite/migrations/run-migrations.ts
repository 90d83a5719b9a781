import type Database from 'better-sqlite3';
import type { Migration } from './migration.js';

/**
 * Brings the file up to the newest schema. The version lives in PRAGMA user_version (in the file header,
 * so it commits with the migration's own changes); each pending step runs in its own transaction.
 * Returns the schema version the file is at afterwards.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], location: string): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions run 1, 2, 3 ...)`);
    }
  });
  const latest = migrations.length;
  let current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new Error(
      `database ${location} is at schema version ${current}, newer than this marketdeck knows (${latest}); upgrade marketdeck`,
    );
  }
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
