import type { Config } from '../config/index.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Opens the configured store: the embedded SQLite file by default. */
export async function openStore(config: Pick<Config, 'db'>): Promise<Store> {
  return SqliteStore.open(config.db);
}
