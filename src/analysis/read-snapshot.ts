import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';

/**
 * Runs `fn`'s reads in one read transaction when the store is the SQLite file: a batch of tickers is read
 * from one snapshot, taking the file's shared lock once instead of once per ticker. Other stores read as
 * they always do. `fn` must not write.
 */
export async function inReadSnapshot<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (!(store instanceof SqliteStore) || store.db.inTransaction) return fn();
  store.db.exec('BEGIN');
  try {
    return await fn();
  } finally {
    store.db.exec('COMMIT');
  }
}
