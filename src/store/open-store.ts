import type { Config } from '../config/index.js';
import { isPostgresUrl } from './postgres/pg-db.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { timeStoreCalls } from './store-call-timings.js';

/**
 * Opens the configured store: the embedded SQLite file by default, a PostgreSQL server when `db` is a
 * postgres:// URL (`--db` or DATABASE_URL); `readOnly` for commands that only read. The only module that
 * knows the adapters: everything else sees the Store port.
 * A writable store times its calls, for the slowest ones on the health page (see timeStoreCalls).
 */
export async function openStore(config: Pick<Config, 'db'>, options: { readOnly?: boolean } = {}): Promise<Store> {
  const store = isPostgresUrl(config.db)
    ? await PostgresStore.open(config.db, { readOnly: options.readOnly })
    : await SqliteStore.open(config.db, { readOnly: options.readOnly });
  return options.readOnly ? store : timeStoreCalls(store);
}
