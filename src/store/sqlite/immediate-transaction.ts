import type Database from 'better-sqlite3';

/**
 * Wraps a write in BEGIN IMMEDIATE. A deferred transaction that reads first and writes later cannot wait
 * for another process's commit (SQLite answers SQLITE_BUSY_SNAPSHOT at once, busy timeout or not);
 * taking the write lock up front makes it wait its turn instead. Nested calls become savepoints.
 */
export function immediateTransaction<A extends unknown[], R>(
  db: Database.Database,
  fn: (...args: A) => R,
): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => tx.immediate(...args);
}
